/**
 * Document work on every core: a pool of worker threads (piscina) that stamp PDFs (and hash the stamped bytes) and seal
 * the credentials the server signs (sign, hash, encrypt), so a node accepting certificates uses all its cores and its
 * event loop keeps answering meanwhile. The results are those of the same work on the calling thread (the same
 * stampAndHash and sealCredential run in the worker), and what is refused is refused with the same CertLedgerError.
 *
 * Idle workers do not keep a process alive; `close()` stops them once the work already asked for is done.
 */
import os from "node:os";
import path from "node:path";
import { Piscina } from "piscina";
import { CertLedgerError } from "../errors";
import type { BatchLeafInput } from "../merkle/batch";
import { composeBatch, type ComposedBatch } from "../merkle/composed-batch";
import type { ComposeTask, ComposeTaskOutcome } from "./batch-compose-task";
import type { CredentialSealer, SealedCredential, SealInput } from "./credential-sealing";
import { validateCredential } from "./credentials";
import type { SealTask, SealTaskOutcome } from "./credential-sealing-task";
import type { PdfStamp } from "./pdf-stamp";
import type { PdfStamper, StampedPdf } from "./pdf-stamper";
import { rebuiltError, type StampTaskOutcome } from "./pdf-stamp-task";
import type { PreparedSigner } from "./vc-jose";
import { BACKGROUND_NICE_INCREMENT } from "../worker-thread";

/** How the pool is made. */
export interface DocumentWorkerPoolOptions {
  /** How many worker threads (default: the cores this process may use, os.availableParallelism()). */
  threads?: number;
}

/**
 * The module a worker loads. From the TypeScript sources (no build step) it is a small JavaScript entry that registers
 * esbuild's loader in the worker first; once compiled, the tasks' own JavaScript.
 */
const WORKER_FILE = __filename.endsWith(".ts")
  ? path.join(__dirname, "document-worker.js")
  : path.join(__dirname, "document-worker-tasks.js");

type Waiting = { input: SealInput; resolve: (sealed: SealedCredential) => void; reject: (error: unknown) => void };

/**
 * A pool of worker threads stamping PDFs and sealing credentials (AnchoringService's `stamper` and `sealer`), and
 * composing Merkle batches (the Batcher's `composeBatch`).
 */
export class DocumentWorkerPool implements PdfStamper, CredentialSealer {
  readonly #pool: Piscina;
  /** The work asked for and not finished: close() waits for it (piscina's own close may end queued tasks). */
  readonly #pending = new Set<Promise<unknown>>();
  /** Credentials to seal, by signer, waiting for the end of this event-loop turn. */
  #sealing = new Map<PreparedSigner, Waiting[]>();
  #closing: Promise<void> | undefined;

