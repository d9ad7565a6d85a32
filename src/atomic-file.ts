import { randomBytes } from "node:crypto";
import { open, rename } from "node:fs/promises";
import path from "node:path";

/** How {@link writeFileAtomically} writes. */
export interface AtomicWriteOptions {
  /** The file's mode (default 0o600: the node's files are its owner's only). */
  mode?: number;
  /**
   * Also fsync the file before the rename and the folder after it, so the new file survives a power cut, not only a
   * crash of the process (the embedded chain's state, which "anchored" relies on).
   */
  durable?: boolean;
}

/**
 * Writes `data` to a fresh file beside `file` and renames it over `file`, so that a crash leaves the old file or the new
 * one, never half of one: the one way the node rewrites a whole file (deployment, keyring, chain state, replicator
 * cursor, the CLI's run record).
 */
export async function writeFileAtomically(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const temporary = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  const handle = await open(temporary, "w", options.mode ?? 0o600);
  try {
    await handle.writeFile(data);
    if (options.durable) await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  if (!options.durable) return;
  // The rename is durable only once the folder's entry is.
  const folder = await open(path.dirname(file), "r");
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
