/**
 * The importing side's events followed as the chain's head moves, for what is read on every verification and by
 * single windows: a certificate's `use` in reports, and the feed. Also the parties a payload is addressed to, for the
 * delivery states (read from the payload's clear header once per CID: its bytes never change).
 */
import { z } from "zod";
import { readPayloadHeader } from "../crypto/payload-encryption";
import type { PayloadReader } from "../ipfs/payload-store";
import { anchoringOf, useFromEvents, type CertificateUse, type ReportedCertificate } from "./certificate-use";
import type { Anchoring, OutcomesClient, OutcomesEvent } from "./outcomes-client";
import { fromThousandths } from "./quantities";
import { outcomeName, REJECTION_REASONS } from "./vocabulary";

const RECIPIENTS_KEPT = 10_000;

/**
 * Certificates' use for verification reports, without a chain read per report: the outcomes contract's events are
 * followed as the head moves (one eth_getLogs per new head, shared by every report at it) and kept in memory by
 * certificate hash, with the agencies' names (which never change). A certificate nobody answered for costs nothing.
 * When the chain goes back (a lower head, or another block at the height last read), everything is read again.
 * Memory grows with the outcomes recorded, not with the certificates anchored. (Its place is the chain index, which
 * follows the ledger's events the same way: a later step.)
 */
export class CertificateUseReader {
  readonly #events = new Map<string, OutcomesEvent[]>();
  /** Every event read, in chain order (the feed). */
  readonly #all: OutcomesEvent[] = [];
  /** The party of each authority named by an event (an authority never changes party). */
  readonly #authorityParties = new Map<number, string>();
  /** The recipient parties of each payload read (a CID's bytes never change). */
  readonly #recipients = new Map<string, string[]>();
  readonly #names = new Map<number, string>();
  #read: { block: number; hash: string } | undefined;
  #following: Promise<void> | undefined;

  constructor(
    readonly outcomes: OutcomesClient,
    private readonly payloads?: PayloadReader,
  ) {}

  /** The use of `anchoring` as of the chain's head (the ledger client's shared head); `recipients`: see `deliveries`. */
  async read(anchoring: Anchoring, recipients?: readonly string[]): Promise<CertificateUse> {
    await this.#follow();
    const events = this.#events.get(anchoring.certHash.toLowerCase()) ?? [];
    for (const e of events) await this.#agencyName(e.agencyId);
    return useFromEvents(anchoring, events, this.#names, recipients);
  }

  /**
   * The use of a certificate a report found, with its delivery states when its payload's recipients can be read: a
   * local read on the issuer's node, which pins its payloads; none when IPFS does not deliver it within two seconds.
   */
  async withDeliveries(certificate: ReportedCertificate & { payloadCid?: string }): Promise<CertificateUse> {
    const recipients = certificate.payloadCid === undefined ? undefined : await this.#payloadRecipients(certificate.payloadCid);
    return this.read(anchoringOf(certificate), recipients);
  }

  /** `report` with its `use` section, when it found a certificate. */
  async addTo<R extends { certificate?: ReportedCertificate }>(report: R): Promise<R & { use?: CertificateUse }> {
    return report.certificate ? { ...report, use: await this.read(anchoringOf(report.certificate)) } : report;
  }

  /**
   * The importing side's events in chain order after `after` (a cursor "<block>-<logIndex>", from an earlier page's
   * `next`), for certificates issued by `issuer`'s authorities and/or answered by `importer`: what a national single
   * window follows to take in every outcome, delivery and write-off about its party's certificates. The next page
   * starts at `next`; an empty page keeps the cursor. After the chain went back, events are read again and may come
   * again under new positions.
   */
  async feed(query: { after?: string; issuer?: string; importer?: string; limit: number }): Promise<{ events: FeedEvent[]; next: string }> {
    await this.#follow();
    const [block, index] = (query.after ?? "0-0").split("-").map(Number);
    const after = (e: OutcomesEvent) => e.blockNumber > block || (e.blockNumber === block && e.logIndex > index);
    const events: FeedEvent[] = [];
    for (const e of this.#all) {
      if (events.length >= query.limit) break;
      if (!after(e) || (query.importer !== undefined && e.party !== query.importer)) continue;
      const issuingParty = await this.#issuingParty(e);
      if (query.issuer !== undefined && issuingParty !== query.issuer) continue;
      events.push(feedEvent(e, issuingParty, await this.#agencyName(e.agencyId)));
    }
    const last = events.at(-1);
    return { events, next: last ? last.cursor : (query.after ?? "0-0") };
  }

  /** An agency's name, read once (agencies are never renamed); agency 0 is an issuer's own correction of items. */
  async #agencyName(agencyId: number): Promise<string> {
    let name = this.#names.get(agencyId);
    if (name === undefined) {
      name = agencyId === 0 ? "" : ((await this.outcomes.getAgency(agencyId))?.name ?? "");
      this.#names.set(agencyId, name);
    }
    return name;
  }

  async #payloadRecipients(payloadCid: string): Promise<string[] | undefined> {
    const known = this.#recipients.get(payloadCid);
    if (known || !this.payloads) return known;
    try {
      const bytes = await this.payloads.get(payloadCid, { signal: AbortSignal.timeout(2_000), maxBytes: 64 * 1024 * 1024 });
      const { recipients } = readPayloadHeader(bytes);
      if (this.#recipients.size >= RECIPIENTS_KEPT) this.#recipients.clear();
      this.#recipients.set(payloadCid, recipients);
      return recipients;
    } catch {
      return undefined;
    }
  }

  async #issuingParty(e: OutcomesEvent): Promise<string> {
    if (e.event === "ItemsDeclared") return e.issuingParty;
    let party = this.#authorityParties.get(e.authorityId);
    if (party === undefined) {
      party = (await this.outcomes.ledger.getAuthority(e.authorityId))?.party ?? "";
      this.#authorityParties.set(e.authorityId, party);
    }
    return party;
  }

  /** Reads the events up to the head, once for every caller waiting on it. */
  #follow(): Promise<void> {
    this.#following ??= this.#catchUp().finally(() => (this.#following = undefined));
    return this.#following;
  }

