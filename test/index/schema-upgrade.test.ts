import os from "node:os";
import path from "node:path";
import { mkdtemp, rm } from "node:fs/promises";
import { expect } from "chai";
import { openIndexDatabase, SCHEMA_VERSION } from "../../src/index/schema";

describe("Chain index schema upgrade", function () {
  it("an index of version 1 gains batch members' payload CIDs and reads again the manifests it had refused", async function () {
    const dir = await mkdtemp(path.join(os.tmpdir(), "certledger-index-upgrade-"));
    const file = path.join(dir, "index.sqlite");
    try {
      // A version-1 file: the table without the column, one manifest indexed and one refused (it was version 2).
      const old = openIndexDatabase(file);
      old.exec("ALTER TABLE batch_members DROP COLUMN payload_cid");
      const batch = old.prepare(
        `INSERT INTO batches (root, authority_id, cert_type, leaf_count, manifest_cid, block_number, log_index, tx_hash, timestamp,
           manifest_state, manifest_attempts, manifest_error) VALUES (?, 1, 1, 2, x'01', 5, 0, '0xtx', 0, ?, 1, ?)`,
      );
      batch.run("0xindexed", "indexed", null);
      batch.run("0xrefused", "invalid", "INVALID_MANIFEST: batch manifest: version: …");
      old.pragma("user_version = 1");
      old.close();

      const db = openIndexDatabase(file);
      try {
        expect(db.pragma("user_version", { simple: true }))
          .to.equal(SCHEMA_VERSION)
          .and.to.equal(2);
        const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('batch_members')").all();
        expect(columns.map((c) => c.name)).to.include("payload_cid");
        const states = db.prepare<[], { root: string; manifest_state: string; manifest_attempts: number }>(
          "SELECT root, manifest_state, manifest_attempts FROM batches ORDER BY root",
        );
        expect(states.all()).to.deep.equal([
          { root: "0xindexed", manifest_state: "indexed", manifest_attempts: 1 },
          { root: "0xrefused", manifest_state: "pending", manifest_attempts: 0 },
        ]);
      } finally {
        db.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
