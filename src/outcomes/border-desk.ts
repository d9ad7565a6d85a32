/**
 * What a border agency's server does when its officer records an outcome or a write-off: the certificate must be
 * presented (its document given, or a payload addressed to the agency's party that this server opens), verified at
 * the agency's party, issued by another party; then the contract is written, and it enforces again what the chain
 * must (who writes, in whose name, and that no item is used beyond its total).
 *
 * Exactly once: a write-off is identified by its declaration (keccak256 of "<party>:<reference>"). Before sending,
 * the desk looks for the declaration's `ItemUsed` events on chain: found with the same items and quantities, the
 * request is answered with them (a retry after a timeout or a crash); found with others, it is a DUPLICATE_DECLARATION.
 * Each write-off is made against the item's use as read (compare-and-set on chain), so a retry racing a transaction
 * still in flight, or two servers of one party, can never count it twice.
 */
import { keccak256, sha256, toUtf8Bytes } from "ethers";
import type { PayloadRecipient } from "../crypto/payload-encryption";
import { encryptPayload, readPayloadHeader } from "../crypto/payload-encryption";
import type { JWK } from "../crypto/keys";
import { parseCertHash } from "../documents/hashing";
import { decodeCredentialJws, VC_JWT_MEDIA_TYPE } from "../documents/vc-jose";
import { CertLedgerError, isCertLedgerError } from "../errors";
import type { PayloadStore } from "../ipfs/payload-store";
import type { VerificationReport } from "../verify/report";
import type { Verifier, VerifyInput } from "../verify/verifier";
import { itemsOfCredential, itemsOfDeclaration, type CertificateItem } from "./certificate-items";
import { anchoringOf, type CertificateUse } from "./certificate-use";
import type { Anchoring, OutcomesClient } from "./outcomes-client";
import { fromThousandths, toThousandths } from "./quantities";
import { outcomeCode, rejectionReason, type AgencyOutcomeName } from "./vocabulary";

/** A document presented at the border: a credential (compact JWS) or a file's bytes. */
export type PresentedDocument = { kind: "credential"; jws: string } | { kind: "file"; bytes: Uint8Array };

/** What the desk works with. */
export interface BorderDeskDependencies {
  verifier: Verifier;
  /** Reads the outcomes contract. */
  outcomes: OutcomesClient;
  /** A certificate's use at the chain's head (the server's CertificateUseReader, which a write's block moves on). */
  use(anchoring: Anchoring): Promise<CertificateUse>;
  /** The outcomes client writing as an account of `agencyId` (NO_SIGNER when this server holds none). */
  writerFor(agencyId: number): Promise<OutcomesClient>;
  /** The private encryption key of `party`, which opens payloads addressed to it, when this server holds it. */
  partyDecryptionKey(party: string): JWK | undefined;
  /** Where the remarks go, encrypted to the issuing and the importing party (remarks are refused without it). */
  payloads?: PayloadStore;
  /** The registered encryption keys of `parties` (only those that have one are used). */
  recipientKeys?(parties: string[]): Promise<PayloadRecipient[]>;
  /**
   * Resolves once block `blockNumber` survives the chain's node losing power (the embedded anvil writes its state
   * every few seconds otherwise): nothing is answered as recorded before its block is. Absent: a chain whose blocks
   * are final once mined.
   */
  durable?(blockNumber: number): Promise<void>;
  /** A border agency of `party` this server writes for, to record deliveries to the party's node (none: not recorded). */
  deliveryAgency?(party: string): Promise<number | undefined>;
}

/** A certificate as presented at a party's border: its verification there, the anchoring it is, and its items. */
export interface Presentation {
  report: VerificationReport;
  anchoring: Anchoring;
  issuingParty: string;
  items: CertificateItem[];
}

/** What was recorded, by which importing party, with the certificate's use after it. */
export interface Recorded {
  party: string;
  txHash: string | undefined;
  blockNumber: number | undefined;
  /** True when the same write-off had already been recorded (a retry): nothing was written again. */
  alreadyRecorded: boolean;
  use: CertificateUse;
}

