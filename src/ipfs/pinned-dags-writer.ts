import type { Worker } from "node:worker_threads";
import { CertLedgerError } from "../errors";
import { startWorker } from "../worker-thread";
import { toWire } from "./pinned-dags";
import type { PinnedDag } from "./sqlite-storage";

type Reply = { id: number; cids?: string[]; error?: string } | { closed: true };

/** How long a write waits for the file's lock held by the other connection (the main thread's, or this one's). */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Stores payloads' DAGs in the IPFS store's SQLite file on a thread of its own (pinned-dags-worker.ts), with its own
 * connection: the batcher's uploads are most of what that file is written, and storing 400 payloads with their pin
 * records and syncing them held the event loop 60-85 µs a payload, the largest share of a server-signed credential's
 * time on it (bench/credential-acceptance.ts, measured by leaving the store out). The main thread's connection still reads every block, and writes what
 * Helia writes (blocks fetched over bitswap, its own pins); SQLite lets one connection write at a time, so such a write
 * meanwhile waits for this thread's transaction (`busy_timeout`), which holds the lock no longer than it held the event
 * loop before.
 */
export class PinnedDagsWriter {
  readonly #worker: Worker;
  #nextId = 0;
  readonly #waiting = new Map<number, { resolve: (cids: string[]) => void; reject: (error: Error) => void }>();
  #closing: Promise<void> | undefined;
  #failure: Error | undefined;

  /** Starts the thread on `file`, whose schema the caller has made. */
  constructor(file: string) {
    this.#worker = startWorker(__dirname, "pinned-dags-worker", __filename, { workerData: { file, busyTimeoutMs: BUSY_TIMEOUT_MS } });
    this.#worker.unref();
    this.#worker.on("message", (reply: Reply) => {
      if ("closed" in reply) return;
      const waiting = this.#waiting.get(reply.id);
      if (!waiting) return;
      this.#waiting.delete(reply.id);
      if (this.#waiting.size === 0) this.#worker.unref();
      if (reply.error === undefined) waiting.resolve(reply.cids ?? []);
      else waiting.reject(unavailable(`cannot store payloads in the IPFS store: ${reply.error}`));
    });
    const fail = (error: Error) => {
      this.#failure ??= error;
      for (const { reject } of this.#waiting.values())
        reject(unavailable(`the IPFS store's writer thread stopped: ${error.message}`, error));
      this.#waiting.clear();
    };
    this.#worker.on("error", fail);
    this.#worker.on("exit", (code) => fail(new Error(`it exited (${code})`)));
  }

  /**
   * Stores every block of `dags`, and each of `singleBlocks` (payloads of one block: isSingleBlock) as a raw block, and
   * pins each root, in one transaction; resolves once all of it is on disk to the CIDs of `singleBlocks`, in their order
   * (IPFS_UNAVAILABLE if it cannot). The single blocks are hashed on the thread.
   */
  store(dags: readonly PinnedDag[], singleBlocks: readonly Uint8Array[] = []): Promise<string[]> {
    if (this.#closing) return Promise.reject(unavailable("the IPFS store is closed"));
    if (this.#failure)
      return Promise.reject(unavailable(`the IPFS store's writer thread stopped: ${this.#failure.message}`, this.#failure));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      if (this.#waiting.size === 1) this.#worker.ref();
      this.#worker.postMessage({ id, dags: dags.map(toWire), singleBlocks });
    });
  }

  /** Lets the stores already asked for finish, then closes the thread's connection and stops it. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (!this.#failure) {
        this.#worker.ref();
        await new Promise<void>((resolve) => {
          const closed = (reply: Reply) => {
            if (!("closed" in reply)) return;
            this.#worker.off("message", closed);
            resolve();
          };
          this.#worker.on("message", closed);
          this.#worker.once("exit", () => resolve());
          this.#worker.postMessage({ close: true });
        });
      }
      await this.#worker.terminate();
    })();
    return this.#closing;
  }
}

function unavailable(message: string, cause?: Error): CertLedgerError {
  return new CertLedgerError("IPFS_UNAVAILABLE", message, cause ? { cause } : undefined);
}
