/**
 * The node the scale bench (bench/scale.ts) loads: `server/main.ts` as its own process, as `npm start` runs it (embedded
 * anvil, Helia, outbox, batcher, index, API) on a data folder that outlives it, and what the bench reads of it over
 * HTTP and /proc: readiness, the outbox's counts, the index's totals, resident memory.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePort, startNode, type NodeProcess } from "../test/e2e/node-process";

/** An issuing authority of the demo consortium, as the bench submits for it. */
export interface Issuer {
  id: number;
  token: string;
}

/** A running node and how long it took to start. */
export interface ScaleNode {
  api: string;
  dataDir: string;
  process: NodeProcess;
  /** The demo parties' issuing authorities: KG's certification body, KZ's chamber of commerce, UZ's plant inspectorate. */
  issuers: { kg: Issuer; kz: Issuer; uz: Issuer };
  /** From spawning the process to "CertLedger is ready" (chain loaded, index caught up with the chain's events). */
  readyMs: number;
  /** From spawning the process to /readyz answering 200 (chain, IPFS and index ready). */
  readyzMs: number;
  stop(): Promise<void>;
}

/**
 * Starts the node on `dataDir` (seeding the demo consortium on its first start) and waits until /readyz says ready. A
 * node an earlier run of the bench left running on the folder (the bench was killed) is stopped first.
 */
export async function startScaleNode(dataDir: string, env: Record<string, string> = {}): Promise<ScaleNode> {
  const pidFile = `${dataDir}.node-pid`;
  await stopLeftover(pidFile);
  const ports = { CHAIN_PORT: String(await freePort()), PORT: String(await freePort()) };
  const api = `http://127.0.0.1:${ports.PORT}`;
  const started = performance.now();
  const child = startNode({ DATA_DIR: dataDir, ...ports, LOG_LEVEL: "error", ...env });
  writeFileSync(pidFile, String(child.child.pid));
  const stop = async () => {
    if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill("SIGINT");
    await child.exited;
    rmSync(pidFile, { force: true });
  };
  try {
    await child.ready(30 * 60_000);
    const readyMs = performance.now() - started;
    await waitFor("/readyz", 30 * 60_000, async () => (await fetch(`${api}/readyz`)).status === 200);
    const readyzMs = performance.now() - started;
    const demo = JSON.parse(readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8")) as {
      parties: Record<string, { authorities: Issuer[] }>;
    };
    const issuer = (party: string): Issuer => {
      const { id, token } = demo.parties[party].authorities[0];
      return { id, token };
    };
    return { api, dataDir, process: child, issuers: { kg: issuer("KG"), kz: issuer("KZ"), uz: issuer("UZ") }, readyMs, readyzMs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The outbox's requests by status, from the node's /metrics. */
export async function outboxCounts(api: string): Promise<Record<string, number>> {
  const metrics = await (await fetch(`${api}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const [, status, count] of metrics.matchAll(/^certledger_outbox_requests\{status="(\w+)"\} (\d+)$/gm))
    counts[status] = Number(count);
  return counts;
}

/** How many of `issuer`'s certificates the node's chain index holds (with `status`: only those). */
export async function indexTotal(api: string, issuer: Issuer, status?: "revoked" | "suspended"): Promise<number> {
  const query = `authority=${issuer.id}&limit=1${status ? `&status=${status}` : ""}`;
  const response = await fetch(`${api}/v1/certificates?${query}`, { headers: { authorization: `Bearer ${issuer.token}` } });
  if (response.status !== 200) throw new Error(`GET /v1/certificates?${query}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { total: number }).total;
}

/** Resident and peak resident memory of process `pid` in bytes (Linux /proc), or undefined where there is none. */
export function memoryOf(pid: number | undefined): { rss: number; peak: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kib("VmRSS"), peak: kib("VmHWM") };
  } catch {
    return undefined;
  }
}

/** The process id of the node's embedded anvil. */
export function anvilPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(dataDir, "chain", "anvil.pid"), "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Stops (SIGINT: it saves its chain) the node whose process id is in `pidFile`, if it is still a running CertLedger node. */
async function stopLeftover(pidFile: string): Promise<void> {
  const pid = Number(existsSync(pidFile) ? readFileSync(pidFile, "utf8") : "");
  const running = () => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("server/main.ts");
    } catch {
      return false;
    }
  };
  if (Number.isInteger(pid) && pid > 0 && running()) {
    console.warn(`stopping the node (pid ${pid}) an earlier run left running`);
    process.kill(pid, "SIGINT");
    await waitFor(`the earlier node (pid ${pid}) stopping`, 120_000, async () => !running());
  }
  rmSync(pidFile, { force: true });
}

/** Polls `probe` every 250 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
