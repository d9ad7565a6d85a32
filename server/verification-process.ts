/**
 * A verification process: one of VERIFY_PROCESSES processes that share the node's public port (node:cluster), so that
 * verifications are answered on every core. It answers anonymous verifications by hash (`GET /v1/verify/{certHash}`,
 * the verifier page's and the public's question) itself, by the app's own handlers without Express's router
 * (server/direct-route.ts), from the files the node writes — the chain index, read-only,
 * and the embedded IPFS node's blocks — and the chain, at a head block of its own no older than the node's bound. It
 * forwards every other request to the node over the node's internal socket, so whatever writes, holds keys or needs a
 * token stays in one process.
 *
 * What it cannot read alone it asks the node over IPC (process-channel.ts): the index read up to a new head block, a
 * payload the file does not hold whole, this node's own batch members not yet indexed, and the public rate limit's
 * counts (kept in the node, so a client's limit holds whichever process answers it). The node tells it each block it
 * learns of through its own writes, so a revocation sent through this node shows here in the very next verification.
 */
import type { IncomingMessage } from "node:http";
import path from "node:path";
import type { ClientRateLimitInfo, Store } from "express-rate-limit";
import { readDeployment } from "../src/chain/deployment";
import { LedgerClient } from "../src/chain/ledger-client";
import { connectRpc } from "../src/chain/provider";
import type { BlockHeader } from "../src/index/chain-reader";
import { IndexView } from "../src/index/index-view";
import { createPayloadStore } from "../src/ipfs";
import { openLocalPayloadReader } from "../src/ipfs/local-payload-reader";
import type { PayloadReader } from "../src/ipfs/payload-store";
import type { BatchMember } from "../src/merkle/batch";
import { OriginClient } from "../src/origin";
import { CertificateUseReader, OutcomesClient } from "../src/outcomes";
import type { ReceiptSigningKey } from "../src/verify";
import { Verifier } from "../src/verify";
import { createVerificationApp } from "./app";
import { Auth } from "./auth";
import { HEAD_MAX_AGE_MS, type ServerConfig } from "./config";
import { expressServerClasses } from "./express-classes";
import { forwardToNode } from "./forward-to-node";
import { start as listen, type RunningServer } from "./http-server";
import { createLogger } from "./logger";
import { Metrics } from "./metrics";
import { ProcessChannel } from "./process-channel";
import { loadServerKey } from "./server-key";
import { TokenRevocations } from "./token-revocations";

/** What the node sends a verification process before it may start. */
export interface VerificationProcessStart {
  /** The node's configuration (without the keyring's password, which this process has no use for). */
  config: ServerConfig;
  rpcUrl: string;
  /** The node's internal socket, where everything this process does not answer goes. */
  socketPath: string;
  receiptKey: ReceiptSigningKey;
}

