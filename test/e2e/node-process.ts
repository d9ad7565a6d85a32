/** A CertLedger node (`server/main.ts`) as its own process, for tests that stop, kill and restart it. */
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { TYPESCRIPT_FLAGS } from "../../src/typescript-sources";

const ROOT = path.resolve(__dirname, "../..");

// One free-port finder for scripts and tests (scripts may not import tests, so it lives there).
export { freePort } from "../../scripts/network";

export interface NodeProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Resolves once the node printed that it is ready. */
  ready(timeoutMs?: number): Promise<void>;
}

/**
 * Starts `server/main.ts` with `env` (as `npm start` does after compiling). `detached` gives the node a process group of
 * its own (the node and the anvil it starts), so that a test can SIGKILL the group as a power cut would.
 */
export function startNode(env: Record<string, string>, options: { detached?: boolean } = {}): NodeProcess {
  // NODE_PROFILE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), in `env` or this process's, profiles the node;
  // NODE_OPTIONS may not carry them.
  const nodeArgs = (env.NODE_PROFILE_ARGS ?? process.env.NODE_PROFILE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...TYPESCRIPT_FLAGS, "server/main.ts"], {
    cwd: ROOT,
    // The tests poll hard from one address: the public rate limit is for the outside world.
    env: { ...process.env, LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "1000000", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.detached ?? false,
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  return {
    child,
    output: () => output,
    exited,
    async ready(timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes("CertLedger is ready")) {
        if (gone) throw new Error(`the node exited before it was ready:\n${output}`);
        if (Date.now() > deadline) throw new Error(`the node was not ready in time:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
  };
}

/** Polls `probe` until it returns true, failing after `timeoutMs`. */
export async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A node's verification processes (VERIFY_PROCESSES): its child processes running verification-process.ts (Linux /proc). */
export async function verificationProcessesOf(pid: number): Promise<number[]> {
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => "")).split(" ").filter(Boolean).map(Number);
  const found: number[] = [];
  for (const child of children) {
    if ((await readFile(`/proc/${child}/cmdline`, "utf8").catch(() => "")).includes("verification-process")) found.push(child);
  }
  return found;
}
