/**
 * Old block states that anvil runs left in anvil's own temporary folder. Before the embedded anvil kept its states in
 * memory only (STATE_HISTORY_BLOCKS in anvil.ts), every run wrote those past its 500th block there, up to GBs, and left
 * them when it exited; a node that was run that way still has them on its disk. Only counted, never removed: the
 * folder is every anvil's of this user, and one running now may be reading its own.
 */
import { readdir, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export interface AnvilLeftovers {
  folder: string;
  /** How many `anvil-state-*` folders, one per anvil run. */
  runs: number;
  bytes: number;
}

/** anvil's temporary folder: ~/.foundry/anvil/tmp. */
export function anvilTemporaryFolder(): string {
  return path.join(os.homedir(), ".foundry", "anvil", "tmp");
}

/** The `anvil-state-*` folders in anvil's temporary folder and their bytes; nothing when there are none. */
export async function anvilLeftovers(folder = anvilTemporaryFolder()): Promise<AnvilLeftovers | undefined> {
  const runs = (await readdir(folder).catch(() => [] as string[])).filter((name) => name.startsWith("anvil-state-"));
  let bytes = 0;
  for (const run of runs) {
    for (const file of await readdir(path.join(folder, run)).catch(() => [] as string[])) {
      bytes += (await stat(path.join(folder, run, file)).catch(() => undefined))?.size ?? 0;
    }
  }
  return runs.length > 0 ? { folder, runs: runs.length, bytes } : undefined;
}

/** Below this, leftovers are not worth a warning at start (a few test runs' worth). */
const LEFTOVERS_WORTH_A_WARNING = 100 * 1024 * 1024;

/** The leftovers worth a warning at a node's start: 100 MB or more of them. */
export async function anvilLeftoversToReport(folder = anvilTemporaryFolder()): Promise<AnvilLeftovers | undefined> {
  const leftovers = await anvilLeftovers(folder);
  return leftovers && leftovers.bytes >= LEFTOVERS_WORTH_A_WARNING ? leftovers : undefined;
}
