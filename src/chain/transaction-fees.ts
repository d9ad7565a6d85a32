import type { TransactionRequest } from "ethers";
import { CertLedgerError } from "../errors";

/**
 * How the ledger's writes are priced. `auto` leaves it to ethers (EIP-1559 when the latest block has a non-zero base
 * fee, else legacy at the node's `eth_gasPrice`). `legacy` sends type-0 transactions at `gasPrice` (the node's price
 * when left out); `eip1559` sends type-2 transactions whose `maxFeePerGas` and `maxPriorityFeePerGas` are both
 * `gasPrice` when given. A permissioned chain run at zero gas price (Besu with `min-gas-price=0` and a zero base fee)
 * takes `gasPrice: 0n` in either type, so accounts need no balance at all.
 */
export type TransactionFees = { type: "auto" } | { type: "legacy"; gasPrice?: bigint } | { type: "eip1559"; gasPrice?: bigint };

/** The names a configuration gives the transaction types. */
export const TRANSACTION_TYPES = ["auto", "legacy", "eip1559"] as const;

/** The fields `fees` adds to a transaction request (none for `auto`, so ethers fills them in). */
export function feeFields(
  fees: TransactionFees | undefined,
): Pick<TransactionRequest, "type" | "gasPrice" | "maxFeePerGas" | "maxPriorityFeePerGas"> {
  if (fees === undefined || fees.type === "auto") return {};
  if (fees.gasPrice !== undefined && fees.gasPrice < 0n) {
    throw new CertLedgerError("INVALID_CONFIG", `a gas price cannot be negative (${fees.gasPrice})`);
  }
  if (fees.type === "legacy") return fees.gasPrice === undefined ? { type: 0 } : { type: 0, gasPrice: fees.gasPrice };
  return fees.gasPrice === undefined ? { type: 2 } : { type: 2, maxFeePerGas: fees.gasPrice, maxPriorityFeePerGas: fees.gasPrice };
}
