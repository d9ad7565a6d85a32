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
import { cidFromBytes } from "../ipfs/cid";
import { fromThousandths } from "./quantities";
import type { Anchoring, OutcomesEvent } from "./outcomes-client";
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

/** What a verification report says of a certificate's earliest anchoring. */
export type ReportedCertificate = { certHash: string; authority: { id: number }; anchor: { kind: string; root?: string } };

/** The anchoring a verification report found for a certificate (its earliest one, with its batch root or zero). */
export function anchoringOf(certificate: ReportedCertificate): Anchoring {
  const root = certificate.anchor.kind === "batch" && certificate.anchor.root ? certificate.anchor.root : ZeroHash;
  return { certHash: certificate.certHash, authorityId: certificate.authority.id, root };
}
