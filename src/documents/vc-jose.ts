/**
 * Credentials secured as VC-JOSE (W3C "Securing Verifiable Credentials using JOSE and COSE"): a compact JWS, ES256,
 * whose payload is the credential JSON itself. The public key travels in the protected header (`jwk`) so anyone can
 * check the signature offline. `kid` names that key by its RFC 7638 thumbprint, which the ledger binds to the
 * authority: either the bare thumbprint (credentials issued before did:web) or the DID URL of the key under a did:web
 * issuer (`did:web:<host>:authorities:<id>#<thumbprint>`), which a generic verifier resolves. `iss`, when present,
 * must be the credential's `issuer.id` (VC-JOSE-COSE). Whether the key is registered for the issuer, and was not
 * compromised at issuance, is the verifier's question.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { z } from "zod";
import { loadJose, type JWK } from "../crypto/jose";
import { decodeBase64url, jwkThumbprint, kidToThumbprintHex, p256PrivateJwk, p256PublicJwk, type P256PublicJwk } from "../crypto/keys";
import { CertLedgerError, isCertLedgerError } from "../errors";
import { keyDidUrl } from "../standard-views/did-web";
import { validateCredential, type Credential } from "./credentials";

/** The media type of a credential secured this way. */
export const VC_JWT_MEDIA_TYPE = "application/vc+jwt";

/** The protected header of a credential JWS (its `jwk` reduced to the key's members). */
// A type alias, not an interface, so that it fits jose's header type with its index signature.
export type CredentialJwsHeader = {
  alg: "ES256";
  typ: "vc+jwt";
  cty: "vc";
  kid: string;
  iss?: string;
  jwk: P256PublicJwk;
};

/** The key an authority signs with: both halves and the kid (the public key's base64url thumbprint). */
export interface CredentialSigningKey {
  privateJwk: JWK;
  publicJwk: JWK;
  kid: string;
}

// Members that would make a header's jwk a private or secret key, which must never travel in a token.
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

const headerSchema = z.strictObject({
  alg: z.literal("ES256"),
  typ: z.literal("vc+jwt"),
  cty: z.literal("vc"),
  kid: z
    .string()
    .refine(
      (kid) => decodeBase64url(thumbprintOfKid(kid))?.length === 32,
      "must be a base64url SHA-256 JWK thumbprint, or a DID URL ending #<thumbprint>",
    ),
  iss: z.string().optional(),
  jwk: z
    .record(z.string(), z.unknown())
    .refine((jwk) => PRIVATE_MEMBERS.every((m) => !(m in jwk)), "must be a public key")
    .transform((jwk, ctx) => {
      try {
        return p256PublicJwk(jwk, "header jwk");
      } catch (error) {
        if (!isCertLedgerError(error)) throw error;
        ctx.addIssue({ code: "custom", message: error.message });
        return z.NEVER;
      }
    }),
});

/**
 * Signs `vc` (validated first, so nothing invalid is ever signed) as a compact JWS with the authority's key. For a
 * did:web issuer the header's `kid` is the key's DID URL under it and `iss` the issuer; else `kid` is the thumbprint.
 */
export async function signCredential(vc: Credential, key: CredentialSigningKey): Promise<string> {
  const credential = validateCredential(vc);
  return signVcJose(credential, key, issuerDidOf(credential));
}

/**
 * Signs any VC JSON (`payload`, already valid) as VC-JOSE with `key`, the public key in the header: `kid` its
 * thumbprint, or with `issuerDid` its DID URL under that did:web and `iss` the issuer. Status list credentials
 * (src/standard-views) are signed this way too.
 */
export async function signVcJose(payload: object, key: CredentialSigningKey, issuerDid?: string): Promise<string> {
  return signPrepared(payload, preparedSigner(key), issuerDid);
}

/**
 * A signing key checked and imported (see {@link preparedSigner}): what signing needs, and what crosses to a worker
 * thread (a KeyObject is cloned by postMessage; the JWKs' private half never travels as text).
 */
export interface PreparedSigner {
  signingKey: KeyObject;
  publicJwk: P256PublicJwk;
  kid: string;
}

