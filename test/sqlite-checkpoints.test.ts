import { expect } from "chai";
import { existsSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
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

  it("the writer keeps its own checkpoint at SQLite's 1,000 pages (4 MiB), the one that lets the WAL start again", function () {
    expect(db.pragma("wal_autocheckpoint", { simple: true })).to.equal(1_000);
  });

  it("a WAL past 1 MiB is copied into the database by the checkpoint thread, not by the commits that wrote it", async function () {
    write(3);
    // In WAL mode only a checkpoint writes the database file, and the writer's own would not start below 4 MiB.
    await until("the checkpoint thread's checkpoint", () => statSync(file).size >= 3 * 1024 * 1024);
  });

  it("closing the file lets the thread go of it: the last connection gone, SQLite removes the WAL", async function () {
    write(3);
    await until("the checkpoint thread's checkpoint", () => statSync(file).size >= 3 * 1024 * 1024);
    db.close();
    // The last connection to close removes the WAL. When the thread closed its own at the very moment the writer did,
    // each saw the other still there and neither removed it (twice in full runs): a connection opened here, which
    // reads (one that never read takes no part in the WAL) and closes, then removes it; it cannot while the thread
    // still holds the file.
    await until("the WAL removed", () => {
      if (existsSync(`${file}-wal`)) {
        const probe = new Database(file, { fileMustExist: true });
        probe.pragma("user_version");
        probe.close();
      }
      return !existsSync(`${file}-wal`);
    });
  });
});
