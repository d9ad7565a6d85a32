/**
 * Where the embedded IPFS node keeps its blocks and its pins: one SQLite file (WAL) instead of a file per block and
 * per pin record (blockstore-fs and datastore-fs), so that a batch of payloads is stored in one transaction with one
 * fsync rather than thousands of small files, each created, written and renamed.
 *
 * Durability: a `putMany` (how the store adds payloads) commits with `synchronous=FULL`, so the blocks are on disk
 * before the add returns and before the pipeline records the CID; single puts (blocks fetched over bitswap) and pin
 * records commit with `synchronous=NORMAL` (atomic, and kept across a crash of the process; a power cut may lose the
 * last of them, which is fetched or pinned again).
 *
 * A data folder of an earlier version kept blocks in `blocks/` and pins in `datastore/`: those blocks are still read
 * (the `legacy` blockstore), and its pin records are copied in on the first start.
 */
import Database from "better-sqlite3";
import { checkpointInBackground } from "../sqlite-checkpoints";
import { keepTemporaryDataInMemory } from "../sqlite-file";
import type { HeliaInit } from "helia" with { "resolution-mode": "import" };
import { CertLedgerError } from "../errors";
import { STORAGE_SQL } from "./pinned-dags";
import { BUSY_TIMEOUT_MS, PinnedDagsWriter } from "./pinned-dags-writer";

// The store interfaces as Helia takes them (its own copies of interface-blockstore and interface-datastore).
type Blockstore = NonNullable<HeliaInit["blockstore"]>;
type Datastore = NonNullable<HeliaInit["datastore"]>;
type CID = Parameters<Blockstore["has"]>[0];
type Key = Parameters<Datastore["has"]>[0];
type Query = Parameters<Datastore["query"]>[0];
type KeyQuery = Parameters<Datastore["queryKeys"]>[0];
type Batch = ReturnType<Datastore["batch"]>;
type AwaitIterable<T> = Iterable<T> | AsyncIterable<T>;
type AbortOptions = { signal?: AbortSignal };
type InputPair = { cid: CID; bytes: Uint8Array | AwaitIterable<Uint8Array> };
type BlockPair = { cid: CID; bytes: Generator<Uint8Array> | AsyncGenerator<Uint8Array> };
type Pair = { key: Key; value: Uint8Array };

/** A DAG to store and pin: its root and every block of it (the root's own included). */
export interface PinnedDag {
  root: CID;
  blocks: { cid: CID; bytes: Uint8Array }[];
}

/** The node's blockstore and the datastore of its pins, in one SQLite file. */
export interface SqliteIpfsStorage {
  blockstore: Blockstore;
  datastore: Datastore;
  /**
   * Stores the blocks of `dags` and pins each root, all in one transaction synced to disk, on the store's writer
   * thread (pinned-dags-writer.ts): what putting each block and then `helia.pins.add(root)` would do, without Helia's
   * per-block round trips (a lock, a queue and several datastore calls per block: about 2 ms a payload). The pin
   * records are Helia's own (see pinned-dags.ts), so `helia.pins` lists, checks and removes them, and `helia.gc` keeps
   * their blocks. `singleBlocks` are payloads of one block each (isSingleBlock: most payloads and manifests), stored
   * and pinned the same way as raw blocks, hashed on that thread. Resolves once on disk, to the CIDs of `singleBlocks`
   * in their order; IPFS_UNAVAILABLE when it cannot be stored, or the store is closed.
   */
  storePinned(dags: readonly PinnedDag[], singleBlocks?: readonly Uint8Array[]): Promise<string[]>;
  /** The bytes of block `cid` when this file holds it (nothing asked of the network or the legacy store), unchecked. */
  localBlock(cid: CID): Uint8Array | undefined;
  /** Finishes the stores already asked for, then closes the file. */
  close(): Promise<void>;
}

/** What a data folder of an earlier version holds. */
export interface LegacyStores {
  /** Blocks of `blocks/`: read when a block is not in the SQLite file. */
  blockstore?: Blockstore;
  /** The old datastore: its pin records are copied into the SQLite file once. */
  datastore?: Datastore;
}

/** The ESM pieces the stores need at run time, loaded once. */
interface Runtime {
  newKey: (text: string) => Key;
  newCid: (codec: number, multihash: Uint8Array) => CID;
  notFound: (message: string) => Error;
}

// Helia's pin records: one key per pinned root, one per pinned block (@helia/utils pins.ts).
const PIN_PREFIXES = ["/pin/", "/pinned-block/"];

