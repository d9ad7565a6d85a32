import type { Signer } from "ethers";
import type { LedgerClient } from "../chain/ledger-client";
import { CertLedgerError, isCertLedgerError } from "../errors";
import { addPayloads, type PayloadStore } from "../ipfs/payload-store";
import { composeHere, type BatchComposer, type ComposedBatch } from "../merkle/composed-batch";
import { findOnChain, sendOnce, type AnchorPosition, type AnchorTarget, type OnChain } from "./anchoring-engine";
import { anchoredHeadHolds, commonAnchoredBlock, receiptPosition } from "./chain-audit";
import { backoffDelay, DependencyGate, isPermanentFailure, recordedError, type BackoffOptions } from "./failures";
import type { Outbox, PendingUpload, ReadyGroup, Submission } from "./outbox";
import { wakeableWait } from "../wakeable-wait";

/** What the batcher works with, and how. */
export interface BatcherOptions {
  outbox: Outbox;
  /** The chain client; writes go through `client.withSigner(signerFor(authorityId))`. */
  client: LedgerClient;
  /** The account that anchors for `authorityId`, or undefined when this server holds none (its requests fail NO_SIGNER). */
  signerFor(authorityId: number): Signer | undefined;
  /** Where payloads and batch manifests go. */
  payloads: PayloadStore;
  /** The most certificates in one batch (default 1000). */
  maxBatchSize?: number;
  /** How long a ready request waits for others of its authority and type to batch with (default 200 ms). */
  maxWaitMs?: number;
  /** How often the batcher looks for work (default 50 ms). */
  pollIntervalMs?: number;
  /** Backoff of transient failures (default 500 ms doubling up to 30 s). */
  retry?: BackoffOptions;
  /** Transactions in flight at once (default 4): the next batch is composed while earlier ones wait for confirmations. */
  maxInFlight?: number;
  /** Payloads added to IPFS in one go (default 1000): one write to the store, one outbox transaction for their CIDs. */
  uploadBatchSize?: number;
  /** The most payload bytes in one go (default 32 MiB; a larger payload goes on its own). */
  uploadBatchBytes?: number;
  /** Such bulk uploads in flight at once (default 2): the next is read from the outbox while the last is stored. */
  uploadConcurrency?: number;
  /** How long stop() waits for work in flight before abandoning it to the next reconcile (default 10 s). */
  stopTimeoutMs?: number;
  /**
   * Resolves once block `blockNumber` survives a power cut of the chain node (the embedded chain's state file holds it);
   * a submission is recorded anchored only then. Left out for a chain with immediate finality (QBFT), whose blocks do.
   */
  durable?: (blockNumber: number) => Promise<void>;
  /** How often the highest block holding anchored submissions is compared with the chain's (default 1 s). */
  chainCheckIntervalMs?: number;
  /**
   * Composes a batch (its tree, proofs and manifest: ~40 µs a certificate) — in the document pool's worker threads on a
   * node that has them, so the event loop does not (default: on this thread).
   */
  composeBatch?: BatchComposer;
  /** Called on every notable event (a batch anchored, a request failed, a dependency down or back). */
  log?: (event: string, details: Record<string, unknown>) => void;
}

/** What a readiness probe reports. */
export interface BatcherHealth {
  /** "reconciling" while the outbox's anchored submissions are checked against a chain that went back. */
  chain: "ok" | "down" | "reconciling";
  ipfs: "ok" | "down";
  queued: number;
  submitted: number;
  lastError?: { code: string; message: string; at: string };
}

const DEFAULTS = {
  maxBatchSize: 1000,
  maxWaitMs: 200,
  pollIntervalMs: 50,
  retry: { baseDelayMs: 500, maxDelayMs: 30_000 },
  maxInFlight: 4,
  uploadBatchSize: 1000,
  uploadBatchBytes: 32 * 1024 * 1024,
  uploadConcurrency: 2,
  stopTimeoutMs: 10_000,
  chainCheckIntervalMs: 1_000,
};

