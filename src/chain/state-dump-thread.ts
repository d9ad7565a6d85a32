import { AskedThread } from "../asked-thread";
import { startWorker } from "../worker-thread";

/**
 * The embedded chain's state dumps, made on a thread of their own (state-dump-worker.ts) at a lower priority: the
 * JSON-RPC answer's parsing, its hex, the unzipping and the write (see state-dump.ts). The event loop only waits.
 */
export class StateDumpThread {
  readonly #thread = new AskedThread(
    "the state dump thread",
    () => startWorker(__dirname, "state-dump-worker", __filename, { background: true }),
    "CHAIN_UNAVAILABLE",
  );

  /** Writes the state of the anvil at `rpcUrl` to `file`, whole and synced (dumpStateToFile, on the thread). */
  async dump(rpcUrl: string, file: string): Promise<void> {
    await this.#thread.ask({ rpcUrl, file });
  }

  /** Stops the thread (a new one starts on the next dump). */
  close(): Promise<void> {
    return this.#thread.stop();
  }
}
