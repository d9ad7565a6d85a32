import type { HeadBlock } from "../chain/chain-head";
import type { LedgerClient } from "../chain/ledger-client";
import { isEventOf, type AnchoringRef, type BatchAnchoredEvent, type CertificateEvent } from "../chain/ledger-events";
import type { AuthorityRecord, CertificateRecord } from "../chain/ledger-records";
import { revocationReasonName } from "../chain/revocation-reasons";
import type { JWK } from "../crypto/keys";
import { certificateTypeName } from "../documents/certificate-types";
import { credentialIssuer, credentialNumberHash, type Credential } from "../documents/credentials";
import { decodeCredentialJws, VC_JWT_MEDIA_TYPE } from "../documents/vc-jose";
import { cidFromBytes, cidToBytes } from "../ipfs/cid";
import { asJsonValue } from "../json-value";
import type { PayloadReader } from "../ipfs/payload-store";
import type { BatchMember } from "../merkle/batch";
import type { BatchLocator } from "./batch-locator";
import {
  checkIssuer,
  checkPayload,
  checkRecognition,
  checkSignature,
  checkStatus,
  type CheckContext,
  type DecryptedDocument,
} from "./checks";
import { historyEntries, isoTime, stateAt, type EffectiveRecord } from "./history";
import { originInfo, readOriginFacts } from "../origin/origin-facts";
import type { OriginClient } from "../origin/origin-client";
import { proofKindOfType } from "../origin/vocabulary";
import { checkDeclarant, checkDeclarantSignature, checkOriginRecognition } from "./origin-checks";
import { resolveInput, type GivenDocument, type ResolvedInput, type VerifyInput } from "./input";
import { linkedCertHashes, verifyLinked } from "./linked";
import { spsFieldsOf } from "./sps-fields";
import type { Check, Conflict, VerificationReport } from "./report";
import { verdictOf } from "./verdict";
import { checkStatusLists, type StatusListReader } from "./status-list-check";

export type { VerifyInput } from "./input";

/** Options of one verification. */
export interface VerifyOptions {
  /** Verify as of this time (seconds or a Date); by default the time of the latest block. */
  asOf?: Date | bigint;
  /** The party whose recognition is reported (e.g. the customs office's own party). */
  forParty?: string;
  /** The holder's link key (from the verification link's fragment), to open the payload. */
  linkKey?: string;
  /** A recipient party's private key, to open a payload addressed to that party. */
  recipientKey?: JWK;
  /**
   * Where the certificate's records are read: "index" (the default, when the verifier has an index that can answer) at
   * the index's block, the same as the chain's head, with no chain call for the certificate; "chain": from the node at
   * its head, as the ledger's view functions answer. The report is the same either way and names the block and source.
   */
  source?: VerificationSource;
}

/** Where a report's certificate records were read: the chain index at a block it fully read, or the node. */
export type VerificationSource = "index" | "chain";

/** A verification's outcome: the report, and the decrypted document when a key opened the payload. */
export interface VerificationResult {
  report: VerificationReport;
  document?: DecryptedDocument;
}

/**
 * A chain index that already read the ledger's events (src/index's ChainIndex fits): the verifier takes histories and
 * batch events from it instead of scanning the chain's logs, whenever it has read up to the block being verified at.
 */
export interface EventSource {
  /** The last block it has read. */
  lastBlock(): number;
  /** The certificate's events in chain order (with the BatchAnchored of its batch, which the verifier skips). */
  history(certHash: string): (CertificateEvent | { event: "BatchAnchored" })[];
  /** The BatchAnchored event of the batch `root` of `authorityId`. */
  batch(root: string, authorityId: number): (Omit<BatchAnchoredEvent, "timestamp"> & { anchoredAt: bigint }) | undefined;
  /**
   * The anchorings of certificate number `numberHash` by authorities of `party` (a number lives in its party's
   * namespace), oldest first, batch members included (the chain's logs name only direct anchors and materialised batch
   * members: a number anchored in a batch is found through the manifests).
   */
  byNumberHash?(numberHash: string, party: string): { certHash: string; blockNumber: number }[];
  /** Every anchoring of `certHash` (direct and batched), oldest first: the later ones are conflicts. */
  anchorings?(certHash: string): { authorityId: number; batchRoot?: string; blockNumber: number; txHash: string }[];
  /** The last block it has read, with its hash and time, when known. */
  tip?(): HeadBlock | undefined;
  /** Reads the chain up to `block` now when it has not (one read shared by all callers); the tip, if it got there. */
  catchUp?(block: number): Promise<HeadBlock | undefined>;
  /** The ledger's `getCertificate(certHash)` at `block` (a block it has read). */
  certificateAt?(certHash: string, block: number): CertificateRecord | undefined;
  /** The ledger's `getBatchedCertificate(member)` at `block`, or "ask the chain" when only the chain can tell. */
  batchedCertificateAt?(member: BatchMember, block: number): CertificateRecord | undefined | "ask the chain";
}

