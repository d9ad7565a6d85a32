import type { Check, Verdict } from "./report";

/**
 * The order in which failures decide the verdict: a document that is not on the ledger says nothing else; one that was
 * altered, or whose signature or issuer cannot be trusted, is worse than one that was revoked; a certificate that is
 * in every way genuine but not recognised by the asking party comes last.
 */
const PRECEDENCE: Verdict[] = [
  "NOT_FOUND",
  "TAMPERED",
  "INVALID_SIGNATURE",
  "UNTRUSTED_ISSUER",
  "REVOKED",
  "SUSPENDED",
  "EXPIRED",
  "NOT_RECOGNISED",
];

/** The overall verdict of a set of checks: the gravest failure, or VALID when none failed. */
export function verdictOf(checks: Check[]): Verdict {
  const failed = new Set(checks.filter((c) => c.result === "fail").map((c) => c.verdictOnFailure));
  return PRECEDENCE.find((v) => failed.has(v)) ?? "VALID";
}
