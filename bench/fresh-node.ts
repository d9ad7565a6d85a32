import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { DemoCredentials } from "../server/demo";
import { freePort, startNode, type NodeProcess } from "../test/e2e/node-process";

/** A node started on a fresh data folder for a bench, with where it answers and its demo consortium's tokens. */
export interface FreshNode {
  node: NodeProcess;
  dataDir: string;
  api: string;
  rpcUrl: string;
  /** The demo consortium's tokens and accounts (demo-credentials.json). */
  demo: DemoCredentials;
}

/**
 * Runs `work` against a node as `npm start` runs it, on a fresh data folder and free ports with `env` added (logs at
 * error level), then stops the node and removes the folder, whether `work` succeeded or not.
 */
export async function withFreshNode<T>(env: Record<string, string>, work: (fresh: FreshNode) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "certledger-bench-"));
  const ports = { CHAIN_PORT: String(await freePort()), PORT: String(await freePort()) };
  const node = startNode({ DATA_DIR: dataDir, ...ports, LOG_LEVEL: "error", ...env });
  try {
    await node.ready();
    const demo = JSON.parse(await readFile(path.join(dataDir, "demo-credentials.json"), "utf8")) as DemoCredentials;
    return await work({ node, dataDir, api: `http://127.0.0.1:${ports.PORT}`, rpcUrl: `http://127.0.0.1:${ports.CHAIN_PORT}`, demo });
  } finally {
    if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill("SIGINT");
    await node.exited;
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Waits (up to 10 s) until the node's /readyz says ready: its index has caught up, so verification reads settled data. */
export async function untilReady(api: string): Promise<void> {
  for (let i = 0; i < 100 && (await fetch(`${api}/readyz`)).status !== 200; i++) await new Promise((resolve) => setTimeout(resolve, 100));
}
