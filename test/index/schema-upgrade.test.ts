import os from "node:os";
import path from "node:path";
import { mkdtemp, rm } from "node:fs/promises";
import { expect } from "chai";
import { openIndexDatabase, SCHEMA_VERSION } from "../../src/index/schema";

describe("Chain index schema upgrade", function () {
  it("an index of an earlier version (batches keyed by root alone) is emptied, to be read again from the chain", async function () {
    const dir = await mkdtemp(path.join(os.tmpdir(), "certledger-index-upgrade-"));
    const file = path.join(dir, "index.sqlite");
    try {
      // A version-2 file: batches keyed by root alone, a cursor, one batch.
      const old = openIndexDatabase(file);
      old.exec(`DROP TABLE batch_members; DROP TABLE batches;
        CREATE TABLE batches (root TEXT PRIMARY KEY, authority_id INTEGER NOT NULL, manifest_state TEXT NOT NULL) STRICT;
        INSERT INTO batches VALUES ('0xold', 1, 'indexed');
        INSERT INTO meta VALUES ('last_block', '42'), ('last_hash', '0xabc');`);
      old.pragma("user_version = 2");
      old.close();

      const db = openIndexDatabase(file);
      try {
        expect(db.pragma("user_version", { simple: true }))
          .to.equal(SCHEMA_VERSION)
          .and.to.equal(3);
        const primaryKey = db
          .prepare<[], { name: string; pk: number }>("SELECT name, pk FROM pragma_table_info('batches') WHERE pk > 0 ORDER BY pk")
          .all();
        expect(primaryKey.map((c) => c.name)).to.deep.equal(["root", "authority_id"]);
        expect(db.prepare("SELECT count(*) AS n FROM batches").get()).to.deep.equal({ n: 0 });
        expect(db.prepare("SELECT count(*) AS n FROM meta").get(), "the cursor is gone: read again from the deployment").to.deep.equal({
          n: 0,
        });
      } finally {
        db.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
