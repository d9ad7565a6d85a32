import { JsonRpcProvider } from "ethers";

/**
 * A JSON-RPC provider for `url` with ethers' 250 ms call cache switched off, so that reads right after a
 * transaction (nonces, records) see it; the ledger's writes are sent back to back.
 */
export function connectRpc(url: string): JsonRpcProvider {
  return new JsonRpcProvider(url, undefined, { cacheTimeout: -1 });
}
