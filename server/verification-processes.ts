/**
 * The node's side of its verification processes (VERIFY_PROCESSES, see server/verification-process.ts): it forks
 * them through node:cluster, which shares the public port out among them connection by connection; answers what they
 * ask (the index read up to a block, payloads, its own batch members, the public rate limit's counts); tells them each
 * block its own writes reach; and answers on an internal socket everything they forward. A process that dies is
 * started again.
 */
import cluster, { type Worker } from "node:cluster";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import type { Express } from "express";
import { MemoryStore } from "express-rate-limit";
import type { Logger } from "pino";
import type { LedgerClient } from "../src/chain/ledger-client";
import type { ChainIndex } from "../src/index";
import type { PayloadReader } from "../src/ipfs/payload-store";
import type { BatchMember } from "../src/merkle/batch";
import type { ReceiptSigningKey } from "../src/verify";
import type { ServerConfig } from "./config";
import type { ProcessMetrics } from "./metrics";
import { clientNamedByForwarder } from "./forward-to-node";
import { ProcessChannel } from "./process-channel";
import type { VerificationProcessStart } from "./verification-process";

/** What the processes read through the node. */
export interface VerificationProcessesOptions {
  count: number;
  config: ServerConfig;
  rpcUrl: string;
  client: LedgerClient;
  index: Pick<ChainIndex, "catchUp">;
  payloads: PayloadReader;
  /** This node's own batch members, before the index has read their manifest (the outbox). */
  member(certHash: string): BatchMember | undefined;
  receiptKey: ReceiptSigningKey;
  /** The counts the node's own public rate limit keeps (passed to createApp as its store): the processes count there too. */
  rateLimitCounts: MemoryStore;
  logger: Logger;
}

/** The processes, running. */
export interface VerificationProcesses {
  /** Where the public port listens, e.g. http://127.0.0.1:8080 (the real port when 0 was asked for). */
  url: string;
  /** Each running process's metrics (those that answer within a second). */
  metrics(): Promise<ProcessMetrics[]>;
  /** Stops the processes (letting their requests in flight finish, up to `graceMs`), then the internal socket. */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/** The module a process runs: the TypeScript source through ts-node (no build step), or the compiled JavaScript. */
const ENTRY = path.join(__dirname, __filename.endsWith(".ts") ? "verification-process.ts" : "verification-process.js");
/** A process that died is started again after this wait (so one that cannot start does not spin a core). */
const RESTART_AFTER_MS = 1_000;

/**
 * Starts `options.count` verification processes in front of `app` and resolves once every one listens on the public
 * port. `app` then answers only what they forward, on an internal socket in a private temporary folder.
 */
export async function startVerificationProcesses(app: Express, options: VerificationProcessesOptions): Promise<VerificationProcesses> {
  const folder = mkdtempSync(path.join(os.tmpdir(), "certledger-node-"));
  const socketPath = path.join(folder, "api.sock");
  const internal = createServer(clientNamedByForwarder(app));
  internal.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => internal.once("error", reject).listen(socketPath, resolve));

  const { config, logger } = options;
  const start: VerificationProcessStart = {
    config: { ...config, keyringPassword: undefined },
    rpcUrl: options.rpcUrl,
    socketPath,
    receiptKey: options.receiptKey,
  };
  cluster.setupPrimary({
    exec: ENTRY,
    // The node's own flags (a profiler's, a heap limit) apply to its processes too. From the TypeScript sources they are
    // loaded through esbuild, not ts-node: ts-node's compiler took 3.5 s of CPU to load a process (0.8 s with esbuild),
    // and processes starting together on a restart take the cores from the node while it gets ready.
    execArgv: [...nodeFlags(process.execArgv), ...(ENTRY.endsWith(".ts") ? ["--require", "esbuild-register"] : [])],
    serialization: "advanced",
  });
  const channels = new Map<Worker, ProcessChannel>();
  let stopping = false;

