/**
 * The API's test world: the verifier's world (the ledger on the in-process Hardhat network, four authorities with
 * registered keys, KZ recognising KG's conformity certificates, one real Helia node) with the real pipeline (outbox,
 * anchoring service, batcher, status service), the real chain index and the real Verifier behind `createApp`, listening
 * on port 0. Every server started here is stopped by {@link stopServers}.
 */
import os from "node:os";
import path from "node:path";
import { mkdtemp, rm } from "node:fs/promises";
import { Writable } from "node:stream";
import { ethers } from "hardhat";
import type { Signer } from "ethers";
import { importingSide } from "../../server/importing-side";
import { originSide } from "../../server/origin-side";
import { certificateNumberHash } from "../../src/documents/hashing";
import { OriginClient } from "../../src/origin";
import { OutcomesClient } from "../../src/outcomes";
import { ChainIndex, verifierEvents } from "../../src/index";
import { Keyring } from "../../src/keys/keyring";
import { AnchoringService, Batcher, CertificateStatusService, IssuedCertificates, LinkKeyStore, Outbox } from "../../src/pipeline";
import { Verifier } from "../../src/verify";
import { Auth, type MintTokenInput } from "../../server/auth";
import { createApp, type AppDependencies } from "../../server/app";
import { loadConfig } from "../../server/config";
import { expressServerClasses } from "../../server/express-classes";
import { start } from "../../server/http-server";
import { createLogger } from "../../server/logger";
import { loadServerKey } from "../../server/server-key";
import { TokenRevocations } from "../../server/token-revocations";
import { DAY, payloadStore, stopPayloadStore, verifierWorld, type World } from "../verify/world";
import { loadFixture, time } from "../contracts/fixtures";

export { DAY, issueCredential, issueFile, pdfBytes, signedCredential, type World } from "../verify/world";

export const PUBLIC_URL = "https://certledger.example";

/** A running API server of the world, with what the tests look at behind it. */
export interface TestServer {
  url: string;
  world: World;
  deps: AppDependencies;
  outbox: Outbox;
  index: ChainIndex;
  batcher: Batcher;
  /** Every log line the server wrote. */
  logs: string[];
  token(input: MintTokenInput): Promise<string>;
  /** Shorthand: an issuer token of authority `authorityId`, a party-admin token of `party`. */
  issuerToken(authorityId: number): Promise<string>;
  adminToken(party: string): Promise<string>;
  /** Registers a border agency of `party` on the ledger (a fresh funded account this server writes from), with a customs token. */
  agency(party: string, name?: string): Promise<{ agencyId: number; token: string; account: string }>;
  /** The outcomes client writing as an account of `agencyId` (what a hostile agency could send straight to the contract). */
  agencyWriter(agencyId: number): Promise<OutcomesClient>;
  dataDir: string;
  /** Set before stop() to keep the data folder for a restart. */
  keepDataDir?: boolean;
  stop(): Promise<void>;
}

const running: TestServer[] = [];

/** Options of {@link startServer}: environment overrides, dependency overrides, and whether the index and batcher run. */
export interface ServerOptions {
  env?: Record<string, string>;
  deps?: Partial<AppDependencies>;
  /** Start the chain index's background loop (default true). */
  indexing?: boolean;
  /** Start the batcher (default true). */
  anchoring?: boolean;
  /** The world to serve, as another server left it (default: a fresh snapshot). */
  world?: World;
  /** A data folder to reuse, as another server left it (a restart): not deleted on stop. */
  dataDir?: string;
}

