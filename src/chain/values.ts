import { getAddress, hexlify, isHexString, toUtf8Bytes, toUtf8String, zeroPadBytes, getBytes, ZeroHash } from "ethers";
import { CertLedgerError } from "../errors";

/**
 * Conversions between what callers of the chain client hold (hex strings, bigints, party codes, binary CIDs) and
 * what the contract takes, checked before anything is sent so that a bad value fails with its name, not as an
 * opaque encoding error inside ethers.
 */

const MAX_UINT64 = (1n << 64n) - 1n;

function invalid(name: string, message: string): CertLedgerError {
  return new CertLedgerError("INVALID_CHAIN_ARGUMENT", `${name}: ${message}`, { details: { field: name } });
}

/** `value` as a lower-case 0x-prefixed 32-byte hex string. */
export function bytes32(value: string, name: string): string {
  if (typeof value !== "string" || !isHexString(value, 32)) throw invalid(name, "not a 0x-prefixed 32-byte hex string");
  return value.toLowerCase();
}

/** `value` as {@link bytes32}, or zero when it is left out. */
export function optionalBytes32(value: string | undefined, name: string): string {
  return value === undefined ? ZeroHash : bytes32(value, name);
}

/** A uint64 (a time in seconds or a bit set). */
export function uint64(value: bigint, name: string): bigint {
  if (typeof value !== "bigint" || value < 0n || value > MAX_UINT64) throw invalid(name, "not a uint64 bigint");
  return value;
}

/** An unsigned integer of `bits` bits given as a JS number (ids, types, counts). */
export function smallUint(value: number, bits: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) throw invalid(name, `not a uint${bits}`);
  return value;
}

/** A binary CID (or any bytes) given as bytes or 0x hex; empty when left out. */
export function cidBytes(value: Uint8Array | string | undefined, name: string): string {
  if (value === undefined) return "0x";
  if (value instanceof Uint8Array) return hexlify(value);
  if (typeof value === "string" && isHexString(value)) return value.toLowerCase();
  throw invalid(name, "the binary CID as bytes or 0x hex (not its base32 text form)");
}

/** A checksummed address. */
export function address(value: string, name: string): string {
  try {
    return getAddress(value);
  } catch {
    throw invalid(name, "not an address");
  }
}

/** A JOSE algorithm name ("ES256") as the contract's right-padded bytes16. */
export function algBytes16(alg: string, name = "alg"): string {
  const bytes = toUtf8Bytes(alg);
  if (bytes.length === 0 || bytes.length > 16) throw invalid(name, "1 to 16 bytes of UTF-8");
  return zeroPadBytes(bytes, 16);
}

/** The algorithm name held in a bytes16 read from the chain. */
export function algFromBytes16(value: string): string {
  const bytes = getBytes(value);
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return toUtf8String(bytes.slice(0, end));
}

/** Zero bytes32 read from the chain mean "none". */
export function nonZero(value: string): string | undefined {
  return value === ZeroHash ? undefined : value.toLowerCase();
}
