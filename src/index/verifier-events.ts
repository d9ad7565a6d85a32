import type { EventSource } from "../verify";
import type { ChainIndex } from "./chain-index";

/**
 * The index as the verifier's event source: histories, batch events and number lookups (batch members included), and
 * — from an index that offers them — the certificate records at a block it has read, so that a verification at the
 * index's block needs no chain call for its certificate.
 */
export function verifierEvents(
  index: Pick<ChainIndex, "status" | "history" | "batch" | "byNumberHash" | "anchorings"> &
    Partial<Pick<ChainIndex, "lastBlock" | "tip" | "catchUp" | "certificateAt" | "batchedCertificateAt">>,
): EventSource {
  const source: EventSource = {
    lastBlock: index.lastBlock ? () => index.lastBlock!() : () => index.status().lastBlock,
    history: (certHash) => index.history(certHash),
    batch: (root, authorityId) => index.batch(root, authorityId),
    byNumberHash: (numberHash, party) => index.byNumberHash(numberHash, party),
    anchorings: (certHash) => index.anchorings(certHash),
  };
  const { tip, catchUp, certificateAt, batchedCertificateAt } = index;
  if (!tip || !catchUp || !certificateAt || !batchedCertificateAt) return source;
  return {
    ...source,
    tip: () => tip.call(index),
    catchUp: (block) => catchUp.call(index, block),
    certificateAt: (certHash, block) => certificateAt.call(index, certHash, block),
    batchedCertificateAt: (member, block) => batchedCertificateAt.call(index, member, block),
  };
}
