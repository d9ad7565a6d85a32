import type Database from "better-sqlite3";
import type { LedgerClient } from "../chain/ledger-client";
import type { CertificateRecord } from "../chain/ledger-records";
import type { RetryOptions } from "../chain/retry";
import { CertLedgerError, isCertLedgerError } from "../errors";
import type { PayloadStore } from "../ipfs/payload-store";
import type { BatchMember } from "../merkle/batch";
import type { BatchLocator } from "../verify/batch-locator";
import { ChainReader, lastBlockStillOnChain, type BlockHeader } from "./chain-reader";
import type {
  CertificateHistoryEvent,
  CertificatePage,
  DuplicateCertificate,
  IndexedAnchor,
  IndexedAuthority,
  IndexedBatch,
  IndexedCertificate,
  IndexedPayload,
  IndexStatus,
  ListByAuthorityOptions,
  RegistryEvent,
  RegistryEventKind,
} from "./index-types";
import { IndexReader } from "./index-reader";
import { IndexWriter } from "./index-writer";
import { ManifestThread } from "./manifest-thread";
import { readDueManifests, type IndexLogger } from "./manifest-reader";
import { RecordsAtBlock, type ASK_THE_CHAIN } from "./records-at-block";
import { hash32, listOptions, integerOption, partyCode, registryKind, uint32 } from "./query-arguments";
import { openIndexDatabase } from "./schema";

/** How to open a chain index. */
export interface ChainIndexOptions {
  /** The SQLite file (created if missing). */
  file: string;
  /** The ledger to follow; its deployment says where the index starts. */
  client: LedgerClient;
  /** Where batch manifests are read from; without it batches are recorded but their members are not. */
  payloads?: PayloadStore;
  /** The wait between two synchronisations of the background loop (default 1,000 ms). */
  pollIntervalMs?: number;
  /** Index only blocks this deep under the head (default 0). */
  confirmations?: number;
  /** Blocks per eth_getLogs request and per SQLite transaction (default 2,000). */
  batchBlocks?: number;
  /** How long one manifest may take to arrive from IPFS (default 10,000 ms). */
  manifestTimeoutMs?: number;
  /** The wait before a missing manifest is asked for again; it doubles per failure, up to 5 minutes (default 5,000 ms). */
  manifestRetryMs?: number;
  /** Retrying of transient RPC failures. */
  retry?: RetryOptions;
  /** Where rollbacks, refused manifests and synchronisation failures are reported (default: console.warn). */
  logger?: IndexLogger;
}

const CONSOLE_LOGGER: IndexLogger = { warn: (details, message) => console.warn(message, details) };
/** Reads of a range retried when the chain changed under them, before the synchronisation gives up until the next. */
const REORG_ATTEMPTS = 3;

/**
 * The chain index: a SQLite database that follows the ledger's events from its deployment block, resumes where it
 * stopped, survives a chain that went back, and answers history, number, authority and batch-proof lookups without
 * asking the chain. It is a {@link BatchLocator}, so a Verifier finds batched certificates through it.
 */
export class ChainIndex implements BatchLocator {
  readonly #db: Database.Database;
  readonly #writer: IndexWriter;
  readonly #reader: IndexReader;
  readonly #records: RecordsAtBlock;
  readonly #chain: ChainReader;
  readonly #client: LedgerClient;
  readonly #payloads: PayloadStore | undefined;
  readonly #logger: IndexLogger;
  readonly #pollIntervalMs: number;
  readonly #confirmations: number;
  readonly #batchBlocks: number;
  readonly #manifestTimeoutMs: number;
  readonly #manifestRetryMs: number;
  /** Reads of the chain, one after the other (a synchronisation's, a catch-up's). */
  #queue: Promise<unknown> = Promise.resolve();
  /** Manifest reads, one round after the other, beside the chain's reads: a slow manifest holds back no catch-up. */
  #manifestQueue: Promise<unknown> = Promise.resolve();
  #catchingUp: Promise<void> | undefined;
  #inFlight = 0;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #generation = 0;
  #closed = false;
  #deploymentChecked = false;
  #head: number | undefined;
  #lastBlock: number;
  /** The last indexed block's header, once a read of the chain has seen it (undefined after a rollback until the next). */
  #tip: BlockHeader | undefined;
  #synced = false;
  #lastError: IndexStatus["lastError"];
  readonly #manifests = new ManifestThread();

