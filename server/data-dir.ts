import { chmod, lstat, mkdir, readdir } from "node:fs/promises";
import path from "node:path";

/** The data folder and the folders in it: their owner only. */
const FOLDER_MODE = 0o700;
/** Files in it: the owner reads and writes them, nobody else reads them (keys, link keys, SQLite files, chain state). */
const FILE_MODE = 0o600;

/**
 * Makes the data folder its owner's alone before the server writes in it: created 0700, and what an earlier version
 * left readable to others (folders 755, files 644: the outbox, the index, the link keys, the IPFS blocks, the chain's
 * state, the deployment, demo-credentials.json, replication.json …) set to 0700 / 0600. Symbolic links are left as
 * they are, and not followed. Returns what it corrected, for the server to say so: a file others could read may
 * have been read.
 */
export async function secureDataDir(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true, mode: FOLDER_MODE });
  const corrected: string[] = [];
  await tighten(dir, corrected);
  return corrected;
}

/**
 * What the process creates from now on is its owner's alone (umask 077): SQLite's -wal and -shm files, Helia's
 * blocks and the embedded anvil's state are created by code that takes no mode. Called by the server at start-up,
 * never by a library: it is a process-wide setting.
 */
export function ownerOnlyFromNowOn(): void {
  process.umask(0o077);
}

async function tighten(entry: string, corrected: string[]): Promise<void> {
  const stats = await lstat(entry);
  if (stats.isSymbolicLink()) return;
  if (stats.isDirectory()) {
    if ((stats.mode & 0o777) !== FOLDER_MODE) {
      await chmod(entry, FOLDER_MODE);
      corrected.push(entry);
    }
    for (const name of await readdir(entry)) await tighten(path.join(entry, name), corrected);
  } else if (stats.isFile() && (stats.mode & 0o077) !== 0) {
    await chmod(entry, FILE_MODE);
    corrected.push(entry);
  }
}
