import { readFile } from "node:fs/promises";

/**
 * How large the embedded chain's state file is, and what makes it so: anvil's dump holds every block and every
 * transaction mined (each with its call trace), not only the contracts' storage, so it grows with the chain's history,
 * and each dump the node asks for (src/chain/chain-state-file.ts) serialises it whole. Said beside the accept figures:
 * anvil's CPU per credential follows it.
 */
export async function chainStateSize(file: string): Promise<string> {
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return "";
  let state: { blocks?: unknown[]; transactions?: unknown[] };
  try {
    state = JSON.parse(text) as typeof state;
  } catch {
    return `${megabytes(text.length)} (not readable as anvil's JSON)`;
  }
  const blocks = state.blocks?.length ?? 0;
  const transactions = state.transactions?.length ?? 0;
  const history = JSON.stringify(state.transactions ?? []).length;
  return `${megabytes(text.length)}, ${blocks} blocks and ${transactions} transactions (their part ${megabytes(history)})`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
