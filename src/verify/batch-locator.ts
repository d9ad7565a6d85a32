import type { LedgerClient } from "../chain/ledger-client";
import { isCertLedgerError } from "../errors";
import { cidFromBytes } from "../ipfs/cid";
import type { PayloadStore } from "../ipfs/payload-store";
import { batchFromManifest, parseBatchManifest, type BatchMember } from "../merkle/batch";

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
  readonly #pending = new Map<string, { manifestCid: Uint8Array }>();
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
        this.#pending.set(event.root, { manifestCid: event.manifestCid });
      }
      this.#nextBlock = latest + 1;
    }
    for (const [root, { manifestCid }] of this.#pending) {
      if (await this.#index(root, manifestCid)) this.#pending.delete(root);
    }
  }

  async #index(root: string, manifestCid: Uint8Array): Promise<boolean> {
    try {
      const signal = AbortSignal.timeout(this.options.fetchTimeoutMs ?? 10_000);
      const batch = batchFromManifest(parseBatchManifest(await this.payloads.get(cidFromBytes(manifestCid), { signal })));
      if (batch.root !== root) return true; // a manifest that does not describe its batch will never do so: drop it
      for (const member of batch.members()) this.#members.set(member.certHash, member);
      return true;
    } catch (error) {
      if (isCertLedgerError(error, "INVALID_MANIFEST") || isCertLedgerError(error, "INVALID_CID")) return true;
      return false;
    }
  }
}
