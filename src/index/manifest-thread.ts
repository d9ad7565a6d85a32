import type { Worker } from "node:worker_threads";
import { CertLedgerError, type CertLedgerErrorCode } from "../errors";
import type { BatchRef } from "./manifest-members";
import { startWorker } from "../worker-thread";

/** What became of a manifest: the root its leaves build, and whether its members were stored (the root was the batch's). */
export interface StoredManifest {
  root: string;
  stored: boolean;
}

/** A manifest to read into index file `file`: its bytes, and the batch it must be the manifest of. */
export interface ManifestJob {
  file: string;
  batch: BatchRef;
  bytes: Uint8Array;
  /** The leaf count of the BatchAnchored event: a manifest listing another number of leaves is refused. */
  leafCount: number;
}

type Reply =
  | { id: number; root: string; stored: boolean }
  | { id: number; closed: true }
  | { id: number; error: { code?: CertLedgerErrorCode; message: string } };

/**
 * The manifest thread: one worker thread, started on first use and left to exit with the process (unref'd), that
 * parses a batch manifest, rebuilds its tree, and stores its members into the index (manifest-worker.ts). A manifest
 * of N leaves is N keccak pairs and N index rows; the event loop, which answers the node's HTTP requests, must spend
 * neither on a file any authority of any party chose (a 100,000-leaf tree took 9 s of it; storing the members ~110 µs
 * a certificate, 12% of it while credentials were accepted). Under ts-node (tests, `npm start`) the worker registers
 * it too.
 */
export class ManifestThread {
  #worker: Worker | undefined;
  #nextId = 0;
  readonly #waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();

  /**
   * Reads `job.bytes` as the manifest of `job.batch` and stores its members in the index file `job.file`: refused
   * (INVALID_MANIFEST) unless it holds exactly `job.leafCount` leaves; nothing stored when its leaves build another root
   * than the batch's (answered in `root`), or when the batch is gone or done meanwhile (`stored` false).
   */
  async store(job: ManifestJob): Promise<StoredManifest> {
    const reply = await this.#ask({ store: job });
    if ("error" in reply) throw new CertLedgerError(reply.error.code ?? "INVALID_MANIFEST", reply.error.message);
    if (!("root" in reply)) throw new Error("the manifest thread answered a store with no root");
    return { root: reply.root, stored: reply.stored };
  }

  /** Closes the thread's index connections and stops it (a new one starts on the next store). */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    // Its connections closed first: a terminated thread would leave the index file's WAL to the event loop's.
    await this.#ask({ close: true }).catch(() => undefined);
    this.#worker = undefined;
    await worker.terminate();
  }

  #ask(message: Record<string, unknown>): Promise<Reply> {
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      if (this.#waiting.size === 1) worker.ref();
      worker.postMessage({ id, ...message });
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = startWorker(__dirname, "manifest-worker", __filename, { background: true });
    worker.unref();
    worker.on("message", (reply: Reply) => {
      const waiting = this.#waiting.get(reply.id);
      if (!waiting) return;
      this.#waiting.delete(reply.id);
      if (this.#waiting.size === 0) worker.unref();
      waiting.resolve(reply);
    });
    const fail = (error: unknown) => {
      if (this.#worker === worker) this.#worker = undefined;
      const cause = error instanceof Error ? error : new Error(String(error));
      for (const { reject } of this.#waiting.values()) reject(cause);
      this.#waiting.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the manifest thread exited (${code})`)));
    this.#worker = worker;
    return worker;
  }
}
