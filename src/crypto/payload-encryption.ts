/**
 * Payloads are encrypted before they reach IPFS: a JWE in General JSON Serialization, A256GCM under a fresh random
 * content key per certificate, wrapped once for each reader:
 * - the holder: A256KW under the *link key*, 32 random bytes that travel only in the verification link's fragment
 *   (so the link key is a key-encryption key, never the content key, and jose decrypts the JWE as usual);
 * - each recipient party the issuer names: ECDH-ES+A256KW to the party's registered P-256 encryption key, the
 *   recipient's header saying `party` and `kid` (the key's base64url RFC 7638 thumbprint).
 * The protected header carries `enc`, `cty` (the plaintext's media type) and `certHash`, so anyone can tell without a
 * key which certificate a payload belongs to; AES-GCM authenticates that header, so decrypting proves it.
 */
import { createCipheriv, randomBytes } from "node:crypto";
import { z } from "zod";
import { isPartyCode } from "../chain/party-code";
import { parseCertHash } from "../documents/hashing";
import { CertLedgerError } from "../errors";
import { loadJose, type Jose, type JWK } from "./jose";
import { decodeBase64url, importP256Key, isBase64url, jwkThumbprint, p256PrivateJwk, p256PublicJwk } from "./keys";
import { hex32Schema } from "../hex32-schemas";
import { declaredItemsSchema, type DeclaredItem } from "../documents/declared-items";

/** A party that may read a payload, with its registered encryption key. */
export interface PayloadRecipient {
  party: string;
  publicJwk: JWK;
}

/** What encryptPayload needs besides the plaintext. */
export interface EncryptPayloadOptions {
  /** The certificate the payload belongs to. */
  certHash: string;
  /** The plaintext's media type, e.g. "application/vc+jwt" or "application/pdf". */
  contentType: string;
  /** Parties that may decrypt with their own keys, besides the holder of the link key. */
  recipients?: PayloadRecipient[];
  /** The goods items the issuer declares for a file certificate, carried in the protected header (see declared-items.ts). */
  items?: DeclaredItem[];
  /**
   * The holder's link key (base64url, 32 bytes) when it must be known before encrypting, e.g. to stamp its link on a
   * PDF; a fresh random one when absent.
   */
  linkKey?: string;
}

/** An encrypted payload: the JWE's bytes for IPFS and the holder's link key (base64url, for the link's fragment). */
export interface EncryptedPayload {
  bytes: Uint8Array;
  linkKey: string;
}

/** What a payload says about itself in the clear: its certificate, its media type and its recipient parties. */
export interface PayloadHeader {
  certHash: string;
  contentType: string;
  recipients: string[];
  /** The goods items its issuer declared, for a file certificate that has them. */
  items?: DeclaredItem[];
}

