/** The disk a node's data folder takes, by part (the scale bench's "bytes per certificate", bench/scale.ts). */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

/** The parts of a data folder the bench reports, and where they are in it (files, SQLite WAL and shared memory included). */
const PARTS = {
  chain: ["chain"], // anvil's state file, written by the node (src/chain/chain-state-file.ts)
  index: ["index.sqlite", "index.sqlite-wal", "index.sqlite-shm"],
  outbox: ["outbox.sqlite", "outbox.sqlite-wal", "outbox.sqlite-shm"],
  ipfs: ["ipfs"], // Helia: blocks and pins in ipfs.sqlite, libp2p's key in datastore/
  linkKeys: ["link-keys.sqlite", "link-keys.sqlite-wal", "link-keys.sqlite-shm"],
} as const;

export type DiskPart = keyof typeof PARTS | "total";

/** Bytes (apparent size) of each part of `dataDir`, and of the whole folder. */
export function diskUsage(dataDir: string): Record<DiskPart, number> {
  const usage = { total: bytesUnder(dataDir) } as Record<DiskPart, number>;
  for (const [part, names] of Object.entries(PARTS)) {
    usage[part as DiskPart] = names.reduce((sum, name) => sum + bytesUnder(path.join(dataDir, name)), 0);
  }
  return usage;
}

/** Bytes (apparent size) of a file, or of everything in a folder; 0 when there is nothing. */
export function bytesUnder(entry: string): number {
  let stats;
  try {
    stats = statSync(entry);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.size;
  return readdirSync(entry).reduce((sum, name) => sum + bytesUnder(path.join(entry, name)), 0);
}
