import type { Provider, TransactionReceipt } from "ethers";
import { CertLedgerError } from "../errors";
import { withRetry, type RetryOptions } from "./retry";

/** How {@link waitForConfirmations} waits. */
export interface ConfirmationOptions {
  /** Blocks that must hold or follow the transaction's block (1 = mined). */
  confirmations: number;
  /** How often to look for the receipt and new blocks. */
  pollIntervalMs: number;
  /** How long to wait before giving up with TX_NOT_CONFIRMED. */
  timeoutMs: number;
  retry?: RetryOptions;
}

/**
 * Waits until transaction `txHash` is mined and `confirmations` blocks hold or follow it, and returns its receipt.
 * It polls rather than subscribing to blocks because not every provider can subscribe (Hardhat's in-process one
 * cannot wait for a transaction at all), and it reads the receipt again each time so that a transaction moved to
 * another block by a reorganisation is counted from its new block.
 */
export async function waitForConfirmations(provider: Provider, txHash: string, options: ConfirmationOptions): Promise<TransactionReceipt> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const receipt = await withRetry(() => provider.getTransactionReceipt(txHash), options.retry);
    if (receipt) {
      if (options.confirmations <= 1) return receipt;
      const latest = await withRetry(() => provider.getBlockNumber(), options.retry);
      if (latest - receipt.blockNumber + 1 >= options.confirmations) return receipt;
    }
    if (Date.now() >= deadline) {
      throw new CertLedgerError(
        "TX_NOT_CONFIRMED",
        `transaction ${txHash} has not got ${options.confirmations} confirmation(s) within ${options.timeoutMs} ms; it may still be mined`,
        { details: { txHash, confirmations: options.confirmations } },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs));
  }
}