/**
 * Blocks are rows of a rowid table found through a unique index on their multihash, with the bytes last. Not a
 * WITHOUT ROWID table keyed by the multihash (the layout before): there the bytes sat in the key's own B-tree, and a
 * block larger than about 1 kB (a payload's JWE, a 256 KiB chunk) overflows its cell, so SQLite read each compared
 * cell's whole record to compare keys. Looking a block up cost 25 µs for a 3 kB payload and 100-500 µs for a chunk,
 * against 2-3 µs now; a 1 MB document's cold verification spent more time finding its blocks than reading them.
 */
const BLOCKS_TABLE = `
CREATE TABLE IF NOT EXISTS blocks (id INTEGER PRIMARY KEY, multihash BLOB NOT NULL UNIQUE, codec INTEGER NOT NULL, bytes BLOB NOT NULL) STRICT;`;

const DDL = `${BLOCKS_TABLE}
CREATE TABLE IF NOT EXISTS data (key TEXT PRIMARY KEY, value BLOB NOT NULL) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
`;

/** Opens (creating it if needed) the SQLite file `file` as the node's blockstore and pin datastore. */
export async function openSqliteStorage(file: string, legacy: LegacyStores = {}): Promise<SqliteIpfsStorage> {
  const [{ Key }, { CID }, { decode }, { NotFoundError }] = await Promise.all([
    import("interface-datastore"),
    import("multiformats/cid"),
    import("multiformats/hashes/digest"),
    import("interface-store"),
  ]);
  const runtime: Runtime = {
    // The top-level interface-datastore is an older copy than Helia's; its Key is the same class at run time.
    newKey: (text) => new Key(text) as unknown as Key,
    newCid: (codec, multihash) => CID.createV1(codec, decode(multihash)),
    notFound: (message) => new NotFoundError(message),
  };
  let db: Database.Database;
  try {
    db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    // The writer thread's connection writes this file too: a write of this one waits for its transaction to end.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    moveBlocksOutOfTheirKeys(db);
    db.exec(DDL);
    keepTemporaryDataInMemory(db);
    checkpointInBackground(db);
  } catch (cause) {
    throw new CertLedgerError("IPFS_UNAVAILABLE", `cannot open the IPFS store ${file}: ${(cause as Error).message}`, { cause });
  }
  const datastore = new SqliteDatastore(db, runtime);
  try {
    if (legacy.datastore && !db.prepare("SELECT 1 FROM meta WHERE key = 'legacy_pins_copied'").get()) {
      const pairs: Pair[] = [];
      for (const prefix of PIN_PREFIXES) for await (const pair of legacy.datastore.query({ prefix })) pairs.push(pair);
      db.transaction(() => {
        for (const { key, value } of pairs) datastore.putSync(key, value);
        db.prepare("INSERT INTO meta (key, value) VALUES ('legacy_pins_copied', ?)").run(new Date().toISOString());
      })();
    }
  } catch (cause) {
    db.close();
    throw new CertLedgerError("IPFS_UNAVAILABLE", `cannot copy the pins of the earlier IPFS datastore: ${(cause as Error).message}`, {
      cause,
    });
  }
  const blockstore = new SqliteBlockstore(db, runtime, legacy.blockstore);
  // Started once the file's layout is the current one and the earlier pins are in.
  const writer = new PinnedDagsWriter(file);
  return {
    blockstore,
    datastore,
    localBlock: (cid) => blockstore.getSync(cid),
    storePinned: (dags, singleBlocks) => writer.store(dags, singleBlocks),
    close: async () => {
      await writer.close();
      db.close();
    },
  };
}

/**
 * Rewrites a file of the earlier layout (blocks in a WITHOUT ROWID table keyed by multihash, see {@link BLOCKS_TABLE})
 * into the current one, in one transaction synced to disk: a crash leaves either layout whole, and the next start
 * finishes the move. It rewrites every block once: 100,000 blocks of 3 kB (469 MB) move in 1.5 s on a 2-core machine.
 * The WAL grows by about the blocks' size until the checkpoint after it, and the old table's pages stay in the file as
 * free pages, which new blocks fill (`VACUUM` would give them back, at the cost of writing the file again).
 */