/** The world's ledger (a fresh snapshot) behind a freshly started API server. */
export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const world = options.world ?? (await loadFixture(verifierWorld));
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), "certledger-server-")));
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: "0",
    PUBLIC_URL,
    RATE_LIMIT_PER_MINUTE: "100000",
    LOG_LEVEL: "info",
    ...options.env,
  });
  const logs: string[] = [];
  const logger = createLogger(
    config.logLevel,
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logs.push(chunk.toString("utf8"));
        callback();
      },
    }),
  );
  const payloads = await payloadStore();
  const outbox = Outbox.open(path.join(dataDir, "outbox.sqlite"));
  // A real keyring for the data key that seals link keys, as runtime.ts has it (the signing keys are the world's).
  const vault = await Keyring.open(path.join(dataDir, "keys"), {
    password: "test keyring password",
    // Keeps each server start fast; production keyrings use the full KEYRING_PBES2_ITERATIONS.
    testOnlyIterations: 2048,
    accountSigner: async () => {
      throw new Error("the test keyring holds no accounts");
    },
  });
  const linkKeys = LinkKeyStore.open(path.join(dataDir, "link-keys.sqlite"), await vault.dataKey());
  const authorities = Object.values(world.authorities);
  const accountOf = (authorityId: number) => authorities.find((a) => a.id === authorityId)?.account;
  const admins: Record<string, Signer> = { KG: world.kgAdmin, KZ: world.kzAdmin, UZ: world.uzAdmin };
  const keyring = { signingKey: (authorityId: number) => authorities.find((a) => a.id === authorityId)?.key };
  const batcher = new Batcher({
    outbox,
    client: world.client,
    signerFor: accountOf,
    payloads,
    maxWaitMs: 30,
    pollIntervalMs: 5,
    retry: { baseDelayMs: 10, maxDelayMs: 100 },
    stopTimeoutMs: 500,
  });
  const index = ChainIndex.open({
    file: path.join(dataDir, "index.sqlite"),
    client: world.client,
    payloads,
    pollIntervalMs: 20,
    manifestTimeoutMs: 1_000,
    manifestRetryMs: 0,
    logger: { warn: () => undefined },
  });
  const serverKey = await loadServerKey(dataDir);
  const tokenRevocations = TokenRevocations.open(path.join(dataDir, "token-revocations.sqlite"));
  const auth = new Auth(serverKey, { issuer: config.jwtIssuer, defaultTtlSeconds: config.jwtTtlSeconds, revocations: tokenRevocations });
  const origin = world.client.deployment.origin ? OriginClient.of(world.client) : undefined;
  const verifier = new Verifier({
    client: world.client,
    payloads,
    origin,
    batches: index,
    events: verifierEvents(index),
    maxFileBytes: config.maxFileBytes,
  });
  const agencySigners = new Map<number, Signer>();
  const anchoring = new AnchoringService({ outbox, client: world.client, keyring, maxFileBytes: config.maxFileBytes, linkKeys });
  const deps: AppDependencies = {
    config,
    client: world.client,
    verifier,
    ...importingSide({
      client: world.client,
      verifier,
      payloads,
      signerForAgency: async (agencyId) => agencySigners.get(agencyId),
      partyDecryptionKey: (party) => (party === "KZ" ? world.kzEncryption.privateJwk : undefined),
      // Only KZ has an encryption key in the world (its JWK is not on IPFS there).
      recipientKeys: async (parties) =>
        parties.filter((party) => party === "KZ").map((party) => ({ party, publicJwk: world.kzEncryption.publicJwk })),
    }),
    ...originSide({
      client: world.client,
      origin,
      anchoring,
      keys: vault,
      numbered: (number, party) =>
        index.byNumberHash(certificateNumberHash(party, number), party)[0]?.certHash ??
        linkKeys.page({ party, number, limit: 1 })[0]?.certHash,
      signerForAuthority: async (authorityId) => accountOf(authorityId),
      recipientKeys: async (parties) =>
        parties.filter((party) => party === "KZ").map((party) => ({ party, publicJwk: world.kzEncryption.publicJwk })),
    }),
    payloads,
    batches: index,
    anchoring,
    outbox,
    issued: new IssuedCertificates({ linkKeys, outbox, index, payloads }),
    status: new CertificateStatusService({ outbox, client: world.client }),
    index,
    auth,
    tokenRevocations,
    receiptKey: serverKey,
    signerForParty: async (party) => admins[party],
    signerForAuthority: async (authorityId) => accountOf(authorityId),
    logger,
    ...options.deps,
  };
  if (options.anchoring !== false) batcher.start();
  if (options.indexing !== false) index.start();
  // Served as npm start serves it: requests made with Express's prototypes from the start.
  const app = createApp(deps);
  const http = await start(app, { port: 0, host: "127.0.0.1", classes: expressServerClasses(app) });
  const server: TestServer = {
    url: http.url,
    world,
    deps,
    outbox,
    index,
    batcher,
    logs,
    dataDir,
    token: (input) => auth.mintToken(input),
    issuerToken: (authorityId) => auth.mintToken({ role: "issuer", authorityId }),
    adminToken: (party) => auth.mintToken({ role: "party-admin", party }),
    async agencyWriter(agencyId) {
      return OutcomesClient.of(world.client).withSigner(agencySigners.get(agencyId)!);
    },
    async agency(party, name = `${party} customs`) {
      const account = ethers.Wallet.createRandom().connect(ethers.provider);
      await ethers.provider.send("hardhat_setBalance", [account.address, "0x56BC75E2D63100000"]);
      const { agencyId } = await OutcomesClient.of(world.client.withSigner(admins[party])).registerAgency({
        party,
        name,
        accounts: [account.address],
      });
      agencySigners.set(agencyId, account);
      return { agencyId, account: account.address, token: await auth.mintToken({ role: "customs", agencyId }) };
    },
    async stop() {
      // Stopped once: a test that restarts a server stops the first itself.
      const at = running.indexOf(server);
      if (at >= 0) running.splice(at, 1);
      await http.stop({ graceMs: 100 });
      await batcher.stop();
      await index.stop();
      index.close();
      outbox.close();
      linkKeys.close();
      tokenRevocations.close();
      if (options.dataDir === undefined && !server.keepDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  running.push(server);
  return server;
}

/** Stops every server {@link startServer} started (an afterEach hook). */
export async function stopServers(): Promise<void> {
  for (const server of running.splice(0)) await server.stop();
}

/** Stops the shared Helia node (an after hook). */
export { stopPayloadStore };

/** A fetch answer with its body read: JSON when it is JSON, else text. */
export interface Answer {
  status: number;
  headers: Headers;
  contentType: string;
  body: Record<string, unknown> & { [key: string]: unknown };
  text: string;
}

/** `fetch` of `url + path`, with the body read. */
export async function call(
  server: TestServer,
  pathname: string,
  init: RequestInit & { token?: string; json?: unknown } = {},
): Promise<Answer> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  const response = await fetch(server.url + pathname, { ...init, headers, body });
  const text = await response.text();
  const contentType = response.headers.get("content-type") ?? "";
  let parsed: Record<string, unknown> = {};
  if (/json/.test(contentType) && text.length > 0) parsed = JSON.parse(text) as Record<string, unknown>;
  return { status: response.status, headers: response.headers, contentType, body: parsed, text };
}

/** A multipart form with `file` (when given) and text fields. */
export function form(fields: Record<string, string>, file?: { bytes: Uint8Array; type?: string; name?: string }): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  if (file) data.append("file", new Blob([file.bytes], { type: file.type ?? "application/pdf" }), file.name ?? "certificate.pdf");
  return data;
}

/** Polls `condition` every 20 ms until it holds, failing after `timeoutMs`. */
export async function eventually<T>(condition: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** An ISO date `days` after the chain's latest block (the chain's clock, which tests may have moved, not this machine's). */
export async function validUntilInDays(days: number): Promise<string> {
  return new Date(Number(BigInt(await time.latest()) + BigInt(days) * DAY) * 1000).toISOString();
}

/** Each of `importers` recognises KZ's certificates of origin (set by its admin through the API): an acceptance needs it. */
export async function recogniseOrigin(server: TestServer, importers: string[]): Promise<void> {
  for (const importer of importers) {
    const recognised = await call(server, "/v1/recognition", {
      method: "PUT",
      token: await server.adminToken(importer),
      json: { issuer: "KZ", types: ["certificateOfOrigin"] },
    });
    if (recognised.status !== 200) throw new Error(`${importer} could not recognise KZ's certificates of origin: ${recognised.text}`);
  }
}