  async #catchUp(): Promise<void> {
    const head = await this.outcomes.ledger.head.latest();
    const read = this.#read;
    if (read && head.number === read.block && head.hash === read.hash) return;
    if (read) {
      // Gone back: a lower head, another block at the height read, or another block there under a higher head.
      const wentBack =
        head.number < read.block ||
        (head.number === read.block
          ? head.hash !== read.hash
          : (await this.outcomes.ledger.provider.getBlock(read.block))?.hash !== read.hash);
      if (wentBack) {
        this.#events.clear();
        this.#all.length = 0;
        this.#read = undefined;
      }
    }
    const events = await this.outcomes.allEvents({ fromBlock: this.#read ? this.#read.block + 1 : undefined, toBlock: head.number });
    for (const e of events) {
      const key = e.certHash.toLowerCase();
      const list = this.#events.get(key) ?? [];
      list.push(e);
      this.#events.set(key, list);
      this.#all.push(e);
    }
    this.#read = { block: head.number, hash: head.hash };
  }
}

const hash = z.string().regex(/^0x[0-9a-f]{64}$/);

/** One event of the importing side's feed, in the API's words (the API's OpenAPI takes this schema). */
export const feedEventSchema = z.object({
  /** Where it is in the chain ("<block>-<logIndex>"): the next page starts after it. */
  cursor: z.string(),
  kind: z.enum(["outcome", "itemsDeclared", "itemUsed"]),
  certHash: hash,
  /** The anchoring it names: its authority, and its batch root or zero. */
  authorityId: z.number().int(),
  root: hash,
  issuingParty: z.string(),
  /** The importing party that recorded it (the issuing party for an issuer's correction of items), and its agency. */
  party: z.string().regex(/^[A-Z]{2}$/),
  agency: z.object({ id: z.number().int(), name: z.string() }),
  outcome: z.string().optional(),
  reason: z.object({ code: z.number().int(), name: z.string(), text: z.string() }).optional(),
  item: z.number().int().optional(),
  quantity: z.string().optional(),
  usedAfter: z.string().optional(),
  declarationHash: hash.optional(),
  items: z.array(z.object({ item: z.number().int(), total: z.string(), unit: z.string() })).optional(),
  at: z.iso.datetime(),
  blockNumber: z.number().int(),
  txHash: hash,
});
export type FeedEvent = z.infer<typeof feedEventSchema>;

function feedEvent(e: OutcomesEvent, issuingParty: string, agencyName: string): FeedEvent {
  const base = {
    cursor: `${e.blockNumber}-${e.logIndex}`,
    certHash: e.certHash,
    authorityId: e.authorityId,
    root: e.root.toLowerCase(),
    issuingParty,
    party: e.party,
    agency: { id: e.agencyId, name: agencyName },
    at: new Date(Number(e.timestamp) * 1000).toISOString(),
    blockNumber: e.blockNumber,
    txHash: e.txHash,
  };
  switch (e.event) {
    case "OutcomeRecorded": {
      const reason = REJECTION_REASONS.find((r) => r.code === e.reason);
      return {
        ...base,
        kind: "outcome",
        outcome: outcomeName(e.outcome) ?? String(e.outcome),
        ...(reason ? { reason: { ...reason } } : {}),
      };
    }
    case "ItemsDeclared":
      return {
        ...base,
        kind: "itemsDeclared",
        items: e.items.map((item, i) => ({ item: i + 1, total: fromThousandths(item.total), unit: item.unit })),
      };
    case "ItemUsed":
      return {
        ...base,
        kind: "itemUsed",
        item: e.item + 1,
        quantity: fromThousandths(e.quantity),
        usedAfter: fromThousandths(e.used),
        declarationHash: e.declarationHash.toLowerCase(),
      };
  }
}
