/**
 * Thirty-two bytes as text — a certHash, a number hash, a Merkle root, a key thumbprint, a transaction hash — read in
 * one place. One rule of case:
 * - the canonical form is "0x" and 64 LOWER-case hex digits: what this code writes, signs and compares (reports,
 *   bundles, payload headers, the server's answers). Where bytes are signed or hashed, only that form is accepted
 *   ({@link HEX32}; as zod schemas: hex32-schemas.ts), so one value never has two spellings under a signature;
 * - what comes from outside (an HTTP body, a CLI argument, a file someone edited, a chain node's answer) may be in any
 *   case, and where a person types it (`prefix: "optional"`) without the 0x: it is read into the canonical form
 *   ({@link readHex32}).
 */
/** The canonical form: 0x and 64 lower-case hex digits. */
export const HEX32 = /^0x[0-9a-f]{64}$/;

const WITH_PREFIX = /^0x([0-9a-fA-F]{64})$/;
const PREFIX_OPTIONAL = /^(?:0[xX])?([0-9a-fA-F]{64})$/;

/** How text from outside may spell 32 bytes: always with 0x (the default), or with or without it (typed by a person). */
export interface Hex32Reading {
  prefix?: "required" | "optional";
}

/** `text` in the canonical form, or undefined when it does not spell 32 bytes (any case; 0x as `reading` says). */
export function readHex32(text: unknown, reading: Hex32Reading = {}): string | undefined {
  if (typeof text !== "string") return undefined;
  const match = (reading.prefix === "optional" ? PREFIX_OPTIONAL : WITH_PREFIX).exec(text);
  return match ? "0x" + match[1].toLowerCase() : undefined;
}

/** Whether `text` is in the canonical form. */
export function isHex32(text: unknown): text is string {
  return typeof text === "string" && HEX32.test(text);
}