/** `payload` (already valid) signed as VC-JOSE with a prepared key, as {@link signVcJose} does. */
export function signPrepared(payload: object, signer: PreparedSigner, issuerDid?: string): string {
  const { publicJwk, signingKey, kid } = signer;
  // Only the key's members go into the header: never whatever else the caller's JWK object carries.
  const header: CredentialJwsHeader =
    issuerDid === undefined
      ? { alg: "ES256", typ: "vc+jwt", cty: "vc", kid, jwk: publicJwk }
      : { alg: "ES256", typ: "vc+jwt", cty: "vc", kid: keyDidUrl(issuerDid, kid), iss: issuerDid, jwk: publicJwk };
  // RFC 7515's compact serialisation, as jose's CompactSign writes it, signed with node:crypto on this thread: through
  // WebCrypto, each signature was a job on libuv's pool plus its promise, ~80 µs of CPU against ~45 here.
  const signingInput = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
  const signature = sign("sha256", Buffer.from(signingInput), { key: signingKey, dsaEncoding: "ieee-p1363" });
  return `${signingInput}.${signature.toString("base64url")}`;
}

/** The issuer DID a credential's JWS names in its header (`iss`, and `kid` under it): its issuer's did:web, if it has one. */
export function issuerDidOf(credential: Credential): string | undefined {
  return credential.issuer.id.startsWith("did:web:") ? credential.issuer.id : undefined;
}

/**
 * A signing key checked (a matching pair, its kid its thumbprint) and imported once per key object: a server signs
 * thousands of credentials with one authority key, and importing it each time was an eighth of the work. A key that
 * is refused is not kept: it is checked (and refused) again each time.
 */
const preparedKeys = new WeakMap<CredentialSigningKey, PreparedSigner>();

/** `key` checked (INVALID_KEY: not a matching P-256 pair, or its kid not its thumbprint) and imported, once per key object. */
export function preparedSigner(key: CredentialSigningKey): PreparedSigner {
  let prepared = preparedKeys.get(key);
  if (!prepared) {
    prepared = { ...prepare(key), kid: key.kid };
    preparedKeys.set(key, prepared);
  }
  return prepared;
}

const KEY_PROBE = Buffer.from("CertLedger: does this private key sign for its public key?");

function prepare(key: CredentialSigningKey): { publicJwk: P256PublicJwk; signingKey: KeyObject } {
  const publicJwk = p256PublicJwk(key.publicJwk, "public key");
  const privateJwk = p256PrivateJwk(key.privateJwk);
  // A mismatched pair would produce tokens nobody can verify, anchored for good; refuse before signing.
  if (privateJwk.x !== publicJwk.x || privateJwk.y !== publicJwk.y) {
    throw new CertLedgerError("INVALID_KEY", "the private key does not belong to the public key");
  }
  if (key.kid !== jwkThumbprint(publicJwk)) {
    throw new CertLedgerError(
      "INVALID_KEY",
      `kid ${JSON.stringify(key.kid)} is not the thumbprint of the public key (${jwkThumbprint(publicJwk)})`,
    );
  }
  let signingKey: KeyObject;
  let verifyingKey: KeyObject;
  try {
    signingKey = createPrivateKey({ key: { ...privateJwk }, format: "jwk" });
    verifyingKey = createPublicKey({ key: { ...publicJwk }, format: "jwk" });
  } catch (error) {
    throw new CertLedgerError("INVALID_KEY", `the private key is not a usable P-256 key: ${(error as Error).message}`, { cause: error });
  }
  // node:crypto takes a JWK's x and y as they are, without checking that d is their private key (WebCrypto did): a
  // private half of another key under this public half must be refused here, so one signature is checked first.
  const probe = sign("sha256", KEY_PROBE, { key: signingKey, dsaEncoding: "ieee-p1363" });
  if (!verify("sha256", KEY_PROBE, { key: verifyingKey, dsaEncoding: "ieee-p1363" }, probe)) {
    throw new CertLedgerError("INVALID_KEY", "the private key does not belong to the public key");
  }
  return { publicJwk, signingKey };
}

/** The header and the validated credential of a credential JWS, without checking the signature. */
export function decodeCredentialJws(jws: string): { header: CredentialJwsHeader; credential: Credential } {
  const { header, payload } = splitJws(jws);
  return { header, credential: parseCredential(payload) };
}

/** The thumbprint a `kid` names: the kid itself, or the fragment of a key's DID URL. */
export function thumbprintOfKid(kid: string): string {
  const hash = kid.lastIndexOf("#");
  return hash === -1 ? kid : kid.slice(hash + 1);
}

