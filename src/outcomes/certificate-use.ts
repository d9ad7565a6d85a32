/**
 * A certificate's use, as every importing party recorded it: the outcomes, the items with their totals and what is
 * used of them, and each write-off. Read for the certificate's earliest anchoring only (the one readers take as the
 * certificate): records made against a later, conflicting anchoring of the same hash are left out, like every other
 * fact about that anchoring.
 *
 * What this shows to anyone, and why: who answered (the importing party and its agency), what (outcome, and a
 * rejection's reason code from the fixed list), when, and the quantities used of each item against its total, since a
 * bank about to finance against a certificate, or a second border, needs exactly that to see whether it was already
 * presented or used. The free text of remarks and the import declaration's reference are not shown: remarks sit on
 * IPFS encrypted to the issuing and the importing party (the chain holds their digest), and a declaration is only
 * its hash, keccak256("<party>:<reference>"), which its own party can match and others cannot read.
 */
import { ZeroHash } from "ethers";
import { z } from "zod";
import { readPayloadHeader } from "../crypto/payload-encryption";
import { cidFromBytes } from "../ipfs/cid";
import type { PayloadStore } from "../ipfs/payload-store";
import { fromThousandths } from "./quantities";
import type { Anchoring, OutcomesClient, OutcomesEvent } from "./outcomes-client";
import { OUTCOMES, outcomeName, REJECTION_REASONS } from "./vocabulary";

const isoTime = z.iso.datetime();
const hash = z.string().regex(/^0x[0-9a-f]{64}$/);
const party = z.string().regex(/^[A-Z]{2}$/);
const agency = z.object({ id: z.number().int().positive(), name: z.string() });

/** A certificate's use, as the verification report and the API give it. */
export const certificateUseSchema = z.object({
  outcomes: z.array(
    z.object({
      party,
      agency,
      outcome: z.enum(OUTCOMES),
      reason: z.object({ code: z.number().int(), name: z.string(), text: z.string() }).optional(),
      /** The IPFS CID of the remarks, encrypted to the issuing and the importing party (absent when there are none). */
      details: z.string().optional(),
      at: isoTime,
      blockNumber: z.number().int().nonnegative(),
      txHash: hash,
    }),
  ),
  items: z.array(
    z.object({
      /** The item's number on the certificate, from 1. */
      item: z.number().int().positive(),
      total: z.string(),
      used: z.string(),
      remaining: z.string(),
      unit: z.string(),
      /** The party whose agency read the totals off the certificate first. */
      declaredBy: party,
    }),
  ),
  utilisations: z.array(
    z.object({
      party,
      agency,
      /** keccak256("<party>:<declaration reference>"): the reference itself stays with its party. */
      declarationHash: hash,
      item: z.number().int().positive(),
      quantity: z.string(),
      /** The item's total use after this write-off. */
      usedAfter: z.string(),
      unit: z.string(),
      at: isoTime,
      blockNumber: z.number().int().nonnegative(),
      txHash: hash,
    }),
  ),
  /** Set once every item is used in full: by whom the last write-off was made, and when. */
  usedInFull: z.object({ party, at: isoTime }).optional(),
  /**
   * For each party the payload is addressed to (when the answer knows them), how far it got: `pending` (its node does
   * not hold it yet), `delivered` (its node holds it), `acknowledged` (its agency read it), `answered` (an outcome).
   */
  deliveries: z
    .array(z.object({ party, state: z.enum(["pending", "delivered", "acknowledged", "answered"]), at: isoTime.optional() }))
    .optional(),
});
export type CertificateUse = z.infer<typeof certificateUseSchema>;

/** The use of `anchoring` (the certificate's earliest anchoring), read from the outcomes contract's events now. */
export async function readCertificateUse(outcomes: OutcomesClient, anchoring: Anchoring, recipients?: string[]): Promise<CertificateUse> {
  const events = await outcomes.events(anchoring.certHash);
  return useFromEvents(anchoring, events, await agencyNames(outcomes, events), recipients);
}

/**
 * The use of `anchoring` from the events about its hash, in chain order: the items' totals from `ItemsDeclared`,
 * their use from the last `ItemUsed` of each (which carries the use after it), so no contract read is needed.
 */
