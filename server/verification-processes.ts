/**
 * The node's side of its verification processes (VERIFY_PROCESSES, see server/verification-process.ts): it forks
 * them through node:cluster, which shares the public port out among them connection by connection; answers what they
 * ask (the index read up to a block, payloads, its own batch members, the public rate limit's counts); tells them each
 * block its own writes reach; and answers on an internal socket everything they forward. A process that dies is
 * started again.
 *
 * The processes are forked as the node starts (VerificationProcessPool), so that loading their code overlaps the
 * node's own start (the chain, IPFS, the index); they take the port once the node's app exists (`start`).
 */
import cluster, { type Worker } from "node:cluster";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Express } from "express";
import { MemoryStore } from "express-rate-limit";
import type { Logger } from "pino";
import { CertLedgerError } from "../src/errors";
import type { LedgerClient } from "../src/chain/ledger-client";
import type { ChainIndex } from "../src/index";
import { loadsTypeScript, TYPESCRIPT_FLAGS } from "../src/typescript-sources";
import type { PayloadReader } from "../src/ipfs/payload-store";
import type { BatchMember } from "../src/merkle/batch";
import type { ReceiptSigningKey } from "../src/verify";
import type { ServerConfig } from "./config";
import type { ProcessMetrics } from "./metrics";
import { clientNamedByForwarder } from "./forward-to-node";
import { expressServerClasses } from "./express-classes";
import { start as listen, type RunningServer } from "./http-server";
import { ProcessChannel } from "./process-channel";
import type { VerificationProcessStart } from "./verification-process";

/** What the processes read through the node, and what they answer for. */
export interface VerificationProcessesOptions {
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
}

/** The module a process runs: the TypeScript source through ts-node (no build step), or the compiled JavaScript. */
const ENTRY = path.join(__dirname, __filename.endsWith(".ts") ? "verification-process.ts" : "verification-process.js");
/** A process that died is started again after this wait (so one that cannot start does not spin a core). */
const RESTART_AFTER_MS = 1_000;

/** The node's verification processes: forked at once, answering once started. */
export class VerificationProcessPool {
  readonly #logger: Logger;
  readonly #processes = new Map<Worker, { channel: ProcessChannel; loaded: Promise<void> }>();
  #started: { start: VerificationProcessStart; options: VerificationProcessesOptions; internal: RunningServer; folder: string } | undefined;
  #unobserve: (() => void) | undefined;
  #stopping: Promise<void> | undefined;

  /** Forks `count` processes, which load their code and wait for {@link start}. */
  constructor(count: number, logger: Logger) {
    this.#logger = logger;
    cluster.setupPrimary({
      exec: ENTRY,
      // The node's own flags (a profiler's, a heap limit, its TypeScript loader) apply to its processes too. From the
      // TypeScript sources they are loaded through esbuild (src/typescript-sources.ts), also when the node runs under
      // ts-node: ts-node's compiler took 3.5 s of CPU to load a process (0.8 s with esbuild), and processes starting
      // together on a restart take the cores from the node while it gets ready.
      execArgv: [...nodeFlags(process.execArgv), ...(ENTRY.endsWith(".ts") && !loadsTypeScript(process.execArgv) ? TYPESCRIPT_FLAGS : [])],
      serialization: "advanced",
    });
    for (let slot = 1; slot <= count; slot++) this.#fork(slot);
  }

