/**
 * What a worker thread of the document pool runs to compose a Merkle batch (document-worker-tasks.ts exports it): the
 * tree, every proof and the manifest's bytes, ~40 µs a certificate that the event loop does not spend. A refusal is
 * returned as its CertLedgerError's fields (as pdf-stamp-task.ts does); the manifest's buffer is moved, not copied.
 */
import { CertLedgerError } from "../errors";
import type { BatchLeafInput } from "../merkle/batch";
import { composeBatch, type ComposedBatch } from "../merkle/composed-batch";
import { withBytesMoved } from "./moved-result";
import { clonedError, type ClonedError } from "./pdf-stamp-task";

/** The leaves of one batch, and what every leaf names. */
export interface ComposeTask {
  authorityId: number;
  certType: number;
  leaves: BatchLeafInput[];
}

/** The composed batch, or the CertLedgerError that refused its leaves. */
export type ComposeTaskOutcome = ComposedBatch | { error: ClonedError };

export function composeBatchTask({ authorityId, certType, leaves }: ComposeTask): unknown {
  let composed: ComposedBatch;
  try {
    composed = composeBatch(authorityId, certType, leaves);
  } catch (error) {
    // Anything else is a bug, not a refusal: it crosses as a plain Error, and the pool rejects with it as it is.
    if (!(error instanceof CertLedgerError)) throw error;
    return { error: clonedError(error) } satisfies ComposeTaskOutcome;
  }
  // TextEncoder's buffer, which nothing else on this thread holds.
  return withBytesMoved(composed satisfies ComposeTaskOutcome, [composed.manifest]);
}
