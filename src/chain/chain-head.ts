import type { Provider } from "ethers";
import { CertLedgerError } from "../errors";
import { toCertLedgerError } from "./errors";
import { withRetry, type RetryOptions } from "./retry";

/** The chain's latest block as readers use it: its number, to pin reads to, its time (seconds), and its hash. */
export interface HeadBlock {
  number: number;
  timestamp: bigint;
  /** Tells this block from another at the same height, after the chain went back and was mined again. */
  hash: string;
}

/** How fresh the head must be. */
export interface ChainHeadOptions {
  /**
   * How old a head may be and still be answered, counted from when it was asked of the node (default 0: every caller
   * asks, though callers at the same moment share one request).
   */
  maxAgeMs?: number;
  /** Retrying of a head request that fails for a moment (see {@link withRetry}). */
  retry?: RetryOptions;
}

/**
 * The head block shared by every reader of the chain: one `eth_getBlockByNumber("latest")` answers everyone for
 * `maxAgeMs`, so a verification costs no RPC to learn where the chain stands. Its staleness is bounded both ways:
 * - a head older than `maxAgeMs` is never answered: the next caller asks the node (all callers meanwhile share that
 *   request), and when the node does not answer they get CHAIN_UNAVAILABLE, never the old head;
 * - a block this process knows exists (a write's receipt, {@link observe}) makes an older head stale at once, so a
 *   revocation sent through this node shows in the very next verification, and one sent through another node within
 *   `maxAgeMs` of its block reaching ours.
 */
export class ChainHead {
  readonly #provider: Provider;
  readonly #maxAgeMs: number;
  readonly #retry: RetryOptions;
  #known: { head: HeadBlock; askedAt: number } | undefined;
  #pending: { promise: Promise<HeadBlock>; askedAt: number } | undefined;
  /** The highest block known to exist, and when it became known. */
  #observed = { number: -1, at: -Infinity };
  readonly #listeners = new Set<(blockNumber: number) => void>();

  constructor(provider: Provider, options: ChainHeadOptions = {}) {
    const maxAgeMs = options.maxAgeMs ?? 0;
    if (!Number.isFinite(maxAgeMs) || maxAgeMs < 0) {
      throw new CertLedgerError("INVALID_CONFIG", `maxAgeMs must be a non-negative number of milliseconds, not ${maxAgeMs}`);
    }
    this.#provider = provider;
    this.#maxAgeMs = maxAgeMs;
    this.#retry = options.retry ?? {};
  }

  /** How old a head may be when answered, in milliseconds. */
  get maxAgeMs(): number {
    return this.#maxAgeMs;
  }

  /** The latest block, as the node told it at most `maxAgeMs` ago and no older than a block observed since. */
  latest(): Promise<HeadBlock> {
    const known = this.#known;
    if (known && performance.now() - known.askedAt <= this.#maxAgeMs && known.head.number >= this.#observed.number) {
      return Promise.resolve(known.head);
    }
    // A request already under way serves too, unless it was sent before the latest block was observed.
    const pending = this.#pending;
    if (pending && pending.askedAt >= this.#observed.at) return pending.promise;
    return this.#ask();
  }

  /** Tells the head that block `blockNumber` exists (e.g. a write was mined in it): an older head is stale from now. */
  observe(blockNumber: number): void {
    if (blockNumber <= this.#observed.number) return;
    this.#observed = { number: blockNumber, at: performance.now() };
    for (const listener of this.#listeners) listener(blockNumber);
  }

  /**
   * Calls `listener` with each newly observed block (see {@link observe}), so that readers of the same chain in other
   * processes can be told too; returns what stops it.
   */
  onObserve(listener: (blockNumber: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #ask(): Promise<HeadBlock> {
    const askedAt = performance.now();
    const promise = withRetry(() => this.#provider.getBlock("latest"), this.#retry)
      .catch((error: unknown) => {
        throw toCertLedgerError(error, "getBlock(latest)");
      })
      .then((block) => {
        if (!block) throw new CertLedgerError("CHAIN_UNAVAILABLE", "getBlock(latest): the node has no latest block");
        const head = { number: block.number, timestamp: BigInt(block.timestamp), hash: block.hash ?? "" };
        // Answers may arrive out of order: keep the one asked last.
        if (!this.#known || askedAt >= this.#known.askedAt) this.#known = { head, askedAt };
        return head;
      })
      .finally(() => {
        if (this.#pending?.promise === promise) this.#pending = undefined;
      });
    this.#pending = { promise, askedAt };
    return promise;
  }
}
