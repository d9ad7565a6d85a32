/* global require, setInterval -- CommonJS, as Node loads a .js file of this package */
/* eslint-disable @typescript-eslint/no-require-imports -- a worker's entry must be JavaScript Node can load as it is */
// The thread that checkpoints the WAL of the node's SQLite files (see sqlite-checkpoints.ts): plain JavaScript, so that
// it starts without a TypeScript loader. Messages: { watch: file } and { unwatch: file }.
"use strict";
const { statSync } = require("node:fs");
const { parentPort, workerData } = require("node:worker_threads");
const Database = require("better-sqlite3");

const { thresholdBytes, intervalMs } = workerData;
/** Per file: its connection (opened the first time its WAL needs a checkpoint) and its WAL's last mtime checkpointed. */
const watched = new Map();

parentPort.on("message", (message) => {
  if (message.watch !== undefined) {
    if (!watched.has(message.watch)) watched.set(message.watch, { db: undefined, checkpointedAt: 0 });
    return;
  }
  const entry = watched.get(message.unwatch);
  watched.delete(message.unwatch);
  closeQuietly(entry?.db);
});

setInterval(() => {
  for (const [file, entry] of watched) {
    let wal;
    try {
      wal = statSync(`${file}-wal`);
    } catch {
      continue;
    }
    // The WAL is not truncated after a checkpoint (SQLite writes it again from its start): its size stays, its
    // mtime tells whether anything was written since.
    if (wal.size < thresholdBytes || wal.mtimeMs === entry.checkpointedAt) continue;
    try {
      entry.db ??= new Database(file, { fileMustExist: true });
      // PASSIVE: as many frames as no reader still needs, without waiting for (or holding up) the writer.
      entry.db.pragma("wal_checkpoint(PASSIVE)");
      entry.checkpointedAt = wal.mtimeMs;
    } catch {
      // The file went away, or is busy: the next round tries again; the writer's own checkpoint is the backstop.
      closeQuietly(entry.db);
      entry.db = undefined;
    }
  }
}, intervalMs);

function closeQuietly(db) {
  try {
    db?.close();
  } catch {
    // Nothing to keep: the file is its writer's.
  }
}