  constructor(options: DocumentWorkerPoolOptions = {}) {
    const threads = options.threads ?? os.availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new CertLedgerError("INVALID_CONFIG", `a document worker pool needs at least one thread, not ${threads}`);
    }
    this.#pool = new Piscina({
      filename: WORKER_FILE,
      // A fixed number of workers, started now and kept: a worker's start loads the sources, pdf-lib and ethers, which
      // should not fall on the first certificates, nor again after every pause.
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Infinity,
      // A worker holds its next task while it works on one, so it does not sit idle while the event loop, blocked in a
      // synchronous SQLite commit, is late to hand it another.
      concurrentTasksPerWorker: 2,
      // Workers run at a lower priority than the event loop (and the embedded chain): when every core is busy, the API
      // answers first and the workers take what is left. It loses nothing on an otherwise idle machine. Without it, each
      // wake-up of a worker preempted the event loop: /healthz p99 43-93 ms while stamping flat out, 24-49 ms with it
      // (bench/pdf-stamping.ts, 2 cores at load 4-6 from other work). Linux only (piscina's optional @napi-rs/nice); ignored elsewhere.
      niceIncrement: BACKGROUND_NICE_INCREMENT,
    });
  }

  /** `bytes` stamped and hashed in a worker thread; PDF_UNREADABLE (the same code and message as on this thread) when it cannot be. */
  async stamp(bytes: Uint8Array, stamp: PdfStamp): Promise<StampedPdf> {
    this.#checkOpen();
    // `bytes` is copied to the worker, not moved: it is the caller's, and may share its buffer with other Buffers. A view
    // into a larger buffer is cut out first (structured clone would copy the whole buffer). The stamp is copied field by
    // field: structured clone refuses whatever else a caller's object may carry.
    const own = bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    const task = { bytes: own, stamp: { qrLink: stamp.qrLink, printedLink: stamp.printedLink, number: stamp.number } };
    const outcome = (await this.#run(task, "stampPdf")) as StampTaskOutcome;
    if ("error" in outcome) throw rebuiltError(outcome.error);
    return outcome;
  }

  /**
   * `input` sealed in a worker thread. The credentials asked for in one event-loop turn (a batch request's) go to the
   * workers together, a share for each task a worker can hold: one message for many credentials, not one each.
   */
  seal(input: SealInput): Promise<SealedCredential> {
    if (this.#closing) return Promise.reject(closedError());
    try {
      // Checked here, on the caller's thread (at once for a credential validated on it): the worker signs what it is sent.
      validateCredential(input.credential);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      if (this.#sealing.size === 0) setImmediate(() => this.#sendSealing());
      const waiting = this.#sealing.get(input.signer) ?? [];
      waiting.push({ input, resolve, reject });
      this.#sealing.set(input.signer, waiting);
    });
  }

  /**
   * The batch of `leaves` composed in a worker thread (see composeBatch): the same batch, and the same refusal, as on
   * this thread. Once the pool is closing, composed on this thread: a batcher that stops after it still records what
   * it sends.
   */
  async composeBatch(authorityId: number, certType: number, leaves: readonly BatchLeafInput[]): Promise<ComposedBatch> {
    if (this.#closing) return composeBatch(authorityId, certType, leaves);
    // Each leaf's members only: a request as the outbox holds it carries more, which need not be copied.
    const task: ComposeTask = {
      authorityId,
      certType,
      leaves: leaves.map(({ certHash, numberHash, validUntil, payloadCid }) => ({ certHash, numberHash, validUntil, payloadCid })),
    };
    const outcome = (await this.#run(task, "composeBatchTask")) as ComposeTaskOutcome;
    if ("error" in outcome) throw rebuiltError(outcome.error);
    return outcome;
  }

  /** The worker threads. */
  get threads(): number {
    return this.#pool.maxThreads;
  }

  /** How many tasks the workers finished (refusals included; a task seals one or more credentials). */
  get completed(): number {
    return this.#pool.completed;
  }

  /**
   * Stops the workers once the work already asked for is done; from now on the pool refuses new work with
   * PDF_STAMPER_CLOSED. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#sendSealing();
      // piscina's close() counts a worker done when another finishes, and may end tasks still queued: wait here first.
      await Promise.allSettled(this.#pending);
      await this.#pool.close();
    })();
    return this.#closing;
  }

  #checkOpen(): void {
    if (this.#closing) throw closedError();
  }

  async #run(task: unknown, name: "stampPdf" | "sealCredentials" | "composeBatchTask"): Promise<unknown> {
    const running = this.#pool.run(task, { name });
    this.#pending.add(running);
    try {
      return await running;
    } finally {
      this.#pending.delete(running);
    }
  }

  #sendSealing(): void {
    const groups = this.#sealing;
    this.#sealing = new Map();
    const shares = this.threads * 2;
    for (const [signer, waiting] of groups) {
      const size = Math.ceil(waiting.length / shares);
      for (let start = 0; start < waiting.length; start += size) void this.#sealShare(signer, waiting.slice(start, start + size));
    }
  }

  async #sealShare(signer: PreparedSigner, share: Waiting[]): Promise<void> {
    // Each credential's members only: structured clone refuses whatever else a caller's object may carry.
    const task: SealTask = {
      signer: { signingKey: signer.signingKey, publicJwk: signer.publicJwk, kid: signer.kid },
      items: share.map(({ input }) => ({ credential: input.credential, recipients: input.recipients })),
    };
    let outcomes: SealTaskOutcome;
    try {
      outcomes = (await this.#run(task, "sealCredentials")) as SealTaskOutcome;
    } catch (error) {
      for (const { reject } of share) reject(error);
      return;
    }
    share.forEach(({ resolve, reject }, i) => {
      const outcome = outcomes[i];
      if ("error" in outcome) reject(rebuiltError(outcome.error));
      else resolve(outcome);
    });
  }
}

function closedError(): CertLedgerError {
  return new CertLedgerError("PDF_STAMPER_CLOSED", "the document worker pool is closed: the server is stopping");
}
