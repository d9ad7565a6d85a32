import path from "node:path";
import { CertLedgerError } from "../errors";
import { wakeableWait } from "../wakeable-wait";
import { rpc } from "./embedded-rpc";
import { dumpStateToFile } from "./state-dump";

/** Writes the state of the anvil at `rpcUrl` to `file`, whole and synced: dumpStateToFile, or a thread's (StateDumpThread). */
export type StateDump = (rpcUrl: string, file: string) => Promise<void>;

/**
 * The embedded chain's state on disk, written by this process rather than by anvil: anvil's own `--state` dump
 * truncates the file and writes it in place, with no fsync, every `--state-interval` seconds, so a power cut loses the
 * blocks since the last dump and one during a dump leaves a file anvil cannot load. Here the state comes from
 * `anvil_dumpState` (gzipped JSON, the format `--load-state` reads), goes to a temporary file that is fsync'd, and is
 * renamed over the old one (then the folder is fsync'd): the file on disk is always a whole state.
 *
 * It keeps a "durable head": the highest block known to be in the file. {@link durable} resolves once a block is on
 * disk, so that the node says "anchored" only of a transaction that survives a power cut. Callers at the same moment
 * share one dump: while one is being written, the next waits and covers every block mined meanwhile.
 *
 * A dump is the whole chain, its blocks and transactions included, so it grows with the chain's history: ~10 ms for a
 * new chain, ~300 ms after 7,500 transactions (anvil_dumpState timed by hand, 2 cores), then a file of megabytes to
 * write and sync. Asked back to back while batches are anchored, dumps and their writes ran without pause (9.5 s of
 * 12.4 s while 10,000 credentials were anchored on a chain of 3,000 transactions, a 14 MB state), taking a core's
 * share from the node: anvil spent 119 µs of CPU for every credential accepted on the bench's node
 * (bench/credential-acceptance.ts), 38 µs on a new chain. So a write for durable() starts no sooner after the last
 * write than PACE times as long as that one took: writes take at most half the time whatever the chain's size, and a
 * block waits at most one write's time longer to be vouched for. From 100,000 to 200,000 certificates
 * (`npm run bench:scale`, 2 runs each): 1,646-1,657 anchored/s against 1,439-1,509, anvil at 6% of a core against 11%;
 * PACE 2 gave 1,567-1,582/s and a certificate sent alone waited 0.8 s longer. A {@link write} (a stop, a deployment)
 * does not wait, and cuts such a wait short.
 */
export class ChainStateFile {
  readonly file: string;
  readonly #rpcUrl: string;
  readonly #dump: StateDump;
  #durableHead = -1;
  /** Bumped when the node restarted: a write begun before speaks for the old node's blocks, not the new one's. */
  #epoch = 0;
  #writing: Promise<number> | undefined;
  /** When the next paced dump may start (performance.now()), and what ends that wait early. */
  #pacedUntil = 0;
  #hurry: (() => void) | undefined;

  /** `dump` makes each write (by default on this thread; the node's embedded chain gives its StateDumpThread's). */
  constructor(file: string, rpcUrl: string, dump: StateDump = dumpStateToFile) {
    this.file = path.resolve(file);
    this.#rpcUrl = rpcUrl;
    this.#dump = dump;
  }

  /** The highest block known to be in the file (-1 before the first write). */
  get durableHead(): number {
    return this.#durableHead;
  }

  /**
   * Forgets the durable head: the node restarted from the file, and the blocks it mines from there are not on disk even
   * where their numbers are below the old head.
   */
  restarted(): void {
    this.#epoch++;
    this.#durableHead = -1;
  }

  /**
   * Resolves once block `blockNumber` (and all before it) is in the file on disk; CHAIN_REORGANISED when the chain no
   * longer reaches that block (it went back: its state came from an older file).
   */
  async durable(blockNumber: number): Promise<void> {
    while (this.#durableHead < blockNumber) {
      // A write begun before this call may predate the block; one begun now has it, unless the chain went back.
      const joined = this.#writing !== undefined;
      const head = await this.writePaced();
      if (!joined && head >= 0 && head < blockNumber) {
        throw new CertLedgerError("CHAIN_REORGANISED", `block ${blockNumber} is no longer on the chain (its head is block ${head})`, {
          details: { blockNumber, head },
        });
      }
    }
  }

  /**
   * Writes the chain's current state to the file now (joining a write under way if there is one, and cutting short its
   * wait for its turn); returns its head.
   */
  write(): Promise<number> {
    return this.#join(false);
  }

  /**
   * Writes the state at its turn (see PACE), for what durable() and the periodic write ask: the same as {@link write},
   * except that it may first wait.
   */
  writePaced(): Promise<number> {
    return this.#join(true);
  }

  #join(paced: boolean): Promise<number> {
    this.#writing ??= this.#write(paced).finally(() => (this.#writing = undefined));
    if (!paced) this.#hurry?.();
    return this.#writing;
  }

  async #write(paced: boolean): Promise<number> {
    if (paced) await this.#turn();
    const epoch = this.#epoch;
    const started = performance.now();
    // The head is read first: the state dumped after it holds at least that block.
    const head = Number(await rpc<string>(this.#rpcUrl, "eth_blockNumber"));
    await this.#dump(this.#rpcUrl, this.file);
    // The whole write: anvil's serialising and zipping, this process's unzipping, and the disk's writing and syncing (a
    // sync of a large state holds up the outbox's syncs behind it).
    const took = performance.now() - started;
    this.#pacedUntil = performance.now() + PACE * took;
    if (epoch !== this.#epoch) return -1; // the old node's state: the new one's blocks still need a write
    this.#durableHead = Math.max(this.#durableHead, head);
    return head;
  }

  /** Resolves when a paced dump may start: PACE times the last dump's time after it ended, or when a write() hurries it. */
  async #turn(): Promise<void> {
    const wait = this.#pacedUntil - performance.now();
    if (wait <= 0) return;
    const pause = wakeableWait(wait);
    this.#hurry = pause.wake;
    await pause.done;
    this.#hurry = undefined;
  }
}

/** How many times as long as the last write took a paced write waits after it: writes take at most 1 / (1 + PACE) of the time. */
export const PACE = 1;
