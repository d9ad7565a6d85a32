import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { CertLedgerError } from "../errors";

/** A running anvil node: the embedded, persistent single-node chain of the default set-up. */
export interface EmbeddedChain {
  readonly rpcUrl: string;
  /** Stops the node; anvil writes its state file on the way out. */
  stop(): Promise<void>;
}

export interface EmbeddedChainOptions {
  /** Where the chain's state lives between runs (loaded at start, dumped periodically and on exit). */
  stateFile: string;
  host?: string;
  port: number;
  /** Seconds between periodic state dumps, so a crash loses at most this much. */
  dumpIntervalSeconds?: number;
  /** Where anvil's own output goes; by default it is dropped. */
  log?: (line: string) => void;
}

/** The anvil binary shipped by `@foundry-rs/anvil`'s package for this platform (no download at run time). */
export function anvilBinary(): string {
  const arch = { x64: "amd64", arm64: "arm64" }[process.arch as string];
  const name = `@foundry-rs/anvil-${process.platform}-${arch}`;
  try {
    return path.join(path.dirname(require.resolve(`${name}/package.json`)), "bin", "anvil");
  } catch (cause) {
    throw new CertLedgerError("CHAIN_UNAVAILABLE", `no anvil binary for ${process.platform}/${process.arch} (package ${name})`, { cause });
  }
}

/** Starts anvil with its state in `stateFile` and resolves once it answers JSON-RPC. */
export async function startEmbeddedChain(options: EmbeddedChainOptions): Promise<EmbeddedChain> {
  const host = options.host ?? "127.0.0.1";
  const stateDir = path.dirname(path.resolve(options.stateFile));
  await mkdir(stateDir, { recursive: true });
  const pidFile = path.join(stateDir, "anvil.pid");
  await stopOrphan(pidFile);
  const args = [
    "--host",
    host,
    "--port",
    String(options.port),
    "--state",
    options.stateFile,
    "--state-interval",
    String(options.dumpIntervalSeconds ?? 2),
    // Its banner lists the development accounts' private keys; the caller prints what a user needs.
    "--silent",
  ];
  const child = spawn(anvilBinary(), args, { stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n").filter(Boolean)) {
      output.push(line);
      if (output.length > 50) output.shift();
      options.log?.(line);
    }
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const rpcUrl = `http://${host}:${options.port}`;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    await waitForRpc(rpcUrl, exited);
  } catch (error) {
    child.kill("SIGKILL");
    const detail = output.slice(-5).join(" | ");
    throw new CertLedgerError(
      "CHAIN_UNAVAILABLE",
      `anvil did not start on ${rpcUrl}: ${(error as Error).message}${detail ? ` (${detail})` : ""}`,
    );
  }
  await writeFile(pidFile, String(child.pid));
  return {
    rpcUrl,
    stop: async () => {
      await stopChild(child, exited);
      await rm(pidFile, { force: true });
    },
  };
}

/**
 * Stops an anvil left running by a server that was killed (SIGKILL gives a parent no chance to stop its children), so
 * that it releases the port and writes its state before the new one loads it. Only a process that is anvil is touched.
 */
async function stopOrphan(pidFile: string): Promise<void> {
  const pid = Number(await readFile(pidFile, "utf8").catch(() => ""));
  if (!Number.isInteger(pid) || pid <= 0) return;
  const command = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  if (command.includes("anvil")) {
    process.kill(pid, "SIGINT");
    for (let i = 0; i < 100 && (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")) !== ""; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await rm(pidFile, { force: true });
}

async function waitForRpc(rpcUrl: string, exited: Promise<number | null>, timeoutMs = 20_000): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] });
  while (Date.now() < deadline) {
    if (gone) throw new Error("the process exited");
    // A plain request: an ethers provider would log its own retries while the port is still closed.
    const answered = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body })
      .then((response) => response.ok)
      .catch(() => false);
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no answer within ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // SIGINT lets anvil dump its state before exiting; SIGKILL only if it hangs.
  child.kill("SIGINT");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
