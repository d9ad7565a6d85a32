import path from "node:path";
import Database from "better-sqlite3";
import { expect } from "chai";
import type { CID } from "multiformats/cid" with { "resolution-mode": "import" };
import { importWithKuboLayout, loadCid, singleBlockCid } from "../../src/ipfs/cid";
import { openSqliteStorage, type PinnedDag } from "../../src/ipfs/sqlite-storage";
import { pattern, rejection, TempDirs, utf8 } from "./fixtures";

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
      await storage.storePinned(dags);
      await storage.storePinned(dags); // again: nothing changes
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
      await storage.close();
    }
  });

  it("finds a block through an index on its multihash, never by reading other blocks' bytes", async function () {
    const file = path.join(await dirs.make(), "ipfs.sqlite");
    await (await openSqliteStorage(file)).close();
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
        await storage.close();
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

  describe("payloads stored in bulk, on a thread of their own", function () {
    /** `n` distinct single-block payloads of about a credential's JWE (3 kB), as the batcher uploads them. */
    async function payloadDags(n: number, label: string): Promise<PinnedDag[]> {
      const dags: PinnedDag[] = [];
      for (let i = 0; i < n; i++) {
        const bytes = utf8(`${label} ${i} ${"x".repeat(3000)}`);
        const cid = await loadCid(singleBlockCid(bytes));
        dags.push({ root: cid, blocks: [{ cid, bytes }] });
      }
      return dags;
    }

    it("leaves the event loop free while it stores: other work runs between the call and its answer", async function () {
      const storage = await openSqliteStorage(path.join(await dirs.make(), "ipfs.sqlite"));
      try {
        const dags = await payloadDags(3000, "free loop");
        let turns = 0;
        let storing = true;
        const ticking = (async () => {
          while (storing) {
            await new Promise((resolve) => setImmediate(resolve));
            turns++;
          }
        })();
        // Stored on this thread (the layout before), the call held the loop for the whole transaction: 0 turns.
        await storage.storePinned(dags);
        storing = false;
        await ticking;
        expect(turns, "event-loop turns while 3,000 payloads were stored").to.be.greaterThan(10);
        for (const { root, blocks } of [dags[0], dags[2999]]) {
          expect(Buffer.from(storage.localBlock(root)!)).to.deep.equal(Buffer.from(blocks[0].bytes));
        }
      } finally {
        await storage.close();
      }
    });

    it("has everything on disk when it answers: another connection reads every block and pin record", async function () {
      const file = path.join(await dirs.make(), "ipfs.sqlite");
      const storage = await openSqliteStorage(file);
      const dags = await payloadDags(200, "durable");
      // Payloads of one block each are given as bytes alone: the thread hashes them and answers their CIDs, in order.
      const singles = [utf8("single one"), utf8("single two"), utf8("single one")];
      try {
        expect(await storage.storePinned(dags, singles)).to.deep.equal(singles.map((bytes) => singleBlockCid(bytes)));
        const other = new Database(file, { readonly: true });
        try {
          const blocks = other.prepare("SELECT count(*) AS n FROM blocks").get() as { n: number };
          const pins = other.prepare("SELECT count(*) AS n FROM data WHERE key LIKE '/pin/%'").get() as { n: number };
          expect({ blocks: blocks.n, pins: pins.n }).to.deep.equal({ blocks: 202, pins: 202 });
        } finally {
          other.close();
        }
      } finally {
        await storage.close();
      }
    });

    it("does not refuse this thread's own writes meanwhile: both land, neither fails as busy", async function () {
      const storage = await openSqliteStorage(path.join(await dirs.make(), "ipfs.sqlite"));
      try {
        const dags = await payloadDags(3000, "beside");
        const storing = storage.storePinned(dags);
        const mine: CID[] = [];
        for (let i = 0; i < 50; i++) {
          const bytes = utf8(`fetched over bitswap ${i}`);
          const cid = await loadCid(singleBlockCid(bytes));
          await storage.blockstore.put(cid, bytes);
          mine.push(cid);
          await new Promise((resolve) => setImmediate(resolve));
        }
        await storing;
        for (const cid of [...mine, dags[0].root, dags[2999].root])
          expect(await storage.blockstore.has(cid), cid.toString()).to.equal(true);
      } finally {
        await storage.close();
      }
    });

    it("finishes what was asked before it closes, and refuses what is asked after (IPFS_UNAVAILABLE)", async function () {
      const file = path.join(await dirs.make(), "ipfs.sqlite");
      const storage = await openSqliteStorage(file);
      const dags = await payloadDags(1000, "closing");
      const storing = storage.storePinned(dags);
      await storage.close();
      await storing;
      await rejection(storage.storePinned(await payloadDags(1, "late")), "IPFS_UNAVAILABLE");
      const reopened = await openSqliteStorage(file);
      try {
        expect(Buffer.from(reopened.localBlock(dags[999].root)!)).to.deep.equal(Buffer.from(dags[999].blocks[0].bytes));
      } finally {
        await reopened.close();
      }
    });
  });
});
