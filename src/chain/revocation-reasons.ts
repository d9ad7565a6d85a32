import { CertLedgerError } from "../errors";

/** RFC 5280 CRLReason codes that revoke (6 certificateHold is a suspension here, 8 removeFromCRL an undo). */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;

export type RevocationReasonName = keyof typeof REVOCATION_REASONS;

/** The name of reason `code`, e.g. 4 → "superseded". */
export function revocationReasonName(code: number): RevocationReasonName | `reason ${number}` {
  const entry = Object.entries(REVOCATION_REASONS).find(([, value]) => value === code);
  return entry ? (entry[0] as RevocationReasonName) : `reason ${code}`;
}

/** The code of a reason given by name or number, refusing anything RFC 5280 does not call a revocation reason. */
export function revocationReasonCode(reason: string | number): number {
  const code = typeof reason === "number" ? reason : REVOCATION_REASONS[reason as RevocationReasonName];
  if (code === undefined || !Object.values(REVOCATION_REASONS).includes(code as never)) {
    throw new CertLedgerError(
      "INVALID_REVOCATION_REASON",
      `revocation reason ${JSON.stringify(reason)} is not one of ${Object.keys(REVOCATION_REASONS).join(", ")} (RFC 5280 codes 0-5, 9, 10)`,
    );
  }
  return code;
}
