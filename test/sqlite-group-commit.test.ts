import { expect } from "chai";
import { mkdtemp, open, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { openSqliteFile } from "../src/sqlite-file";
import { GroupCommit, type GroupOutcome } from "../src/sqlite-group-commit";

type Sync = () => Promise<void>;

describe("GroupCommit: writes of many callers, one commit, acknowledged once on disk", function () {
  let dir: string;
  let db: Database.Database;
  let fileHandle: { sync: Sync };
  let realSync: Sync;
  /** The WAL syncs asked for and not yet let through (when the test holds them). */
  let held: { release: () => void; fail: (error: Error) => void }[];
  let holding: boolean;
  let syncs: number;

  before(async function () {
    // Node's FileHandle class is not exported: its prototype is reached through a handle.
    const handle = await open(__filename, "r");
    fileHandle = Object.getPrototypeOf(handle);
    await handle.close();
    realSync = fileHandle.sync;
  });

  beforeEach(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-group-commit-"));
    db = openSqliteFile(path.join(dir, "test.sqlite"), {
      synchronous: "FULL",
      schema: "CREATE TABLE items (name TEXT PRIMARY KEY) STRICT",
      failure: { code: "OUTBOX_UNAVAILABLE", what: "the test file" },
    });
    held = [];
    holding = false;
    syncs = 0;
    fileHandle.sync = function (this: unknown) {
      syncs++;
      if (!holding) return realSync.call(this);
      return new Promise<void>((resolve, reject) => held.push({ release: () => realSync.call(this).then(resolve, reject), fail: reject }));
    };
  });

  afterEach(async function () {
    fileHandle.sync = realSync;
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const insertAll = (items: string[]): GroupOutcome<number>[] =>
    items.map((name) => {
      try {
        return { ok: Number(db.prepare("INSERT INTO items (name) VALUES (?)").run(name).lastInsertRowid) };
      } catch (error) {
        return { error };
      }
    });

  /** Waits for the group's sync to be asked for: the WAL is opened on libuv's pool first, which other work may hold up. */
  const syncAskedFor = async (count = 1): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (held.length < count) {
      if (Date.now() > deadline) throw new Error(`${count} sync(s) not asked for within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  const settled = async (promise: Promise<unknown>): Promise<boolean> => {
    let done = false;
    void promise.then(
      () => (done = true),
      () => (done = true),
    );
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    return done;
  };

  it("commits the items of one event-loop turn together and answers each only after the WAL is synced", async function () {
    const group = new GroupCommit(db, insertAll);
    holding = true;
    const answers = [group.add("a"), group.add("b"), group.add("c")];
    await syncAskedFor();
    expect(await settled(Promise.race(answers))).to.equal(false, "no answer before the sync");
    expect(held).to.have.length(1, "one sync for the three");
    // Written (other readers of the file see them) but not acknowledged.
    expect(db.prepare("SELECT count(*) AS n FROM items").get()).to.deep.equal({ n: 3 });
    holding = false;
    held[0].release();
    expect(await Promise.all(answers)).to.deep.equal([1, 2, 3]);
  });

  it("rejects every item of a group whose sync fails: none was acknowledged as durable", async function () {
    const group = new GroupCommit(db, insertAll);
    holding = true;
    const answers = [group.add("a"), group.add("b")].map((answer) => answer.then(String, (error: Error) => `refused: ${error.message}`));
    await syncAskedFor();
    expect(await settled(answers[0])).to.equal(false);
    holding = false;
    held[0].fail(Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" }));
    expect(await Promise.all(answers)).to.deep.equal(["refused: EIO: i/o error, fsync", "refused: EIO: i/o error, fsync"]);
  });

  it("refuses an item alone when the writer refuses it, and commits the others", async function () {
    const group = new GroupCommit(db, insertAll);
    await group.add("a");
    const answers = [group.add("b"), group.add("a"), group.add("c")].map((answer) =>
      answer.then(String, (error: { code?: string }) => `refused: ${error.code}`),
    );
    expect(await Promise.all(answers)).to.deep.equal(["2", "refused: SQLITE_CONSTRAINT_PRIMARYKEY", "3"]);
  });

  it("rejects the whole group when the writer throws, and writes none of it", async function () {
    const group = new GroupCommit(db, (items: string[]) => {
      insertAll(items);
      throw new Error("the writer failed");
    });
    const answers = [group.add("a"), group.add("b")].map((answer) => answer.catch((error: Error) => error.message));
    expect(await Promise.all(answers)).to.deep.equal(["the writer failed", "the writer failed"]);
    expect(db.prepare("SELECT count(*) AS n FROM items").get()).to.deep.equal({ n: 0 });
  });

  it("leaves the connection synchronous=FULL after each commit, so the file's other commits sync what it did not", async function () {
    const group = new GroupCommit(db, insertAll);
    await Promise.all([group.add("a"), group.add("b")]);
    expect(db.pragma("synchronous", { simple: true })).to.equal(2);
  });

  it("flush() commits what waits at once, synced by SQLite itself (before a file is closed)", async function () {
    const group = new GroupCommit(db, insertAll);
    const answer = group.add("a");
    group.flush();
    expect(group.waiting).to.equal(0);
    expect(db.prepare("SELECT count(*) AS n FROM items").get()).to.deep.equal({ n: 1 });
    expect(await answer).to.equal(1);
    expect(syncs).to.equal(0, "no sync of its own: SQLite's FULL commit synced it");
  });

  it("refuses a file not opened synchronous=FULL", function () {
    db.pragma("synchronous = NORMAL");
    expect(() => new GroupCommit(db, insertAll)).to.throw(/synchronous=FULL/);
  });
});