export function useFromEvents(
  anchoring: Anchoring,
  events: readonly OutcomesEvent[],
  names: ReadonlyMap<number, string>,
  recipients?: readonly string[],
): CertificateUse {
  const own = events.filter((e) => e.authorityId === anchoring.authorityId && e.root.toLowerCase() === anchoring.root.toLowerCase());
  const at = (e: OutcomesEvent) => new Date(Number(e.timestamp) * 1000).toISOString();
  // The latest declaration counts: a correction by the issuer overrules a border's.
  const declared = own.filter((e) => e.event === "ItemsDeclared").at(-1);
  const items = (declared?.event === "ItemsDeclared" ? declared.items : []).map((item) => ({ ...item, used: 0n }));
  for (const e of own) if (e.event === "ItemUsed" && items[e.item]) items[e.item].used = e.used;
  const use: CertificateUse = {
    outcomes: own.flatMap((e) => {
      if (e.event !== "OutcomeRecorded") return [];
      const outcome = outcomeName(e.outcome);
      if (!outcome) return [];
      const reason = REJECTION_REASONS.find((r) => r.code === e.reason);
      return [
        {
          party: e.party,
          agency: { id: e.agencyId, name: names.get(e.agencyId) ?? "" },
          outcome,
          ...(reason ? { reason: { ...reason } } : {}),
          ...(e.detailsDigest !== ZeroHash ? { details: cidFromBytes("0x01551220" + e.detailsDigest.slice(2)) } : {}),
          at: at(e),
          blockNumber: e.blockNumber,
          txHash: e.txHash,
        },
      ];
    }),
    items: items.map((item, i) => ({
      item: i + 1,
      total: fromThousandths(item.total),
      used: fromThousandths(item.used),
      remaining: fromThousandths(item.total - item.used),
      unit: item.unit,
      declaredBy: declared!.party,
    })),
    utilisations: own.flatMap((e) =>
      e.event !== "ItemUsed"
        ? []
        : [
            {
              party: e.party,
              agency: { id: e.agencyId, name: names.get(e.agencyId) ?? "" },
              declarationHash: e.declarationHash.toLowerCase(),
              item: e.item + 1,
              quantity: fromThousandths(e.quantity),
              usedAfter: fromThousandths(e.used),
              unit: items[e.item]?.unit ?? "",
              at: at(e),
              blockNumber: e.blockNumber,
              txHash: e.txHash,
            },
          ],
    ),
  };
  const last = own.filter((e) => e.event === "ItemUsed").at(-1);
  if (items.length > 0 && items.every((item) => item.used === item.total) && last) use.usedInFull = { party: last.party, at: at(last) };
  if (recipients) use.deliveries = recipients.map((party) => deliveryOf(party, use.outcomes));
  return use;
}

/** How far a payload addressed to `party` got, from the party's outcomes: the furthest state any of them reached. */
function deliveryOf(party: string, outcomes: CertificateUse["outcomes"]): NonNullable<CertificateUse["deliveries"]>[number] {
  const mine = outcomes.filter((o) => o.party === party);
  const first = (match: (o: (typeof mine)[number]) => boolean) => mine.find(match);
  const answered = first((o) => o.outcome !== "delivered" && o.outcome !== "acknowledged");
  if (answered) return { party, state: "answered", at: answered.at };
  const acknowledged = first((o) => o.outcome === "acknowledged");
  if (acknowledged) return { party, state: "acknowledged", at: acknowledged.at };
  const delivered = first((o) => o.outcome === "delivered");
  return delivered ? { party, state: "delivered", at: delivered.at } : { party, state: "pending" };
}

/** One line in plain words per party, e.g. "accepted by KZ (KZ customs) on 2026-12-05; item 1: 10,000 of 18,000 KGM used". */
export function describeUse(use: CertificateUse): string[] {
  const latest = new Map<string, CertificateUse["outcomes"][number]>();
  for (const outcome of use.outcomes) latest.set(outcome.party, outcome);
  const lines = [...latest.values()].map((o) => {
    if (o.outcome === "delivered") return `delivered to ${o.party}'s node on ${o.at.slice(0, 10)}`;
    const words = {
      acknowledged: "acknowledged",
      accepted: "accepted",
      acceptedWithRemarks: "accepted with remarks",
      rejected: "rejected",
    }[o.outcome];
    return `${words} by ${o.party} (${o.agency.name}) on ${o.at.slice(0, 10)}${o.reason ? `: ${o.reason.text}` : ""}`;
  });
  for (const d of use.deliveries ?? []) if (d.state === "pending") lines.push(`pending delivery to ${d.party}`);
  for (const item of use.items) {
    lines.push(`item ${item.item}: ${grouped(item.used)} of ${grouped(item.total)} ${item.unit} used`);
  }
  if (use.usedInFull) lines.push(`used in full at ${use.usedInFull.party} on ${use.usedInFull.at.slice(0, 10)}`);
  return lines;
}

