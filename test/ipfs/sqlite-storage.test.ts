import path from "node:path";
import Database from "better-sqlite3";
import { expect } from "chai";
import type { CID } from "multiformats/cid" with { "resolution-mode": "import" };
import { importWithKuboLayout, loadCid, singleBlockCid } from "../../src/ipfs/cid";
import { openSqliteStorage, type PinnedDag } from "../../src/ipfs/sqlite-storage";
import { pattern, TempDirs, utf8 } from "./fixtures";

describe("SQLite block and pin storage", function () {
  const dirs = new TempDirs();
  after(async function () {
    await dirs.removeAll();
  });

  it("pins written in bulk are Helia's own: helia.pins lists, checks and removes them, and gc keeps only pinned blocks", async function () {
    const storage = await openSqliteStorage(path.join(await dirs.make(), "ipfs.sqlite"));
    const { createHeliaLight } = await import("helia");
    const helia = createHeliaLight({ blockstore: storage.blockstore, datastore: storage.datastore, blockBrokers: [] });
    await helia.start();
    try {
      const small = utf8("one block");
      const smallCid = await loadCid(singleBlockCid(small));
      const blocks: PinnedDag["blocks"] = [];
      const large = pattern(262_144 * 2 + 1);
      const largeCid = await importWithKuboLayout(large, { put: (cid: CID, bytes: Uint8Array) => (blocks.push({ cid, bytes }), cid) });
      const dags: PinnedDag[] = [
        { root: smallCid, blocks: [{ cid: smallCid, bytes: small }] },
        { root: largeCid, blocks },
      ];
      storage.storePinned(dags);
      storage.storePinned(dags); // again: nothing changes
      const loose = utf8("stored but not pinned");
      const looseCid = await loadCid(singleBlockCid(loose));
      await storage.blockstore.put(looseCid, loose);

      expect(await helia.pins.isPinned(smallCid)).to.equal(true);
      for (const { cid } of blocks) expect(await helia.pins.isPinned(cid), cid.toString()).to.equal(true);
      expect(await helia.pins.isPinned(looseCid)).to.equal(false);
      expect((await helia.pins.get(largeCid)).depth).to.equal(Infinity);
      const listed: string[] = [];
      for await (const pin of helia.pins.ls()) listed.push(pin.cid.toString());
      expect(listed.sort()).to.deep.equal([smallCid.toString(), largeCid.toString()].sort());

      await helia.gc();
      expect(await storage.blockstore.has(looseCid)).to.equal(false);
      for (const { cid } of [...blocks, { cid: smallCid }]) expect(await storage.blockstore.has(cid), cid.toString()).to.equal(true);

      for await (const _ of helia.pins.rm(smallCid)) {
        // rm walks the DAG as it is iterated
      }
      expect(await helia.pins.isPinned(smallCid)).to.equal(false);
      expect(await helia.pins.isPinned(largeCid)).to.equal(true);
    } finally {
      await helia.stop();
      storage.close();
    }
  });

  it("finds a block through an index on its multihash, never by reading other blocks' bytes", async function () {
    const file = path.join(await dirs.make(), "ipfs.sqlite");
    (await openSqliteStorage(file)).close();
    const db = new Database(file, { readonly: true });
    try {
      // A WITHOUT ROWID table keyed by multihash (the layout before) reads whole overflowing records to compare keys.
      expect(db.prepare("SELECT wr FROM pragma_table_list WHERE name = 'blocks'").get()).to.deep.equal({ wr: 0 });
      const plan = (sql: string) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(Buffer.alloc(34)) as { detail: string }[]).map((r) => r.detail);
      expect(plan("SELECT 1 FROM blocks WHERE multihash = ?")).to.deep.equal([
        "SEARCH blocks USING COVERING INDEX sqlite_autoindex_blocks_1 (multihash=?)",
      ]);
      expect(plan("SELECT bytes FROM blocks WHERE multihash = ?")).to.deep.equal([
        "SEARCH blocks USING INDEX sqlite_autoindex_blocks_1 (multihash=?)",
      ]);
    } finally {
      db.close();
    }
  });

  it("moves the blocks of a file written by the earlier layout, keeping every block, codec and pin", async function () {
    const file = path.join(await dirs.make(), "ipfs.sqlite");
    const small = utf8("a payload of one block");
    const smallCid = await loadCid(singleBlockCid(small));
    const blocks: PinnedDag["blocks"] = [];
    await importWithKuboLayout(pattern(262_144 * 2 + 7), {
      put: (cid: CID, bytes: Uint8Array) => (blocks.push({ cid, bytes }), cid),
    });
    const earlier = new Database(file);
    earlier.pragma("journal_mode = WAL");
    earlier.exec(`
      CREATE TABLE blocks (multihash BLOB PRIMARY KEY, codec INTEGER NOT NULL, bytes BLOB NOT NULL) STRICT, WITHOUT ROWID;
      CREATE TABLE data (key TEXT PRIMARY KEY, value BLOB NOT NULL) STRICT, WITHOUT ROWID;
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;`);
    const put = earlier.prepare("INSERT INTO blocks (multihash, codec, bytes) VALUES (?, ?, ?)");
    for (const { cid, bytes } of [{ cid: smallCid, bytes: small }, ...blocks]) put.run(cid.multihash.bytes, cid.code, bytes);
    earlier.prepare("INSERT INTO data (key, value) VALUES (?, ?)").run("/pin/some-root", Buffer.from([1, 2, 3]));
    earlier.close();

    const added: CID[] = [];
    for (let start = 0; start < 2; start++) {
      // The first start moves the blocks; the second finds the current layout and leaves it.
      const storage = await openSqliteStorage(file);
      try {
        expect(Buffer.from(storage.localBlock(smallCid)!)).to.deep.equal(Buffer.from(small));
        for (const { cid, bytes } of blocks) {
          expect(await storage.blockstore.has(cid), cid.toString()).to.equal(true);
          expect(Buffer.from(storage.localBlock(cid)!), cid.toString()).to.deep.equal(Buffer.from(bytes));
        }
        const listed: string[] = [];
        for await (const { cid } of storage.blockstore.getAll()) listed.push(`${cid.code}:${cid.toString()}`);
        expect(listed.sort()).to.deep.equal(
          [smallCid, ...blocks.map((b) => b.cid), ...added].map((cid) => `${cid.code}:${cid.toString()}`).sort(),
        );
        const { Key } = await import("interface-datastore");
        // Helia's datastore interface is its own copy of interface-datastore's: the same Key under another declaration.
        const pinKey = new Key("/pin/some-root") as unknown as Parameters<typeof storage.datastore.get>[0];
        expect(Buffer.from(await storage.datastore.get(pinKey))).to.deep.equal(Buffer.from([1, 2, 3]));
        const more = utf8(`stored after start ${start}`);
        const moreCid = await loadCid(singleBlockCid(more));
        await storage.blockstore.put(moreCid, more);
        expect(await storage.blockstore.has(moreCid)).to.equal(true);
        added.push(moreCid);
      } finally {
        storage.close();
      }
    }
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare("SELECT name, wr FROM pragma_table_list WHERE name LIKE 'blocks%' ORDER BY name").all()).to.deep.equal([
        { name: "blocks", wr: 0 },
      ]);
      expect(db.prepare("SELECT count(*) AS n FROM blocks").get()).to.deep.equal({ n: 1 + blocks.length + 2 });
    } finally {
      db.close();
    }
  });
});
