import path from "node:path";
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";

/**
 * WAL checkpoints of the node's SQLite files on a thread of their own, away from the event loop.
 *
 * SQLite copies a file's WAL back into the database (a checkpoint) inside the commit that takes the WAL past 1,000
 * pages, on the connection that commits: for the outbox that was the event loop, ~35 µs of every credential accepted
 * (bench/credential-acceptance.ts, profiled), writing 4 MiB and syncing it twice. Here a worker thread looks at each
 * watched file's WAL every INTERVAL_MS and checkpoints it (PASSIVE, its own connection) once it is past THRESHOLD_BYTES
 * and written to since. The file's own connection keeps checkpointing itself only past BACKSTOP_PAGES, so a WAL cannot
 * grow without bound if the thread falls behind or stops. A checkpoint changes where committed pages are, never what
 * is committed: durability stays the commit's.
 */
const THRESHOLD_BYTES = 4 * 1024 * 1024;
const INTERVAL_MS = 100;
const BACKSTOP_PAGES = 16_384;

let worker: Worker | undefined;

/**
 * Has `db`'s WAL checkpointed by the checkpoint thread from now until `db` is closed (its `close` first tells the thread
 * to let go of the file). An in-memory database is left as it is.
 */
export function checkpointInBackground(db: Database.Database): void {
  if (db.memory) return;
  const file = db.name;
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
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
