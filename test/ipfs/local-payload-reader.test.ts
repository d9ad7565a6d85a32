import path from "node:path";
import Database from "better-sqlite3";
import { expect } from "chai";
import type { CID } from "multiformats/cid" with { "resolution-mode": "import" };
import { importWithKuboLayout, loadCid, singleBlockCid } from "../../src/ipfs/cid";
import { openLocalPayloadReader } from "../../src/ipfs/local-payload-reader";
import { openSqliteStorage, type PinnedDag } from "../../src/ipfs/sqlite-storage";
import { pattern, TempDirs, utf8 } from "./fixtures";

/**
 * A verification process reads payloads from the embedded node's SQLite file without running Helia: one raw block
 * it holds is read there and checked against its CID, and everything else is asked of the node. A file changed on
 * disk must not reach the verifier as if it were the payload.
 */
describe("payloads read from the node's IPFS file by another process", function () {
  const dirs = new TempDirs();
  after(async function () {
    await dirs.removeAll();
  });

  async function nodeFile() {
    const file = path.join(await dirs.make(), "ipfs.sqlite");
    const storage = await openSqliteStorage(file);
    const small = utf8("one block payload");
    const smallCid = await loadCid(singleBlockCid(small));
    const blocks: PinnedDag["blocks"] = [];
    const large = pattern(262_144 * 2 + 1);
    const largeCid = await importWithKuboLayout(large, { put: (cid: CID, bytes: Uint8Array) => (blocks.push({ cid, bytes }), cid) });
    await storage.storePinned([
      { root: smallCid, blocks: [{ cid: smallCid, bytes: small }] },
      { root: largeCid, blocks },
    ]);
    return { file, storage, small, smallCid: smallCid.toString(), largeCid: largeCid.toString() };
  }

  it("reads a one-block payload from the file, checked, and asks the node for a file of several blocks or one it lacks", async function () {
    const { file, storage, small, smallCid, largeCid } = await nodeFile();
    const asked: string[] = [];
    const reader = openLocalPayloadReader({
      file,
      fetch: async (cid) => {
        asked.push(cid);
        return utf8("from the node");
      },
    });
    try {
      expect(Buffer.from(await reader.get(smallCid))).to.deep.equal(Buffer.from(small));
      expect(asked).to.deep.equal([]);
      await reader.get(largeCid);
      const missing = singleBlockCid(utf8("never stored"));
      await reader.get(missing);
      expect(asked).to.deep.equal([largeCid, missing]);
      // A block the node stores after the reader opened is read too (the same file, in WAL mode).
      const later = utf8("stored later");
      const laterCid = await loadCid(singleBlockCid(later));
      await storage.storePinned([{ root: laterCid, blocks: [{ cid: laterCid, bytes: later }] }]);
      expect(Buffer.from(await reader.get(laterCid.toString()))).to.deep.equal(Buffer.from(later));
      expect(asked).to.have.length(2);
    } finally {
      reader.close();
      await storage.close();
    }
  });

  it("refuses a block changed on disk (CID_MISMATCH), a payload over the caller's cap, and a malformed CID", async function () {
    const { file, storage, smallCid } = await nodeFile();
    await storage.close();
    const reader = openLocalPayloadReader({ file, fetch: () => Promise.reject(new Error("not asked")) });
    try {
      await reader.get(smallCid, { maxBytes: 3 }).then(
        () => expect.fail("read past its cap"),
        (error: { code?: string }) => expect(error.code).to.equal("PAYLOAD_TOO_LARGE"),
      );
      const db = new Database(file);
      db.prepare("UPDATE blocks SET bytes = ?").run(Buffer.from("tampered on disk"));
      db.close();
      await reader.get(smallCid).then(
        () => expect.fail("a changed block was answered"),
        (error: { code?: string }) => expect(error.code).to.equal("CID_MISMATCH"),
      );
      await reader.get("not-a-cid").then(
        () => expect.fail("a malformed CID was answered"),
        (error: { code?: string }) => expect(error.code).to.equal("INVALID_CID"),
      );
    } finally {
      reader.close();
    }
  });

  it("never creates a file: a missing one is IPFS_UNAVAILABLE", async function () {
    const file = path.join(await dirs.make(), "absent.sqlite");
    expect(() => openLocalPayloadReader({ file, fetch: () => Promise.reject(new Error("no")) })).to.throw(/cannot open the IPFS store/);
  });
});