/**
 * Turns queued requests into confirmed anchors, exactly once whatever stops in between (the rule: anchoring-engine.ts):
 * 1. payloads go to IPFS in bulk (one store write for up to uploadBatchSize of them) and their CIDs into the outbox in
 *    one transaction, only once IPFS holds them (IPFS down: the requests wait, with backoff);
 * 2. ready requests are grouped by (authority, type), waiting up to maxWaitMs for more; a group of one is anchored
 *    on its own, a larger one as a Merkle batch of at most maxBatchSize whose manifest goes to IPFS first;
 * 3. the composition (root, members and proofs, manifest CID) is written to the outbox, status submitted, BEFORE the
 *    transaction is sent; its outcome is written after.
 * A submission whose outcome is unknown (a restart, a timeout, the chain down) is looked up on chain before it is
 * sent again — and it is always the same transaction (the same root), never a new batch — so no certificate is ever in
 * two submissions. The ledger's refusals fail the requests with the ledger's code; other failures are retried.
 */
export class Batcher {
  readonly #outbox: Outbox;
  readonly #client: LedgerClient;
  readonly #signerFor: (authorityId: number) => Signer | undefined;
  readonly #payloads: PayloadStore;
  readonly #composeBatch: BatchComposer;
  readonly #options: typeof DEFAULTS;
  readonly #log: (event: string, details: Record<string, unknown>) => void;
  readonly #chain: DependencyGate;
  readonly #ipfs: DependencyGate;
  readonly #writers = new Map<number, { signer: Signer; client: LedgerClient }>();
  readonly #sends = new Map<number, Promise<void>>();
  /** Submissions mined and waiting for their block to be durable: they hold no send slot meanwhile (see #settleDurably). */
  readonly #settling = new Map<number, Promise<void>>();
  /** Bulk uploads in flight, by a key of their own. */
  readonly #uploads = new Map<number, { certHashes: string[]; done: Promise<void> }>();
  #nextUpload = 0;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #nextDue = Number.POSITIVE_INFINITY;
  /** Bumped when stop() abandons work: outcomes that arrive later are not recorded (reconcile() finds them). */
  #generation = 0;
  #lastError: BatcherHealth["lastError"];
  readonly #durable: (blockNumber: number) => Promise<void>;
  /** A check of the anchored submissions under way (shared by its callers), and whether one is owed (the last failed). */
  #checking: Promise<void> | undefined;
  #checkDue = true;
  #nextChainCheck = 0;
  /** Submissions sent again because the chain lost them, until they are anchored again (health: "reconciling"). */
  readonly #repairing = new Set<number>();