const MAX_REMARKS = 2000;
const MAX_DECLARATION = 100;
const STALE_RETRIES = 5;

/** The border agencies' side of a party's server. */
export class BorderDesk {
  constructor(private readonly deps: BorderDeskDependencies) {}

  /** The party of `agencyId`, which must be active (NOT_A_BORDER_AGENCY otherwise). */
  async agencyParty(agencyId: number): Promise<string> {
    const agency = await this.deps.outcomes.agencyStanding(agencyId);
    if (!agency) throw new CertLedgerError("AGENCY_NOT_FOUND", `border agency ${agencyId} is not registered on the ledger`);
    if (agency.status !== "Active") throw new CertLedgerError("NOT_A_BORDER_AGENCY", `border agency ${agencyId} is suspended`);
    return agency.party;
  }

  /** Verifies `certHash` as presented to `party` (with `document`, or the payload addressed to `party`). */
  async present(party: string, certHash: string, document?: PresentedDocument, options: { items?: boolean } = {}): Promise<Presentation> {
    const recipientKey = this.deps.partyDecryptionKey(party);
    const input: VerifyInput =
      document === undefined
        ? { kind: "hash", certHash }
        : document.kind === "credential"
          ? { kind: "credential", jws: document.jws }
          : { kind: "file", bytes: document.bytes };
    const { report, document: opened } = await this.deps.verifier.verify(input, { forParty: party, recipientKey });
    if (report.certHash !== parseCertHash(certHash)) {
      throw new CertLedgerError("INVALID_REQUEST", `the document given is certificate ${report.certHash}, not ${certHash}`);
    }
    const certificate = report.certificate;
    if (!certificate) throw new CertLedgerError("CERT_NOT_FOUND", `certificate ${certHash} is not anchored on the ledger`);
    let credentialJws: string | undefined;
    if (document?.kind === "credential") credentialJws = document.jws;
    else if (opened?.contentType === VC_JWT_MEDIA_TYPE) credentialJws = new TextDecoder().decode(opened.bytes);
    if (document === undefined && opened === undefined) {
      throw new CertLedgerError(
        "NOT_PRESENTED",
        `certificate ${certHash} was not presented to ${party}: send its document, or have it issued with a payload addressed to ${party}`,
      );
    }
    if (certificate.authority.party === party) {
      throw new CertLedgerError(
        "OWN_PARTY_CERTIFICATE",
        `certificate ${certHash} was issued by ${party} itself: its border does not answer for it`,
      );
    }
    // The certificate's earliest anchoring, as the verifier established it (with the Merkle proof for a batched one).
    const anchoring = anchoringOf(certificate);
    // A file's declared items are fetched only for a write-off: an outcome does not wait on IPFS for them.
    const items =
      credentialJws !== undefined
        ? itemsOfCredential(decodeCredentialJws(credentialJws).credential)
        : options.items
          ? await this.#declaredItems(certificate.payloadCid)
          : [];
    return { report, anchoring, issuingParty: certificate.authority.party, items };
  }