/** What the verifier reads from: the ledger, and optionally IPFS, a way to find batched certificates, and an index. */
export interface VerifierDependencies {
  client: LedgerClient;
  payloads?: PayloadReader;
  batches?: BatchLocator;
  events?: EventSource;
  /** The origin registry: who declared a declaration, agreements and recognition per agreement (absent: declarations are untrusted). */
  origin?: OriginClient;
  maxFileBytes?: number;
  /** Reads the status list credentials a credential's `credentialStatus` names, to cross-check them with the ledger (absent: not checked). */
  statusLists?: StatusListReader;
  /** Reports by hash kept per block, so repeated questions at one block are answered from memory (default 10,000; 0: none). */
  reportCacheSize?: number;
}

const REGISTRY_READS_PER_BLOCK = 10_000;

/** One anchoring of a certificate hash, as found on the chain (a batched one's record is its own, or its batch's). */
type Anchor =
  | { kind: "direct"; record: CertificateRecord; position: Position }
  | { kind: "batch"; member: BatchMember; event: BatchAnchoredEvent; record: CertificateRecord; position: Position };

/** Where an anchoring is in the chain: seniority is block order, then log order. */
interface Position {
  blockNumber: number;
  logIndex: number;
  txHash: string;
}

/** Verifies certificates against the ledger (and IPFS): every check of DESIGN.md "Verification", and a verdict. */
export class Verifier {
  readonly #reports = new Map<string, VerificationReport>();
  readonly #inFlight = new Map<string, Promise<VerificationReport>>();
  /** Registry reads (authorities, parties, recognition) at the newest block verified at, shared by its verifications. */
  #registry = { block: -1, reads: new Map<string, Promise<unknown>>() };

  constructor(private readonly deps: VerifierDependencies) {}

  /** Verifies `input` and reports each check and the verdict, read at one block of the chain. */
  async verify(input: VerifyInput, options: VerifyOptions = {}): Promise<VerificationResult> {
    const resolved = resolveInput(input, { maxFileBytes: this.deps.maxFileBytes });
    // The client's shared head: no RPC per verification when it is fresh enough (see ChainHead for how stale it may be).
    const latest = await this.deps.client.head.latest();
    const indexed = options.source === "chain" ? undefined : await this.#indexAt(latest);
    const head = indexed ?? latest;
    const source: VerificationSource = indexed ? "index" : "chain";
    // A report by hash, as of now, with no key to open the payload, depends only on the chain at this block (and on
    // IPFS content, which its CID fixes): the same question at the same block has the same answer. The block is named by
    // its hash too: an embedded node that lost its last blocks mines other blocks at the same heights.
    const cacheKey =
      input.kind === "hash" && options.asOf === undefined && !options.linkKey && !options.recipientKey
        ? `${head.number}:${head.hash}|${resolved.certHash}|${options.forParty ?? ""}|${source}`
        : undefined;
    if (cacheKey === undefined) return this.#verifyAt(resolved, options, head, source);
    const cached = this.#reports.get(cacheKey);
    if (cached) return { report: { ...cached, verifiedAt: new Date().toISOString() } };
    // The same question asked again before the first answer is ready shares that answer: right after a new block, every
    // request for a popular certificate would otherwise verify it on its own.
    const pending = this.#inFlight.get(cacheKey);
    if (pending) return { report: { ...(await pending), verifiedAt: new Date().toISOString() } };
    const verifying = this.#verifyAt(resolved, options, head, source)
      .then(({ report }) => {
        // NOT_FOUND is not kept: a batched certificate may be found a moment later, once the locator has read its manifest.
        // Nor is a payload IPFS could not deliver just now (a peer not yet connected): on an idle chain the block, and
        // so the cached answer, may stay the same for minutes after IPFS has the payload again.
        const payloadUnfetched = report.checks.some((check) => check.id === "payload" && check.result === "warn");
        if (report.verdict !== "NOT_FOUND" && !payloadUnfetched) this.#remember(cacheKey, report);
        return report;
      })
      .finally(() => this.#inFlight.delete(cacheKey));
    this.#inFlight.set(cacheKey, verifying);
    return { report: await verifying };
  }

  #remember(key: string, report: VerificationReport): void {
    const size = this.deps.reportCacheSize ?? 10_000;
    if (size <= 0) return;
    // Insertion order is age: drop the oldest entries (reports of earlier blocks first) when full.
    while (this.#reports.size >= size) this.#reports.delete(this.#reports.keys().next().value as string);
    this.#reports.set(key, report);
  }

  /**
   * The index's block, when it can answer for the chain's head `latest`: the very same block (number and hash), after
   * having the index read up to it if it had not yet. Undefined — the chain is read — without an index that answers
   * records, when the index cannot reach the head, or when it stands on another block than the head's (a chain that
   * went back: the index finds out at its next read; the chain path answers meanwhile).
   */
  async #indexAt(latest: HeadBlock): Promise<HeadBlock | undefined> {
    const events = this.deps.events;
    if (!events?.tip || !events.catchUp || !events.certificateAt || !events.batchedCertificateAt) return undefined;
    let tip = events.tip();
    if (!tip || tip.number < latest.number) tip = await events.catchUp(latest.number);
    return tip?.number === latest.number && tip.hash === latest.hash ? tip : undefined;
  }