  /**
   * Has every process take the public port, answering for `app`, and resolves with the port's URL once they all
   * listen. `app` then answers only what they forward, on an internal socket in a private temporary folder.
   */
  async start(app: Express, options: VerificationProcessesOptions): Promise<string> {
    const folder = mkdtempSync(path.join(os.tmpdir(), "certledger-node-"));
    const socketPath = path.join(folder, "api.sock");
    // Idle connections from the processes' keep-alive agents are kept a minute, so a forwarded request seldom races a close.
    const internal = await listen(clientNamedByForwarder(app), {
      path: socketPath,
      keepAliveTimeoutMs: 60_000,
      classes: expressServerClasses(app),
    });
    this.#started = {
      start: {
        config: { ...options.config, keyringPassword: undefined },
        rpcUrl: options.rpcUrl,
        socketPath,
        receiptKey: options.receiptKey,
      },
      options,
      internal,
      folder,
    };
    // Each block the node's own writes reach (a revocation's receipt, the index's read) makes an older head stale in
    // every process, as it does in the node's.
    this.#unobserve = options.client.head.onObserve((block) => {
      for (const { channel } of this.#processes.values()) channel.tell("observed", block);
    });
    const urls = await Promise.all([...this.#processes.values()].map((each) => this.#startOne(each.channel, each.loaded)));
    return urls[0];
  }

  /** Each running process's metrics (those that answer within a second). */
  async metrics(): Promise<ProcessMetrics[]> {
    const asked = [...this.#processes.values()].map(({ channel }) =>
      channel.ask<ProcessMetrics>("metrics", null, { timeoutMs: 1_000 }).catch(() => undefined),
    );
    return (await Promise.all(asked)).filter((each): each is ProcessMetrics => each !== undefined);
  }

  /** Stops the processes (letting their requests in flight finish, up to `graceMs`), then the internal socket. */
  stop({ graceMs = 5_000 } = {}): Promise<void> {
    this.#stopping ??= (async () => {
      this.#unobserve?.();
      await Promise.all([...this.#processes.keys()].map((worker) => stopWorker(worker, graceMs)));
      const started = this.#started;
      if (!started) return;
      await started.internal.stop({ graceMs });
      rmSync(started.folder, { recursive: true, force: true });
    })();
    return this.#stopping;
  }

  #fork(slot: number): { channel: ProcessChannel; loaded: Promise<void> } {
    const worker = cluster.fork({ CERTLEDGER_VERIFICATION_PROCESS: String(slot) });
    const channel = this.#answering(worker);
    worker.on("message", (message) => channel.receive(message));
    const loaded = new Promise<void>((resolve, reject) => {
      channel.on("ready", () => resolve());
      worker.once("exit", () => reject(new Error("the verification process exited as it started")));
    });
    loaded.catch(() => undefined); // an early exit is reported by whoever waits for it, and by "exit" below
    const entry = { channel, loaded };
    this.#processes.set(worker, entry);
    worker.on("exit", (code, signal) => {
      this.#processes.delete(worker);
      channel.close("the verification process exited");
      if (this.#stopping) return;
      this.#logger.warn({ slot, code, signal }, "verification process exited; starting it again");
      setTimeout(() => {
        if (this.#stopping) return;
        const replacement = this.#fork(slot);
        if (this.#started) {
          this.#startOne(replacement.channel, replacement.loaded).catch((error: unknown) =>
            this.#logger.error({ slot, error: String(error) }, "verification process did not start"),
          );
        }
      }, RESTART_AFTER_MS).unref();
    });
    return entry;
  }

  /** Once the process has loaded, has it take the port; resolves with where it listens. */
  async #startOne(channel: ProcessChannel, loaded: Promise<void>): Promise<string> {
    await loaded;
    const { url } = await channel.ask<{ url: string }>("start", this.#started!.start);
    return url;
  }

  /** The node's answers to one process's questions (once started: nothing is asked before). */
  #answering(worker: Worker): ProcessChannel {
    const options = () => {
      if (!this.#started) throw new CertLedgerError("NOT_READY", "the node has not started its verification processes yet");
      return this.#started.options;
    };
    return new ProcessChannel((message) => worker.send(message as object))
      .answer<number, unknown>("catchUp", (block) => options().index.catchUp(block))
      .answer<{ cid: string; maxBytes?: number }, Uint8Array>("payload", ({ cid, maxBytes }) => options().payloads.get(cid, { maxBytes }))
      .answer<string, BatchMember | undefined>("locate", (certHash) => options().member(certHash))
      .answer<{ op: "increment" | "decrement" | "resetKey"; key: string }, unknown>("rateLimit", ({ op, key }) => {
        const counts = options().rateLimitCounts;
        if (op === "increment") return counts.increment(key);
        return op === "decrement" ? counts.decrement(key) : counts.resetKey(key);
      });
  }
}

/** Disconnects `worker` (it finishes what it answers, then exits), and kills it if it has not exited after `graceMs`. */
function stopWorker(worker: Worker, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (worker.isDead()) return resolve();
    const timer = setTimeout(() => worker.process.kill("SIGKILL"), graceMs + 1_000);
    worker.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    worker.disconnect();
  });
}

/**
 * Node's own flags among `execArgv`: ts-node's command line puts itself there (its script and options), so that the
 * processes a ts-node program forks run through ts-node too; a verification process is loaded through esbuild instead.
 */
function nodeFlags(execArgv: string[]): string[] {
  const tsNode = execArgv.findIndex((arg) => /[\\/]ts-node[\\/]dist[\\/]bin\.js$/.test(arg));
  return tsNode < 0 ? execArgv : execArgv.slice(0, tsNode);
}
