import path from "node:path";
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
});