  async #verifyAt(
    resolved: ResolvedInput,
    options: VerifyOptions,
    head: HeadBlock,
    source: VerificationSource,
  ): Promise<VerificationResult> {
    const { client } = this.deps;
    const blockNumber = head.number;
    const now = head.timestamp;
    const asOf =
      options.asOf === undefined ? now : options.asOf instanceof Date ? BigInt(Math.floor(options.asOf.getTime() / 1000)) : options.asOf;
    const header = {
      asOf: isoTime(asOf),
      forParty: options.forParty,
      chain: { chainId: await client.chainId(), blockNumber, ledger: client.address, source },
    };

    const found = await this.#locate(resolved, blockNumber, source);
    const checks: Check[] = [];
    if (!found.anchor) {
      checks.push(...notAnchoredChecks(resolved, found.tampered));
      return { report: finish({ ...header, certHash: resolved.certHash ?? null, checks, history: [] }) };
    }

    const { anchor, certHash, events = [], conflicts = [] } = found;
    const record = effectiveRecord(anchor);
    const certType = anchor.kind === "direct" ? anchor.record.certType : anchor.event.certType;
    const authorityId = anchor.kind === "direct" ? anchor.record.authorityId : anchor.event.authorityId;
    const at = { blockTag: blockNumber };
    // Certificates of one authority share these reads at a block: most verifications find them already made.
    const forParty = options.forParty;
    const [authority, recognised] = await Promise.all([
      this.#registryRead(blockNumber, `authority ${authorityId}`, () => client.getAuthority(authorityId, at)),
      forParty === undefined
        ? undefined
        : this.#registryRead(blockNumber, `recognition ${forParty} ${authorityId} ${certType}`, () =>
            client.recognises(forParty, authorityId, certType, at),
          ),
    ]);
    const party =
      authority && (await this.#registryRead(blockNumber, `party ${authority.party}`, () => client.getParty(authority.party, at)));
    const anchoredEvent = events.find((e) => e.event === "CertificateAnchored");
    const payloadCid =
      anchoredEvent?.event === "CertificateAnchored" && anchoredEvent.args.payloadCid.length > 0
        ? anchoredEvent.args.payloadCid
        : // A batched certificate's payload CID is in its batch's manifest (version 2), bound to the batch by the manifest's CID.
          anchor.kind === "batch" && anchor.member.payloadCid !== undefined
          ? cidToBytes(anchor.member.payloadCid)
          : undefined;

    const context: CheckContext = {
      client,
      blockNumber,
      certHash,
      certType,
      authorityId,
      authority,
      party,
      recognised,
      record,
      document: resolved.document,
      payloads: this.deps.payloads,
      payloadCid,
      options,
    };
    const state = stateAt(record, events, asOf);
    // A proof of origin (a certificate of origin, a registered trader's declaration) is also read in the origin registry.
    const proof = proofKindOfType(certType);
    const declared = proof === "exporterDeclaration" || proof === "importerDeclaration";
    const originFacts =
      proof && this.deps.origin && authority
        ? await readOriginFacts(this.deps.origin, {
            certHash,
            authorityId,
            certType,
            issuerParty: authority.party,
            blockNumber,
            claimedAgreement: claimedAgreementOf(resolved),
            forParty,
            blanket: recognised === true,
            at: asOf,
          })
        : undefined;
    // The checks read independently of each other: started together, their chain reads travel in one JSON-RPC batch
    // and the payload is fetched meanwhile.
    const [issuer, signature, status, payload, recognition] = await Promise.all([
      declared ? checkDeclarant(context, originFacts) : checkIssuer(context),
      declared ? checkDeclarantSignature(context, this.deps.origin, originFacts) : checkSignature(context),
      checkStatus(context, state, asOf, events),
      checkPayload(context),
      originFacts ? checkOriginRecognition(context, originFacts) : checkRecognition(context),
    ]);
    checks.push(integrityCheck(resolved, certHash), anchoredCheck(anchor, anchoredEvent, conflicts));
    checks.push(issuer, signature, status, payload.check, recognition);
    const statusList = await checkStatusLists(
      credentialOf(resolved.document, payload.document),
      { client, blockNumber, authorityId, ledgerStatus: record.status },
      this.deps.statusLists,
      options.asOf === undefined ? undefined : asOf,
    );
    if (statusList) checks.push(statusList);

    const certificate = describeCertificate(context, anchor, anchoredEvent, state, events);
    const links = linkedCertHashes(resolved.document, payload.document);
    // Followed by hash and without keys: a linked certificate's own links stay unread, so this never recurses further.
    const linked =
      links.length === 0
        ? undefined
        : await verifyLinked(links, async (linkedHash) => {
            const { report } = await this.verify(
              { kind: "hash", certHash: linkedHash },
              { forParty, asOf: options.asOf, source: options.source },
            );
            return { verdict: report.verdict, certTypeName: report.certificate?.certTypeName, party: report.certificate?.authority.party };
          });
    return {
      report: finish({
        ...header,
        certHash: resolved.certHash ?? certHash,
        checks,
        certificate,
        history: historyEntries(events, anchor.kind === "batch" ? anchor.event : undefined),
        conflicts: conflicts.length > 0 ? conflicts : undefined,
        linked,
        origin: originFacts && originInfo(originFacts),
        document: spsFieldsOf(resolved.document, payload.document),
      }),
      document: payload.document,
    };
  }

  /**
   * `read()` at `block`, or the same read already made (or under way) for another verification at that block. Only the
   * newest block's reads are kept; a verification still running at an older block reads for itself. A read that
   * failed is not kept. This takes a block number to name one state (the report cache adds the block's hash, since an
   * embedded node that lost its last blocks mines others at the same heights): the registry it reads changes rarely.
   */
  #registryRead<T>(block: number, key: string, read: () => Promise<T>): Promise<T> {
    if (block !== this.#registry.block) {
      if (block < this.#registry.block) return read();
      this.#registry = { block, reads: new Map() };
    }
    const { reads } = this.#registry;
    const known = reads.get(key) as Promise<T> | undefined;
    if (known) return known;
    // Bounded: an authority, a party and a recognition per issuer the block's verifications met.
    if (reads.size >= REGISTRY_READS_PER_BLOCK) reads.clear();
    const reading = read();
    reads.set(key, reading);
    reading.catch(() => reads.delete(key));
    return reading;
  }

  /**
   * Finds the anchoring of the input's certificate: by hash (directly, or in a batch by the given proof or the batch
   * locator), or by number in its party's namespace. When the document itself is not anchored but claims to be a
   * certificate that is (the certificate a bundle or QR code names, or the one with a credential's number), it was
   * altered: `tampered` says how.
   */
  async #locate(resolved: ResolvedInput, blockNumber: number, source: VerificationSource): Promise<Located> {
    let certHash = resolved.certHash;
    if (certHash === undefined && resolved.number !== undefined)
      certHash = await this.#latestByNumber(resolved.number.hash, resolved.number.party, blockNumber);
    if (certHash === undefined) return { certHash: "" };
    const claimed = resolved.claimedCertHash;
    const found = await this.#anchorOf(certHash, resolved.batchMember, blockNumber, source);
    if (found) {
      if (claimed !== undefined && claimed !== certHash) return { certHash, tampered: `the bundle names another certificate, ${claimed}` };
      return { certHash, ...found };
    }
    if (resolved.batchMember && claimed === certHash) {
      return { certHash, tampered: "the bundle's Merkle proof does not place it in any anchored batch" };
    }
    const credentialNumber = resolved.document?.kind === "credential" ? credentialNumberOf(resolved.document.credential) : undefined;
    const intended =
      claimed ?? (credentialNumber ? await this.#latestByNumber(credentialNumber.hash, credentialNumber.party, blockNumber) : undefined);
    if (intended !== undefined && intended !== certHash && (await this.#anchorOf(intended, resolved.batchMember, blockNumber, source))) {
      const why = claimed !== undefined ? "it claims to be" : "the certificate anchored with its number and issuing party is";
      return { certHash, tampered: `${why} ${intended}` };
    }
    return { certHash };
  }

  /**
   * Every anchoring of `certHash` this verifier can see at `blockNumber` — the direct one (its record) and the batched
   * ones (a proof the ledger accepts: the given one, the locator's) — and which of them is the certificate: the earliest
   * by block order. The others, and any other anchoring the index knows, are conflicts: they change nothing in the
   * report but are named in it. The record and proof reads go out together, so that they travel in one JSON-RPC batch.
   */
  async #anchorOf(
    certHash: string,
    given: BatchMember | undefined,
    blockNumber: number,
    source: VerificationSource,
  ): Promise<Omit<Located, "certHash"> | undefined> {
    const located = await this.deps.batches?.locate(certHash);
    const members = distinctMembers([given?.certHash === certHash ? given : undefined, located]);
    const [direct, ...batched] = await Promise.all([
      this.#certificateRecord(certHash, blockNumber, source),
      ...members.map((member) => this.#batchedRecord(member, blockNumber, source)),
    ]);
    if (!direct && !batched.some(Boolean)) return undefined;
    const events = await this.#history(certHash, blockNumber);
    const anchors: Anchor[] = [];
    if (direct) {
      const anchored = events.find((e) => e.event === "CertificateAnchored" && e.args.authorityId === direct.authorityId);
      // The record's event is always in the history read at this block; were it missing, the anchoring would rank last.
      const position = anchored ?? { blockNumber: Number.MAX_SAFE_INTEGER, logIndex: 0, txHash: ZERO_HASH };
      anchors.push({ kind: "direct", record: direct, position: positionOf(position) });
    }
    await Promise.all(
      members.map(async (member, i) => {
        const record = batched[i];
        const event = record && (await this.#batchEvent(member.root, member.authorityId, blockNumber));
        if (record && event) anchors.push({ kind: "batch", member, event, record, position: positionOf(event) });
      }),
    );
    if (anchors.length === 0) return undefined;
    anchors.sort((a, b) => a.position.blockNumber - b.position.blockNumber || a.position.logIndex - b.position.logIndex);
    const anchor = anchors[0];
    const ref = anchoringRef(anchor);
    const conflicts = conflictsOf(anchor, anchors.slice(1), this.#indexedAnchorings(certHash, blockNumber));
    return { anchor, events: events.filter((e) => isEventOf(e, ref)), conflicts };
  }

  /** The ledger's `getCertificate` at `blockNumber`: from the index's events when the source is the index, else the node. */
  async #certificateRecord(certHash: string, blockNumber: number, source: VerificationSource): Promise<CertificateRecord | undefined> {
    const events = this.deps.events;
    if (source === "index" && events?.certificateAt) return events.certificateAt(certHash, blockNumber);
    return this.deps.client.getCertificate(certHash, { blockTag: blockNumber });
  }

  /** The ledger's `getBatchedCertificate` at `blockNumber`: from the index when it can tell, else the node. */
  async #batchedRecord(member: BatchMember, blockNumber: number, source: VerificationSource): Promise<CertificateRecord | undefined> {
    const events = this.deps.events;
    const indexed = source === "index" && events?.batchedCertificateAt ? events.batchedCertificateAt(member, blockNumber) : "ask the chain";
    if (indexed !== "ask the chain") return indexed;
    return this.deps.client.getBatchedCertificate(member, { blockTag: blockNumber });
  }

  /** The anchorings of `certHash` the index knows (none without an index, or one that has not read this far). */
  #indexedAnchorings(certHash: string, blockNumber: number): Conflict[] {
    const { events } = this.deps;
    if (!events?.anchorings || events.lastBlock() < blockNumber) return [];
    return events
      .anchorings(certHash)
      .filter((a) => a.blockNumber <= blockNumber)
      .map((a) => ({
        kind: a.batchRoot === undefined ? "direct" : "batch",
        authorityId: a.authorityId,
        ...(a.batchRoot === undefined ? {} : { root: a.batchRoot }),
        blockNumber: a.blockNumber,
        txHash: a.txHash,
      }));
  }

  /** The certificate's history up to `blockNumber`: from the index when it has read that far, else from the logs. */
  async #history(certHash: string, blockNumber: number): Promise<CertificateEvent[]> {
    const { events } = this.deps;
    if (events && events.lastBlock() >= blockNumber) {
      return events
        .history(certHash)
        .filter((e): e is CertificateEvent => e.event !== "BatchAnchored" && (e as CertificateEvent).blockNumber <= blockNumber);
    }
    return this.deps.client.certificateHistory(certHash, { toBlock: blockNumber });
  }

  /** The BatchAnchored event of the batch `root` of `authorityId` (at or before `blockNumber`): from the index when it can, else from the logs. */
  async #batchEvent(root: string, authorityId: number, blockNumber: number): Promise<BatchAnchoredEvent | undefined> {
    const { events } = this.deps;
    if (events && events.lastBlock() >= blockNumber) {
      const batch = events.batch(root, authorityId);
      if (!batch || batch.blockNumber > blockNumber) return undefined;
      const { anchoredAt, ...rest } = batch;
      return { ...rest, timestamp: anchoredAt };
    }
    return (await this.deps.client.batchAnchors(undefined, { toBlock: blockNumber })).find(
      (e) => e.root === root && e.authorityId === authorityId,
    );
  }

  /**
   * The certificate anchored last with number `numberHash` by an authority of `party`: a number lives in its party's
   * namespace, so an anchoring by another party's authority under the same number hash is never the answer.
   */
  async #latestByNumber(numberHash: string, party: string, blockNumber: number): Promise<string | undefined> {
    const events = this.deps.events;
    let indexed: string | undefined;
    let fromBlock: number | undefined;
    if (events?.byNumberHash) {
      // The index answers for the blocks it has read (batch members included, which the logs do not name); only the
      // blocks since, if any, are read from the chain's logs.
      const read = Math.min(events.lastBlock(), blockNumber);
      indexed = events
        .byNumberHash(numberHash, party)
        .filter((anchor) => anchor.blockNumber <= read)
        .at(-1)?.certHash;
      if (read >= blockNumber) return indexed;
      fromBlock = read + 1;
    }
    const logged = await this.deps.client.anchorsByNumberHash(numberHash, { fromBlock, toBlock: blockNumber });
    const at = { blockTag: blockNumber };
    for (const event of logged.reverse()) {
      const authorityId = event.args.authorityId;
      const authority = await this.#registryRead(blockNumber, `authority ${authorityId}`, () =>
        this.deps.client.getAuthority(authorityId, at),
      );
      if (authority?.party === party) return event.args.certHash;
    }
    return indexed;
  }
}

