/**
 * What a worker thread of the document pool runs for one PDF (document-worker-tasks.ts exports it as stampPdf): stamp, hash, and
 * hand the stamped bytes back by moving their buffer to the calling thread rather than copying it.
 *
 * A CertLedgerError does not survive the thread boundary (structured clone keeps an error's message, not its class
 * or its code), so one is returned as its fields and thrown again, rebuilt, by the pool: a caller sees the same code
 * and message as when stamping on its own thread.
 */
import { CertLedgerError, type CertLedgerErrorCode } from "../errors";
import { withBytesMoved } from "./moved-result";
import type { PdfStamp } from "./pdf-stamp";
import { stampAndHash, type StampedPdf } from "./pdf-stamper";

/** One PDF to stamp. */
export interface StampTask {
  bytes: Uint8Array;
  stamp: PdfStamp;
}

/** A CertLedgerError as fields structured clone keeps; its cause, when there is one, as its name and message. */
export interface ClonedError {
  code: CertLedgerErrorCode;
  message: string;
  details?: Record<string, unknown>;
  cause?: { name: string; message: string };
}

/** What a task gives back: the stamped PDF, or the CertLedgerError stamping threw. */
export type StampTaskOutcome = StampedPdf | { error: ClonedError };

/** The task: `bytes` stamped and hashed, its buffer moved to the caller; a CertLedgerError returned as its fields. */
export default async function stampTask({ bytes, stamp }: StampTask): Promise<unknown> {
  let stamped: StampedPdf;
  try {
    stamped = await stampAndHash(bytes, stamp);
  } catch (error) {
    // Anything else is a bug, not a refusal: it crosses as a plain Error, and the pool rejects with it as it is.
    if (!(error instanceof CertLedgerError)) throw error;
    return { error: clonedError(error) } satisfies StampTaskOutcome;
  }
  // pdf-lib writes the file into a buffer of its own, which nothing else on this thread holds: it can be moved.
  return withBytesMoved(stamped satisfies StampTaskOutcome, [stamped.bytes]);
}

/** `error` as fields that cross a thread boundary. */
export function clonedError(error: CertLedgerError): ClonedError {
  const cause = error.cause instanceof Error ? { name: error.cause.name, message: error.cause.message } : undefined;
  return { code: error.code, message: error.message, details: error.details, cause };
}

/** The CertLedgerError `cloned` was made from: the same code, message and details (its cause with its name and message). */
export function rebuiltError(cloned: ClonedError): CertLedgerError {
  const cause = cloned.cause && Object.assign(new Error(cloned.cause.message), { name: cloned.cause.name });
  return new CertLedgerError(cloned.code, cloned.message, { details: cloned.details, ...(cause && { cause }) });
}
