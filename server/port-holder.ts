/**
 * Who holds a TCP port, for the message of a node that cannot listen on its port (Linux /proc; elsewhere nothing is
 * said). Read only once listening has failed: it walks every process's open files.
 */
import { readdir, readFile, readlink } from "node:fs/promises";

const STATES: Record<string, string> = {
  "01": "a connection",
  "06": "a connection closing (TIME_WAIT)",
  "08": "a connection closing",
  "0A": "a listener",
};

/** E.g. "a listener of process 1234 (node server/main.ts)"; undefined when nothing can be told. */
export async function portHolder(port: number): Promise<string | undefined> {
  const sockets = new Map<string, string>(); // inode → what it is
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const lines = (await readFile(table, "utf8").catch(() => "")).split("\n").slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      if (fields.length < 10 || Number.parseInt(fields[1].split(":")[1] ?? "", 16) !== port) continue;
      sockets.set(fields[9], STATES[fields[3]] ?? `a socket in state ${fields[3]}`);
    }
  }
  if (sockets.size === 0) return undefined;
  const pids = (await readdir("/proc").catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const inode = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ""))?.[1];
      if (inode === undefined || !sockets.has(inode)) continue;
      const command = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).split("\0").filter(Boolean).join(" ");
      return `${sockets.get(inode)} of process ${pid} (${command.slice(0, 120) || "?"})`;
    }
  }
  // A socket no process owns: one closing after its process ended (inode 0), or another user's.
  return [...new Set(sockets.values())].join(", ") + " of no process this user can see";
}