/** What the verifier found for a certificate: its earliest anchoring, that anchoring's events, and later ones. */
interface Located {
  certHash: string;
  anchor?: Anchor;
  /** The events of the earliest anchoring only: another anchoring's status changes are its own. */
  events?: CertificateEvent[];
  conflicts?: Conflict[];
  tampered?: string;
}

const ZERO_HASH = "0x" + "0".repeat(64);

function positionOf(e: { blockNumber: number; logIndex: number; txHash: string }): Position {
  return { blockNumber: e.blockNumber, logIndex: e.logIndex, txHash: e.txHash };
}

function anchoringRef(anchor: Anchor): AnchoringRef {
  return anchor.kind === "direct"
    ? { authorityId: anchor.record.authorityId, root: undefined }
    : { authorityId: anchor.member.authorityId, root: anchor.member.root };
}

/** The given and the located batch member, once each (a batch is its root and its authority). */
function distinctMembers(members: (BatchMember | undefined)[]): BatchMember[] {
  const seen = new Set<string>();
  return members.filter((m): m is BatchMember => {
    if (!m) return false;
    const key = `${m.root.toLowerCase()}|${m.authorityId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The anchorings other than `senior`, once each, oldest first. */
function conflictsOf(senior: Anchor, others: Anchor[], indexed: Conflict[]): Conflict[] {
  const key = (c: { authorityId: number; root?: string }) => `${c.root ?? "direct"}|${c.authorityId}`;
  const seniorRef = anchoringRef(senior);
  const seen = new Set([key({ authorityId: seniorRef.authorityId, root: seniorRef.root })]);
  const all: Conflict[] = [
    ...others.map((a): Conflict =>
      a.kind === "direct"
        ? { kind: "direct", authorityId: a.record.authorityId, blockNumber: a.position.blockNumber, txHash: a.position.txHash }
        : {
            kind: "batch",
            authorityId: a.member.authorityId,
            root: a.member.root,
            blockNumber: a.position.blockNumber,
            txHash: a.position.txHash,
          },
    ),
    ...indexed,
  ];
  return all
    .filter((c) => {
      if (seen.has(key(c))) return false;
      seen.add(key(c));
      return true;
    })
    .sort((a, b) => a.blockNumber - b.blockNumber);
}

/** The credential's number hash and the party whose namespace it is in (its issuer's), when it names both. */
function credentialNumberOf(credential: Parameters<typeof credentialNumberHash>[0]): { hash: string; party: string } | undefined {
  try {
    return { hash: credentialNumberHash(credential), party: credentialIssuer(credential).party };
  } catch {
    return undefined;
  }
}

function effectiveRecord(anchor: Anchor): EffectiveRecord {
  const { record } = anchor;
  return {
    status: record.status as EffectiveRecord["status"],
    issuedAt: record.issuedAt,
    validUntil: record.validUntil,
    statusChangedAt: record.statusChangedAt,
  };
}

function notAnchoredChecks(resolved: ResolvedInput, tampered: string | undefined): Check[] {
  const skipped = (["issuer", "signature", "status", "payload", "recognition"] as const).map((id): Check => ({
    id,
    result: "skip",
    detail: "Not checked: the certificate was not found on the ledger.",
  }));
  if (tampered) {
    return [
      {
        id: "integrity",
        result: "fail",
        verdictOnFailure: "TAMPERED",
        detail: `The document's SHA-256 is ${resolved.certHash}, but ${tampered}: the document or its proof was altered.`,
      },
      { id: "anchored", result: "fail", verdictOnFailure: "TAMPERED", detail: "This exact document is not anchored on the ledger." },
      ...skipped,
    ];
  }
  const what = resolved.document
    ? `No certificate with this document's SHA-256 (${resolved.certHash}) is`
    : resolved.certHash
      ? `No certificate ${resolved.certHash} is`
      : "No certificate with this number and party is";
  return [
    resolved.document
      ? { id: "integrity", result: "pass", detail: `The document's SHA-256 is ${resolved.certHash}.` }
      : { id: "integrity", result: "skip", detail: "No document was given." },
    { id: "anchored", result: "fail", verdictOnFailure: "NOT_FOUND", detail: `${what} anchored on the ledger.` },
    ...skipped,
  ];
}

