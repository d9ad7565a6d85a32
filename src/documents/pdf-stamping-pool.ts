/**
 * PDF stamping on every core: a pool of worker threads (piscina) that stamp PDFs and hash the stamped bytes, so a node
 * anchoring PDFs uses all its cores and its event loop keeps answering while they are stamped. The bytes are those of
 * stamping on the calling thread (the same stampAndHash runs in the worker), and a PDF that cannot be stamped is
 * refused with the same CertLedgerError.
 *
 * Idle workers do not keep a process alive; `close()` stops them once the stampings already asked for are done.
 */
import os from "node:os";
import path from "node:path";
import { Piscina } from "piscina";
import { CertLedgerError } from "../errors";
import type { PdfStamp } from "./pdf-stamp";
import type { PdfStamper, StampedPdf } from "./pdf-stamper";
import { rebuiltError, type StampTask, type StampTaskOutcome } from "./pdf-stamp-task";

/** How the pool is made. */
export interface PdfStampingPoolOptions {
  /** How many worker threads stamp (default: the cores this process may use, os.availableParallelism()). */
  threads?: number;
}

/**
 * The module a worker loads. From the TypeScript sources (ts-node, no build step) it is a small JavaScript entry that
 * registers ts-node in the worker first; once compiled, the task's own JavaScript.
 */
const WORKER_FILE = __filename.endsWith(".ts") ? path.join(__dirname, "pdf-stamp-worker.js") : path.join(__dirname, "pdf-stamp-task.js");

const WORKER_NICE_INCREMENT = 10;

/** A pool of worker threads stamping PDFs (a PdfStamper for AnchoringService's `stamper`). */
export class PdfStampingPool implements PdfStamper {
  readonly #pool: Piscina<StampTask, StampTaskOutcome>;
  /** The stampings asked for and not finished: close() waits for them (piscina's own close may end queued ones). */
  readonly #pending = new Set<Promise<StampTaskOutcome>>();
  #closing: Promise<void> | undefined;

  constructor(options: PdfStampingPoolOptions = {}) {
    const threads = options.threads ?? os.availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new CertLedgerError("INVALID_CONFIG", `a PDF stamping pool needs at least one thread, not ${threads}`);
    }
    this.#pool = new Piscina({
      filename: WORKER_FILE,
      // A fixed number of workers, started now and kept: a worker's start loads ts-node, pdf-lib and ethers (~1 s of
      // CPU), which should not fall on the first certificates, nor again after every pause.
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Infinity,
      // A worker holds its next PDF while it stamps one, so it does not sit idle while the event loop, blocked in a
      // synchronous SQLite commit, is late to hand it another.
      concurrentTasksPerWorker: 2,
      // Workers run at a lower priority than the event loop (and the embedded chain): when every core is busy, the API
      // answers first and stamping takes what is left. It loses nothing on an otherwise idle machine. Without it, each
      // wake-up of a worker preempted the event loop: /healthz p99 43-93 ms while stamping flat out, 24-49 ms with it
      // (bench/pdf-stamping.ts, 2 cores at load 4-6 from other work). Linux only (piscina's optional @napi-rs/nice); ignored elsewhere.
      niceIncrement: WORKER_NICE_INCREMENT,
    });
  }

  /** `bytes` stamped and hashed in a worker thread; PDF_UNREADABLE (the same code and message as on this thread) when it cannot be. */
  async stamp(bytes: Uint8Array, stamp: PdfStamp): Promise<StampedPdf> {
    if (this.#closing) throw new CertLedgerError("PDF_STAMPER_CLOSED", "the PDF stamping pool is closed: the server is stopping");
    // `bytes` is copied to the worker, not moved: it is the caller's, and may share its buffer with other Buffers. A view
    // into a larger buffer is cut out first (structured clone would copy the whole buffer). The stamp is copied field by
    // field: structured clone refuses whatever else a caller's object may carry.
    const own = bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    const task = this.#pool.run({ bytes: own, stamp: { qrLink: stamp.qrLink, printedLink: stamp.printedLink, number: stamp.number } });
    this.#pending.add(task);
    let outcome: StampTaskOutcome;
    try {
      outcome = await task;
    } finally {
      this.#pending.delete(task);
    }
    if ("error" in outcome) throw rebuiltError(outcome.error);
    return outcome;
  }

  /** The worker threads stamping. */
  get threads(): number {
    return this.#pool.maxThreads;
  }

  /** How many stampings the workers finished (refusals included). */
  get completed(): number {
    return this.#pool.completed;
  }

  /**
   * Stops the workers once the stampings already asked for are done; from now on the pool refuses new ones with
   * PDF_STAMPER_CLOSED. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      // piscina's close() counts a worker done when another finishes, and may end tasks still queued: wait here first.
      await Promise.allSettled(this.#pending);
      await this.#pool.close();
    })();
    return this.#closing;
  }
}
