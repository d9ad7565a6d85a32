import type { Provider } from "ethers";
import { toCertLedgerError } from "../chain/errors";
import type { AnchorPosition, Outbox } from "./outbox";

/**
 * Checks of what the outbox believes against the chain the node has now. A chain can go back: an embedded anvil that
 * lost power restarts from its last state file, a chain without immediate finality reorganises. A submission the
 * outbox records as anchored must then still be in the block it names — same transaction, same block hash — or it is
 * looked up by its content and, when the chain no longer holds it, sent again (see Batcher.checkAnchored).
 *
 * A block whose hash still matches vouches for every block under it (each block names its parent's hash), so only the
 * submissions above the highest matching block need to be looked at again: one request per block walked down.
 */

/** Where transaction `txHash` is now, from its receipt; undefined when the chain does not hold it. */
export async function receiptPosition(provider: Provider, txHash: string): Promise<Required<AnchorPosition> | undefined> {
  const receipt = await provider.getTransactionReceipt(txHash).catch((error: unknown) => {
    throw toCertLedgerError(error, "getTransactionReceipt");
  });
  if (!receipt || receipt.status !== 1) return undefined;
  return { txHash, blockNumber: receipt.blockNumber, blockHash: receipt.blockHash };
}

/** Whether the highest block the outbox names for an anchored submission is still that block on the chain. */
export async function anchoredHeadHolds(outbox: Outbox, provider: Provider): Promise<boolean> {
  const [top] = outbox.submissions.anchoredBlocks(Number.POSITIVE_INFINITY, 1);
  return top === undefined || (await blockHash(provider, top.blockNumber)) === top.blockHash;
}

/**
 * The highest block holding anchored submissions that the chain still has with the recorded hash (-1 when none is):
 * every anchored submission at or under it is on the chain as recorded.
 */
export async function commonAnchoredBlock(outbox: Outbox, provider: Provider): Promise<number> {
  const PAGE = 100;
  for (let below = Number.POSITIVE_INFINITY; ;) {
    const blocks = outbox.submissions.anchoredBlocks(below, PAGE);
    for (const block of blocks) {
      if ((await blockHash(provider, block.blockNumber)) === block.blockHash) return block.blockNumber;
    }
    if (blocks.length < PAGE) return -1;
    below = blocks[blocks.length - 1].blockNumber;
  }
}

async function blockHash(provider: Provider, blockNumber: number): Promise<string | undefined> {
  const block = await provider.getBlock(blockNumber).catch((error: unknown) => {
    throw toCertLedgerError(error, "getBlock");
  });
  return block?.hash ?? undefined;
}
