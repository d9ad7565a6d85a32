/**
 * Where PDFs are stamped: on this thread, or in a pool of worker threads (document-worker-pool.ts). Stamping a one-page
 * PDF costs ~2.5 ms of CPU (pdf-lib parses the file, draws the QR code and writes the file again in JavaScript), so a
 * node stamping a request's 100 PDFs on its main thread answers nothing else for at least a quarter of a second.
 * Either way the bytes are the same: stampPdf is deterministic, and a retried submission hashes as the first one did
 * wherever it was stamped.
 */
import { threadId } from "node:worker_threads";
import { certHashOf } from "./hashing";
import { stampPdf, type PdfStamp } from "./pdf-stamp";

/** A stamped PDF and the certHash of its stamped bytes, hashed where it was stamped. */
export interface StampedPdf {
  bytes: Uint8Array;
  certHash: string;
  /** The thread that stamped it (0: the process's main thread), so a caller or a test can tell where the work ran. */
  threadId: number;
}

/** Stamps PDFs: the seam between stamping on this thread and in worker threads. */
export interface PdfStamper {
  /** `bytes` with `stamp` drawn on its first page, and its certHash; PDF_UNREADABLE when pdf-lib cannot read it. */
  stamp(bytes: Uint8Array, stamp: PdfStamp): Promise<StampedPdf>;
}

/** Stamps `bytes` and hashes the result on the calling thread (what a worker of the pool runs for each task). */
export async function stampAndHash(bytes: Uint8Array, stamp: PdfStamp): Promise<StampedPdf> {
  const stamped = await stampPdf(bytes, stamp);
  return { bytes: stamped, certHash: certHashOf(stamped), threadId };
}

/** Stamping on the calling thread: the library's default, and PDF_WORKERS=0's. */
export const thisThreadStamper: PdfStamper = { stamp: stampAndHash };
