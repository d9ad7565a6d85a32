import type { Worker } from "node:worker_threads";
import { CertLedgerError, type CertLedgerErrorCode } from "../errors";
import type { BatchMember } from "../merkle/batch";
import { startWorker } from "../worker-thread";

/** A manifest read: its tree's root and members. */
export interface ParsedManifest {
  root: string;
  members: BatchMember[];
}

type Reply = { id: number; root: string; members: BatchMember[] } | { id: number; error: { code?: CertLedgerErrorCode; message: string } };

/**
 * Parses batch manifests on one worker thread, started on first use and left to exit with the process (unref'd):
 * parsing, validating and hashing a manifest of N leaves is N keccak pairs of CPU time, which the main thread must not
 * spend on a file any authority of any party chose. Under ts-node (tests, `npm start`) the worker registers it too.
 */
export class ManifestParser {
  #worker: Worker | undefined;
  #nextId = 0;
  readonly #waiting = new Map<number, { resolve: (parsed: ParsedManifest) => void; reject: (error: Error) => void }>();

  /**
   * The manifest in `bytes` as the tree of a batch anchored by `authorityId` (every leaf names it), refused
   * (INVALID_MANIFEST) unless it holds exactly `leafCount` leaves.
   */
  parse(bytes: Uint8Array, leafCount: number, authorityId: number): Promise<ParsedManifest> {
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      if (this.#waiting.size === 1) worker.ref();
      worker.postMessage({ id, bytes, leafCount, authorityId });
    });
  }

  /** Stops the worker (a new one starts on the next parse). */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = startWorker(__dirname, "manifest-worker", __filename);
    worker.unref();
    worker.on("message", (reply: Reply) => {
      const waiting = this.#waiting.get(reply.id);
      if (!waiting) return;
      this.#waiting.delete(reply.id);
      if (this.#waiting.size === 0) worker.unref();
      if ("error" in reply) waiting.reject(new CertLedgerError(reply.error.code ?? "INVALID_MANIFEST", reply.error.message));
      else waiting.resolve({ root: reply.root, members: reply.members });
    });
    const fail = (error: unknown) => {
      if (this.#worker === worker) this.#worker = undefined;
      const cause = error instanceof Error ? error : new Error(String(error));
      for (const { reject } of this.#waiting.values()) reject(cause);
      this.#waiting.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the manifest worker exited (${code})`)));
    this.#worker = worker;
    return worker;
  }
}
