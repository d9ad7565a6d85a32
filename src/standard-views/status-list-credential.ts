/**
 * Status list credentials (W3C Bitstring Status List v1.0): a VC 2.0 `BitstringStatusListCredential` whose subject
 * holds one purpose's bitstring, secured as VC-JOSE like CertLedger's certificates (compact JWS, ES256, the key in the
 * header, `kid` its DID URL under the authority's did:web, `iss` the issuer). Signed with the authority's own signing
 * key, which the ledger registers for it, so a verifier trusts the list exactly as far as it trusts that key.
 */
import { z } from "zod";
import { STATUS_PURPOSES, VC_CONTEXT } from "../documents/credentials";
import { loadJose } from "../crypto/jose";
import { decodeBase64url, importP256Key, jwkThumbprint, kidToThumbprintHex, p256PrivateJwk, p256PublicJwk, type JWK } from "../crypto/keys";
import { thumbprintOfKid } from "../documents/vc-jose";
import { CertLedgerError } from "../errors";
import { keyDidUrl } from "./did-web";
import { decodeStatusList, encodeStatusList } from "./status-list-bits";

/** A status purpose: revocation or suspension. */
export type StatusPurpose = (typeof STATUS_PURPOSES)[number];

/** How long a verifier may cache a list before fetching it again, in milliseconds (the specification's `ttl`). */
export const STATUS_LIST_TTL_MS = 60_000;

/** What a status list credential says. */
export interface StatusListContent {
  /** The list's URL (the credential's id). */
  url: string;
  /** The issuing authority's DID. */
  issuer: string;
  purpose: StatusPurpose;
  bits: Uint8Array;
  validFrom: string;
}

const listCredentialSchema = z.object({
  "@context": z.array(z.string()).refine((c) => c[0] === VC_CONTEXT, `must start with ${VC_CONTEXT}`),
  id: z.string(),
  type: z.tuple([z.literal("VerifiableCredential"), z.literal("BitstringStatusListCredential")]),
  issuer: z.union([z.string(), z.object({ id: z.string() })]),
  validFrom: z.string(),
  credentialSubject: z.object({
    id: z.string(),
    type: z.literal("BitstringStatusList"),
    statusPurpose: z.enum(STATUS_PURPOSES),
    encodedList: z.string(),
    ttl: z.number().int().positive().optional(),
  }),
});

/** Signs a status list credential for `content` with the authority's key. */
export async function signStatusList(content: StatusListContent, key: { privateJwk: JWK; publicJwk: JWK; kid: string }): Promise<string> {
  const credential = {
    "@context": [VC_CONTEXT],
    id: content.url,
    type: ["VerifiableCredential", "BitstringStatusListCredential"],
    issuer: content.issuer,
    validFrom: content.validFrom,
    credentialSubject: {
      id: `${content.url}#list`,
      type: "BitstringStatusList",
      statusPurpose: content.purpose,
      encodedList: encodeStatusList(content.bits),
      ttl: STATUS_LIST_TTL_MS,
    },
  };
  const jose = await loadJose();
  const jwk = p256PublicJwk(key.publicJwk, "status list key");
  const header = { alg: "ES256", typ: "vc+jwt", cty: "vc", kid: keyDidUrl(content.issuer, key.kid), iss: content.issuer, jwk };
  const signingKey = await importP256Key(p256PrivateJwk(key.privateJwk), "ES256", "status list key");
  return new jose.CompactSign(new TextEncoder().encode(JSON.stringify(credential))).setProtectedHeader(header).sign(signingKey);
}

/**
 * Verifies a status list credential with the key in its header (whose thumbprint its `kid` must name, under the
 * issuer) and returns what it says and that key's thumbprint (0x hex): whether the ledger registers the key for the
 * authority is the caller's question. INVALID_STATUS_ENTRY names what is wrong.
 */
export async function verifyStatusList(jws: string): Promise<StatusListContent & { thumbprint: string }> {
  const bad = (why: string, cause?: unknown) => new CertLedgerError("INVALID_STATUS_ENTRY", `the status list credential ${why}`, { cause });
  const parts = typeof jws === "string" ? jws.trim().split(".") : [];
  const headerBytes = parts.length === 3 ? decodeBase64url(parts[0]) : undefined;
  if (headerBytes === undefined) throw bad("is not a compact JWS");
  let header: { alg?: unknown; kid?: unknown; iss?: unknown; jwk?: unknown };
  try {
    header = JSON.parse(new TextDecoder().decode(headerBytes)) as typeof header;
  } catch (error) {
    throw bad("has a header that is not JSON", error);
  }
  if (header.alg !== "ES256" || typeof header.kid !== "string") throw bad("is not ES256 with a kid");
  const jwk = p256PublicJwk(header.jwk, "status list key");
  const thumbprint = thumbprintOfKid(header.kid);
  if (jwkThumbprint(jwk) !== thumbprint) throw bad(`names key ${header.kid}, not the key in its header`);
  const jose = await loadJose();
  let payload: Uint8Array;
  try {
    ({ payload } = await jose.compactVerify(jws.trim(), await jose.importJWK(jwk, "ES256"), { algorithms: ["ES256"] }));
  } catch (error) {
    throw bad("signature does not verify", error);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(payload));
  } catch (error) {
    throw bad("payload is not JSON", error);
  }
  const parsed = listCredentialSchema.safeParse(json);
  if (!parsed.success)
    throw bad(`is not a BitstringStatusListCredential: ${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}`);
  const vc = parsed.data;
  const issuer = typeof vc.issuer === "string" ? vc.issuer : vc.issuer.id;
  if (header.kid.startsWith("did:") && !header.kid.startsWith(`${issuer}#`)) throw bad(`key ${header.kid} is not its issuer's (${issuer})`);
  if (header.iss !== undefined && header.iss !== issuer) throw bad(`header iss ${String(header.iss)} is not its issuer ${issuer}`);
  return {
    url: vc.id,
    issuer,
    purpose: vc.credentialSubject.statusPurpose,
    bits: decodeStatusList(vc.credentialSubject.encodedList),
    validFrom: vc.validFrom,
    thumbprint: kidToThumbprintHex(thumbprint),
  };
}
