import Database from "better-sqlite3";
import type { LedgerClient } from "../chain/ledger-client";
import type { CertificateRecord } from "../chain/ledger-records";
import { CertLedgerError } from "../errors";
import type { BatchMember } from "../merkle/batch";
import type { EventSource } from "../verify/verifier";
import type { BlockHeader } from "./chain-reader";
import type { CertificateHistoryEvent, IndexedAnchor, IndexedBatch } from "./index-types";
import { IndexReader } from "./index-reader";
import { RecordsAtBlock, type ASK_THE_CHAIN } from "./records-at-block";
import { hash32, integerOption, partyCode, uint32 } from "./query-arguments";
import { SCHEMA_VERSION } from "./schema";

const CURSOR_REUSE_MS = 1;

/** How a view of another process's chain index is opened. */
export interface IndexViewOptions {
  /** The SQLite file the node's ChainIndex writes. */
  file: string;
  /** The ledger the file must index (checked against what the file records). */
  client: LedgerClient;
  /**
   * Has the process that writes the index read the chain up to `block` (ChainIndex.catchUp there) and answers its
   * last indexed block's header, or undefined when it could not get there.
   */
  catchUp(block: number): Promise<BlockHeader | undefined>;
}

/**
 * A chain index read by a process that does not write it: a verification process beside the node, which follows the
 * chain and writes the file. It answers the verifier's reads from the same SQLite file, read-only, and never reads the
 * chain itself: to read at a block the file has not reached, it asks the writer ({@link IndexViewOptions.catchUp}).
 *
 * The file moves under it (a chunk indexed, a rollback after the chain went back), so the tip it answers is checked
 * against the file's own cursor on every call: a header the writer gave is the tip only while the file still stands on
 * that very block (number and hash). Otherwise there is no tip, and the verifier asks for one again.
 */
export class IndexView implements Required<
  Pick<
    EventSource,
    "lastBlock" | "history" | "batch" | "byNumberHash" | "anchorings" | "tip" | "catchUp" | "certificateAt" | "batchedCertificateAt"
  >
