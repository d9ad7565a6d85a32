/**
 * The bitstring of a W3C Bitstring Status List v1.0: one bit per credential, index 0 the leftmost (most significant)
 * bit of the first byte, GZIP-compressed and written as a multibase base64url string without padding (`u…`).
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { CertLedgerError } from "../errors";

/** Entries per list: the specification's minimum, 131,072 (16 KiB), so one credential's bit hides among many. */
export const STATUS_LIST_SIZE = 131_072;

/** An empty list of `size` bits. */
export function emptyStatusList(size = STATUS_LIST_SIZE): Uint8Array {
  return new Uint8Array(size / 8);
}

/** Sets bit `index`. */
export function setStatusBit(list: Uint8Array, index: number): void {
  list[index >> 3] |= 0x80 >> (index & 7);
}

/** Whether bit `index` is set. */
export function statusBit(list: Uint8Array, index: number): boolean {
  if (!Number.isInteger(index) || index < 0 || index >= list.length * 8) {
    throw new CertLedgerError("INVALID_STATUS_ENTRY", `status list index ${index} is outside the list's ${list.length * 8} entries`);
  }
  return (list[index >> 3] & (0x80 >> (index & 7))) !== 0;
}

/** The `encodedList` of a status list: `u` + base64url(gzip(bits)). */
export function encodeStatusList(list: Uint8Array): string {
  return "u" + gzipSync(list).toString("base64url");
}

/** The bits of an `encodedList`; INVALID_STATUS_ENTRY when it is not one (or would inflate beyond `maxBytes`). */
export function decodeStatusList(encoded: string, maxBytes = 16 * STATUS_LIST_SIZE): Uint8Array {
  if (typeof encoded !== "string" || !/^u[A-Za-z0-9_-]+$/.test(encoded)) {
    throw new CertLedgerError("INVALID_STATUS_ENTRY", "encodedList is not a multibase base64url string (starting with u)");
  }
  try {
    // maxOutputLength: a list compresses ~1000:1 when nearly empty; a bomb must not exhaust memory.
    return new Uint8Array(gunzipSync(Buffer.from(encoded.slice(1), "base64url"), { maxOutputLength: maxBytes }));
  } catch (error) {
    throw new CertLedgerError("INVALID_STATUS_ENTRY", `encodedList is not a GZIP-compressed bitstring: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