function integrityCheck(resolved: ResolvedInput, certHash: string): Check {
  if (!resolved.document) return { id: "integrity", result: "skip", detail: "No document was given: checked by hash." };
  return { id: "integrity", result: "pass", detail: `The document's SHA-256 is ${certHash}, the hash the issuer anchored.` };
}

function anchoredCheck(anchor: Anchor, event: CertificateEvent | undefined, conflicts: Conflict[]): Check {
  let detail: string;
  if (anchor.kind === "direct") {
    const where = event ? ` in block ${event.blockNumber} (transaction ${event.txHash})` : "";
    detail = `Anchored on its own${where} on ${isoTime(anchor.record.issuedAt)}.`;
  } else {
    detail = `Anchored in Merkle batch ${anchor.member.root} (${anchor.event.leafCount} certificates, block ${anchor.event.blockNumber}); its proof checks out on chain.`;
  }
  if (conflicts.length === 0) return { id: "anchored", result: "pass", detail };
  // A later anchoring of the same hash (by another authority, or again) is a conflict: the earliest is the certificate.
  const later = conflicts
    .map(
      (c) =>
        `authority ${c.authorityId} ${c.kind === "batch" ? `in batch ${c.root}` : "on its own"} in block ${c.blockNumber} (transaction ${c.txHash})`,
    )
    .join("; ");
  return {
    id: "anchored",
    result: "warn",
    detail: `${detail} The same hash was anchored again later, which changes nothing in this report: ${later}.`,
  };
}

