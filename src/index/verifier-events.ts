import type { EventSource } from "../verify";
import type { ChainIndex } from "./chain-index";

/** The index as the verifier's event source: histories, batch events and number lookups (batch members included). */
export function verifierEvents(index: Pick<ChainIndex, "status" | "history" | "batch" | "byNumberHash" | "anchorings">): EventSource {
  return {
    lastBlock: () => index.status().lastBlock,
    history: (certHash) => index.history(certHash),
    batch: (root, authorityId) => index.batch(root, authorityId),
    byNumberHash: (numberHash, party) => index.byNumberHash(numberHash, party),
    anchorings: (certHash) => index.anchorings(certHash),
  };
}
