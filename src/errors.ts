/** Stable codes of every error the CertLedger library throws; callers branch on these, never on messages. */
export type CertLedgerErrorCode =
  | "INVALID_CID"
  | "CID_MISMATCH"
  | "IPFS_NOT_FOUND"
  | "IPFS_UNAVAILABLE"
  | "PAYLOAD_TOO_LARGE"
  | "INVALID_MULTIADDR"
  | "INVALID_PARTY_CODE"
  | "INVALID_DEPLOYMENT"
  | "INVALID_DEPLOY_PARAMS"
  | "DEPLOYMENT_NOT_FOUND"
  | "CHAIN_MISMATCH"
  | "CHAIN_UNAVAILABLE"
  | "TX_FAILED"
  | "TX_NOT_CONFIRMED"
  | "NO_SIGNER"
  | "INVALID_CHAIN_ARGUMENT"
  | "INVALID_MANIFEST"
  | "INVALID_BATCH_LEAF"
  | "DUPLICATE_LEAF"
  | "EMPTY_BATCH"
  | "WRONG_PASSWORD"
  | "INVALID_KEYSTORE"
  | "KEYSTORE_EXISTS"
  | "BOOTSTRAP_MISMATCH"
  | "PARTY_NOT_FOUND"
  | "PARTY_ALREADY_EXISTS"
  | "PARTY_NOT_ACTIVE"
  | "TOO_MANY_PARTIES"
  | "INVALID_PARTY_STATUS"
  | "NOT_A_PARTY_ADMIN"
  | "ACCOUNT_ALREADY_PARTY_ADMIN"
  | "LAST_PARTY_ADMIN"
  | "ZERO_ADDRESS"
  | "PROPOSAL_NOT_FOUND"
  | "PROPOSAL_EXPIRED"
  | "PROPOSAL_ALREADY_EXECUTED"
  | "PROPOSAL_ALREADY_APPROVED"
  | "PROPOSAL_NOT_APPROVED"
  | "INVALID_THRESHOLD"
  | "LAST_ACTIVE_PARTY"
  | "AUTHORITY_NOT_FOUND"
  | "INVALID_SCOPE"
  | "INVALID_VALIDITY_PERIOD"
  | "NO_AUTHORITY_ACCOUNT"
  | "ACCOUNT_ALREADY_BOUND"
  | "NOT_AN_AUTHORITY_ACCOUNT"
  | "LAST_AUTHORITY_ACCOUNT"
  | "AUTHORITY_NOT_ACTIVE"
  | "AUTHORITY_ALREADY_ACTIVE"
  | "AUTHORITY_NOT_VALID_AT"
  | "TOO_MANY_AUTHORITY_ACCOUNTS"
  | "NOT_AN_AUTHORITY"
  | "AUTHORITY_NOT_IN_SCOPE"
  | "NOT_CERTIFICATE_MANAGER"
  | "ZERO_KEY_THUMBPRINT"
  | "EMPTY_KEY_ALGORITHM"
  | "KEY_ALREADY_REGISTERED"
  | "KEY_NOT_FOUND"
  | "KEY_NOT_OF_AUTHORITY"
  | "INVALID_COMPROMISE_TIME"
  | "KEY_ALREADY_COMPROMISED"
  | "ZERO_CERTIFICATE_HASH"
  | "CERT_ALREADY_ANCHORED"
  | "CERT_NOT_FOUND"
  | "INVALID_BUNDLE"
  | "INVALID_RECEIPT"
  | "UNTRUSTED_RECEIPT_KEY"
  | "INVALID_CERTIFICATE_VALIDITY"
  | "ZERO_BATCH_ROOT"
  | "BATCH_ALREADY_ANCHORED"
  | "BATCH_NOT_FOUND"
  | "INVALID_BATCH_PROOF"
  | "INVALID_STATUS_CHANGE"
  | "INVALID_REVOCATION_TIME"
  | "SELF_REPLACEMENT"
  | "SELF_RECOGNITION"
  | "INVALID_CONFIG"
  // documents and crypto (issue #3)
  | "INVALID_CERT_HASH"
  | "INVALID_CERTIFICATE_NUMBER"
  | "EMPTY_FILE"
  | "FILE_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "MEDIA_TYPE_MISMATCH"
  | "FILE_UNREADABLE"
  | "INVALID_CREDENTIAL"
  | "INVALID_SIGNATURE"
  | "INVALID_KEY"
  | "INVALID_KEY_ID"
  | "INVALID_PAYLOAD"
  | "INVALID_LINK_KEY"
  | "DECRYPTION_FAILED"
  | "INVALID_CERTIFICATE_TYPE"
  | "INVALID_REVOCATION_REASON";

/** The one base class of CertLedger's errors: a stable `code` plus a message naming what is wrong. */
export class CertLedgerError extends Error {
  override readonly name = "CertLedgerError";
  /** Structured facts about the error (e.g. a contract error's name and arguments), safe to serialise as JSON. */
  readonly details?: Record<string, unknown>;

  constructor(
    readonly code: CertLedgerErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options);
    this.details = options?.details;
  }
}

/** Whether `error` is a CertLedgerError, optionally with the given `code`. */
export function isCertLedgerError(error: unknown, code?: CertLedgerErrorCode): error is CertLedgerError {
  return error instanceof CertLedgerError && (code === undefined || error.code === code);
}