  /** The items a file certificate's issuer declared in its payload (fetched by the CID its anchoring names), if any. */
  async #declaredItems(payloadCid: string | undefined): Promise<CertificateItem[]> {
    if (payloadCid === undefined || !this.deps.payloads) return [];
    const bytes = await this.deps.payloads.get(payloadCid, { signal: AbortSignal.timeout(10_000), maxBytes: 64 * 1024 * 1024 });
    const { items } = readPayloadHeader(bytes);
    return items ? itemsOfDeclaration(items) : [];
  }

  /** Records `agencyId`'s outcome for a certificate presented to it. */
  async recordOutcome(input: {
    agencyId: number;
    certHash: string;
    outcome: AgencyOutcomeName;
    reason?: string | number;
    remarks?: string;
    document?: PresentedDocument;
  }): Promise<Recorded> {
    const reason = input.outcome === "rejected" ? rejectionReason(input.reason ?? "") : undefined;
    if (input.outcome !== "rejected" && input.reason !== undefined) {
      throw new CertLedgerError("INVALID_OUTCOME", `a reason goes with a rejection only, not with ${input.outcome}`);
    }
    if (input.remarks !== undefined && (input.remarks.length === 0 || input.remarks.length > MAX_REMARKS)) {
      throw new CertLedgerError("INVALID_OUTCOME", `remarks must have 1 to ${MAX_REMARKS} characters`);
    }
    const party = await this.agencyParty(input.agencyId);
    const presented = await this.present(party, input.certHash, input.document);
    if (input.outcome === "accepted" || input.outcome === "acceptedWithRemarks") await this.#checkAcceptable(presented);
    const detailsDigest =
      input.remarks === undefined ? undefined : await this.#storeDetails(presented, party, { remarks: input.remarks, party });
    const writer = await this.deps.writerFor(input.agencyId);
    const written = await writer.recordOutcome({
      anchoring: presented.anchoring,
      outcome: outcomeCode(input.outcome),
      reason: reason?.code ?? 0,
      detailsDigest,
    });
    await this.deps.durable?.(written.blockNumber);
    return { ...written, party, alreadyRecorded: false, use: await this.deps.use(presented.anchoring) };
  }

  /**
   * Records that `party`'s node holds the payload of `certHash` addressed to it (the ePhyto Hub's "delivered"), with an
   * agency account of the party this server holds; once per certificate and party (an earlier record is looked for
   * first). Says what it did: "recorded", "already", or "no-agency" when this server writes for no agency of `party`.
   */
  async recordDelivery(party: string, certHash: string): Promise<"recorded" | "already" | "no-agency"> {
    const agencyId = await this.deps.deliveryAgency?.(party);
    if (agencyId === undefined) return "no-agency";
    const { report } = await this.deps.verifier.verify({ kind: "hash", certHash }, { forParty: party });
    const certificate = report.certificate;
    if (!certificate) throw new CertLedgerError("CERT_NOT_FOUND", `certificate ${certHash} is not anchored on the ledger`);
    const anchoring = anchoringOf(certificate);
    const delivered = outcomeCode("delivered");
    const earlier = (await this.deps.outcomes.events(certHash, { party })).some(
      (e) =>
        e.event === "OutcomeRecorded" &&
        e.outcome === delivered &&
        e.authorityId === anchoring.authorityId &&
        e.root.toLowerCase() === anchoring.root.toLowerCase(),
    );
    if (earlier) return "already";
    const writer = await this.deps.writerFor(agencyId);
    const written = await writer.recordOutcome({ anchoring, outcome: delivered, reason: 0 });
    await this.deps.durable?.(written.blockNumber);
    return "recorded";
  }

  /** Writes the quantities of import declaration `declaration` off the certificate's items, exactly once. */
  async recordUtilisation(input: {
    agencyId: number;
    certHash: string;
    declaration: string;
    uses: { item: number; quantity: number | string; unit: string }[];
    document?: PresentedDocument;
  }): Promise<Recorded> {
    const party = await this.agencyParty(input.agencyId);
    const declarationHash = declarationHashOf(party, input.declaration);
    const presented = await this.present(party, input.certHash, input.document, { items: true });
    if (presented.items.length === 0) {
      throw new CertLedgerError(
        "NO_ITEMS",
        `certificate ${input.certHash} states no goods quantities (structured certificates of origin and phytosanitary certificates do, ` +
          `and files whose issuer declared items at anchoring): record an outcome instead`,
      );
    }
    const wanted = this.#uses(presented.items, input.uses);
    checkVerdict(presented.report, "written off");
    const outcomes = this.deps.outcomes;
    const previous = await this.#previousWriteOff(presented.anchoring, party, declarationHash, wanted);
    if (previous) return previous;
    const writer = await this.deps.writerFor(input.agencyId);
    await this.#declareItems(writer, presented);
    for (let attempt = 1; ; attempt++) {
      const states = await outcomes.items(presented.anchoring);
      const uses = wanted.map((use) => {
        const state = states[use.item];
        const remaining = state.total - state.used;
        if (use.quantity > remaining) {
          throw new CertLedgerError(
            "OVER_UTILISATION",
            `item ${use.item + 1} of certificate ${input.certHash}: ${fromThousandths(use.quantity)} ${state.unit} asked, ` +
              `${fromThousandths(remaining)} ${state.unit} left (${fromThousandths(state.used)} of ${fromThousandths(state.total)} used)`,
            { details: { item: use.item + 1, remaining: fromThousandths(remaining), unit: state.unit } },
          );
        }
        return { ...use, usedBefore: state.used };
      });
      try {
        const written = await writer.recordUtilisation({ anchoring: presented.anchoring, declarationHash, uses });
        await this.deps.durable?.(written.blockNumber);
        return { ...written, party, alreadyRecorded: false, use: await this.deps.use(presented.anchoring) };
      } catch (error) {
        if (!isCertLedgerError(error, "STALE_USE") || attempt >= STALE_RETRIES) throw error;
        // Another write-off came first, or this one already counted (a transaction that timed out here but was mined).
        const counted = await this.#previousWriteOff(presented.anchoring, party, declarationHash, wanted);
        if (counted) return counted;
      }
    }
  }

  /** The acceptance rules the server adds to the chain's: a valid verdict here, and not already used in full. */
  async #checkAcceptable(presented: Presentation): Promise<void> {
    const { report } = presented;
    if (report.verdict === "REVOKED" || report.verdict === "SUSPENDED" || report.verdict === "EXPIRED") {
      throw new CertLedgerError("CERT_NOT_ACTIVE", `certificate ${report.certHash} is ${report.verdict}: it cannot be accepted`);
    }
    if (report.verdict !== "VALID") {
      throw new CertLedgerError(
        "CERT_NOT_ACCEPTABLE",
        `certificate ${report.certHash} verifies as ${report.verdict} here: it cannot be accepted`,
      );
    }
    const use = await this.deps.use(presented.anchoring);
    if (use.usedInFull) {
      throw new CertLedgerError(
        "ALREADY_USED_IN_FULL",
        `certificate ${report.certHash} was already used in full at ${use.usedInFull.party} on ${use.usedInFull.at.slice(0, 10)}`,
        { details: { usedInFull: use.usedInFull } },
      );
    }
  }

  /** The requested uses checked against the certificate's items (numbers from 1 → indexes from 0, units as stated). */
  #uses(items: CertificateItem[], uses: { item: number; quantity: number | string; unit: string }[]) {
    if (uses.length === 0) throw new CertLedgerError("INVALID_USE", "a write-off names at least one item");
    const seen = new Set<number>();
    return uses.map((use) => {
      const item = items.find((i) => i.item === use.item);
      if (!item) {
        throw new CertLedgerError("UNKNOWN_ITEM", `the certificate has no item ${use.item}: its items are 1 to ${items.length}`);
      }
      if (seen.has(use.item)) throw new CertLedgerError("INVALID_USE", `item ${use.item} is named twice`);
      seen.add(use.item);
      if (use.unit !== item.unit) {
        throw new CertLedgerError("UNIT_MISMATCH", `item ${use.item} is counted in ${item.unit} on the certificate, not ${use.unit}`);
      }
      return { item: use.item - 1, quantity: toThousandths(use.quantity, `item ${use.item}`) };
    });
  }

  /** The same declaration's write-off when it was already recorded (DUPLICATE_DECLARATION when with other quantities). */
  async #previousWriteOff(
    anchoring: Anchoring,
    party: string,
    declarationHash: string,
    wanted: { item: number; quantity: bigint }[],
  ): Promise<Recorded | undefined> {
    const events = (await this.deps.outcomes.events(anchoring.certHash, { party, declarationHash })).filter(
      (e) => e.event === "ItemUsed" && e.authorityId === anchoring.authorityId && e.root.toLowerCase() === anchoring.root.toLowerCase(),
    );
    if (events.length === 0) return undefined;
    const recorded = events.map((e) => (e.event === "ItemUsed" ? `${e.item}:${e.quantity}` : "")).sort();
    const asked = wanted.map((w) => `${w.item}:${w.quantity}`).sort();
    if (recorded.join() !== asked.join()) {
      throw new CertLedgerError(
        "DUPLICATE_DECLARATION",
        `${party} already wrote declaration off this certificate with other items or quantities (transaction ${events[0].txHash})`,
      );
    }
    await this.deps.durable?.(events[0].blockNumber);
    return {
      txHash: events[0].txHash,
      blockNumber: events[0].blockNumber,
      party,
      alreadyRecorded: true,
      use: await this.deps.use(anchoring),
    };
  }

  /** Declares the certificate's items on chain unless they are, refusing when a border declared other totals. */
  async #declareItems(writer: OutcomesClient, presented: Presentation): Promise<void> {
    const declared = await this.deps.outcomes.items(presented.anchoring);
    const mine = presented.items.map((item) => ({ total: item.total, unit: item.unit }));
    if (declared.length === 0) {
      await writer.declareItems({ anchoring: presented.anchoring, items: mine });
      return;
    }
    const differs = declared.length !== mine.length || declared.some((d, i) => d.total !== mine[i].total || d.unit !== mine[i].unit);
    if (differs) {
      throw new CertLedgerError(
        "ITEMS_MISMATCH",
        `the ledger holds other quantities for this certificate's items than the certificate states (declared by another border): ` +
          declared.map((d) => `item ${d.item + 1}: ${fromThousandths(d.total)} ${d.unit}`).join(", "),
      );
    }
  }

  /** Stores `details` on IPFS encrypted to the issuing and the importing party; returns the digest the chain keeps. */
  async #storeDetails(presented: Presentation, party: string, details: Record<string, string>): Promise<string> {
    const { payloads, recipientKeys } = this.deps;
    if (!payloads || !recipientKeys) {
      throw new CertLedgerError("IPFS_UNAVAILABLE", "this server has no IPFS store for remarks: record the outcome without them");
    }
    const recipients: PayloadRecipient[] = [];
    for (const p of new Set([presented.issuingParty, party])) {
      try {
        recipients.push(...(await recipientKeys([p])));
      } catch (error) {
        if (!isCertLedgerError(error, "KEY_NOT_FOUND")) throw error;
      }
    }
    if (recipients.length === 0) {
      throw new CertLedgerError("KEY_NOT_FOUND", `neither ${presented.issuingParty} nor ${party} has an encryption key for remarks`);
    }
    const { bytes } = await encryptPayload(toUtf8Bytes(JSON.stringify(details)), {
      certHash: presented.anchoring.certHash,
      contentType: "application/json",
      recipients,
    });
    await payloads.add(bytes);
    return sha256(bytes);
  }
}