  constructor(options: BatcherOptions) {
    this.#outbox = options.outbox;
    this.#client = options.client;
    this.#signerFor = options.signerFor;
    this.#payloads = options.payloads;
    this.#composeBatch = options.composeBatch ?? composeHere;
    this.#options = {
      maxBatchSize: positiveInteger(options.maxBatchSize ?? DEFAULTS.maxBatchSize, "maxBatchSize"),
      maxWaitMs: nonNegative(options.maxWaitMs ?? DEFAULTS.maxWaitMs, "maxWaitMs"),
      pollIntervalMs: positiveInteger(options.pollIntervalMs ?? DEFAULTS.pollIntervalMs, "pollIntervalMs"),
      retry: {
        baseDelayMs: positiveInteger(options.retry?.baseDelayMs ?? DEFAULTS.retry.baseDelayMs, "retry.baseDelayMs"),
        maxDelayMs: positiveInteger(options.retry?.maxDelayMs ?? DEFAULTS.retry.maxDelayMs, "retry.maxDelayMs"),
      },
      maxInFlight: positiveInteger(options.maxInFlight ?? DEFAULTS.maxInFlight, "maxInFlight"),
      uploadBatchSize: positiveInteger(options.uploadBatchSize ?? DEFAULTS.uploadBatchSize, "uploadBatchSize"),
      uploadBatchBytes: positiveInteger(options.uploadBatchBytes ?? DEFAULTS.uploadBatchBytes, "uploadBatchBytes"),
      uploadConcurrency: positiveInteger(options.uploadConcurrency ?? DEFAULTS.uploadConcurrency, "uploadConcurrency"),
      stopTimeoutMs: nonNegative(options.stopTimeoutMs ?? DEFAULTS.stopTimeoutMs, "stopTimeoutMs"),
      chainCheckIntervalMs: positiveInteger(options.chainCheckIntervalMs ?? DEFAULTS.chainCheckIntervalMs, "chainCheckIntervalMs"),
    };
    this.#durable = options.durable ?? (async () => undefined);
    this.#log = options.log ?? (() => undefined);
    this.#chain = new DependencyGate(this.#options.retry);
    this.#ipfs = new DependencyGate(this.#options.retry);
  }

  /** Starts working: reconcile() first, then the queue, until stop(). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /**
   * Stops taking new work, waits up to stopTimeoutMs for uploads and transactions in flight, and abandons the rest:
   * their requests stay submitted (or queued) in the outbox, and the next reconcile() settles them.
   */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#wake?.();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#options.stopTimeoutMs)));
    try {
      // The loop may be composing a batch (waiting for the chain or IPFS); once stopped it records nothing more.
      await Promise.race([this.#loop, deadline]);
      const inFlight = Promise.allSettled([
        ...this.#sends.values(),
        ...this.#settling.values(),
        ...[...this.#uploads.values()].map((u) => u.done),
      ]);
      await Promise.race([inFlight, deadline]);
    } finally {
      clearTimeout(timer);
    }
    this.#generation++;
  }

  /**
   * Settles every submitted request with the chain: a batch whose root is on chain, or a direct anchor whose record is
   * (by the same authority), is anchored; anything else is sent again as it was composed. Run at start-up (start()
   * does); resolves once each has been anchored, failed, or scheduled for a retry because the chain is down.
   */
  async reconcile(): Promise<void> {
    const pending = this.#outbox.submissions.due(Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER, this.#busy());
    this.#log("reconcile", { submissions: pending.length });
    let next = 0;
    const worker = async () => {
      while (next < pending.length) {
        const submission = pending[next++];
        await this.#track(submission, true);
        await this.#settling.get(submission.id);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#options.maxInFlight, pending.length) }, worker));
  }

  /**
   * Checks every submission the outbox records as anchored against the chain the node has now: those in a block whose
   * hash no longer matches (the chain went back or reorganised), or whose block is not known, are looked up by content —
   * still on chain (perhaps in another block): the new transaction and block are recorded; gone: the submission is
   * submitted again (the same root: exactly once by construction) and sent at once. Run at start-up (before the API
   * answers) and whenever the highest anchored block's hash changes; health() says "reconciling" meanwhile.
   */
  checkAnchored(): Promise<void> {
    this.#checking ??= this.#checkAnchored().finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  async #checkAnchored(): Promise<void> {
    const provider = this.#client.provider;
    try {
      const common = await commonAnchoredBlock(this.#outbox, provider);
      const suspects = this.#outbox.submissions.anchoredAbove(common);
      let next = 0;
      const outcomes = { kept: 0, moved: 0, reopened: 0, failed: 0 };
      const worker = async () => {
        while (next < suspects.length) {
          const submission = suspects[next++];
          const outcome = await this.#recheck({ ...submission, fromBlock: Math.min(submission.fromBlock, common + 1) }, common);
          outcomes[outcome]++;
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.#options.maxInFlight, suspects.length) }, worker));
      if (suspects.length > 0) this.#log("chain.reconciled", { commonBlock: common, ...outcomes });
      this.#checkDue = false;
    } catch (error) {
      this.#checkDue = true;
      throw error;
    }
  }

  /** One anchored submission the chain may no longer hold: kept, moved to where it is now, sent again, or failed. */
  async #recheck(submission: Submission, common: number): Promise<"kept" | "moved" | "reopened" | "failed"> {
    const what = { submission: submission.id, kind: submission.kind, root: rootOf(submission), was: submission.txHash };
    const recorded = submission.txHash === undefined ? undefined : await receiptPosition(this.#client.provider, submission.txHash);
    if (recorded && recorded.blockHash === submission.blockHash) return "kept";
    if (recorded && submission.blockHash === undefined && recorded.blockNumber === submission.blockNumber) {
      // Recorded before block hashes were (an outbox from an earlier version): where it was, now with its hash.
      await this.#durable(recorded.blockNumber);
      this.#outbox.submissions.recordAnchored(submission.id, recorded);
      return "kept";
    }
    const found = recorded ? { state: "ours" as const, position: recorded } : await this.#lookUp(submission);
    if (found.state === "absent") {
      this.#outbox.submissions.reopen(submission.id, common + 1);
      this.#repairing.add(submission.id);
      this.#log("submission.reopened", { ...what, block: submission.blockNumber });
      return "reopened";
    }
    if (found.state === "theirs") {
      this.#settle(submission, found);
      return "failed";
    }
    const position = await this.#confirmDurable(found.position);
    this.#outbox.submissions.recordAnchored(submission.id, position);
    this.#log("submission.moved", { ...what, ...position });
    return "moved";
  }

  /**
   * Where `position` is once it survives a power cut: the chain's state holding its block is on disk, and its receipt
   * still names that block. Without a transaction (found by content, no event) the chain's head is made durable instead.
   */
  async #confirmDurable(position: AnchorPosition): Promise<AnchorPosition> {
    if (position.txHash === undefined || position.blockNumber === undefined) {
      await this.#durable(await this.#client.blockNumber());
      return position;
    }
    await this.#durable(position.blockNumber);
    // Read after the state was written: a transaction still on chain now is in that state (anvil re-mines nothing).
    const confirmed = await receiptPosition(this.#client.provider, position.txHash);
    if (!confirmed) {
      throw new CertLedgerError(
        "CHAIN_REORGANISED",
        `transaction ${position.txHash}, mined in block ${position.blockNumber}, is no longer on the chain`,
        { details: { txHash: position.txHash, blockNumber: position.blockNumber } },
      );
    }
    return confirmed;
  }

  /** `found` once it survives a power cut (see #confirmDurable). */
  async #durably(found: OnChain): Promise<OnChain> {
    return found.state === "ours" ? { state: "ours", position: await this.#confirmDurable(found.position) } : found;
  }

  /** Between two turns of the loop, at most every chainCheckIntervalMs: one block read, a full check if it changed. */
  async #watchChain(now: number): Promise<void> {
    // While the chain is down the sends probe it; the check resumes once it answers.
    if (now < this.#nextChainCheck || this.#chain.down) return;
    this.#nextChainCheck = now + this.#options.chainCheckIntervalMs;
    try {
      if (this.#checkDue || !(await anchoredHeadHolds(this.#outbox, this.#client.provider))) await this.checkAnchored();
    } catch (error) {
      this.#noteError("chain.check.retry", error);
    }
  }

  /** Resolves when no request is queued or submitted (for tests and orderly shutdowns); the batcher must be running. */
  async drain(): Promise<void> {
    for (;;) {
      const { queued, submitted } = this.#outbox.pendingCounts();
      if (queued + submitted === 0 && this.#sends.size === 0 && this.#settling.size === 0) return;
      if (!this.#running) throw new CertLedgerError("BATCHER_NOT_RUNNING", "drain(): the batcher is not running, so nothing would move");
      await delay(20);
    }
  }

  /** Whether the chain and IPFS answer, how much work waits, and the last error seen. */
  health(): BatcherHealth {
    const { queued, submitted } = this.#outbox.pendingCounts();
    const health: BatcherHealth = {
      chain: this.#checking || this.#repairing.size > 0 ? "reconciling" : this.#chain.down ? "down" : "ok",
      ipfs: this.#ipfs.down ? "down" : "ok",
      queued,
      submitted,
    };
    if (this.#lastError) health.lastError = { ...this.#lastError };
    return health;
  }

  // ---------------------------------------------------------------- the loop

  async #run(): Promise<void> {
    try {
      await this.checkAnchored();
    } catch (error) {
      this.#noteError("chain.check.retry", error);
    }
    try {
      await this.reconcile();
    } catch (error) {
      this.#noteError("reconcile.error", error);
    }
    const generation = this.#generation;
    const current = () => this.#running && generation === this.#generation;
    while (current()) {
      this.#nextDue = Number.POSITIVE_INFINITY;
      try {
        await this.#watchChain(Date.now());
        this.#startUploads();
        await this.#dispatch(current);
      } catch (error) {
        this.#noteError("batcher.error", error);
      }
      if (!current()) break;
      const wait = Math.max(1, Math.min(this.#options.pollIntervalMs, this.#nextDue - Date.now()));
      const pause = wakeableWait(wait);
      this.#wake = pause.wake;
      await pause.done;
      this.#wake = undefined;
    }
  }

  // ---------------------------------------------------------------- payloads

  #startUploads(): void {
    const now = Date.now();
    while (this.#uploads.size < this.#options.uploadConcurrency) {
      const inFlight = new Set([...this.#uploads.values()].flatMap((upload) => upload.certHashes));
      const items = this.#outbox.requests.pendingUploads(now, this.#options.uploadBatchSize, inFlight, this.#options.uploadBatchBytes);
      if (items.length === 0 || !this.#ipfs.tryEnter(now)) return;
      const key = this.#nextUpload++;
      const done = this.#upload(items).finally(() => {
        this.#uploads.delete(key);
        this.#wake?.();
      });
      this.#uploads.set(key, { certHashes: items.map((item) => item.certHash), done });
    }
  }

  /** Adds `items`' payloads to IPFS in one go, then records their CIDs (they become ready to anchor) in one transaction. */
  async #upload(items: PendingUpload[]): Promise<void> {
    const generation = this.#generation;
    let cids: string[];
    try {
      cids = await addPayloads(
        this.#payloads,
        items.map((item) => item.bytes),
      );
    } catch (error) {
      const now = Date.now();
      if (this.#ipfs.failed(now)) this.#log("ipfs.down", { ...recordedError(error) });
      this.#noteError("payload.retry", error, { count: items.length });
      if (generation !== this.#generation) return;
      // Each keeps its own attempt count; the group is retried after the longest backoff of its members.
      const attempts = Math.max(...items.map((item) => item.attempts));
      this.#outbox.requests.recordRetry(
        items.map((item) => item.certHash),
        recordedError(error),
        now + backoffDelay(attempts + 1, this.#options.retry),
      );
      return;
    }
    if (this.#ipfs.succeeded()) this.#log("ipfs.up", {});
    if (generation !== this.#generation) return;
    try {
      this.#outbox.requests.recordPayloads(items.map((item, i) => ({ certHash: item.certHash, cid: cids[i] })));
    } catch (error) {
      // The outbox is closed or failing: the payloads are on IPFS, so uploading them again later is harmless.
      this.#noteError("outbox.error", error);
    }
  }

  // ---------------------------------------------------------------- composing and sending

  async #dispatch(current: () => boolean): Promise<void> {
    const now = Date.now();
    const free = () => this.#options.maxInFlight - this.#sends.size;
    if (free() > 0) {
      for (const submission of this.#outbox.submissions.due(now, free(), this.#busy())) {
        if (!this.#chain.tryEnter(now)) break;
        void this.#track(submission, true);
      }
    }
    for (const group of this.#outbox.requests.readyGroups(now)) {
      if (!current() || free() <= 0) break;
      const dueAt = group.oldestReadyAt + this.#options.maxWaitMs;
      if (group.count < this.#options.maxBatchSize && dueAt > now) {
        this.#nextDue = Math.min(this.#nextDue, dueAt);
        continue;
      }
      await this.#compose(group, now, current);
    }
  }

  /** Composes the next submission of `group`, records it, and sends it (without waiting for the outcome). */
  async #compose(group: ReadyGroup, now: number, current: () => boolean): Promise<void> {
    const { authorityId, certType } = group;
    const members = this.#outbox.requests.ready(authorityId, certType, now, this.#options.maxBatchSize);
    if (members.length === 0) return;
    const certHashes = members.map((m) => m.certHash);
    if (!this.#signerFor(authorityId)) {
      this.#fail(certHashes, noSigner(authorityId));
      return;
    }
    const single = members.length === 1;
    if (!this.#chain.tryEnter(now)) return;
    if (!single && !this.#ipfs.tryEnter(now)) {
      this.#chain.release();
      return;
    }
    let stage: "chain" | "ipfs" | "outbox" = "chain";
    try {
      if (single) {
        const fromBlock = await this.#client.blockNumber();
        this.#chain.succeeded();
        if (!current()) return;
        stage = "outbox";
        const submission = this.#outbox.submissions.record({
          authorityId,
          certType,
          kind: "direct",
          fromBlock,
          members: [{ certHash: certHashes[0] }],
        });
        void this.#track(submission, false);
        return;
      }
      let batch: ComposedBatch;
      try {
        batch = await this.#composeBatch(authorityId, certType, members);
      } catch (error) {
        this.#chain.release();
        this.#ipfs.release();
        // Leaves refused fail their requests; a composer that failed otherwise (a worker gone) is tried again.
        if (isCertLedgerError(error)) this.#fail(certHashes, error);
        else this.#noteError("compose.retry", error, { authorityId, certType });
        return;
      }
      const fromBlock = await this.#client.blockNumber();
      this.#chain.succeeded();
      stage = "ipfs";
      const manifestCid = await this.#payloads.add(batch.manifest);
      if (this.#ipfs.succeeded()) this.#log("ipfs.up", {});
      // Stopped meanwhile: nothing is recorded, so the requests stay queued (the manifest on IPFS is merely unused).
      if (!current()) return;
      stage = "outbox";
      const submission = this.#outbox.submissions.record({
        authorityId,
        certType,
        kind: "batch",
        root: batch.root,
        manifestCid,
        fromBlock,
        members: batch.members,
      });
      void this.#track(submission, false);
    } catch (error) {
      // Nothing was recorded: the requests are still queued and will be composed again once the dependency is back.
      if (stage !== "outbox") {
        const gate = stage === "chain" ? this.#chain : this.#ipfs;
        if (gate.failed(Date.now())) this.#log(`${stage}.down`, { ...recordedError(error) });
      }
      if (stage === "chain" && !single) this.#ipfs.release();
      this.#noteError("compose.retry", error, { authorityId, certType });
    }
  }

  /** Runs the send of `submission`, counted as in flight until it settles. */
  #track(submission: Submission, lookFirst: boolean): Promise<void> {
    const existing = this.#sends.get(submission.id);
    if (existing) return existing;
    const send = this.#send(submission, lookFirst)
      .catch((error: unknown) => this.#noteError("send.error", error, { submission: submission.id }))
      .finally(() => {
        this.#sends.delete(submission.id);
        this.#wake?.();
      });
    this.#sends.set(submission.id, send);
    return send;
  }

  /** Sends `submission` (after looking for it on chain when its outcome is unknown) and records the outcome. */
  async #send(submission: Submission, lookFirst: boolean): Promise<void> {
    const generation = this.#generation;
    const record = (write: () => void) => {
      if (generation === this.#generation) write();
    };
    try {
      const target = this.#targetOf(submission);
      if (lookFirst) {
        const found = await findOnChain(this.#client, target, submission.fromBlock);
        if (found.state !== "absent") {
          this.#chainAnswered();
          this.#settleDurably(submission, found, record);
          return;
        }
      }
      const signer = this.#signerFor(submission.authorityId);
      if (!signer) throw noSigner(submission.authorityId);
      record(() => this.#outbox.submissions.recordSendAttempt(submission.id));
      const found = await sendOnce(this.#writer(submission.authorityId, signer), target, submission.fromBlock);
      this.#chainAnswered();
      this.#settleDurably(submission, found, record);
    } catch (error) {
      if (isPermanentFailure(error)) {
        this.#chainAnswered();
        record(() => this.#settle(submission, undefined, error));
        return;
      }
      return this.#retry(submission, error, record);
    }
  }

  /**
   * Records `found` once it survives a power cut (#confirmDurable), without holding a send slot: the next transactions
   * are sent meanwhile, and one write of the chain's state then covers them all. A failure (the chain lost the block)
   * is retried as any other: the submission is looked up on chain again.
   */
  #settleDurably(submission: Submission, found: OnChain, record: (write: () => void) => void): void {
    const settling = this.#durably(found)
      .then(
        (settled) => record(() => this.#settle(submission, settled)),
        (error: unknown) => this.#retry(submission, error, record),
      )
      .catch((error: unknown) => this.#noteError("send.error", error, { submission: submission.id }))
      .finally(() => {
        this.#settling.delete(submission.id);
        this.#wake?.();
      });
    this.#settling.set(submission.id, settling);
  }

  /** Submissions being sent or settled, which no one else may pick up. */
  #busy(): Set<number> {
    return new Set([...this.#sends.keys(), ...this.#settling.keys()]);
  }

  #retry(submission: Submission, error: unknown, record: (write: () => void) => void): void {
    const now = Date.now();
    if (this.#chain.failed(now)) this.#log("chain.down", { ...recordedError(error) });
    this.#noteError("submission.retry", error, { submission: submission.id, root: rootOf(submission) });
    const nextAttemptAt = now + backoffDelay(submission.attempts + 1, this.#options.retry);
    record(() => this.#outbox.submissions.recordRetry(submission.id, recordedError(error), nextAttemptAt));
  }

  /** Records a submission's outcome: anchored (by us), anchored by another authority, or refused with `error`. */
  #settle(submission: Submission, found: OnChain | undefined, error?: unknown): void {
    const what = { submission: submission.id, kind: submission.kind, root: rootOf(submission), count: submission.leafCount };
    this.#repairing.delete(submission.id);
    if (found?.state === "ours") {
      this.#outbox.submissions.recordAnchored(submission.id, found.position);
      this.#log("submission.anchored", { ...what, ...found.position });
      return;
    }
    const failure =
      found?.state === "theirs"
        ? {
            code: submission.kind === "batch" ? "BATCH_ALREADY_ANCHORED" : "CERT_ALREADY_ANCHORED",
            message: `already anchored on the ledger by authority ${found.authorityId}, not ${submission.authorityId}`,
          }
        : recordedError(error);
    this.#outbox.submissions.recordFailed(submission.id, failure);
    this.#log("submission.failed", { ...what, ...failure });
  }

  /** What `submission` sends, as it was recorded: its batch, or its one member's fields. */
  #targetOf(submission: Submission): AnchorTarget {
    const { authorityId, certType } = submission;
    if (submission.kind === "batch") {
      const { root, leafCount, manifestCid } = submission;
      return { kind: "batch", authorityId, certType, root, leafCount, manifestCid };
    }
    const [member] = this.#outbox.submissions.members(submission.id);
    const { certHash, validUntil, numberHash, payloadCid } = member;
    return { kind: "direct", authorityId, certType, certHash, validUntil, numberHash, payloadCid };
  }

  /** Whether the chain already holds `submission`, and whose it is there. */
  #lookUp(submission: Submission): Promise<OnChain> {
    return findOnChain(this.#client, this.#targetOf(submission), submission.fromBlock);
  }

  #writer(authorityId: number, signer: Signer): LedgerClient {
    const cached = this.#writers.get(authorityId);
    if (cached?.signer === signer) return cached.client;
    const client = this.#client.withSigner(signer);
    this.#writers.set(authorityId, { signer, client });
    return client;
  }

  #chainAnswered(): void {
    if (this.#chain.succeeded()) this.#log("chain.up", {});
  }

  #fail(certHashes: string[], error: unknown): void {
    const failure = recordedError(error);
    this.#outbox.requests.fail(certHashes, failure);
    this.#log("requests.failed", { count: certHashes.length, ...failure });
  }

  #noteError(event: string, error: unknown, details: Record<string, unknown> = {}): void {
    const { code, message } = recordedError(error);
    this.#lastError = { code, message, at: new Date().toISOString() };
    this.#log(event, { ...details, code, message });
  }
}

function rootOf(submission: Submission): string | undefined {
  return submission.kind === "batch" ? submission.root : undefined;
}

function noSigner(authorityId: number): CertLedgerError {
  return new CertLedgerError("NO_SIGNER", `this server holds no account that anchors for authority ${authorityId}`);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new CertLedgerError("INVALID_CONFIG", `${name} must be a positive integer, not ${value}`);
  return value;
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new CertLedgerError("INVALID_CONFIG", `${name} must be a number ≥ 0, not ${value}`);
  return value;
}
