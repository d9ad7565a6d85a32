import { CertLedgerError } from "../errors";
import type { ListByAuthorityOptions, RegistryEventKind } from "./index-types";
import { readHex32 } from "../hex32";

/** Checks of what callers pass to the index: bad lookups are INVALID_INDEX_QUERY, bad options INVALID_CONFIG. */

const STATUSES = ["Active", "Suspended", "Revoked"];
const KINDS: RegistryEventKind[] = ["party", "authority", "signingKey", "recognition", "consortium"];
const MAX_LIMIT = 1_000;

function invalid(field: string, message: string): CertLedgerError {
  return new CertLedgerError("INVALID_INDEX_QUERY", `${field}: ${message}`, { details: { field } });
}

/** `value` as a lower-case 0x-prefixed 32-byte hex string. */
export function hash32(value: string, field: string): string {
  const canonical = readHex32(value);
  if (canonical === undefined) throw invalid(field, "not a 0x-prefixed 32-byte hex string");
  return canonical;
}

/** `value` if it is a uint32 (an authority id). */
export function uint32(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw invalid(field, "not a uint32");
  return value;
}

/** `value` if it is a party code: two upper-case letters (ISO 3166-1 alpha-2). */
export function partyCode(value: string, field = "party"): string {
  if (typeof value !== "string" || !/^[A-Z]{2}$/.test(value)) throw invalid(field, "not a two-letter party code");
  return value;
}

/** `kind` if the index files registry events under it. */
export function registryKind(kind: RegistryEventKind): RegistryEventKind {
  if (!KINDS.includes(kind)) throw invalid("kind", `not one of ${KINDS.join(", ")}`);
  return kind;
}

/** The filters and paging of a listing, checked. */
export function listOptions(options: ListByAuthorityOptions): ListByAuthorityOptions {
  const { status, certType, number, limit, offset } = options ?? {};
  if (status !== undefined && !STATUSES.includes(status)) throw invalid("status", `not one of ${STATUSES.join(", ")}`);
  if (certType !== undefined && (!Number.isInteger(certType) || certType < 1 || certType > 63)) throw invalid("certType", "not 1..63");
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)) throw invalid("limit", `not 1..${MAX_LIMIT}`);
  if (offset !== undefined && (!Number.isInteger(offset) || offset < 0)) throw invalid("offset", "not a non-negative integer");
  return { status, certType, number: number === undefined ? undefined : hash32(number, "number"), limit, offset };
}

/** An integer option of at least `min`, or INVALID_CONFIG naming it. */
export function integerOption(value: number, name: string, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new CertLedgerError("INVALID_CONFIG", `${name}: expected an integer of at least ${min}, got ${String(value)}`);
  }
  return value;
}
