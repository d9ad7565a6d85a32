/**
 * Storing DAGs and pinning their roots in the IPFS store's SQLite file, as the writer thread does it
 * (pinned-dags-writer.ts): the blocks' rows and Helia's own pin records, in one transaction synced to disk. The DAGs
 * cross to that thread as plain bytes ({@link WirePinnedDag}), since a CID object does not survive a postMessage.
 */
import type Database from "better-sqlite3";
import { cidFromBytes, RAW_CODEC, singleBlockCidBytes } from "./cid";
import type { PinnedDag } from "./sqlite-storage";

/** The statements of the store's tables that both the store and its writer thread run (sqlite-storage.ts). */
export const STORAGE_SQL = {
  // A block is its bytes: the same multihash under another codec is the same block, stored once.
  putBlock: "INSERT OR IGNORE INTO blocks (multihash, codec, bytes) VALUES (?, ?, ?)",
  getValue: "SELECT value FROM data WHERE key = ?",
  putValue: "INSERT OR REPLACE INTO data (key, value) VALUES (?, ?)",
} as const;

/** A {@link PinnedDag} as bytes: the root CID's binary form (and its CIDv1's), and each block's multihash and codec. */
export interface WirePinnedDag {
  root: Uint8Array;
  rootV1: Uint8Array;
  blocks: { multihash: Uint8Array; codec: number; bytes: Uint8Array }[];
}

/** How pin records are encoded: base36 for their keys, CBOR for their values (what Helia uses). */
export interface PinEncoders {
  base36: (bytes: Uint8Array) => string;
  cbor: { encode: (value: unknown) => Uint8Array; decode: (bytes: Uint8Array) => unknown };
}

/**
 * A payload of one block (isSingleBlock) as a DAG of its own raw block, and its CID's text: what the writer thread
 * works out itself from the bytes alone, hashing them there rather than on the event loop.
 */
export function singleBlockDag(bytes: Uint8Array): { dag: WirePinnedDag; cid: string } {
  const cid = singleBlockCidBytes(bytes);
  return {
    dag: { root: cid, rootV1: cid, blocks: [{ multihash: cid.subarray(2), codec: RAW_CODEC, bytes }] },
    cid: cidFromBytes(cid),
  };
}

export function toWire(dag: PinnedDag): WirePinnedDag {
  return {
    root: dag.root.bytes,
    rootV1: dag.root.toV1().bytes,
    blocks: dag.blocks.map(({ cid, bytes }) => ({ multihash: cid.multihash.bytes, codec: cid.code, bytes })),
  };
}

/**
 * Returns a function that stores `dags` in `db` and pins each root, in one immediate transaction committed with the
 * connection's `synchronous` setting (FULL on the writer thread). Its statements are prepared once.
 */
export function pinnedDagStore(db: Database.Database, encoders: PinEncoders): (dags: readonly WirePinnedDag[]) => void {
  const putBlock = db.prepare<[Uint8Array, number, Uint8Array]>(STORAGE_SQL.putBlock);
  const getValue = db.prepare<[string], { value: Buffer }>(STORAGE_SQL.getValue);
  const putValue = db.prepare<[string, Uint8Array]>(STORAGE_SQL.putValue);
  const pinRecord = encoders.cbor.encode({ depth: Infinity, metadata: {} });
  const records = { get: (key: string) => getValue.get(key)?.value, put: (key: string, value: Uint8Array) => putValue.run(key, value) };
  const store = db.transaction((dags: readonly WirePinnedDag[]) => {
    for (const dag of dags) {
      for (const { multihash, codec, bytes } of dag.blocks) putBlock.run(multihash, codec, bytes);
      writePins(records, encoders, pinRecord, dag);
    }
  });
  // Immediate: the check of a root's pin and the writes after it are one, whatever the node's main thread writes.
  return (dags) => store.immediate(dags);
}

/**
 * Pins `dag.root` as @helia/utils 2's `pins.add(root)` does (its pins.ts): a record `/pin/<root in base36>` holding
 * `{ depth, metadata }`, and for each block a record `/pinned-block/<multihash in base36>` holding `{ pinCount,
 * pinnedBy }` (the roots that pin it), both CBOR. A root already pinned is left as it is. The Helia store's tests
 * read these records back through `helia.pins`, so a Helia upgrade that changes them fails there, not silently.
 */
function writePins(
  records: { get: (key: string) => Buffer | undefined; put: (key: string, value: Uint8Array) => void },
  encoders: PinEncoders,
  pinRecord: Uint8Array,
  dag: WirePinnedDag,
): void {
  const pinKey = `/pin/${encoders.base36(dag.rootV1)}`;
  if (records.get(pinKey) !== undefined) return;
  const seen = new Set<string>();
  for (const { multihash } of dag.blocks) {
    const blockKey = `/pinned-block/${encoders.base36(multihash)}`;
    if (seen.has(blockKey)) continue;
    seen.add(blockKey);
    const stored = records.get(blockKey);
    const pinned = (stored === undefined ? { pinCount: 0, pinnedBy: [] } : encoders.cbor.decode(stored)) as {
      pinCount: number;
      pinnedBy: Uint8Array[];
    };
    if (pinned.pinnedBy.some((by) => Buffer.from(by).equals(dag.root))) continue;
    pinned.pinCount++;
    pinned.pinnedBy.push(dag.root);
    records.put(blockKey, encoders.cbor.encode(pinned));
  }
  records.put(pinKey, pinRecord);
}
