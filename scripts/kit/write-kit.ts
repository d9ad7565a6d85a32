import { chmod, mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { kitError } from "./kit-input";
import type { KitFile } from "./kit-plan";

/**
 * Writes `files` under `out`: secrets 0600 in folders 0700, the rest 0644. Refuses a folder that already has files,
 * so that a second run never mixes two networks' keys (or overwrites the only copy of a private key).
 */
export async function writeKitFiles(out: string, files: KitFile[]): Promise<void> {
  const existing = await readdir(out).catch(() => []);
  if (existing.length > 0) throw kitError(`${out} is not empty: give a new folder (the kit never overwrites keys)`);
  for (const file of files) {
    const target = path.join(out, file.path);
    await mkdir(path.dirname(target), { recursive: true, mode: file.secret ? 0o700 : 0o755 });
    await writeFile(target, file.content, { mode: file.secret ? 0o600 : file.path.endsWith(".sh") ? 0o755 : 0o644, flag: "wx" });
    // The umask may have narrowed or (for mkdir) kept wider modes: set them exactly.
    await chmod(target, file.secret ? 0o600 : file.path.endsWith(".sh") ? 0o755 : 0o644);
  }
}