  private constructor(db: Database.Database, options: ChainIndexOptions) {
    this.#db = db;
    this.#client = options.client;
    this.#payloads = options.payloads;
    this.#logger = options.logger ?? CONSOLE_LOGGER;
    this.#pollIntervalMs = integerOption(options.pollIntervalMs ?? 1_000, "pollIntervalMs", 1);
    this.#confirmations = integerOption(options.confirmations ?? 0, "confirmations", 0);
    this.#batchBlocks = integerOption(options.batchBlocks ?? 2_000, "batchBlocks", 1);
    this.#manifestTimeoutMs = integerOption(options.manifestTimeoutMs ?? 10_000, "manifestTimeoutMs", 1);
    this.#manifestRetryMs = integerOption(options.manifestRetryMs ?? 5_000, "manifestRetryMs", 0);
    const { deploymentBlock } = options.client.deployment.ledger;
    this.#writer = new IndexWriter(db, deploymentBlock);
    this.#reader = new IndexReader(db);
    this.#records = new RecordsAtBlock(db);
    this.#chain = new ChainReader(options.client, options.retry);
    this.#lastBlock = this.#writer.cursor().block;
  }

  /** Opens the index in `options.file` (creating it), refusing a file that indexes another chain or ledger. */
  static open(options: ChainIndexOptions): ChainIndex {
    if (typeof options?.file !== "string" || options.file === "") {
      throw new CertLedgerError("INVALID_CONFIG", "file: the index's SQLite file");
    }
    const db = openIndexDatabase(options.file);
    try {
      bindToLedger(db, options.client, options.file);
      return new ChainIndex(db, options);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  // ---------------------------------------------------------------- following the chain

  /** Starts synchronising in the background, every `pollIntervalMs`; failures are kept in `status().lastError`. */
  start(): void {
    this.#assertOpen();
    if (this.#running) return;
    this.#running = true;
    this.#loop(++this.#generation, 0);
  }

  /** Stops the background loop and waits for a synchronisation under way. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await Promise.all([this.#queue, this.#manifestQueue]);
  }

  /** Closes the database (after a synchronisation under way); lookups then throw INDEX_CLOSED. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#running = false;
    clearTimeout(this.#timer);
    const closeDatabase = () => {
      this.#db.pragma("optimize"); // what SQLite recommends before closing: refreshes the planner's statistics where useful
      this.#db.close();
    };
    const idle = Promise.all([this.#queue, this.#manifestQueue]);
    if (this.#inFlight === 0) closeDatabase();
    else void idle.then(closeDatabase);
    void idle.then(() => this.#manifests.close());
  }

  /**
   * Reads the events of the blocks after the last indexed one, up to the head minus the confirmations, one SQLite
   * transaction per chunk of blocks with the cursor in it; then reads the batch manifests that are due. A chain that
   * went back (its block at the cursor is no longer the one indexed) is rolled back to the last block still on it
   * first. Reads of the chain run one after the other, and so do manifest rounds. Returns the last indexed block.
   */
  syncOnce(): Promise<number> {
    return this.#enqueue(() => this.#followChain())
      .then(() => this.#readManifests())
      .then(
        () => {
          this.#synced = true;
          this.#lastError = undefined;
          return this.#lastBlock;
        },
        (error: unknown) => {
          throw this.#failed(error);
        },
      );
  }

  /**
   * The last indexed block's header when the index has read block `block` (number, hash and time: what a verification
   * reads at). When it has not, the chain is read now — without the manifests, and one read shared by every caller —
   * and the header is answered if that read reached `block`; undefined when it did not or failed (the caller then asks
   * the chain itself). No call to the chain when the index is already there.
   */
  async catchUp(block: number): Promise<BlockHeader | undefined> {
    const reached = () => (this.#tip !== undefined && this.#tip.number >= block ? this.#tip : undefined);
    if (this.#closed || reached()) return reached();
    this.#catchingUp ??= this.#enqueue(() => this.#followChain())
      .then(
        () => undefined,
        (error: unknown) => void this.#failed(error),
      )
      .finally(() => (this.#catchingUp = undefined));
    await this.#catchingUp;
    return reached();
  }

  /** Where the index stands (no chain call: the head is the one seen by the last synchronisation). */
  status(): IndexStatus {
    const headBlock = Math.max(this.#head ?? this.#lastBlock, this.#lastBlock);
    const lagBlocks = Math.max(0, headBlock - this.#confirmations - this.#lastBlock);
    const status: IndexStatus = {
      lastBlock: this.#lastBlock,
      headBlock,
      caughtUp: this.#synced && this.#lastError === undefined && lagBlocks === 0,
      lagBlocks,
      pendingManifests: this.#closed ? 0 : this.#reader.pendingManifests(),
    };
    if (this.#lastError) status.lastError = this.#lastError;
    return status;
  }

  // ---------------------------------------------------------------- lookups (SQLite only)

  /** The certificate's events, and the `BatchAnchored` of each batch that holds it, in chain order. */
  history(certHash: string): CertificateHistoryEvent[] {
    return this.#read(() => this.#reader.history(hash32(certHash, "certHash")));
  }

  /**
   * The anchorings of certificate number `numberHash` (direct anchors and batch members) by authorities of `party`,
   * newest last: a number lives in its party's namespace, and another party's anchoring under it is not an answer.
   */
  byNumberHash(numberHash: string, party: string): IndexedAnchor[] {
    return this.#read(() => this.#reader.byNumberHash(hash32(numberHash, "numberHash"), partyCode(party)));
  }

  /** Every anchoring of `certHash`, oldest first: the first is the certificate, the others conflicts. */
  anchorings(certHash: string): IndexedAnchor[] {
    return this.#read(() => this.#reader.anchorings(hash32(certHash, "certHash")));
  }

  /** The certHashes of authority `authorityId`'s certificates whose stored status is `status`, in no order. */
  hashesWithStatus(authorityId: number, status: "Suspended" | "Revoked"): string[] {
    return this.#read(() => this.#reader.hashesWithStatus(uint32(authorityId, "authorityId"), status));
  }

  /** The certificate `certHash` with its status as its events make it, or undefined when the index does not know it. */
  certificate(certHash: string): IndexedCertificate | undefined {
    return this.#read(() => this.#reader.certificate(hash32(certHash, "certHash")));
  }

  /** A page of authority `authorityId`'s certificates, newest first, optionally filtered, with the total. */
  listByAuthority(authorityId: number, options: ListByAuthorityOptions = {}): CertificatePage {
    return this.#read(() => this.#reader.listByAuthority(uint32(authorityId, "authorityId"), listOptions(options)));
  }

  /** The batch member of `certHash` with its Merkle proof, from the manifests read so far. */
  async locate(certHash: string): Promise<BatchMember | undefined> {
    return this.#read(() => this.#reader.locate(hash32(certHash, "certHash")));
  }

  /** Certificates anchored more than once (in two batches, or in a batch and on their own), with every anchoring. */
  duplicates(): DuplicateCertificate[] {
    return this.#read(() => this.#reader.duplicates());
  }

  /** The batch anchored with `root` by `authorityId` and the state of its manifest, or undefined. */
  batch(root: string, authorityId: number): IndexedBatch | undefined {
    return this.#read(() => this.#reader.batch(hash32(root, "root"), uint32(authorityId, "authorityId")));
  }

  /**
   * The registry events filed under `kind` and `key`, in chain order: `party` "KG", `authority` "3" (its own events,
   * its keys' and recognitions of it), `signingKey` thumbprint (keys are scoped to their authority, so these may be
   * several authorities' registrations of it: each event names its authority), `recognition` importing party, `consortium` proposal id
   * or "threshold".
   */
  events(kind: RegistryEventKind, key: string | number): RegistryEvent[] {
    return this.#read(() => this.#reader.events(registryKind(kind), normaliseKey(kind, key)));
  }

  /** Up to `limit` (1-1,000) certificates with a payload indexed after `seq` (0: from the first), in indexing order. */
  payloadsAfter(seq: number, limit = 100): IndexedPayload[] {
    const after = integerOption(seq, "seq", 0);
    const count = Math.min(integerOption(limit, "limit", 1), 1_000);
    return this.#read(() => this.#reader.payloadsAfter(after, count));
  }

  /**
   * The rollbacks since rollback number `epoch` (0: ever), for a reader of {@link payloadsAfter}: the latest one's
   * number, and the seq it must go back to (certificates indexed again after a rollback reuse the seqs it freed).
   */
  payloadRewindSince(epoch: number): { epoch: number; floor: number } | undefined {
    return this.#read(() => this.#writer.rewindSince(integerOption(epoch, "epoch", 0)));
  }

  /** The last block indexed (no SQL: status() also counts the manifests still to read). */
  lastBlock(): number {
    return this.#lastBlock;
  }

  /** The last indexed block's header, when a read of the chain has seen it since the start or the last rollback. */
  tip(): BlockHeader | undefined {
    return this.#tip;
  }

  /** The ledger's `getCertificate(certHash)` at block `block` (at most the last indexed), from the stored events. */
  certificateAt(certHash: string, block: number): CertificateRecord | undefined {
    return this.#read(() => this.#records.direct(hash32(certHash, "certHash"), integerOption(block, "block", 0)));
  }

  /**
   * The ledger's `getBatchedCertificate(member)` at block `block`, from the stored events and the proof folded here;
   * ASK_THE_CHAIN when only the chain can tell (see RecordsAtBlock.batched).
   */
  batchedCertificateAt(member: BatchMember, block: number): CertificateRecord | undefined | typeof ASK_THE_CHAIN {
    return this.#read(() => this.#records.batched(member, integerOption(block, "block", 0)));
  }

  /** Authority `id` as its events make it, or undefined. */
  authority(id: number): IndexedAuthority | undefined {
    return this.#read(() => this.#reader.authority(uint32(id, "id")));
  }

  /** Every authority (of `party`, when given), by id. */
  authorities(options: { party?: string } = {}): IndexedAuthority[] {
    return this.#read(() => this.#reader.authorities(options.party));
  }

  // ---------------------------------------------------------------- internals

  /** Runs `work` after the chain reads queued before it, counted as in flight (close() waits for it). */
  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      this.#assertOpen();
      this.#inFlight++;
      try {
        return await work();
      } finally {
        this.#inFlight--;
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Checks the deployment once, then follows the chain, reading a range again when the chain changed under it. */
  async #followChain(): Promise<void> {
    if (!this.#deploymentChecked) {
      await this.#client.assertDeployment();
      this.#deploymentChecked = true;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#follow();
        return;
      } catch (error) {
        if (attempt >= REORG_ATTEMPTS || !isCertLedgerError(error, "CHAIN_REORGANISED")) throw error;
      }
    }
  }

  /** One round of the manifests that are due, after the rounds before it. */
  #readManifests(): Promise<void> {
    const payloads = this.#payloads;
    if (!payloads) return Promise.resolve();
    const run = this.#manifestQueue.then(async () => {
      if (this.#closed) return;
      this.#inFlight++;
      try {
        await readDueManifests(this.#writer, {
          payloads,
          thread: this.#manifests,
          logger: this.#logger,
          timeoutMs: this.#manifestTimeoutMs,
          retryMs: this.#manifestRetryMs,
        });
      } finally {
        this.#inFlight--;
      }
    });
    this.#manifestQueue = run.catch(() => undefined);
    return run;
  }

  /** Keeps (and logs once) a synchronisation's failure; returns it as a CertLedgerError. */
  #failed(error: unknown): CertLedgerError {
    const failure = isCertLedgerError(error) ? error : new CertLedgerError("INDEX_UNAVAILABLE", String(error), { cause: error });
    if (this.#lastError?.message !== failure.message) {
      this.#logger.warn({ code: failure.code, lastBlock: this.#lastBlock }, `chain index: synchronisation failed: ${failure.message}`);
    }
    this.#lastError = { code: failure.code, message: failure.message, at: new Date().toISOString() };
    return failure;
  }

  /** Rolls back what the chain no longer has, then indexes chunk after chunk up to the head minus the confirmations. */
  async #follow(): Promise<void> {
    await this.#rollBackIfChainWentBack();
    const head = await this.#chain.head();
    this.#head = head;
    const target = head - this.#confirmations;
    let cursor = this.#writer.cursor();
    while (cursor.block < target && !this.#closed) {
      const to = Math.min(target, cursor.block + this.#batchBlocks);
      const chunk = await this.#chain.readRange(cursor.block + 1, to, cursor.hash);
      if (this.#closed) return;
      this.#writer.applyChunk(chunk);
      cursor = { block: to, hash: chunk.end.hash };
      this.#lastBlock = to;
      this.#tip = chunk.end;
      // A head older than this block is stale for every reader of this client (see ChainHead.observe): a verification
      // then asks the node for the head again and meets the index at the same block, instead of an older one.
      this.#client.head.observe(to);
    }
    // Nothing new (after a restart, say): the tip is the cursor's block, when the chain still has it.
    if (this.#tip?.number !== cursor.block && cursor.hash !== undefined) {
      const header = await this.#chain.header(cursor.block);
      if (header?.hash === cursor.hash && this.#writer.cursor().block === cursor.block) this.#tip = header;
    }
  }

  async #rollBackIfChainWentBack(): Promise<void> {
    const cursor = this.#writer.cursor();
    if (cursor.hash === undefined || (await this.#chain.hashAt(cursor.block)) === cursor.hash) return;
    const head = await this.#chain.head();
    const candidates = this.#writer.blocksUpTo(Math.min(head, cursor.block));
    const safe = await lastBlockStillOnChain(candidates, (n) => this.#chain.hashAt(n));
    if (this.#closed) return;
    this.#writer.rollbackTo(safe);
    this.#lastBlock = this.#writer.cursor().block;
    this.#tip = undefined;
    this.#logger.warn(
      { from: cursor.block, to: this.#lastBlock, head },
      `chain index: block ${cursor.block} is no longer on the chain; rolled back to block ${this.#lastBlock} to read again`,
    );
  }

  /** One turn of the background loop; a loop started before the last stop() (`generation` is stale) ends quietly. */
  #loop(generation: number, delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.syncOnce()
        .catch(() => undefined) // kept in status().lastError and logged once
        .finally(() => {
          if (this.#running && generation === this.#generation) this.#loop(generation, this.#pollIntervalMs);
        });
    }, delayMs);
    // The loop alone does not keep a process alive: a server has its own reasons to, a script that forgot stop() none.
    this.#timer.unref();
  }

  #read<T>(lookup: () => T): T {
    this.#assertOpen();
    return lookup();
  }

  #assertOpen(): void {
    if (this.#closed) throw new CertLedgerError("INDEX_CLOSED", "the chain index is closed");
  }
}

/** Records which ledger the file indexes on first use; refuses a file made for another chain, ledger or start block. */
function bindToLedger(db: Database.Database, client: LedgerClient, file: string): void {
  const expected: Record<string, string> = {
    chain_id: String(client.deployment.chainId),
    ledger: client.address.toLowerCase(),
    deployment_block: String(client.deployment.ledger.deploymentBlock),
  };
  const get = db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?");
  const set = db.prepare<[string, string]>("INSERT INTO meta (key, value) VALUES (?, ?)");
  db.transaction(() => {
    for (const [key, value] of Object.entries(expected)) {
      const stored = get.get(key)?.value;
      if (stored === undefined) set.run(key, value);
      else if (stored !== value) {
        throw new CertLedgerError("INDEX_MISMATCH", `${file} indexes ${key} ${stored}, not ${value}: use another file for this ledger`, {
          details: { key, stored, expected: value },
        });
      }
    }
  }).immediate();
}

function normaliseKey(kind: RegistryEventKind, key: string | number): string {
  const text = String(key);
  return kind === "signingKey" ? text.toLowerCase() : kind === "party" || kind === "recognition" ? text.toUpperCase() : text;
}
