import type { LedgerClient } from "../chain/ledger-client";
import { isCertLedgerError } from "../errors";
import { cidFromBytes } from "../ipfs/cid";
import type { PayloadStore } from "../ipfs/payload-store";
import { batchFromManifest, parseBatchManifest, type BatchMember } from "../merkle/batch";

interface PendingBatch {
  root: string;
  authorityId: number;
  manifestCid: Uint8Array;
  blockNumber: number;
}

/** Finds the batch (and Merkle proof) of a certificate that was not anchored on its own. */
export interface BatchLocator {
  /** The batch member for `certHash`, or undefined when no known batch holds it. */
  locate(certHash: string): Promise<BatchMember | undefined>;
}

/**
 * A locator that reads every `BatchAnchored` event and the batch's manifest from IPFS, so that any party — not only
 * the issuer — can find a batched certificate's proof from its hash alone. It remembers what it read and, on each
 * lookup, reads only the blocks since. A manifest that cannot be fetched, or whose root is not the anchored one, is
 * passed over (and tried again on the next lookup).
 */
export class ManifestBatchLocator implements BatchLocator {
  readonly #members = new Map<string, BatchMember>();
  /** Each certificate's member in the earliest batch read so far that holds it (its block beside it). */
  readonly #earliest = new Map<string, number>();
  readonly #pending = new Map<string, PendingBatch>();
  #nextBlock: number | undefined;

  constructor(
    private readonly client: LedgerClient,
    private readonly payloads: PayloadStore,
    private readonly options: { fetchTimeoutMs?: number } = {},
  ) {}

  /** @inheritdoc */
  async locate(certHash: string): Promise<BatchMember | undefined> {
    await this.#refresh();
    return this.#members.get(certHash.toLowerCase());
  }

  async #refresh(): Promise<void> {
    const latest = await this.client.blockNumber();
    if (this.#nextBlock === undefined || this.#nextBlock <= latest) {
      for (const event of await this.client.batchAnchors(this.#nextBlock, { toBlock: latest })) {
        const { root, authorityId, manifestCid, blockNumber } = event;
        this.#pending.set(`${root}|${authorityId}`, { root, authorityId, manifestCid, blockNumber });
      }
      this.#nextBlock = latest + 1;
    }
    for (const [key, pending] of this.#pending) {
      if (await this.#index(pending)) this.#pending.delete(key);
    }
  }

  async #index(pending: PendingBatch): Promise<boolean> {
    try {
      const signal = AbortSignal.timeout(this.options.fetchTimeoutMs ?? 10_000);
      const bytes = await this.payloads.get(cidFromBytes(pending.manifestCid), { signal });
      const batch = batchFromManifest(parseBatchManifest(bytes), pending.authorityId);
      if (batch.root !== pending.root) return true; // a manifest that does not describe its batch will never do so: drop it
      // The earliest batch that holds a certificate is the one to hand out (the verifier ranks what it is given anyway).
      for (const member of batch.members()) {
        if ((this.#earliest.get(member.certHash) ?? Infinity) <= pending.blockNumber) continue;
        this.#members.set(member.certHash, member);
        this.#earliest.set(member.certHash, pending.blockNumber);
      }
      return true;
    } catch (error) {
      if (isCertLedgerError(error, "INVALID_MANIFEST") || isCertLedgerError(error, "INVALID_CID")) return true;
      return false;
    }
  }
}
