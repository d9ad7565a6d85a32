import Database from "better-sqlite3";
import { CertLedgerError, isCertLedgerError, type CertLedgerErrorCode } from "./errors";
import { checkpointInBackground } from "./sqlite-checkpoints";

/** How a SQLite file of the node is opened. */
export interface SqliteFileOptions {
  /**
   * FULL syncs the WAL on every commit, so what was acknowledged survives a power cut (outbox, link keys, token
   * revocations); NORMAL is atomic and consistent but may lose the last commits, for what can be read again.
   */
  synchronous: "FULL" | "NORMAL";
  /**
   * Statements run once opened (CREATE TABLE IF NOT EXISTS …), or a function that brings the file's schema up to date
   * (migrations), whose typed errors are thrown as they are.
   */
  schema?: string | ((db: Database.Database) => void);
  foreignKeys?: boolean;
  /** The error code and the name of the file in the message when it cannot be opened, e.g. "the outbox". */
  failure: { code: CertLedgerErrorCode; what: string };
}

/**
 * Has connection `db` keep its temporary data in memory rather than in files of the system's temporary folder. What
 * the node's writes make of it is small and short-lived: mostly statement journals, the undo record of one statement
 * inside a larger transaction (each row of a group commit, each member of a submission), opened because a foreign key
 * or a unique index could still abort it. SQLite wrote them to files in /var/tmp: ~30 kB and ~14 writes of every
 * credential accepted (strace, 6,000 credentials), each a system call, which on this virtual machine is dear. A
 * statement journal holds what one statement changes: a few pages for these writers. SQLite's sorter no longer spills
 * to files either, so what a query sorts or groups without an index is held whole: these connections sort only work
 * that waits (queued uploads, ready requests) or read in an index's order. Each file's schema is made before this is
 * set, so an index a new version adds over a large existing table is still sorted through files.
 */
export function keepTemporaryDataInMemory(db: Database.Database): void {
  db.pragma("temp_store = MEMORY");
}

/**
 * Opens (creating it if needed) SQLite file `file` in WAL mode with `options`, closing it again and throwing the typed
 * error `options.failure` names when that fails: the one way every store of the node opens its file.
 */
export function openSqliteFile(file: string, options: SqliteFileOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${options.synchronous}`);
    if (options.foreignKeys) db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    if (typeof options.schema === "string") db.exec(options.schema);
    else options.schema?.(db);
    keepTemporaryDataInMemory(db);
    checkpointInBackground(db);
    return db;
  } catch (error) {
    db?.close();
    if (isCertLedgerError(error)) throw error;
    const { code, what } = options.failure;
    throw new CertLedgerError(code, `cannot open ${what} ${file}: ${(error as Error).message}`, { cause: error });
  }
}
