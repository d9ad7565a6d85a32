/**
 * Exactly-once anchoring: the one place that says how a certificate, or a batch of them, reaches the ledger once and
 * only once, whoever drives it. Two callers follow the same four steps:
 *   - the server's {@link Batcher} (src/pipeline/batcher.ts), with the outbox (SQLite) as its durable record;
 *   - the command line's direct mode (`certledger anchor --rpc`, scripts/cli/anchor-direct.ts), with its run record.
 *
 * 1. Intent first. What is sent — the batch's root, leaf count and manifest CID, or the one certificate's fields — is
 *    fixed and written durably by the caller BEFORE the transaction goes out, with the block the chain was at.
 * 2. Look before sending again. When the outcome of an earlier send is unknown (a restart, a timeout, the chain down),
 *    {@link findOnChain} asks the ledger first: the same root by the same authority, or the certificate's record.
 * 3. Send the same thing. {@link sendOnce} sends exactly what was recorded, never a new composition; when the ledger
 *    answers that it holds it already (our earlier transaction, whose answer was lost), it looks it up instead.
 * 4. Settle. The caller records where it is (`ours`: transaction and block, when the event is found), or that another
 *    authority anchored that certificate first (`theirs`), or the ledger's refusal (its error, a permanent failure).
 *
 * A certificate is in one recorded submission only, so steps 2-3 repeated any number of times anchor it once. Whether
 * its block survives a power cut is the caller's next step (chain-audit.ts and the Batcher's durable settling).
 */
import type { LedgerClient, WriteResult } from "../chain/ledger-client";
import { isCertLedgerError } from "../errors";
import { cidToBytes } from "../ipfs/cid";

/** What one transaction anchors, as it was recorded before it was sent. */
export type AnchorTarget = BatchTarget | DirectTarget;

/** A Merkle batch of one authority and type. */
export interface BatchTarget {
  kind: "batch";
  authorityId: number;
  certType: number;
  root: string;
  leafCount: number;
  manifestCid: string;
}

/** One certificate anchored on its own. */
export interface DirectTarget {
  kind: "direct";
  authorityId: number;
  certType: number;
  certHash: string;
  validUntil: bigint;
  numberHash: string;
  payloadCid?: string;
}

/** Where the chain puts a transaction, as far as known (the event may not be found: the outcome is known without it). */
export interface AnchorPosition {
  txHash?: string;
  blockNumber?: number;
  blockHash?: string;
}

/** Whether the chain holds a target: not at all, as ours (where, when known), or the certificate as another authority's. */
export type OnChain = { state: "absent" } | { state: "ours"; position: AnchorPosition } | { state: "theirs"; authorityId: number };

/**
 * Whether the ledger already holds `target`. A batch is its root AND its authority: another authority's batch of the
 * same root is neither ours nor in the way. A direct anchor is the certificate's record; another authority's record
 * of it is `theirs`. The event (transaction, block) is looked for from `fromBlock`, best effort.
 */
export async function findOnChain(client: LedgerClient, target: AnchorTarget, fromBlock?: number): Promise<OnChain> {
  if (target.kind === "batch") {
    const batch = await client.getBatch(target.root, target.authorityId);
    if (!batch) return { state: "absent" };
    const event = await client
      .batchAnchors(fromBlock)
      .then((events) => events.find((e) => e.root === target.root && e.authorityId === target.authorityId))
      .catch(() => undefined);
    return { state: "ours", position: event ? { txHash: event.txHash, blockNumber: event.blockNumber } : {} };
  }
  const record = await client.getCertificate(target.certHash);
  if (!record) return { state: "absent" };
  if (record.authorityId !== target.authorityId) return { state: "theirs", authorityId: record.authorityId };
  const event = await client.anchorEvent(target.certHash, { fromBlock }).catch(() => undefined);
  return { state: "ours", position: event ? { txHash: event.txHash, blockNumber: event.blockNumber } : {} };
}

/**
 * Sends `target` as recorded through `writer` (a client with the authority's signer) and says where it landed. The
 * ledger's "already anchored" after a send whose earlier answer was lost is looked up ({@link findOnChain}); any other
 * refusal, or "already anchored" of something the chain does not hold as ours or theirs, is thrown to the caller.
 */
export async function sendOnce(writer: LedgerClient, target: AnchorTarget, fromBlock?: number): Promise<OnChain> {
  try {
    const result: WriteResult =
      target.kind === "batch"
        ? await writer.anchorBatch({
            root: target.root,
            certType: target.certType,
            leafCount: target.leafCount,
            manifestCid: cidToBytes(target.manifestCid),
          })
        : await writer.anchorCertificate({
            certHash: target.certHash,
            certType: target.certType,
            validUntil: target.validUntil,
            numberHash: target.numberHash,
            payloadCid: target.payloadCid === undefined ? undefined : cidToBytes(target.payloadCid),
          });
    return { state: "ours", position: result };
  } catch (error) {
    if (isCertLedgerError(error, "CERT_ALREADY_ANCHORED") || isCertLedgerError(error, "BATCH_ALREADY_ANCHORED")) {
      const found = await findOnChain(writer, target, fromBlock);
      if (found.state !== "absent") return found;
    }
    throw error;
  }
}