function describeCertificate(
  context: CheckContext,
  anchor: Anchor,
  anchoredEvent: CertificateEvent | undefined,
  state: ReturnType<typeof stateAt>,
  events: CertificateEvent[],
): VerificationReport["certificate"] {
  const { record, authority } = context;
  const revoked = events.find((e) => e.event === "CertificateRevoked");
  return {
    certHash: context.certHash,
    certType: context.certType,
    certTypeName: certificateTypeName(context.certType),
    authority: describeAuthority(context.authorityId, authority),
    issuedAt: isoTime(record.issuedAt),
    validUntil: isoTime(record.validUntil),
    status: record.status,
    stateAsOf: state,
    revocation:
      revoked?.event === "CertificateRevoked"
        ? {
            reason: revoked.args.reason,
            reasonName: revocationReasonName(revoked.args.reason),
            effectiveAt: isoTime(revoked.args.effectiveAt),
            replacement: revoked.args.replacement ?? null,
          }
        : undefined,
    anchor:
      anchor.kind === "direct"
        ? { kind: "direct", txHash: anchoredEvent?.txHash ?? "0x" + "0".repeat(64), blockNumber: anchoredEvent?.blockNumber ?? 0 }
        : {
            kind: "batch",
            root: anchor.member.root,
            txHash: anchor.event.txHash,
            blockNumber: anchor.event.blockNumber,
            numberHash: anchor.member.numberHash,
            proof: anchor.member.proof,
          },
    numberHash:
      anchoredEvent?.event === "CertificateAnchored"
        ? anchoredEvent.args.numberHash
        : anchor.kind === "batch"
          ? anchor.member.numberHash
          : undefined,
    payloadCid: context.payloadCid ? cidFromBytes(context.payloadCid) : undefined,
  };
}

