import type { Verdict } from "../../src/verify/report";

/** The CLI's exit codes (documented in `certledger --help` and the README); scripts branch on them. */
export const EXIT = {
  /** Done; for `verify`, the certificate is VALID. */
  OK: 0,
  /** Something failed that is none of the below (a server error, an unexpected failure). */
  FAILED: 1,
  /** Bad arguments, or an input file that cannot be read or is not what it should be. */
  USAGE: 2,
  /** The API server or the ledger refused the request (a problem answer, a contract error, a wrong password). */
  REFUSED: 3,
  /** The API server or the JSON-RPC node did not answer. */
  UNREACHABLE: 4,
  /** `anchor`: some files were refused or failed, or `--wait` ran out of time before all were anchored. */
  INCOMPLETE: 5,
  /** `outcome`, `write-off`: the certificate's quantity is used up (OVER_UTILISATION, ALREADY_USED_IN_FULL). */
  USED_UP: 6,
} as const;

/** `verify` and `verify-bundle`: one exit code per verdict, so a script can tell them apart without parsing. */
export const VERDICT_EXIT: Record<Verdict, number> = {
  VALID: 0,
  NOT_FOUND: 10,
  TAMPERED: 11,
  INVALID_SIGNATURE: 12,
  UNTRUSTED_ISSUER: 13,
  REVOKED: 14,
  SUSPENDED: 15,
  EXPIRED: 16,
  NOT_RECOGNISED: 17,
};

/** The exit codes as `certledger --help` lists them. */
export function exitCodeHelp(): string {
  const verdicts = Object.entries(VERDICT_EXIT)
    .filter(([, code]) => code !== 0)
    .map(([verdict, code]) => `${code} ${verdict}`)
    .join(", ");
  return [
    "exit codes:",
    "  0  ok (verify: VALID)",
    "  1  failed (a server error, anything unexpected)",
    "  2  usage: bad arguments, or an input file that cannot be read",
    "  3  refused by the API server or the ledger (or a wrong password)",
    "  4  unreachable: the API server or JSON-RPC node did not answer",
    "  5  anchor incomplete: some files refused or failed, or --wait timed out",
    "  6  outcome, write-off: the certificate's quantity is used up (over-utilisation, already used in full)",
    `  verify, verify-bundle: ${verdicts}`,
  ].join("\n");
}
