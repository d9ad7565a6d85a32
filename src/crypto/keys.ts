import { sha256, toUtf8Bytes } from "ethers";
import { CertLedgerError } from "../errors";
import { loadJose, type Jose, type JWK } from "./jose";
import { isHex32 } from "../hex32";

export type { JWK } from "./jose";

/**
 * A freshly generated key pair. The chain identifies a key by its RFC 7638 SHA-256 JWK thumbprint: `thumbprint` is
 * those 32 bytes as the `bytes32` hex the contracts take, `kid` the same bytes base64url-encoded as JOSE headers carry
 * them. The two convert into each other with kidToThumbprintHex / thumbprintHexToKid.
 */
export interface GeneratedKey {
  privateJwk: JWK;
  publicJwk: JWK;
  thumbprint: string;
  kid: string;
}

/** An EC P-256 public key reduced to the members RFC 7638 hashes (and that WebCrypto needs). */
export interface P256PublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
}

/** An EC P-256 private key: the public members plus `d`. */
export interface P256PrivateJwk extends P256PublicJwk {
  d: string;
}

// RFC 7638 §3.2: the members of each key type that make up the thumbprint, in lexicographic order.
const REQUIRED_MEMBERS: Record<string, string[]> = {
  EC: ["crv", "kty", "x", "y"],
  OKP: ["crv", "kty", "x"],
  RSA: ["e", "kty", "n"],
  oct: ["k", "kty"],
};
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** A new ES256 (ECDSA P-256) key pair for signing credentials, with its thumbprint and kid. */
export async function generateSigningKey(): Promise<GeneratedKey> {
  return generate("ES256", "sig");
}

/** A new P-256 key pair for receiving payloads by ECDH-ES+A256KW, with its thumbprint and kid. */
export async function generateEncryptionKey(): Promise<GeneratedKey> {
  return generate("ECDH-ES+A256KW", "enc");
}

/** The RFC 7638 SHA-256 thumbprint of `jwk` (public or private: only the public members count), base64url. */
export function jwkThumbprint(jwk: JWK): string {
  return Buffer.from(thumbprintBytes(jwk)).toString("base64url");
}

/** The RFC 7638 SHA-256 thumbprint of `jwk` as 0x + 64 hex, the `bytes32` the ledger keys signing keys by. */
export function jwkThumbprintHex(jwk: JWK): string {
  return "0x" + Buffer.from(thumbprintBytes(jwk)).toString("hex");
}

/** The 0x hex thumbprint for a base64url `kid` that is a SHA-256 thumbprint (43 characters, 32 bytes). */
export function kidToThumbprintHex(kid: string): string {
  const bytes = typeof kid === "string" ? decodeBase64url(kid) : undefined;
  if (bytes === undefined || bytes.length !== 32) {
    throw new CertLedgerError("INVALID_KEY_ID", `key id ${JSON.stringify(kid)} is not a base64url SHA-256 thumbprint (43 characters)`);
  }
  return "0x" + Buffer.from(bytes).toString("hex");
}

/** The base64url `kid` for a 0x hex thumbprint (any case). */
export function thumbprintHexToKid(hex: string): string {
  const normalized = typeof hex === "string" ? hex.toLowerCase() : "";
  if (!isHex32(normalized)) {
    throw new CertLedgerError("INVALID_KEY_ID", `thumbprint ${JSON.stringify(hex)} is not 0x + 64 hex digits`);
  }
  return Buffer.from(normalized.slice(2), "hex").toString("base64url");
}

/** The public members of an EC P-256 JWK (public or private), refusing anything else with INVALID_KEY. */
export function p256PublicJwk(jwk: unknown, role = "key"): P256PublicJwk {
  if (typeof jwk !== "object" || jwk === null) throw new CertLedgerError("INVALID_KEY", `the ${role} is not a JWK object`);
  const { kty, crv, x, y } = jwk as Record<string, unknown>;
  if (kty !== "EC" || crv !== "P-256") {
    throw new CertLedgerError("INVALID_KEY", `the ${role} is not an EC P-256 key (kty ${String(kty)}, crv ${String(crv)})`);
  }
  if (!isCoordinate(x) || !isCoordinate(y)) {
    throw new CertLedgerError("INVALID_KEY", `the ${role}'s x and y are not base64url 32-byte coordinates`);
  }
  return { kty, crv, x, y };
}

