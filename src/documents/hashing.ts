import { sha256, toUtf8Bytes } from "ethers";
import { keccak256Hex } from "../merkle/keccak";
import { isPartyCode } from "../chain/party-code";
import { CertLedgerError } from "../errors";
import { readHex32 } from "../hex32";

const MAX_CERTIFICATE_NUMBER_LENGTH = 128;
// Whitespace is folded, not refused; any other control character cannot be printed on a certificate.
const CONTROL_CHARACTER = /[\p{Cc}\p{Cf}]/u;

/**
 * The certHash of a document: SHA-256 of its bytes as 0x + 64 lower-case hex, the same digest `sha256sum` prints.
 * A string stands for its UTF-8 bytes (a compact JWS is ASCII, so its text and its bytes hash alike).
 */
export function certHashOf(document: Uint8Array | string): string {
  // ethers hashes with node:crypto on Node and with @noble/hashes in a browser, so the web verifier can share this.
  return sha256(typeof document === "string" ? utf8(document) : document);
}

const UTF8 = new TextEncoder();
// In a `u` regular expression a surrogate pair is one code point: only a lone surrogate is category Cs.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The UTF-8 bytes of `text`: the platform's encoder (ethers' own, in JavaScript, took a tenth of signing a credential),
 * and ethers' for text with a lone surrogate, which it refuses where the platform's would write U+FFFD in its place.
 */
function utf8(text: string): Uint8Array {
  return LONE_SURROGATE.test(text) ? toUtf8Bytes(text) : UTF8.encode(text);
}

/** A certHash as typed or pasted (64 hex digits, with or without 0x, any case) in its canonical 0x lower-case form. */
export function parseCertHash(value: string): string {
  const canonical = readHex32(value, { prefix: "optional" });
  if (canonical === undefined) {
    throw new CertLedgerError("INVALID_CERT_HASH", `${describe(value)} is not a certificate hash (64 hex digits, optionally 0x-prefixed)`);
  }
  return canonical;
}

/**
 * A certificate number as the ledger compares it: Unicode NFKC, upper-cased, NFKC again, whitespace runs folded to
 * one space, trimmed. So "ab  12/ｃ" and "AB 12/C" are the same number. At most 128 characters, never empty.
 */
export function normalizeCertificateNumber(number: string): string {
  if (typeof number !== "string") {
    throw new CertLedgerError("INVALID_CERTIFICATE_NUMBER", `certificate number ${describe(number)} is not a string`);
  }
  // NFKC first folds full-width and compatibility forms ("ｃ" → "c", "ﬁ" → "fi", NBSP → space); upper-casing can
  // leave a decomposed letter ("ΐ" → "Ϊ́"), so NFKC runs again to keep the function idempotent.
  const normalized = number.normalize("NFKC").toUpperCase().normalize("NFKC").replace(/\s+/gu, " ").trim();
  if (normalized.length === 0) {
    throw new CertLedgerError("INVALID_CERTIFICATE_NUMBER", `certificate number ${describe(number)} is empty`);
  }
  if ([...normalized].length > MAX_CERTIFICATE_NUMBER_LENGTH) {
    throw new CertLedgerError(
      "INVALID_CERTIFICATE_NUMBER",
      `certificate number ${describe(number)} is longer than ${MAX_CERTIFICATE_NUMBER_LENGTH} characters`,
    );
  }
  if (CONTROL_CHARACTER.test(normalized)) {
    throw new CertLedgerError("INVALID_CERTIFICATE_NUMBER", `certificate number ${describe(number)} contains a control character`);
  }
  return normalized;
}

/**
 * The ledger's `numberHash` of certificate `number` issued in `party`: keccak256 of the UTF-8 bytes of
 * `${party}:${normalizeCertificateNumber(number)}` (e.g. "KG:KG-2025/0001"), as 0x hex. The party prefix keeps two
 * parties' identical numbers apart. This is what ILedgerCertificates.sol calls `numberHash`.
 */
export function certificateNumberHash(party: string, number: string): string {
  if (typeof party !== "string" || !isPartyCode(party)) {
    throw new CertLedgerError("INVALID_PARTY_CODE", `party code ${describe(party)} is not two upper-case letters (ISO 3166-1 alpha-2)`);
  }
  return keccak256Hex(toUtf8Bytes(`${party}:${normalizeCertificateNumber(number)}`));
}

/** A value quoted for an error message, cut short so a pasted file cannot flood a log. */
function describe(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
