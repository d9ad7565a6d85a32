/**
 * The anchoring pipeline of DESIGN.md "Running it": a request accepted is anchored exactly once, even if the server,
 * the chain or IPFS stops in between.
 *
 * - anchoring-engine.ts: THE exactly-once rule (intent recorded first, look before sending again, send the same thing,
 *   settle), followed by the Batcher and by the command line's direct mode (`findOnChain`, `sendOnce`).
 * - admission.ts: the ledger's rules checked before a certificate is recorded (authority, scope, validity, key).
 * - `AnchoringService`: the business rules of accepting a certificate (a credential to sign, a signed JWS, or a
 *   file): validation, issuer and chain checks, signing, payload encryption, and the durable enqueue.
 * - `Outbox`: one SQLite file (WAL, synchronous=FULL) holding the request queue (`RequestStore`, idempotent by certHash
 *   and idempotency key) and the submission log (`SubmissionStore`: each transaction before it is sent, its outcome
 *   after); its schema is outbox-schema.ts.
 * - `Batcher`: payloads to IPFS, requests grouped into direct anchors and Merkle batches, confirmed transactions,
 *   retries with backoff, reconciliation with the chain at start-up, and a health report for readiness probes.
 * - `CertificateStatusService`: suspension, reinstatement and revocation, by record or (batched) by stored proof.
 * - `LinkKeyStore`: the link keys of accepted certificates, sealed at rest, with what the console searches by.
 * - `IssuedCertificates`: the issuer's console: its certificates (outbox + index), their links and documents.
 * - `PayloadReplicator`: pins the payloads addressed to this server's parties as the chain index learns of them, so
 *   they outlive the issuer's node.
 * - `ConsortiumPeers`: keeps the embedded IPFS node admitting exactly the nodes the ledger registers for active parties;
 *   `announcePartyNode` registers this server's node and its party's encryption key.
 *
 * Errors (CertLedgerError codes): INVALID_ANCHOR_REQUEST, REQUEST_CONFLICT, IDEMPOTENCY_KEY_REUSED,
 * REQUEST_NOT_ANCHORED, OUTBOX_UNAVAILABLE, BATCHER_NOT_RUNNING, ISSUER_MISMATCH, UNTRUSTED_KEY, NO_SIGNING_KEY, plus
 * the documents', crypto's and the ledger's own codes (INVALID_CREDENTIAL, INVALID_SIGNATURE, AUTHORITY_NOT_IN_SCOPE…).
 */
export {
  ANCHOR_REQUEST_STATUSES,
  parseAnchorRequestInput,
  type AnchorRequest,
  type AnchorRequestInput,
  type AnchorRequestStatus,
  type ListOptions,
} from "./anchor-request";
export { Outbox, type NewSubmission, type PendingUpload, type ReadyGroup, type RecordedError, type Submission } from "./outbox";
export { RequestStore } from "./request-store";
export { SubmissionStore } from "./submission-store";
export {
  findOnChain,
  sendOnce,
  type AnchorPosition,
  type AnchorTarget,
  type BatchTarget,
  type DirectTarget,
  type OnChain,
} from "./anchoring-engine";
export { admitAuthority, admitSigningKey } from "./admission";
export { Batcher, type BatcherHealth, type BatcherOptions } from "./batcher";
export { isPermanentFailure, type BackoffOptions } from "./failures";
export type { AuthorityKeyring, AuthoritySigningKey } from "./authority-keyring";
export {
  AnchoringService,
  type AnchoringServiceOptions,
  type CredentialSubmissionOutcome,
  type FileSubmissionOutcome,
  type SubmissionOutcome,
} from "./anchoring-service";
export { certificateTypeOf, type StampTarget, type SubmitCredentialInput, type SubmitFileInput } from "./submission-inputs";
export { submitSpsCertificate, type SubmitSpsInput } from "./sps-submission";
export { LinkKeyStore, type IssuedEntry, type IssuedFilter, type IssuedRecord } from "./link-keys";
export { IssuedCertificates, type ConsoleEntry, type ConsoleQuery, type ConsolePage, type IssuedDocument } from "./issued-certificates";
export { ledgerRecipientKeys } from "./recipient-keys";
export { ConsortiumPeers, type ConsortiumPeer, type ConsortiumPeersOptions, type GatedNode } from "./consortium-peers";
export { announcePartyNode, type PartyAnnouncement } from "./party-node";
export { PayloadReplicator, type PayloadReplicatorOptions, type ReplicationSource, type ReplicationStats } from "./payload-replicator";
export { CertificateStatusService, type RevokeInput, type StatusChangeResult } from "./certificate-status";