> {
  readonly #db: Database.Database;
  readonly #reader: IndexReader;
  readonly #records: RecordsAtBlock;
  readonly #cursor: Database.Statement<[], { key: string; value: string }>;
  readonly #deploymentBlock: number;
  readonly #askWriter: (block: number) => Promise<BlockHeader | undefined>;
  #header: BlockHeader | undefined;
  /** The cursor as last read, and when: a verification asks for it several times in a millisecond. */
  #cursorRead: { block: number; hash: string | undefined; at: number } | undefined;
  /** One request to the writer at a time per block asked, shared by every verification waiting for it. */
  readonly #asking = new Map<number, Promise<BlockHeader | undefined>>();
  #closed = false;

  private constructor(db: Database.Database, options: IndexViewOptions) {
    this.#db = db;
    this.#reader = new IndexReader(db);
    this.#records = new RecordsAtBlock(db);
    this.#cursor = db.prepare("SELECT key, value FROM meta WHERE key IN ('last_block', 'last_hash')");
    this.#deploymentBlock = options.client.deployment.ledger.deploymentBlock;
    this.#askWriter = options.catchUp;
  }

  /** Opens `options.file` read-only; it must exist, be of this library's schema, and index `options.client`'s ledger. */
  static open(options: IndexViewOptions): IndexView {
    let db: Database.Database;
    try {
      db = new Database(options.file, { readonly: true, fileMustExist: true });
    } catch (cause) {
      throw new CertLedgerError("INDEX_UNAVAILABLE", `cannot open the index database ${options.file} to read it`, { cause });
    }
    try {
      db.pragma("busy_timeout = 5000");
      const version = Number(db.pragma("user_version", { simple: true }));
      if (version !== SCHEMA_VERSION) {
        throw new CertLedgerError(
          "INDEX_MISMATCH",
          `${options.file} is an index of schema version ${version}; this library reads ${SCHEMA_VERSION}`,
        );
      }
      const meta = db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?");
      const expected = { chain_id: String(options.client.deployment.chainId), ledger: options.client.address.toLowerCase() };
      for (const [key, value] of Object.entries(expected)) {
        const stored = meta.get(key)?.value;
        if (stored !== value)
          throw new CertLedgerError("INDEX_MISMATCH", `${options.file} indexes ${key} ${stored ?? "(none)"}, not ${value}`);
      }
      return new IndexView(db, options);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** The last block the file has indexed. */
  lastBlock(): number {
    return this.#where().block;
  }

  /** The header the writer last gave, while the file still stands on that block; else undefined. */
  tip(): BlockHeader | undefined {
    const header = this.#header;
    if (header === undefined) return undefined;
    const { block, hash } = this.#where();
    return block === header.number && hash === header.hash ? header : undefined;
  }

  /** Asks the writer to read up to `block` (once per block, whoever waits), then answers the tip if the file got there. */
  async catchUp(block: number): Promise<BlockHeader | undefined> {
    this.#assertOpen();
    const tip = this.tip();
    if (tip !== undefined && tip.number >= block) return tip;
    let asking = this.#asking.get(block);
    if (!asking) {
      asking = this.#askWriter(block)
        .catch(() => undefined)
        .finally(() => this.#asking.delete(block));
      this.#asking.set(block, asking);
    }
    const header = await asking;
    if (header !== undefined && (this.#header === undefined || header.number >= this.#header.number)) this.#header = header;
    const now = this.tip();
    return now !== undefined && now.number >= block ? now : undefined;
  }

  history(certHash: string): CertificateHistoryEvent[] {
    return this.#read(() => this.#reader.history(hash32(certHash, "certHash")));
  }

  batch(root: string, authorityId: number): IndexedBatch | undefined {
    return this.#read(() => this.#reader.batch(hash32(root, "root"), uint32(authorityId, "authorityId")));
  }

  byNumberHash(numberHash: string, party: string): IndexedAnchor[] {
    return this.#read(() => this.#reader.byNumberHash(hash32(numberHash, "numberHash"), partyCode(party)));
  }

  anchorings(certHash: string): IndexedAnchor[] {
    return this.#read(() => this.#reader.anchorings(hash32(certHash, "certHash")));
  }

  certificateAt(certHash: string, block: number): CertificateRecord | undefined {
    return this.#read(() => this.#records.direct(hash32(certHash, "certHash"), integerOption(block, "block", 0)));
  }

  batchedCertificateAt(member: BatchMember, block: number): CertificateRecord | undefined | typeof ASK_THE_CHAIN {
    return this.#read(() => this.#records.batched(member, integerOption(block, "block", 0)));
  }

  /** The batch member of `certHash` with its Merkle proof, from the manifests the writer has read (a BatchLocator). */
  async locate(certHash: string): Promise<BatchMember | undefined> {
    return this.#read(() => this.#reader.locate(hash32(certHash, "certHash")));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  /**
   * The file's cursor: its last indexed block and that block's hash, read at most CURSOR_REUSE_MS ago. Reads of the
   * file are separate statements whatever this reuses (the writer may commit between any two), and a millisecond is
   * nothing beside the head's own bound (HEAD_MAX_AGE_MS, a quarter of a second).
   */
  #where(): { block: number; hash: string | undefined } {
    this.#assertOpen();
    const now = performance.now();
    if (this.#cursorRead !== undefined && now - this.#cursorRead.at <= CURSOR_REUSE_MS) return this.#cursorRead;
    let block = this.#deploymentBlock - 1;
    let hash: string | undefined;
    for (const { key, value } of this.#cursor.all()) {
      if (key === "last_block") block = Number(value);
      else hash = value || undefined;
    }
    this.#cursorRead = { block, hash, at: now };
    return this.#cursorRead;
  }

  #read<T>(lookup: () => T): T {
    this.#assertOpen();
    return lookup();
  }

  #assertOpen(): void {
    if (this.#closed) throw new CertLedgerError("INDEX_CLOSED", "the chain index view is closed");
  }
}