/**
 * An acceptance or a write-off needs the certificate VALID at the agency's party (the chain checks only that it is
 * Active and unexpired, and not even that for a write-off, to keep its gas low): CERT_NOT_ACTIVE when it is revoked,
 * suspended or expired, CERT_NOT_ACCEPTABLE for any other verdict (not recognised by the party, tampered, …).
 */
function checkVerdict(report: VerificationReport, what: string): void {
  if (report.verdict === "REVOKED" || report.verdict === "SUSPENDED" || report.verdict === "EXPIRED") {
    throw new CertLedgerError("CERT_NOT_ACTIVE", `certificate ${report.certHash} is ${report.verdict}: it cannot be ${what}`);
  }
  if (report.verdict !== "VALID") {
    throw new CertLedgerError(
      "CERT_NOT_ACCEPTABLE",
      `certificate ${report.certHash} verifies as ${report.verdict} here: it cannot be ${what}`,
    );
  }
}

/** keccak256 of "<party>:<reference>", the reference trimmed, its whitespace folded and upper-cased (as numbers are). */
export function declarationHashOf(party: string, reference: string): string {
  const normalized = reference.normalize("NFKC").toUpperCase().replace(/\s+/gu, " ").trim();
  if (normalized.length === 0 || normalized.length > MAX_DECLARATION) {
    throw new CertLedgerError("INVALID_USE", `a declaration reference has 1 to ${MAX_DECLARATION} characters`);
  }
  return keccak256(toUtf8Bytes(`${party}:${normalized}`));
}
