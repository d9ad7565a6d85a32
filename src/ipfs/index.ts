/**
 * IPFS for CertLedger: where encrypted payloads and batch manifests are stored and fetched.
 *
 * - `PayloadStore`, with two implementations chosen by config: `createHeliaStore` (an embedded Helia node, the
 *   default set-up) and `createKuboStore` (a client of the party's Kubo node, in production).
 * - CIDs: `cidOf` computes the Kubo-compatible CID of some bytes without a node, `verifyCid` checks bytes against a
 *   CID, and `parseCid`, `cidToBytes` and `cidFromBytes` convert between the text form and the binary form that the
 *   ledger's events carry.
 *
 * Errors (CertLedgerError codes): INVALID_CID, CID_MISMATCH, IPFS_NOT_FOUND, IPFS_UNAVAILABLE, PAYLOAD_TOO_LARGE,
 * INVALID_MULTIADDR, INVALID_CONFIG.
 */
import { CertLedgerError } from "../errors";
import { createHeliaStore, type HeliaStoreOptions } from "./helia-store";
import { createKuboStore, type KuboStoreOptions } from "./kubo-store";
import type { PayloadStore } from "./payload-store";

export { addPayloads, type PayloadStore } from "./payload-store";
export { createHeliaStore, type HeliaStore, type HeliaStoreOptions } from "./helia-store";
export { createKuboStore, type KuboStoreOptions } from "./kubo-store";
export { cidOf, verifyCid, parseCid, cidToBytes, cidFromBytes, KUBO_IMPORT, KUBO_ADD_PARAMS } from "./cid";
export { DEFAULT_FETCH_TIMEOUT_MS } from "./limits";

/** Which payload store to open: an embedded Helia node on a data folder, or a Kubo node's RPC API. */
export type PayloadStoreConfig = ({ kind: "helia" } & HeliaStoreOptions) | ({ kind: "kubo" } & KuboStoreOptions);

/** Opens the payload store that `config` describes. */
export async function createPayloadStore(config: PayloadStoreConfig): Promise<PayloadStore> {
  switch (config?.kind) {
    case "helia": {
      const { kind: _kind, ...options } = config;
      return createHeliaStore(options);
    }
    case "kubo": {
      const { kind: _kind, ...options } = config;
      return createKuboStore(options);
    }
    default:
      throw new CertLedgerError(
        "INVALID_CONFIG",
        `kind: expected "helia" or "kubo", got ${JSON.stringify((config as { kind?: unknown })?.kind)}`,
      );
  }
}
