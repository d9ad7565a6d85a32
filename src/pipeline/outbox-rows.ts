/** The outbox's rows as SQLite holds them (outbox-schema.ts), and as the stores hand them out. */
import { CertLedgerError } from "../errors";
import type { AnchorPosition } from "./anchoring-engine";
import type { AnchorRequest, AnchorRequestStatus } from "./anchor-request";

/** An error as the outbox records it. */
export interface RecordedError {
  code: string;
  message: string;
}

/** What every submission records, whatever it anchors. */
interface SubmissionState {
  id: number;
  authorityId: number;
  certType: number;
  leafCount: number;
  /** The chain's height before the first send: its event is at or after this block. */
  fromBlock: number;
  status: "submitted" | "anchored" | "failed";
  txHash?: string;
  blockNumber?: number;
  /** The hash of block `blockNumber` when it was recorded (anchored submissions whose receipt was read). */
  blockHash?: string;
  attempts: number;
  /** When a transient failure may be retried (ms since the epoch). */
  nextAttemptAt: number;
  error?: RecordedError;
}

/** What a submission anchors: a Merkle batch (its root and manifest), or one certificate on its own (its one member). */
export type SubmissionKind = { kind: "batch"; root: string; manifestCid: string } | { kind: "direct" };

/** A transaction the batcher sends: a Merkle batch, or one certificate anchored on its own. */
export type Submission = SubmissionState & SubmissionKind;

/** A submission to record: what it anchors, fixed before it is sent. */
export type NewSubmission = SubmissionKind & {
  authorityId: number;
  certType: number;
  fromBlock: number;
  /** The certificates it anchors, each with its Merkle proof in a batch. */
  members: { certHash: string; proof?: string[] }[];
};

export type { AnchorPosition };

export interface RequestRow {
  seq: number;
  cert_hash: string;
  authority_id: number;
  cert_type: number;
  valid_until: string;
  number_hash: string;
  idempotency_key: string | null;
  payload_cid: string | null;
  status: AnchorRequestStatus;
  batch_root: string | null;
  proof: string | null;
  tx_hash: string | null;
  block_number: number | null;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  updated_at: number;
}

export interface SubmissionRow {
  id: number;
  kind: "direct" | "batch";
  authority_id: number;
  cert_type: number;
  root: string | null;
  leaf_count: number;
  manifest_cid: string | null;
  from_block: number;
  status: Submission["status"];
  tx_hash: string | null;
  block_number: number | null;
  block_hash: string | null;
  attempts: number;
  next_attempt_at: number;
  error_code: string | null;
  error_message: string | null;
}

// Every column a request is read with, except the payload bytes, which stay in SQLite until IPFS has them.
export const REQUEST_COLUMNS = `seq, cert_hash, authority_id, cert_type, valid_until, number_hash, idempotency_key, payload_cid, status,
  batch_root, proof, tx_hash, block_number, attempts, error_code, error_message, created_at, updated_at`;

export function toRequest(row: RequestRow): AnchorRequest {
  const request: AnchorRequest = {
    certHash: row.cert_hash,
    authorityId: row.authority_id,
    certType: row.cert_type,
    validUntil: BigInt(row.valid_until),
    numberHash: row.number_hash,
    status: row.status,
    attempts: row.attempts,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
  if (row.payload_cid !== null) request.payloadCid = row.payload_cid;
  if (row.batch_root !== null) request.batchRoot = row.batch_root;
  if (row.proof !== null) request.proof = JSON.parse(row.proof) as string[];
  if (row.tx_hash !== null) request.txHash = row.tx_hash;
  if (row.block_number !== null) request.blockNumber = row.block_number;
  if (row.error_code !== null) request.error = { code: row.error_code, message: row.error_message ?? "" };
  return request;
}

export function toSubmission(row: SubmissionRow): Submission {
  const state: SubmissionState = {
    id: row.id,
    authorityId: row.authority_id,
    certType: row.cert_type,
    leafCount: row.leaf_count,
    fromBlock: row.from_block,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
  };
  if (row.tx_hash !== null) state.txHash = row.tx_hash;
  if (row.block_number !== null) state.blockNumber = row.block_number;
  if (row.block_hash !== null) state.blockHash = row.block_hash;
  if (row.error_code !== null) state.error = { code: row.error_code, message: row.error_message ?? "" };
  if (row.kind === "direct") return { ...state, kind: "direct" };
  // Written together with its root and manifest (SubmissionStore.record): without them it is not a batch one can send.
  if (row.root === null || row.manifest_cid === null)
    throw new CertLedgerError("OUTBOX_UNAVAILABLE", `the outbox's batch submission ${row.id} has no root or manifest CID`);
  return { ...state, kind: "batch", root: row.root, manifestCid: row.manifest_cid };
}
