/**
 * One node per data folder. blockstore-fs and datastore-fs take no lock of their own, and two nodes writing the same
 * pins and blocks would corrupt them, so a node claims its folder with a lock file holding its process id (as
 * Kubo does with `repo.lock`). A lock left by a process that has died is taken over.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { CertLedgerError } from "../errors";

/** The lock file's name inside the data folder. */
export const LOCK_FILE = "repo.lock";

/** Claims `dataDir` for this process and returns the function that releases it; IPFS_UNAVAILABLE if it is in use. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, LOCK_FILE);
  // Two rounds: the second follows the removal of a stale lock.
  for (let round = 0; round < 2; round++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: "wx" });
      return async () => {
        await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number.parseInt(await readFile(file, "utf8").catch(() => ""), 10);
    if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) {
      throw new CertLedgerError("IPFS_UNAVAILABLE", `the IPFS data folder ${dataDir} is in use by process ${holder} (its lock is ${file})`);
    }
    await rm(file, { force: true });
  }
  throw new CertLedgerError("IPFS_UNAVAILABLE", `could not lock the IPFS data folder ${dataDir}: another process keeps taking ${file}`);
}

function isRunning(pid: number): boolean {
  try {
    // Signal 0 only asks whether the process exists.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
