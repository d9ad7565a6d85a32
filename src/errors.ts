/** Stable codes of every error the CertLedger library throws; callers branch on these, never on messages. */
export type CertLedgerErrorCode =
  | "INVALID_PARTY_CODE"
  | "INVALID_DEPLOYMENT"
  | "INVALID_DEPLOY_PARAMS"
  | "DEPLOYMENT_NOT_FOUND"
  | "CHAIN_MISMATCH"
  | "CHAIN_UNAVAILABLE"
  | "INVALID_CONFIG"
  | "INVALID_CERTIFICATE_TYPE";

/** The one base class of CertLedger's errors: a stable `code` plus a message naming what is wrong. */
export class CertLedgerError extends Error {
  override readonly name = "CertLedgerError";

  constructor(
    readonly code: CertLedgerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Whether `error` is a CertLedgerError, optionally with the given `code`. */
export function isCertLedgerError(error: unknown, code?: CertLedgerErrorCode): error is CertLedgerError {
  return error instanceof CertLedgerError && (code === undefined || error.code === code);
}
