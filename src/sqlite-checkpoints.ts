import path from "node:path";
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";

/**
 * WAL checkpoints of the node's SQLite files, mostly on a thread of their own, away from the event loop.
 *
 * SQLite copies a file's WAL back into the database (a checkpoint) inside the commit that takes the WAL past 1,000
 * pages, on the connection that commits: for the outbox that was the event loop, ~35 µs of every credential accepted
 * (bench/credential-acceptance.ts, profiled), copying 4 MiB and syncing it. Here a worker thread looks at each watched
 * file's WAL every INTERVAL_MS and, once it is past THRESHOLD_BYTES and written since, checkpoints it (PASSIVE, its own
 * connection): it copies what is there while the writer goes on.
 *
 * The writer keeps its own checkpoint at SQLite's 1,000 pages, which then finds most pages copied already: a checkpoint
 * beside a writer that never pauses rarely catches up with it, and only a checkpoint that has copied every frame lets
 * the next commit start the WAL again from its beginning. Without the writer's (at 16,384 pages), the index's WAL
 * stayed past that mark under load and its writer checkpointed after every commit. A checkpoint changes where
 * committed pages are, never what is committed: durability stays the commit's.
 */
const THRESHOLD_BYTES = 1024 * 1024;
const INTERVAL_MS = 100;
const WRITER_PAGES = 1_000;

let worker: Worker | undefined;

/**
 * Has `db`'s WAL checkpointed by the checkpoint thread from now until `db` is closed (its `close` first tells the thread
 * to let go of the file). An in-memory database is left as it is.
 */
export function checkpointInBackground(db: Database.Database): void {
  if (db.memory) return;
  const file = db.name;
  db.pragma(`wal_autocheckpoint = ${WRITER_PAGES}`);
  checkpointThread().postMessage({ watch: file });
  const close = db.close.bind(db);
  // Wrapped on the instance: every store closes its file with db.close(), and none may leave the thread holding it.
  db.close = () => {
    worker?.postMessage({ unwatch: file });
    return close();
  };
}

function checkpointThread(): Worker {
  if (worker) return worker;
  worker = new Worker(path.join(__dirname, "sqlite-checkpoint-worker.js"), {
    workerData: { thresholdBytes: THRESHOLD_BYTES, intervalMs: INTERVAL_MS },
  });
  // Housekeeping: it must not keep a process alive that has nothing else to do.
  worker.unref();
  worker.on("error", () => (worker = undefined));
  worker.on("exit", () => (worker = undefined));
  return worker;
}
