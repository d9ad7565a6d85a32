import { buildBatch, encodeBatchManifest, type BatchLeafInput } from "./batch";

/** A batch as the batcher records and anchors it: its root, each member's proof, and its manifest's bytes for IPFS. */
export interface ComposedBatch {
  root: string;
  /** In tree order. */
  members: { certHash: string; proof: string[] }[];
  manifest: Uint8Array;
}

/**
 * Composes batches, possibly off the calling thread (the document pool's workers do: DocumentWorkerPool.composeBatch).
 * Rejects with the CertLedgerError of buildBatch when the leaves are refused; with another error when the composing
 * failed for another reason (a worker gone), which says nothing about the leaves.
 */
export type BatchComposer = (authorityId: number, certType: number, leaves: BatchLeafInput[]) => Promise<ComposedBatch>;

/** Builds the batch of `leaves` (see buildBatch) and encodes its manifest: the whole of a batch's CPU work, ~40 µs a leaf. */
export function composeBatch(authorityId: number, certType: number, leaves: readonly BatchLeafInput[]): ComposedBatch {
  const batch = buildBatch(authorityId, certType, leaves);
  return {
    root: batch.root,
    members: batch.members().map(({ certHash, proof }) => ({ certHash, proof })),
    manifest: encodeBatchManifest(batch.manifest),
  };
}

/** Composes on the calling thread: the batcher's composer when no worker pool is given. */
export const composeHere: BatchComposer = async (authorityId, certType, leaves) => composeBatch(authorityId, certType, leaves);
