/**
 * The verifier: every check of a certificate against the ledger (and IPFS), a report with a verdict, signed
 * verification receipts, and offline proof bundles.
 */
export {
  Verifier,
  type EventSource,
  type VerifierDependencies,
  type VerifyOptions,
  type VerificationResult,
  type VerificationSource,
  type VerifyInput,
} from "./verifier";
export { ManifestBatchLocator, type BatchLocator } from "./batch-locator";
export { createProofBundle, parseProofBundle, verifyProofBundle, proofBundleSchema, type ProofBundle, type BundleDocument } from "./bundle";
export { signReceipt, verifyReceipt, RECEIPT_TYPE, type ReceiptSigningKey } from "./receipt";
export {
  verificationReportSchema,
  VERDICTS,
  CHECK_IDS,
  type VerificationReport,
  type Verdict,
  type Check,
  type CheckId,
  type LinkedCertificate,
} from "./report";
export { MAX_LINKS } from "./linked";