function describeAuthority(id: number, authority: AuthorityRecord | undefined) {
  return { id, name: authority?.name ?? "(unregistered)", party: authority?.party ?? "??", status: authority?.status ?? "None" };
}

function finish(report: Omit<VerificationReport, "format" | "version" | "verdict" | "verifiedAt">): VerificationReport {
  const complete = {
    format: "certledger-verification-report",
    version: 1,
    verdict: verdictOf(report.checks),
    verifiedAt: new Date().toISOString(),
    ...report,
  };
  // As JSON carries it, so the report is exactly what a receipt or an HTTP answer carries (no undefined members). Its
  // shape is the type's; the tests hold reports of every verdict and the API's answers to the schema, and a receipt's
  // signer parses it again. Parsing it here on every verification cost a seventh of one read from the index.
  return asJsonValue(complete) as VerificationReport;
}

/** The trade agreement a given certificate of origin's credential claims (its code), if any. */
function claimedAgreementOf(resolved: ResolvedInput): string | undefined {
  const document = resolved.document;
  if (document?.kind !== "credential") return undefined;
  const subject = document.credential.credentialSubject as { type?: string[]; tradeAgreement?: string };
  return subject.type?.[0] === "CertificateOfOrigin" ? subject.tradeAgreement : undefined;
}

/** The credential verified, when there is one: the document given, or the payload a key opened. */
function credentialOf(given: GivenDocument | undefined, opened: DecryptedDocument | undefined): Credential | undefined {
  if (given?.kind === "credential") return given.credential;
  if (opened?.contentType !== VC_JWT_MEDIA_TYPE) return undefined;
  try {
    return decodeCredentialJws(new TextDecoder().decode(opened.bytes)).credential;
  } catch {
    return undefined;
  }
}