/**
 * Verifies a credential JWS with the key in its header, after checking that the header's `kid` is that key's
 * thumbprint; returns the header, the validated credential and the thumbprint as the ledger's 0x hex. A signature
 * that does not verify, or a kid that does not match the jwk, throws INVALID_SIGNATURE; a malformed token or
 * credential throws INVALID_CREDENTIAL.
 */
export async function verifyCredentialJws(
  jws: string,
): Promise<{ header: CredentialJwsHeader; credential: Credential; thumbprint: string }> {
  const { header, payload, thumbprint } = await verifyVcJose(jws);
  // The payload is parsed only once it is known to be the signer's, so a tampered token reads as a bad signature.
  const credential = parseCredential(payload);
  checkIssuerNames(header, credential.issuer.id);
  return { header, credential, thumbprint };
}

/**
 * Verifies any VC-JOSE JWS with the key in its header, after checking that its `kid` names that key's thumbprint;
 * returns the header, the payload's bytes (unparsed) and the thumbprint as the ledger's 0x hex. INVALID_CREDENTIAL
 * for a malformed token, INVALID_SIGNATURE for a kid not naming the jwk or a signature that does not verify.
 */
export async function verifyVcJose(jws: string): Promise<{ header: CredentialJwsHeader; payload: Uint8Array; thumbprint: string }> {
  const { header } = splitJws(jws);
  const thumbprint = thumbprintOfKid(header.kid);
  if (jwkThumbprint(header.jwk) !== thumbprint) {
    throw new CertLedgerError(
      "INVALID_SIGNATURE",
      `the header's kid ${header.kid} does not name the thumbprint of its jwk (${jwkThumbprint(header.jwk)})`,
    );
  }
  const jose = await loadJose();
  try {
    const key = await jose.importJWK(header.jwk, "ES256");
    const { payload } = await jose.compactVerify(jws, key, { algorithms: ["ES256"] });
    return { header, payload, thumbprint: kidToThumbprintHex(thumbprint) };
  } catch (error) {
    throw new CertLedgerError("INVALID_SIGNATURE", `the credential's signature does not verify with the key in its header`, {
      cause: error,
    });
  }
}

/** The validated header and the raw payload bytes of a compact JWS. */
function splitJws(jws: string): { header: CredentialJwsHeader; payload: Uint8Array } {
  const segments = typeof jws === "string" ? jws.split(".") : [];
  const decoded = segments.map(decodeBase64url);
  if (segments.length !== 3 || decoded.some((s) => s === undefined)) {
    throw new CertLedgerError("INVALID_CREDENTIAL", "not a compact JWS: expected three base64url segments separated by dots");
  }
  const [header, payload] = decoded as Uint8Array[];
  const result = headerSchema.safeParse(parseJson(header, "JWS header"));
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = ["header", ...issue.path.map(String)].join(".");
    throw new CertLedgerError("INVALID_CREDENTIAL", `invalid credential JWS: ${where}: ${issue.message}`);
  }
  return { header: result.data, payload };
}

/**
 * A kid that is a DID URL must be under the credential's issuer, and `iss` must be the issuer: a header naming another
 * issuer than the credential would send a generic verifier to another DID document than the one the credential claims.
 */
export function checkIssuerNames(header: CredentialJwsHeader, issuer: string): void {
  if (header.iss !== undefined && header.iss !== issuer) {
    throw new CertLedgerError(
      "INVALID_CREDENTIAL",
      `invalid credential JWS: header.iss ${JSON.stringify(header.iss)} is not issuer.id ${issuer}`,
    );
  }
  const hash = header.kid.lastIndexOf("#");
  if (hash !== -1 && header.kid.slice(0, hash) !== issuer) {
    throw new CertLedgerError(
      "INVALID_CREDENTIAL",
      `invalid credential JWS: header.kid ${JSON.stringify(header.kid)} is not a key of issuer ${issuer}`,
    );
  }
}

function parseCredential(payload: Uint8Array): Credential {
  return validateCredential(parseJson(payload, "JWS payload"));
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new CertLedgerError("INVALID_CREDENTIAL", `the ${what} is not UTF-8 JSON`, { cause: error });
  }
}
