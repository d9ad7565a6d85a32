/**
 * did:web identifiers of a party's server (W3C did:web method): the party is `did:web:<host>` and each of its issuing
 * authorities `did:web:<host>:authorities:<id>`, where `<host>` is the server's PUBLIC_URL host with its port written
 * `%3A<port>` (and a path, if PUBLIC_URL has one, as further `:`-separated segments). A DID resolves to
 * `https://<host>/.well-known/did.json` (the party) or `https://<host>/authorities/<id>/did.json` (an authority).
 *
 * did:web requires https and a domain name (no IP address). A production server has both. The embedded demo has
 * neither: its PUBLIC_URL is http on a loopback address, so its DIDs name `localhost` (loopback addresses are written
 * as `localhost`, which a resolver on the same machine reaches) and a resolver must either allow plain http for
 * localhost (the usual development exception) or be given the local certificate the server serves with TLS_CERT_FILE.
 *
 * Authority ids are the ledger's, global across parties: the id alone names the authority. What ties a DID to the
 * ledger is `alsoKnownAs`, the ledger identifier `did:certledger:<party>:<id>`, which a credential carries too.
 */
import { CertLedgerError } from "../errors";

const LOOPBACK = new Set(["127.0.0.1", "[::1]", "::1", "localhost"]);
const SEGMENT = /^[A-Za-z0-9._~-]+$/;
// <host>(%3A<port>)?(:<segment>)* then :authorities:<id>
const AUTHORITY_DID = /^did:web:([A-Za-z0-9.-]+(?:%3A[0-9]{1,5})?(?::[A-Za-z0-9._~-]+)*):authorities:([1-9][0-9]{0,9})$/;
const WEB_DID = /^did:web:([A-Za-z0-9.-]+(?:%3A[0-9]{1,5})?(?::[A-Za-z0-9._~-]+)*)$/;

/** The method-specific part of the server's did:web (e.g. `certledger.customs.kg` or `localhost%3A8080`), from PUBLIC_URL. */
export function didWebHost(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new CertLedgerError("INVALID_CONFIG", `PUBLIC_URL ${JSON.stringify(publicUrl)} is not a URL`);
  }
  const host = LOOPBACK.has(url.hostname) ? "localhost" : url.hostname.toLowerCase();
  const port = url.port === "" ? "" : `%3A${url.port}`;
  const segments = url.pathname.split("/").filter((s) => s !== "");
  if (segments.some((s) => !SEGMENT.test(s))) {
    throw new CertLedgerError("INVALID_CONFIG", `PUBLIC_URL's path ${JSON.stringify(url.pathname)} cannot be written in a did:web`);
  }
  return [host + port, ...segments].join(":");
}

/**
 * The base URL of the server's views as its DIDs name it: PUBLIC_URL with a loopback address written `localhost`, so
 * that status list URLs sit at the host of the issuer's did:web.
 */
export function viewsBaseUrl(publicUrl: string): string {
  const url = new URL(publicUrl);
  if (LOOPBACK.has(url.hostname)) url.hostname = "localhost";
  return url.toString().replace(/\/+$/, "");
}

/** The party's DID, `did:web:<host>`. */
export function partyDid(host: string): string {
  return `did:web:${host}`;
}

/** An authority's DID, `did:web:<host>:authorities:<id>`. */
export function authorityDid(host: string, authorityId: number): string {
  return `did:web:${host}:authorities:${authorityId}`;
}

/** The DID URL of one of an authority's keys: its DID, `#`, the key's base64url RFC 7638 thumbprint. */
export function keyDidUrl(did: string, kid: string): string {
  return `${did}#${kid}`;
}

/** The host and authority id of an authority's did:web, or undefined when `did` is not one. */
export function parseAuthorityDid(did: string): { host: string; authorityId: number } | undefined {
  const match = AUTHORITY_DID.exec(did);
  if (match === null) return undefined;
  const authorityId = Number(match[2]);
  return authorityId > 2 ** 32 - 1 ? undefined : { host: match[1], authorityId };
}

/**
 * Where a did:web's DID document is, as the did:web method says: `https://` + the host (with `%3A` read as `:`) + the
 * path segments, and `/.well-known/did.json` when there are none, else `/did.json` after them. `scheme` lets a
 * development resolver use http for localhost.
 */
export function didDocumentUrl(did: string, scheme: "https" | "http" = "https"): string {
  const match = WEB_DID.exec(did);
  if (match === null) throw new CertLedgerError("INVALID_DID", `${JSON.stringify(did)} is not a did:web DID`);
  const [host, ...segments] = match[1].split(":");
  const base = `${scheme}://${host.replace("%3A", ":")}`;
  return segments.length === 0 ? `${base}/.well-known/did.json` : `${base}/${segments.join("/")}/did.json`;
}
