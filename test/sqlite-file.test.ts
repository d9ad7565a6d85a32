import { expect } from "chai";
import { readdirSync, readlinkSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { CertLedgerError } from "../src/errors";
import { keepTemporaryDataInMemory, openSqliteFile } from "../src/sqlite-file";

/** The temporary files SQLite has open in this process now (it unlinks them at once: only /proc still shows them). */
function openTemporaryFiles(): string[] {
  const names: string[] = [];
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (/etilqs_/.test(target)) names.push(target);
    } catch {
      // Closed meanwhile (the directory's own descriptor, among others).
    }
  }
  return names;
}

/**
 * A transaction as the outbox's group commit and a submission's record make them: a statement that changes many rows
 * after an earlier one in the same transaction, on a table with a unique index and a foreign key, so that SQLite keeps
 * an undo record of the statement alone (a statement journal). Returns the temporary files open while it ran.
 */
function temporaryFilesOfALargeStatement(db: Database.Database): string[] {
  db.exec(`
    CREATE TABLE IF NOT EXISTS parents (id INTEGER PRIMARY KEY);
    CREATE TABLE IF NOT EXISTS rows (
      seq INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, parent INTEGER REFERENCES parents (id), body TEXT NOT NULL
    );
  `);
  const seen = new Set<string>();
  // Called for every row the statement changes, while the statement runs.
  db.function("look", () => {
    for (const name of openTemporaryFiles()) seen.add(name);
    return 1;
  });
  const insert = db.prepare("INSERT INTO rows (name, body) VALUES (?, ?)");
  db.transaction(() => {
    db.prepare("INSERT INTO parents (id) VALUES (1)").run();
    for (let i = 0; i < 2_000; i++) insert.run(`row ${i}`, "x".repeat(1_000));
  })();
  db.transaction(() => {
    db.prepare("INSERT INTO parents (id) VALUES (2)").run();
    db.prepare("UPDATE rows SET parent = 2, body = body || look()").run();
  })();
  return [...seen];
}

describe("SQLite files: temporary data", function () {
  let dir: string;

  beforeEach(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-sqlite-file-"));
  });

  afterEach(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it("a bare connection writes a large statement's undo record to a temporary file (what the test would catch)", function () {
    if (!/^linux/.test(process.platform)) this.skip();
    const db = new Database(path.join(dir, "bare.sqlite"));
    try {
      db.pragma("journal_mode = WAL");
      expect(temporaryFilesOfALargeStatement(db)).to.not.be.empty;
    } finally {
      db.close();
    }
  });

  it("a file the node opens keeps it in memory: no temporary file while the statement runs", function () {
    if (!/^linux/.test(process.platform)) this.skip();
    const db = openSqliteFile(path.join(dir, "node.sqlite"), {
      synchronous: "FULL",
      failure: { code: "OUTBOX_UNAVAILABLE", what: "the test file" },
    });
    try {
      expect(temporaryFilesOfALargeStatement(db)).to.deep.equal([]);
      expect(db.prepare("SELECT count(*) AS n FROM rows WHERE parent = 2").get()).to.deep.equal({ n: 2_000 });
    } finally {
      db.close();
    }
  });

  it("a file's schema is made before: an index a new version adds over a large table may still sort through files", function () {
    let during: unknown;
    const db = openSqliteFile(path.join(dir, "migrated.sqlite"), {
      synchronous: "FULL",
      schema: (db) => {
        db.exec("CREATE TABLE IF NOT EXISTS t (x INTEGER)");
        during = db.pragma("temp_store", { simple: true });
      },
      failure: { code: "OUTBOX_UNAVAILABLE", what: "the test file" },
    });
    try {
      // 0: SQLite's default (files); 2: memory.
      expect(during).to.equal(0);
      expect(db.pragma("temp_store", { simple: true })).to.equal(2);
    } finally {
      db.close();
    }
  });

  it("a schema's typed error is thrown as it is; any other names the file, with the store's code", function () {
    const open = (schema: () => void) =>
      openSqliteFile(path.join(dir, "refused.sqlite"), {
        synchronous: "FULL",
        schema,
        failure: { code: "OUTBOX_UNAVAILABLE", what: "the test file" },
      });
    expect(() =>
      open(() => {
        throw new CertLedgerError("INDEX_MISMATCH", "written by a newer version");
      }),
    )
      .to.throw(CertLedgerError, "written by a newer version")
      .with.property("code", "INDEX_MISMATCH");
    expect(() =>
      open(() => {
        throw new Error("disk I/O error");
      }),
    )
      .to.throw(CertLedgerError, /^cannot open the test file .*refused\.sqlite: disk I\/O error$/)
      .with.property("code", "OUTBOX_UNAVAILABLE");
  });

  it("a connection opened directly and told to keeps it in memory too", function () {
    if (!/^linux/.test(process.platform)) this.skip();
    const db = new Database(path.join(dir, "direct.sqlite"));
    try {
      db.pragma("journal_mode = WAL");
      keepTemporaryDataInMemory(db);
      expect(temporaryFilesOfALargeStatement(db)).to.deep.equal([]);
    } finally {
      db.close();
    }
  });
});