function grouped(decimal: string): string {
  const [whole, fraction] = decimal.split(".");
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (fraction ? `.${fraction}` : "");
}

async function agencyNames(outcomes: OutcomesClient, events: readonly OutcomesEvent[]): Promise<Map<number, string>> {
  const ids = [...new Set(events.map((e) => e.agencyId))];
  const agencies = await Promise.all(ids.map((id) => outcomes.getAgency(id)));
  return new Map(ids.map((id, i) => [id, agencies[i]?.name ?? ""]));
}

/** What a verification report says of a certificate's earliest anchoring. */
type ReportedCertificate = { certHash: string; authority: { id: number }; anchor: { kind: string; root?: string } };

/** The anchoring a verification report found for a certificate (its earliest one, with its batch root or zero). */
export function anchoringOf(certificate: ReportedCertificate): Anchoring {
  const root = certificate.anchor.kind === "batch" && certificate.anchor.root ? certificate.anchor.root : ZeroHash;
  return { certHash: certificate.certHash, authorityId: certificate.authority.id, root };
}

/**
 * The parties a certificate's payload is addressed to, from its clear JWE header (a local read on the issuer's node,
 * which pins its payloads; undefined when IPFS does not deliver it within a second or two).
 */
export async function payloadRecipients(payloads: PayloadStore, payloadCid: string): Promise<string[] | undefined> {
  try {
    const bytes = await payloads.get(payloadCid, { signal: AbortSignal.timeout(2_000), maxBytes: 64 * 1024 * 1024 });
    return readPayloadHeader(bytes).recipients;
  } catch {
    return undefined;
  }
}

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
  readonly #names = new Map<number, string>();
  #read: { block: number; hash: string } | undefined;
  #following: Promise<void> | undefined;

  constructor(readonly outcomes: OutcomesClient) {}

  /** The use of `anchoring` as of the chain's head (the ledger client's shared head); `recipients`: see `deliveries`. */
  async read(anchoring: Anchoring, recipients?: readonly string[]): Promise<CertificateUse> {
    await this.#follow();
    const events = this.#events.get(anchoring.certHash.toLowerCase()) ?? [];
    for (const id of new Set(events.map((e) => e.agencyId))) {
      if (!this.#names.has(id)) this.#names.set(id, (await this.outcomes.getAgency(id))?.name ?? "");
    }
    return useFromEvents(anchoring, events, this.#names, recipients);
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
      if (!this.#names.has(e.agencyId)) this.#names.set(e.agencyId, (await this.outcomes.getAgency(e.agencyId))?.name ?? "");
      events.push(feedEvent(e, issuingParty, this.#names.get(e.agencyId) ?? ""));
    }
    const last = events.at(-1);
    return { events, next: last ? last.cursor : (query.after ?? "0-0") };
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

/** One event of the importing side's feed, in the API's words. */
export interface FeedEvent {
  /** Where it is in the chain ("<block>-<logIndex>"): the next page starts after it. */
  cursor: string;
  kind: "outcome" | "itemsDeclared" | "itemUsed";
  certHash: string;
  /** The anchoring it names: its authority, and its batch root or zero. */
  authorityId: number;
  root: string;
  issuingParty: string;
  /** The importing party that recorded it, and its agency. */
  party: string;
  agency: { id: number; name: string };
  outcome?: string;
  reason?: { code: number; name: string; text: string };
  item?: number;
  quantity?: string;
  usedAfter?: string;
  declarationHash?: string;
  items?: { item: number; total: string; unit: string }[];
  at: string;
  blockNumber: number;
  txHash: string;
}

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