/** An EC P-256 private JWK reduced to its key members, refusing a public key or anything else with INVALID_KEY. */
export function p256PrivateJwk(jwk: unknown, role = "private key"): P256PrivateJwk {
  const pub = p256PublicJwk(jwk, role);
  const { d } = jwk as Record<string, unknown>;
  if (!isCoordinate(d)) throw new CertLedgerError("INVALID_KEY", `the ${role} has no private member d`);
  return { ...pub, d };
}

/** A WebCrypto key for a P-256 JWK; one WebCrypto refuses (a point off the curve, say) throws INVALID_KEY naming `role`. */
export async function importP256Key(
  jwk: P256PublicJwk | P256PrivateJwk,
  alg: "ES256" | "ECDH-ES+A256KW",
  role: string,
): Promise<Awaited<ReturnType<Jose["importJWK"]>>> {
  const jose = await loadJose();
  try {
    return await jose.importJWK(jwk, alg);
  } catch (error) {
    throw new CertLedgerError("INVALID_KEY", `the ${role} is not a usable P-256 key: ${(error as Error).message}`, { cause: error });
  }
}

/** The strict base64url decoding of `text` (no padding, no stray characters), or undefined. */
export function decodeBase64url(text: string): Uint8Array | undefined {
  return isBase64url(text) ? new Uint8Array(Buffer.from(text, "base64url")) : undefined;
}

const BASE64URL_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Whether `text` is strict base64url (what {@link decodeBase64url} decodes), told without decoding it: a payload's
 * ciphertext is megabytes of it, which a decode and an encode back cost three times the check of its characters.
 * Buffer's decoder tolerates what is refused here: a dangling character, or bits set past the last whole byte.
 */
export function isBase64url(text: string): boolean {
  if (!BASE64URL.test(text)) return false;
  const tail = text.length % 4;
  if (tail === 0) return true;
  if (tail === 1) return false;
  // Two characters carry one byte and 4 bits more, three carry two bytes and 2 bits more: those bits must be zero.
  const last = BASE64URL_DIGITS.indexOf(text[text.length - 1]);
  return (last & (tail === 2 ? 0b1111 : 0b11)) === 0;
}

async function generate(alg: "ES256" | "ECDH-ES+A256KW", use: "sig" | "enc"): Promise<GeneratedKey> {
  const jose = await loadJose();
  const { privateKey } = await jose.generateKeyPair(alg, { crv: "P-256", extractable: true });
  const privateMembers = p256PrivateJwk(await jose.exportJWK(privateKey));
  const { d: _d, ...publicMembers } = privateMembers;
  const kid = jwkThumbprint(publicMembers);
  return {
    privateJwk: { ...privateMembers, kid, alg, use },
    publicJwk: { ...publicMembers, kid, alg, use },
    thumbprint: kidToThumbprintHex(kid),
    kid,
  };
}

function thumbprintBytes(jwk: JWK): Uint8Array {
  if (typeof jwk !== "object" || jwk === null) throw new CertLedgerError("INVALID_KEY", "the key is not a JWK object");
  const members = typeof jwk.kty === "string" ? REQUIRED_MEMBERS[jwk.kty] : undefined;
  if (members === undefined) throw new CertLedgerError("INVALID_KEY", `JWK key type ${JSON.stringify(jwk.kty)} is not EC, OKP, RSA or oct`);
  const canonical: Record<string, string> = {};
  for (const member of members) {
    const value = (jwk as Record<string, unknown>)[member];
    if (typeof value !== "string" || value === "") {
      throw new CertLedgerError("INVALID_KEY", `the ${jwk.kty} JWK has no "${member}" member, which its thumbprint needs`);
    }
    canonical[member] = value;
  }
  // RFC 7638 §3: the required members in lexicographic order, no whitespace; JSON.stringify keeps insertion order.
  return Buffer.from(sha256(toUtf8Bytes(JSON.stringify(canonical))).slice(2), "hex");
}

function isCoordinate(value: unknown): value is string {
  return typeof value === "string" && decodeBase64url(value)?.length === 32;
}