const ENC = "A256GCM";
const LINK_KEY_ALG = "A256KW";
const PARTY_KEY_ALG = "ECDH-ES+A256KW";
const LINK_KEY_BYTES = 32;
const IV_BYTES = 12;
// RFC 3394 §2.2.3.1: AES Key Wrap's default initial value, which JWA's A256KW uses.
const KEY_WRAP_IV = Buffer.from("A6A6A6A6A6A6A6A6", "hex");
// RFC 6838 restricted names, optionally with parameters ("application/xml; charset=utf-8").
const MEDIA_TYPE = /^[A-Za-z0-9][\w!#$&^.+-]{0,126}\/[A-Za-z0-9][\w!#$&^.+-]{0,126}(?:\s*;\s*[\w!#$&^.+-]+=(?:"[^"]*"|[\w!#$&^.+-]+))*$/;

const base64url = z.string().refine(isBase64url, "must be base64url");
const jweSchema = z.strictObject({
  protected: base64url,
  iv: base64url,
  ciphertext: base64url,
  tag: base64url,
  recipients: z
    .array(
      z.strictObject({
        header: z.discriminatedUnion("alg", [
          z.strictObject({ alg: z.literal(LINK_KEY_ALG) }),
          z.strictObject({
            alg: z.literal(PARTY_KEY_ALG),
            kid: z.string().refine((kid) => decodeBase64url(kid)?.length === 32, "must be a base64url SHA-256 JWK thumbprint"),
            party: z.string().refine(isPartyCode, "must be a party code"),
            epk: z.record(z.string(), z.unknown()),
          }),
        ]),
        encrypted_key: base64url,
      }),
    )
    .min(1)
    .refine((rs) => rs.filter((r) => r.header.alg === LINK_KEY_ALG).length === 1, "must hold exactly one link-key recipient"),
});
const protectedHeaderSchema = z.strictObject({
  enc: z.literal(ENC),
  cty: z.string().regex(MEDIA_TYPE, "must be a media type"),
  certHash: hex32Schema("must be 0x + 64 lower-case hex"),
  items: declaredItemsSchema.optional(),
});

type Jwe = z.infer<typeof jweSchema>;
type JweRecipient = Jwe["recipients"][number];

/** Encrypts `plaintext` for the holder of the returned link key and for each named recipient party. */
export async function encryptPayload(plaintext: Uint8Array, options: EncryptPayloadOptions): Promise<EncryptedPayload> {
  const certHash = parseCertHash(options.certHash);
  if (typeof options.contentType !== "string" || !MEDIA_TYPE.test(options.contentType)) {
    throw new CertLedgerError("INVALID_PAYLOAD", `content type ${JSON.stringify(options.contentType)} is not a media type (type/subtype)`);
  }
  const recipients = (options.recipients ?? []).map(({ party, publicJwk }) => {
    if (typeof party !== "string" || !isPartyCode(party)) {
      throw new CertLedgerError("INVALID_PARTY_CODE", `recipient party ${JSON.stringify(party)} is not two upper-case letters`);
    }
    const jwk = p256PublicJwk(publicJwk, `encryption key of ${party}`);
    return { party, role: `encryption key of ${party}`, jwk, kid: jwkThumbprint(jwk) };
  });
  const parties = recipients.map((r) => r.party);
  const twice = parties.find((party, i) => parties.indexOf(party) !== i);
  if (twice !== undefined) throw new CertLedgerError("INVALID_PAYLOAD", `recipient party ${twice} is named twice`);

  const linkKey = options.linkKey === undefined ? new Uint8Array(randomBytes(LINK_KEY_BYTES)) : linkKeyBytes(options.linkKey);
  const items = options.items === undefined ? undefined : declaredItemsSchema.safeParse(options.items);
  if (items && !items.success) {
    throw new CertLedgerError("INVALID_PAYLOAD", `items: ${items.error.issues[0].path.join(".")}: ${items.error.issues[0].message}`);
  }
  const header = { enc: ENC, cty: options.contentType, certHash, ...(items ? { items: items.data } : {}) };
  if (recipients.length === 0)
    return { bytes: encryptForHolder(plaintext, header, linkKey), linkKey: Buffer.from(linkKey).toString("base64url") };
  const jose = await loadJose();
  // jose draws a fresh random content key for every encrypt(), and wraps it once per recipient.
  const encrypt = new jose.GeneralEncrypt(plaintext).setProtectedHeader(header);
  encrypt.addRecipient(linkKey).setUnprotectedHeader({ alg: LINK_KEY_ALG });
  for (const { party, role, jwk, kid } of recipients) {
    encrypt.addRecipient(await importP256Key(jwk, PARTY_KEY_ALG, role)).setUnprotectedHeader({ alg: PARTY_KEY_ALG, kid, party });
  }
  const jwe = await encrypt.encrypt();
  return { bytes: new TextEncoder().encode(JSON.stringify(jwe)), linkKey: Buffer.from(linkKey).toString("base64url") };
}

/**
 * The JWE for the holder alone, made with node:crypto directly: the JWE jose's GeneralEncrypt makes for one A256KW
 * recipient, member for member and in the same order (a fresh random content key and IV, A256GCM over the protected
 * header's base64url as the additional data, the content key wrapped under the link key), synchronously and without
 * the WebCrypto key import jose does for every call (~0.5 ms a payload, most of an API anchoring's work). Payloads for
 * named recipient parties (ECDH-ES) are still made by jose.
 */
function encryptForHolder(
  plaintext: Uint8Array,
  header: { enc: string; cty: string; certHash: string; items?: DeclaredItem[] },
  linkKey: Uint8Array,
): Uint8Array {
  const random = randomBytes(LINK_KEY_BYTES + IV_BYTES);
  const contentKey = random.subarray(0, LINK_KEY_BYTES);
  const iv = random.subarray(LINK_KEY_BYTES);
  const encodedHeader = Buffer.from(JSON.stringify(header)).toString("base64url");
  const cipher = createCipheriv("aes-256-gcm", contentKey, iv);
  cipher.setAAD(Buffer.from(encodedHeader, "ascii"));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const wrap = createCipheriv("id-aes256-wrap", linkKey, KEY_WRAP_IV);
  const encryptedKey = Buffer.concat([wrap.update(contentKey), wrap.final()]);
  const jwe = {
    ciphertext: ciphertext.toString("base64url"),
    iv: iv.toString("base64url"),
    tag: cipher.getAuthTag().toString("base64url"),
    protected: encodedHeader,
    recipients: [{ encrypted_key: encryptedKey.toString("base64url"), header: { alg: LINK_KEY_ALG } }],
  };
  return new TextEncoder().encode(JSON.stringify(jwe));
}

/** The certHash, content type and recipient parties of an encrypted payload, read without any key (unauthenticated). */
export function readPayloadHeader(bytes: Uint8Array): PayloadHeader {
  const { header, jwe } = parsePayload(bytes);
  const recipients = jwe.recipients.flatMap((r) => (r.header.alg === PARTY_KEY_ALG ? [r.header.party] : []));
  return { certHash: header.certHash, contentType: header.cty, recipients, ...(header.items ? { items: header.items } : {}) };
}

/** Decrypts a payload with the holder's link key (base64url, 32 bytes) from the verification link. */
export async function decryptWithLinkKey(bytes: Uint8Array, linkKey: string): Promise<Uint8Array> {
  const key = linkKeyBytes(linkKey);
  const { jwe } = parsePayload(bytes);
  const recipient = jwe.recipients.find((r) => r.header.alg === LINK_KEY_ALG) as JweRecipient;
  return decrypt(jwe, recipient, key, "the link key");
}

/** The 32 bytes of a base64url link key, or INVALID_LINK_KEY. */
function linkKeyBytes(linkKey: string): Uint8Array {
  const key = typeof linkKey === "string" ? decodeBase64url(linkKey) : undefined;
  if (key === undefined || key.length !== LINK_KEY_BYTES) {
    throw new CertLedgerError("INVALID_LINK_KEY", "the link key is not 32 bytes of base64url (43 characters)");
  }
  return key;
}

/** Decrypts a payload as a recipient party, with the private half of the encryption key it was wrapped to. */
export async function decryptAsRecipient(bytes: Uint8Array, privateJwk: JWK): Promise<Uint8Array> {
  const jwk = p256PrivateJwk(privateJwk, "recipient's private key");
  const kid = jwkThumbprint(jwk);
  const { jwe } = parsePayload(bytes);
  const recipient = jwe.recipients.find((r) => r.header.alg === PARTY_KEY_ALG && r.header.kid === kid);
  if (recipient === undefined) {
    const parties = jwe.recipients.flatMap((r) => (r.header.alg === PARTY_KEY_ALG ? [r.header.party] : [])).join(", ") || "none";
    throw new CertLedgerError("DECRYPTION_FAILED", `the payload is not encrypted to key ${kid} (its recipient parties: ${parties})`);
  }
  return decrypt(jwe, recipient, await importP256Key(jwk, PARTY_KEY_ALG, "recipient's private key"), `key ${kid}`);
}

/** The plaintext of `jwe` for one recipient and its key, or DECRYPTION_FAILED. */
async function decrypt(jwe: Jwe, recipient: JweRecipient, key: Parameters<Jose["flattenedDecrypt"]>[1], who: string): Promise<Uint8Array> {
  const jose = await loadJose();
  const { protected: protectedHeader, iv, ciphertext, tag } = jwe;
  try {
    const { plaintext } = await jose.flattenedDecrypt(
      { protected: protectedHeader, iv, ciphertext, tag, header: recipient.header, encrypted_key: recipient.encrypted_key },
      key,
      { keyManagementAlgorithms: [recipient.header.alg], contentEncryptionAlgorithms: [ENC] },
    );
    return plaintext;
  } catch (error) {
    // A wrong key and a tampered payload look alike to AES-GCM and AES-KW, by design.
    throw new CertLedgerError("DECRYPTION_FAILED", `the payload does not decrypt with ${who} (wrong key, or the payload was altered)`, {
      cause: error,
    });
  }
}

/** The JWE in `bytes` and its decoded protected header, or INVALID_PAYLOAD naming what is wrong. */
function parsePayload(bytes: Uint8Array): { jwe: Jwe; header: z.infer<typeof protectedHeaderSchema> } {
  const jwe = parseOrThrow(jweSchema, parseJweJson(bytes), "payload");
  const header = parseOrThrow(
    protectedHeaderSchema,
    parseJson(decodeBase64url(jwe.protected) as Uint8Array, "its protected header"),
    "protected",
  );
  return { jwe, header };
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [where, ...issue.path.map(String)].join(".");
  throw new CertLedgerError("INVALID_PAYLOAD", `not a CertLedger payload: ${path}: ${issue.message}`);
}

const CIPHERTEXT_FIRST = Buffer.from('{"ciphertext":"');
const EMPTY_CIPHERTEXT_FIRST = Buffer.from('{"ciphertext":""');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The payload's JSON, as JSON.parse gives it, without running the ciphertext through the UTF-8 decoder and the JSON
 * parser: it is nearly all of a payload (1.3 MB for a 1 MB scan, read on every cold verification), and a payload as
 * this module writes it starts with it. When the payload has no backslash at all (so no escape, and the ciphertext
 * ends at the next quote) and names "ciphertext" once, the rest is parsed alone and the ciphertext's bytes are taken as
 * they are (the schema then refuses any that is not a base64url character, as it would have refused it parsed). Any
 * other payload is parsed whole.
 */
function parseJweJson(bytes: Uint8Array): unknown {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = CIPHERTEXT_FIRST.length;
  const end = buffer.indexOf(QUOTE, start);
  if (end < 0 || !buffer.subarray(0, start).equals(CIPHERTEXT_FIRST) || buffer.includes(BACKSLASH)) return parseJson(bytes, "the payload");
  const rest = buffer.subarray(end + 1);
  if (rest.includes('"ciphertext"')) return parseJson(bytes, "the payload");
  const parsed = parseJson(Buffer.concat([EMPTY_CIPHERTEXT_FIRST, rest]), "the payload") as Record<string, unknown>;
  parsed.ciphertext = buffer.toString("latin1", start, end);
  return parsed;
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new CertLedgerError("INVALID_PAYLOAD", `not a CertLedger payload: ${what} is not UTF-8 JSON`, { cause: error });
  }
}