function moveBlocksOutOfTheirKeys(db: Database.Database): void {
  const table = db.prepare<[], { wr: number }>("SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = 'blocks'").get();
  if (table === undefined || table.wr === 0) return;
  db.pragma("synchronous = FULL");
  try {
    db.transaction(() => {
      db.exec("ALTER TABLE blocks RENAME TO blocks_keyed");
      db.exec(BLOCKS_TABLE);
      db.exec("INSERT INTO blocks (multihash, codec, bytes) SELECT multihash, codec, bytes FROM blocks_keyed ORDER BY multihash");
      db.exec("DROP TABLE blocks_keyed");
    })();
  } finally {
    db.pragma("synchronous = NORMAL");
  }
}

class SqliteBlockstore implements Blockstore {
  readonly #db: Database.Database;
  readonly #runtime: Runtime;
  readonly #legacy: Blockstore | undefined;
  readonly #has: Database.Statement<[Uint8Array], unknown>;
  readonly #get: Database.Statement<[Uint8Array], { bytes: Buffer }>;
  readonly #put: Database.Statement<[Uint8Array, number, Uint8Array]>;
  readonly #delete: Database.Statement<[Uint8Array]>;

  constructor(db: Database.Database, runtime: Runtime, legacy: Blockstore | undefined) {
    this.#db = db;
    this.#runtime = runtime;
    this.#legacy = legacy;
    this.#has = db.prepare("SELECT 1 FROM blocks WHERE multihash = ?");
    this.#get = db.prepare("SELECT bytes FROM blocks WHERE multihash = ?");
    this.#put = db.prepare(STORAGE_SQL.putBlock);
    this.#delete = db.prepare("DELETE FROM blocks WHERE multihash = ?");
  }

  async has(cid: CID, options?: AbortOptions): Promise<boolean> {
    if (this.#has.get(cid.multihash.bytes) !== undefined) return true;
    return this.#legacy !== undefined && (await this.#legacy.has(cid, options));
  }

  putSync(cid: CID, bytes: Uint8Array): void {
    this.#put.run(cid.multihash.bytes, cid.code, bytes);
  }

  async put(cid: CID, bytes: Uint8Array | AwaitIterable<Uint8Array>): Promise<CID> {
    this.putSync(cid, await concat(bytes));
    return cid;
  }

  /** Stores every block of `source` in one transaction, synced to disk before the first CID is yielded. */
  async *putMany(source: AwaitIterable<InputPair>): AsyncGenerator<CID> {
    const blocks: { cid: CID; bytes: Uint8Array }[] = [];
    for await (const { cid, bytes } of source) blocks.push({ cid, bytes: await concat(bytes) });
    this.#db.pragma("synchronous = FULL");
    try {
      this.#db.transaction(() => {
        for (const { cid, bytes } of blocks) this.#put.run(cid.multihash.bytes, cid.code, bytes);
      })();
    } finally {
      this.#db.pragma("synchronous = NORMAL");
    }
    for (const { cid } of blocks) yield cid;
  }

  getSync(cid: CID): Uint8Array | undefined {
    const row = this.#get.get(cid.multihash.bytes);
    return row && new Uint8Array(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength);
  }

  async *get(cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    const row = this.#get.get(cid.multihash.bytes);
    if (row !== undefined) {
      yield new Uint8Array(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength);
      return;
    }
    if (this.#legacy !== undefined && (await this.#legacy.has(cid, options))) {
      yield* this.#legacy.get(cid, options);
      return;
    }
    throw this.#runtime.notFound(`block ${cid.toString()} is not in the blockstore`);
  }

  async *getMany(source: AwaitIterable<CID>, options?: AbortOptions): AsyncGenerator<BlockPair> {
    for await (const cid of source) yield { cid, bytes: this.get(cid, options) };
  }

  async delete(cid: CID, options?: AbortOptions): Promise<void> {
    this.#delete.run(cid.multihash.bytes);
    await this.#legacy?.delete(cid, options);
  }

  async *deleteMany(source: AwaitIterable<CID>, options?: AbortOptions): AsyncGenerator<CID> {
    for await (const cid of source) {
      await this.delete(cid, options);
      yield cid;
    }
  }

  async *getAll(options?: AbortOptions): AsyncGenerator<BlockPair> {
    // The keys first: a caller (Helia's gc) deletes blocks while it iterates, which an open SQLite cursor would refuse.
    const keys = this.#db.prepare<[], { multihash: Buffer; codec: number }>("SELECT multihash, codec FROM blocks").all();
    for (const { multihash, codec } of keys) {
      const cid = this.#runtime.newCid(codec, new Uint8Array(multihash));
      yield { cid, bytes: this.get(cid, options) };
    }
    if (this.#legacy !== undefined) yield* this.#legacy.getAll(options);
  }
}

