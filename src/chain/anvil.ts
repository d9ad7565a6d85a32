import { spawn, type ChildProcess } from "node:child_process";
import { access, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { CertLedgerError } from "../errors";
import { ChainStateFile } from "./chain-state-file";
import { rpc } from "./embedded-rpc";
import { StateDumpThread } from "./state-dump-thread";

/** A running anvil node: the embedded, persistent single-node chain of the default set-up. */
export interface EmbeddedChain {
  readonly rpcUrl: string;
  /** Resolves once block `blockNumber` is in the state file on disk (see {@link ChainStateFile}). */
  durable(blockNumber: number): Promise<void>;
  /** Writes the chain's state to its file now (e.g. after a deployment); returns the block it holds up to. */
  persist(): Promise<number>;
  /** Writes the state and stops the node. */
  stop(): Promise<void>;
}

export interface EmbeddedChainOptions {
  /** Where the chain's state lives between runs (loaded at start, written periodically, when asked and on stop). */
  stateFile: string;
  host?: string;
  port: number;
  /** Seconds between periodic state writes when blocks were mined, for what nobody asked to be durable. */
  dumpIntervalSeconds?: number;
  /** Where anvil's own output goes; by default it is dropped. */
  log?: (line: string) => void;
  /** Told when anvil exited on its own (killed, crashed) and was started again from its state file. */
  onRestart?: (details: { exitCode: number | null; signal: string | null }) => void;
}

/**
 * How many recent blocks' states anvil keeps, in memory only (`--prune-history`): a read at a block further back is
 * refused (BlockOutOfRangeError); blocks, transactions and logs stay, however old. A verification reads at the head it
 * started from, so this is its time to finish at the chain's busiest: ~5 s at 46 blocks a second (status changes at
 * 1M in `npm run bench:scale`), ~20 s while batches are anchored. By default anvil keeps 500 in memory and writes
 * the rest to ~/.foundry/anvil/tmp, outside the data folder, up to 3,600 and ~1.3 MB each at 1M certificates, and
 * leaves them there when it exits, even on SIGINT: 74 GB had piled up on this machine. At 1M, 256 states took 343 MB of
 * anvil's memory, against 480 MB for its default 500 (measured by hand, 700 blocks mined on a 1M state).
 */
export const STATE_HISTORY_BLOCKS = 256;

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

/**
 * Starts anvil from the state in `stateFile` and resolves once it answers JSON-RPC. The state file is written by this
 * process (see {@link ChainStateFile}): periodically while blocks are mined, whenever {@link EmbeddedChain.durable}
 * asks, and on stop. An anvil that exits on its own (killed, out of memory) is started again from the file: the
 * blocks mined since the last write are gone, which the node's readers notice and repair (src/pipeline/chain-audit).
 */
export async function startEmbeddedChain(options: EmbeddedChainOptions): Promise<EmbeddedChain> {
  const host = options.host ?? "127.0.0.1";
  const stateFile = path.resolve(options.stateFile);
  const stateDir = path.dirname(stateFile);
  await mkdir(stateDir, { recursive: true });
  const pidFile = path.join(stateDir, "anvil.pid");
  await stopOrphan(pidFile, stateFile);
  const rpcUrl = `http://${host}:${options.port}`;
  // Dumps are made on a thread: at 1M certificates each one's answer is tens of MB for the event loop to read.
  const dumps = new StateDumpThread();
  const state = new ChainStateFile(stateFile, rpcUrl, (url, file) => dumps.dump(url, file));
  let running = await launch(options, host, stateFile, rpcUrl);
  await writeFile(pidFile, String(running.child.pid));
  let stopping = false;
  let restarting: Promise<void> | undefined;
  const supervise = (current: Launched) => {
    void current.exited.then(() => {
      if (stopping) return;
      state.restarted();
      restarting = (async () => {
        for (let attempt = 0; !stopping; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** attempt, 5_000)));
          if (stopping) return;
          try {
            running = await launch(options, host, stateFile, rpcUrl);
          } catch (error) {
            options.log?.(`anvil did not restart: ${(error as Error).message}`);
            continue;
          }
          await writeFile(pidFile, String(running.child.pid));
          options.onRestart?.({ exitCode: current.child.exitCode, signal: current.child.signalCode });
          supervise(running);
          return;
        }
      })().finally(() => (restarting = undefined));
    });
  };
  supervise(running);

  // What nobody asked to be durable (registrations, other parties' transactions) is written every few seconds.
  const interval = setInterval(
    () => {
      void rpc<string>(rpcUrl, "eth_blockNumber")
        .then((head) => (Number(head) > state.durableHead ? state.writePaced() : undefined))
        .catch(() => undefined); // anvil is restarting or stopping: the next turn writes
    },
    (options.dumpIntervalSeconds ?? 2) * 1000,
  );
  interval.unref();

  return {
    rpcUrl,
    durable: (blockNumber) => state.durable(blockNumber),
    persist: () => state.write(),
    stop: async () => {
      clearInterval(interval);
      // The last state is written while anvil still runs; then it stops and is not started again.
      await state.write().catch((error: unknown) => options.log?.(`anvil state not written on stop: ${(error as Error).message}`));
      stopping = true;
      await restarting;
      await stopChild(running.child, running.exited);
      await dumps.close();
      await rm(pidFile, { force: true });
    },
  };
}

interface Launched {
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** Spawns anvil on `options.port`, from `stateFile` when it exists, and waits until it answers. */
async function launch(options: EmbeddedChainOptions, host: string, stateFile: string, rpcUrl: string): Promise<Launched> {
  const exists = await access(stateFile).then(
    () => true,
    () => false,
  );
  const args = [
    "--host",
    host,
    "--port",
    String(options.port),
    ...(exists ? ["--load-state", stateFile] : []),
    "--prune-history",
    String(STATE_HISTORY_BLOCKS),
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
  return { child, exited };
}

/**
 * Stops an anvil left running by a server that was killed (SIGKILL gives a parent no chance to stop its children), so
 * that it releases the port, after writing its state to `stateFile` so that the new one loads every block it had.
 * Only a process that is anvil is touched.
 */
async function stopOrphan(pidFile: string, stateFile: string): Promise<void> {
  const pid = Number(await readFile(pidFile, "utf8").catch(() => ""));
  if (!Number.isInteger(pid) || pid <= 0) return;
  const command = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  if (command.includes("anvil")) {
    const args = command.split("\0");
    const at = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
    if (args.includes("--port")) {
      await new ChainStateFile(stateFile, `http://${at("--host") ?? "127.0.0.1"}:${at("--port")}`).write().catch(() => undefined);
    }
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
