import { open } from "node:fs/promises";
import path from "node:path";
import type Database from "better-sqlite3";

/** What one item of a group came to: its result, or the error that refused it alone. */
export type GroupOutcome<R> = { ok: R } | { error: unknown };

/**
 * Writes that many concurrent callers make to one SQLite file (opened `synchronous=FULL`), committed together once per
 * event-loop turn and acknowledged once they are on disk: one transaction and one disk sync for all of them, as a
 * database's group commit does.
 *
 * The sync is not SQLite's, made on this thread during the commit: the commit is written with `synchronous=NORMAL`
 * (atomic and consistent, not yet durable), and the WAL file is then synced on libuv's thread pool while the event loop
 * goes on; each caller's promise settles only after that sync. SQLite's FULL does exactly this sync, of the same file,
 * inside the commit; on 2 cores it held the event loop 50 µs of every credential accepted (bench:
 * bench/credential-acceptance.ts). Nothing outside the group's callers can learn of the writes before they are
 * durable except through this file, whose other commits are FULL: any of them syncs the WAL, these frames included,
 * before it returns (the batcher's submission log, written before a transaction is sent, is one).
 */
export class GroupCommit<I, R> {
  readonly #db: Database.Database;
  readonly #write: (items: I[]) => GroupOutcome<R>[];
  #waiting: { item: I; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];

  /** `write` writes a group's items inside the transaction, answering for each (an item it refuses leaves the others). */
  constructor(db: Database.Database, write: (items: I[]) => GroupOutcome<R>[]) {
    // Its commits restore FULL afterwards, and the file's other commits must sync what these did not.
    if (db.pragma("synchronous", { simple: true }) !== 2) throw new Error(`${db.name} is not opened with synchronous=FULL`);
    this.#db = db;
    this.#write = write;
  }

  /** How many items wait for the next commit. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Adds `item` to the next commit; resolves to its result once it is on disk. */
  add(item: I): Promise<R> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      if (this.#waiting.length === 1) setImmediate(() => this.#commit(false));
    });
  }

  /** Commits what waits now, synced by SQLite on this thread (before the file is closed). */
  flush(): void {
    if (this.#waiting.length > 0) this.#commit(true);
  }

  #commit(syncHere: boolean): void {
    const group = this.#waiting;
    this.#waiting = [];
    if (group.length === 0) return;
    let outcomes: GroupOutcome<R>[];
    try {
      const write = () => this.#write(group.map(({ item }) => item));
      outcomes = syncHere ? this.#db.transaction(write).immediate() : commitUnsynced(this.#db, write);
    } catch (error) {
      for (const waiter of group) waiter.reject(error);
      return;
    }
    const settle = () =>
      group.forEach((waiter, i) => {
        const outcome = outcomes[i];
        if ("ok" in outcome) waiter.resolve(outcome.ok);
        else waiter.reject(outcome.error);
      });
    if (syncHere) settle();
    else syncWal(this.#db).then(settle, (error: unknown) => group.forEach((waiter) => waiter.reject(error)));
  }
}

/** Runs `write` in an immediate transaction committed with `synchronous=NORMAL`, the connection's FULL restored after. */
function commitUnsynced<T>(db: Database.Database, write: () => T): T {
  db.pragma("synchronous = NORMAL");
  try {
    return db.transaction(write).immediate();
  } finally {
    db.pragma("synchronous = FULL");
  }
}

/** Connections whose WAL's directory entry is on disk (synced once, as SQLite does the first time it syncs a new WAL). */
const directorySynced = new WeakSet<Database.Database>();

/**
 * Syncs `db`'s WAL file to disk: every frame written to it so far, whoever wrote it (Linux syncs the file, not one
 * descriptor's writes). When the WAL is gone (the connection closed, checkpointing it into the database and syncing
 * that), the database file is synced instead.
 */
async function syncWal(db: Database.Database): Promise<void> {
  const file = db.name;
  const wal = await open(`${file}-wal`, "r+").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  const handle = wal ?? (await open(file, "r+"));
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (wal && !directorySynced.has(db)) {
    const directory = await open(path.dirname(file), "r");
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
    directorySynced.add(db);
  }
}