class SqliteDatastore implements Datastore {
  readonly #db: Database.Database;
  readonly #runtime: Runtime;
  readonly #get: Database.Statement<[string], { value: Buffer }>;
  readonly #put: Database.Statement<[string, Uint8Array]>;
  readonly #delete: Database.Statement<[string]>;

  constructor(db: Database.Database, runtime: Runtime) {
    this.#db = db;
    this.#runtime = runtime;
    this.#get = db.prepare(STORAGE_SQL.getValue);
    this.#put = db.prepare(STORAGE_SQL.putValue);
    this.#delete = db.prepare("DELETE FROM data WHERE key = ?");
  }

  putSync(key: Key, value: Uint8Array): void {
    this.#put.run(key.toString(), value);
  }

  getSync(key: Key): Uint8Array | undefined {
    const row = this.#get.get(key.toString());
    return row === undefined ? undefined : new Uint8Array(row.value.buffer, row.value.byteOffset, row.value.byteLength);
  }

  async put(key: Key, value: Uint8Array): Promise<Key> {
    this.putSync(key, value);
    return key;
  }

  async get(key: Key): Promise<Uint8Array> {
    const value = this.getSync(key);
    if (value === undefined) throw this.#runtime.notFound(`no value for key ${key.toString()}`);
    return value;
  }

  async has(key: Key): Promise<boolean> {
    return this.#get.get(key.toString()) !== undefined;
  }

  async delete(key: Key): Promise<void> {
    this.#delete.run(key.toString());
  }

  async *putMany(source: AwaitIterable<Pair>): AsyncGenerator<Key> {
    const pairs: Pair[] = [];
    for await (const pair of source) pairs.push(pair);
    this.#db.transaction(() => pairs.forEach(({ key, value }) => this.putSync(key, value)))();
    for (const { key } of pairs) yield key;
  }

  async *getMany(source: AwaitIterable<Key>): AsyncGenerator<Pair> {
    for await (const key of source) yield { key, value: await this.get(key) };
  }

  async *deleteMany(source: AwaitIterable<Key>): AsyncGenerator<Key> {
    for await (const key of source) {
      this.#delete.run(key.toString());
      yield key;
    }
  }

  batch(): Batch {
    const operations: Array<{ key: Key; value?: Uint8Array }> = [];
    return {
      put: (key, value) => void operations.push({ key, value }),
      delete: (key) => void operations.push({ key }),
      commit: () => {
        this.#db.transaction(() => {
          for (const { key, value } of operations.splice(0)) {
            if (value === undefined) this.#delete.run(key.toString());
            else this.putSync(key, value);
          }
        })();
      },
    };
  }

  async *query(query: Query): AsyncGenerator<Pair> {
    let pairs: Pair[] = this.#prefixed(query.prefix).map(({ key, value }) => ({
      key: this.#runtime.newKey(key),
      value: new Uint8Array(value),
    }));
    for (const filter of query.filters ?? []) pairs = pairs.filter(filter);
    for (const order of query.orders ?? []) pairs.sort(order);
    yield* window(pairs, query);
  }

  async *queryKeys(query: KeyQuery): AsyncGenerator<Key> {
    let keys: Key[] = this.#prefixed(query.prefix).map(({ key }) => this.#runtime.newKey(key));
    for (const filter of query.filters ?? []) keys = keys.filter(filter);
    for (const order of query.orders ?? []) keys.sort(order);
    yield* window(keys, query);
  }

  /** The rows whose key starts with `prefix` (as datastore-core's queries match it: the key's text), in key order. */
  #prefixed(prefix = ""): { key: string; value: Buffer }[] {
    return this.#db
      .prepare<[number, string], { key: string; value: Buffer }>("SELECT key, value FROM data WHERE substr(key, 1, ?) = ? ORDER BY key")
      .all(prefix.length, prefix);
  }
}

function window<T>(items: T[], query: { offset?: number; limit?: number }): T[] {
  const offset = query.offset ?? 0;
  return items.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
}

async function concat(bytes: Uint8Array | AwaitIterable<Uint8Array>): Promise<Uint8Array> {
  if (bytes instanceof Uint8Array) return bytes;
  const parts: Uint8Array[] = [];
  for await (const part of bytes) parts.push(part);
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}
