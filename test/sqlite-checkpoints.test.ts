import { expect } from "chai";
import { existsSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { openSqliteFile } from "../src/sqlite-file";

async function until(what: string, probe: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("WAL checkpoints on their own thread (sqlite-checkpoints.ts)", function () {
  let dir: string;
  let file: string;
  let db: Database.Database;

  beforeEach(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-checkpoints-"));
    file = path.join(dir, "test.sqlite");
    db = openSqliteFile(file, {
      synchronous: "FULL",
      schema: "CREATE TABLE rows (bytes BLOB NOT NULL) STRICT",
      failure: { code: "OUTBOX_UNAVAILABLE", what: "the test file" },
    });
  });

  afterEach(async function () {
    if (db.open) db.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes `mib` MiB in commits of 256 KiB, as a busy store does. */
  const write = (mib: number) => {
    const insert = db.prepare("INSERT INTO rows (bytes) VALUES (?)");
    for (let i = 0; i < mib * 4; i++) db.transaction(() => insert.run(Buffer.alloc(256 * 1024, i)))();
  };

  it("the writer checkpoints itself only past the backstop, far above SQLite's 1,000 pages", function () {
    expect(db.pragma("wal_autocheckpoint", { simple: true })).to.equal(16_384);
  });

  it("a WAL past 4 MiB is copied into the database by the checkpoint thread, not by the commits that wrote it", async function () {
    const before = statSync(file).size;
    write(8);
    // In WAL mode only a checkpoint writes the database file; the writer's own would not start below 64 MiB.
    expect(statSync(file).size).to.equal(before, "the commits left the database file as it was");
    await until("the checkpoint thread's checkpoint", () => statSync(file).size >= 8 * 1024 * 1024);
  });

  it("closing the file lets the thread go of it: the last connection gone, SQLite removes the WAL", async function () {
    write(8);
    await until("the checkpoint thread's checkpoint", () => statSync(file).size >= 8 * 1024 * 1024);
    db.close();
    await until("the WAL removed", () => !existsSync(`${file}-wal`));
  });
});