/** A certHash path, its query aside: the one route this process answers (with no token; a token's verification goes to the node). */
const VERIFY_BY_HASH = /^\/v1\/verify\/([^/?#]+)(?:\?|$)/;

/**
 * The certHash of an anonymous GET /v1/verify/{certHash}, decoded as Express decodes a path parameter; undefined for
 * any other request (forwarded to the node), and for a path that does not decode (the node's own route answers 400).
 */
export function anonymousVerificationByHash(req: IncomingMessage): string | undefined {
  if (req.method !== "GET" || req.headers.authorization !== undefined) return undefined;
  const found = VERIFY_BY_HASH.exec(req.url ?? "");
  if (!found) return undefined;
  try {
    return decodeURIComponent(found[1]);
  } catch {
    return undefined;
  }
}

async function run(channel: ProcessChannel, start: VerificationProcessStart): Promise<RunningServer> {
  const { config } = start;
  const logger = createLogger(config.logLevel).child({ process: `verification ${process.env.CERTLEDGER_VERIFICATION_PROCESS}` });
  const deployment = await readDeployment(config.deploymentFile);
  const provider = connectRpc(start.rpcUrl, { chainId: deployment.chainId });
  const client = LedgerClient.connect({
    deployment,
    provider,
    confirmations: config.confirmations,
    fees: config.fees,
    headMaxAgeMs: HEAD_MAX_AGE_MS,
  });
  channel.on<number>("observed", (block) => client.head.observe(block));

  const index = IndexView.open({
    file: path.join(config.dataDir, "index.sqlite"),
    client,
    catchUp: (block) => channel.ask<BlockHeader | undefined>("catchUp", block),
  });
  const fromNode: PayloadReader["get"] = (cid, options) => channel.ask<Uint8Array>("payload", { cid, maxBytes: options?.maxBytes });
  const payloads: PayloadReader = config.ipfsApiUrl
    ? await createPayloadStore({ kind: "kubo", url: config.ipfsApiUrl })
    : openLocalPayloadReader({ file: path.join(config.dataDir, "ipfs", "ipfs.sqlite"), fetch: fromNode });
  const verifier = new Verifier({
    client,
    payloads,
    // The node's own batch members are known from its outbox before the index has read their manifest.
    batches: { locate: async (certHash) => (await index.locate(certHash)) ?? channel.ask<BatchMember | undefined>("locate", certHash) },
    events: index,
    origin: deployment.origin ? OriginClient.of(client) : undefined,
    maxFileBytes: config.maxFileBytes,
  });
  const useReader = deployment.outcomes ? new CertificateUseReader(OutcomesClient.of(client), payloads) : undefined;
  const auth = new Auth(await loadServerKey(config.dataDir), {
    issuer: config.jwtIssuer,
    defaultTtlSeconds: config.jwtTtlSeconds,
    revocations: TokenRevocations.open(path.join(config.dataDir, "token-revocations.sqlite")),
  });
  const answersHere = (req: IncomingMessage) => anonymousVerificationByHash(req) !== undefined;
  // Its requests are counted here and summed into the node's /metrics at each scrape.
  const metrics = new Metrics();
  channel.answer("metrics", () => metrics.registry.getMetricsAsJSON());
  const { app, listener } = createVerificationApp(
    { config, auth, logger, metrics, client, verifier, useReader, receiptKey: start.receiptKey },
    {
      front: forwardToNode(start.socketPath, answersHere),
      byHash: anonymousVerificationByHash,
      rateLimitStore: new CountsInTheNode(channel),
    },
  );
  // Through node:cluster this listens on the node's public port, which the node's process shares out connection by connection.
  return listen(listener, { port: config.port, host: config.host, classes: expressServerClasses(app) });
}

/** The public rate limit's counts, kept in the node's process (see VerificationProcessPool). */
class CountsInTheNode implements Store {
  constructor(private readonly channel: ProcessChannel) {}

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const { totalHits, resetTime } = await this.channel.ask<{ totalHits: number; resetTime?: Date }>("rateLimit", { op: "increment", key });
    return { totalHits, resetTime };
  }

  async decrement(key: string): Promise<void> {
    await this.channel.ask("rateLimit", { op: "decrement", key });
  }

  async resetKey(key: string): Promise<void> {
    await this.channel.ask("rateLimit", { op: "resetKey", key });
  }
}

if (require.main === module) {
  const channel = new ProcessChannel((message) => process.send!(message));
  let running: RunningServer | undefined;
  process.on("message", (message) => channel.receive(message));
  // Only now can a message reach this process's handlers: the node waits for this before it sends "start".
  channel.tell("ready", null);
  channel.answer<VerificationProcessStart, { url: string }>("start", async (start) => {
    running = await run(channel, start);
    return { url: running.url };
  });
  // The node stopped or went away: stop taking connections, let the requests in flight finish, then end.
  process.on("disconnect", () => {
    channel.close("the node's process went away");
    void (running?.stop() ?? Promise.resolve()).then(() => process.exit(0));
  });
}
