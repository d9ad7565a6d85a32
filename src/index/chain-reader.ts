import type { Block, Log } from "ethers";
import type { LedgerClient } from "../chain/ledger-client";
import { toCertLedgerError } from "../chain/errors";
import { withRetry, type RetryOptions } from "../chain/retry";
import { CertLedgerError } from "../errors";
import { decodeLedgerLog, type DecodedLog } from "./ledger-log";

/** A block the index relies on, by number and hash. */
export interface BlockRef {
  number: number;
  hash: string;
}

/** A block with its time (seconds): where verifications read from the index stand. */
export interface BlockHeader extends BlockRef {
  timestamp: bigint;
}

/** A range of blocks read from the chain: the ledger's decoded events and the hashes of the blocks they are in. */
export interface ChunkRead {
  /** The range's last block (its hash becomes the cursor's). */
  end: BlockHeader;
  /** Every block with an event, and the last block. */
  blocks: BlockRef[];
  logs: DecodedLog[];
}

const HEADERS_AT_ONCE = 16;

/** Reads the ledger's events from the chain, block range by block range, and checks that they are of one chain. */
export class ChainReader {
  constructor(
    private readonly client: LedgerClient,
    private readonly retry: RetryOptions = {},
  ) {}

  /** The chain's head block number. */
  async head(): Promise<number> {
    return this.client.blockNumber();
  }

  /** The hash of block `number` on the node's chain now, or undefined when the chain is shorter. */
  async hashAt(number: number): Promise<string | undefined> {
    return (await this.#block(number))?.hash ?? undefined;
  }

  /** Block `number`'s header on the node's chain now, or undefined when the chain is shorter. */
  async header(number: number): Promise<BlockHeader | undefined> {
    const block = await this.#block(number);
    return block?.hash ? { number: block.number, hash: block.hash, timestamp: BigInt(block.timestamp) } : undefined;
  }

  /**
   * Every ledger event of blocks `from`..`to`, where block `from - 1` had hash `parentHash` (unchecked when undefined).
   * The last block's header is read first, each event's block header after the logs (compared with the log's block
   * hash), and block `from`'s parent last: a chain reorganised during the read gives CHAIN_REORGANISED here, or
   * leaves a stale hash for the range's last block that the next synchronisation finds. Never a silent mixture.
   */
  async readRange(from: number, to: number, parentHash: string | undefined): Promise<ChunkRead> {
    const last = await this.#block(to);
    if (!last?.hash) throw reorganised(`block ${to} is no longer on the chain`);
    const logs = (
      await this.#call("getLogs", () => this.client.provider.getLogs({ address: this.client.address, fromBlock: from, toBlock: to }))
    )
      .filter((log) => !log.removed)
      .sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
    const headers = await this.#headers(logs, { number: to, hash: last.hash, timestamp: BigInt(last.timestamp) });
    const decoded: DecodedLog[] = [];
    for (const log of logs) {
      const header = headers.get(log.blockNumber);
      if (!header || header.hash !== log.blockHash) throw reorganised(`block ${log.blockNumber} changed while it was read`);
      const event = decodeLedgerLog(log, header.timestamp);
      if (event) decoded.push(event);
    }
    if (parentHash !== undefined) {
      const first = await this.#block(from);
      if (first?.parentHash !== parentHash) throw reorganised(`block ${from - 1} is no longer the one indexed`);
    }
    const blocks = [...headers.values()].map(({ number, hash }) => ({ number, hash }));
    return { end: { number: to, hash: last.hash, timestamp: BigInt(last.timestamp) }, blocks, logs: decoded };
  }

  /** The headers of the blocks `logs` are in (fetched by number, so their hashes can be compared with the logs'). */
  async #headers(logs: Log[], last: BlockRef & { timestamp: bigint }): Promise<Map<number, BlockRef & { timestamp: bigint }>> {
    const headers = new Map([[last.number, last]]);
    const wanted = [...new Set(logs.map((log) => log.blockNumber))].filter((n) => !headers.has(n));
    for (let i = 0; i < wanted.length; i += HEADERS_AT_ONCE) {
      const found = await Promise.all(wanted.slice(i, i + HEADERS_AT_ONCE).map((n) => this.#block(n)));
      for (const block of found) {
        if (block?.hash) headers.set(block.number, { number: block.number, hash: block.hash, timestamp: BigInt(block.timestamp) });
      }
    }
    return headers;
  }

  #block(number: number): Promise<Block | null> {
    return this.#call("getBlock", () => this.client.provider.getBlock(number));
  }

  #call<T>(action: string, operation: () => Promise<T>): Promise<T> {
    return withRetry(operation, this.retry).catch((error: unknown) => {
      throw toCertLedgerError(error, action);
    });
  }
}

/**
 * The highest of `candidates` (ascending, hashes the index stored) that is still on the chain, or undefined when
 * none is. Block hashes chain, so once one block matches every earlier one does: a binary search asks O(log n) blocks.
 */
export async function lastBlockStillOnChain(
  candidates: readonly BlockRef[],
  hashAt: (number: number) => Promise<string | undefined>,
): Promise<BlockRef | undefined> {
  let low = 0;
  let high = candidates.length - 1;
  let found: BlockRef | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((await hashAt(candidates[middle].number)) === candidates[middle].hash) {
      found = candidates[middle];
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

function reorganised(message: string): CertLedgerError {
  return new CertLedgerError("CHAIN_REORGANISED", `${message}: the chain was reorganised during the read; read again`);
}