  const fork = async (slot: number): Promise<number> => {
    const worker = cluster.fork({ CERTLEDGER_VERIFICATION_PROCESS: String(slot) });
    const channel = answering(worker, options);
    channels.set(worker, channel);
    worker.on("message", (message) => channel.receive(message));
    worker.on("exit", (code, signal) => {
      channels.delete(worker);
      channel.close("the verification process exited");
      if (stopping) return;
      logger.warn({ slot, code, signal }, "verification process exited; starting it again");
      setTimeout(() => {
        if (!stopping)
          fork(slot).catch((error: unknown) => logger.error({ slot, error: String(error) }, "verification process did not start"));
      }, RESTART_AFTER_MS).unref();
    });
    await new Promise<void>((resolve, reject) => {
      channel.on("ready", () => resolve());
      worker.once("exit", () => reject(new Error("the verification process exited as it started")));
    });
    const { port } = await channel.ask<{ port: number }>("start", start);
    return port;
  };

  // Each block the node's own writes reach (a revocation's receipt, the index's read) makes an older head stale in
  // every process, as it does in the node's.
  const unobserve = options.client.head.onObserve((block) => {
    for (const channel of channels.values()) {
      try {
        channel.tell("observed", block);
      } catch {
        // A process going away misses nothing it would still answer.
      }
    }
  });
  const stop = async ({ graceMs = 5_000 } = {}) => {
    stopping = true;
    unobserve();
    await Promise.all(
      [...channels.keys()].map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            const timer = setTimeout(() => worker.process.kill("SIGKILL"), graceMs + 1_000);
            worker.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            worker.disconnect();
          }),
      ),
    );
    await new Promise<void>((resolve) => {
      internal.close(() => resolve());
      internal.closeIdleConnections();
      setTimeout(() => internal.closeAllConnections(), graceMs).unref();
    });
    rmSync(folder, { recursive: true, force: true });
  };

  try {
    const ports = await Promise.all(Array.from({ length: options.count }, (_, i) => fork(i + 1)));
    const host = config.host.includes(":") ? `[${config.host}]` : config.host;
    const metrics = async () => {
      const asked = [...channels.values()].map((channel) =>
        channel.ask<ProcessMetrics>("metrics", null, { timeoutMs: 1_000 }).catch(() => undefined),
      );
      return (await Promise.all(asked)).filter((each): each is ProcessMetrics => each !== undefined);
    };
    return { url: `http://${host}:${ports[0]}`, metrics, stop };
  } catch (error) {
    await stop({ graceMs: 0 });
    throw error;
  }
}

/**
 * Node's own flags among `execArgv`: ts-node's command line puts itself there (its script and options), so that the
 * processes a ts-node program forks run through ts-node too; a verification process is loaded through esbuild instead.
 */
function nodeFlags(execArgv: string[]): string[] {
  const tsNode = execArgv.findIndex((arg) => /[\\/]ts-node[\\/]dist[\\/]bin\.js$/.test(arg));
  return tsNode < 0 ? execArgv : execArgv.slice(0, tsNode);
}

/** The node's answers to one process's questions. */
function answering(worker: Worker, options: VerificationProcessesOptions): ProcessChannel {
  const counts = options.rateLimitCounts;
  return new ProcessChannel((message) => worker.send(message as object))
    .answer<number, unknown>("catchUp", (block) => options.index.catchUp(block))
    .answer<{ cid: string; maxBytes?: number }, Uint8Array>("payload", ({ cid, maxBytes }) => options.payloads.get(cid, { maxBytes }))
    .answer<string, BatchMember | undefined>("locate", (certHash) => options.member(certHash))
    .answer<{ op: "increment" | "decrement" | "resetKey"; key: string }, unknown>("rateLimit", ({ op, key }) => {
      if (op === "increment") return counts.increment(key);
      return op === "decrement" ? counts.decrement(key) : counts.resetKey(key);
    });
}

export type { Server };
