import { randomBytes } from "node:crypto";
import { access, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Signer } from "ethers";
import { MemoryStore } from "express-rate-limit";
import { startEmbeddedChain, type EmbeddedChain } from "../src/chain/anvil";
import { anvilLeftoversToReport } from "../src/chain/anvil-leftovers";
import { ensureDeployment } from "../src/chain/ensure-deployment";
import { readDeployment, type Deployment } from "../src/chain/deployment";
import { loadKeystoreSigner } from "../src/chain/keystore";
import { LedgerClient } from "../src/chain/ledger-client";
import { connectRpc } from "../src/chain/provider";
import { generateSigningKey } from "../src/crypto/keys";
import { certificateNumberHash } from "../src/documents/hashing";
import { DocumentWorkerPool } from "../src/documents/document-worker-pool";
import { CertLedgerError } from "../src/errors";
import { ChainIndex, verifierEvents } from "../src/index";
import { Keyring } from "../src/keys/keyring";
import { StandardViewsPublisher, statusListReader, ViewsStore } from "../src/standard-views";
import {
  AnchoringService,
  Batcher,
  CertificateStatusService,
  IssuedCertificates,
  LinkKeyStore,
  Outbox,
  ledgerRecipientKeys,
  PayloadReplicator,
} from "../src/pipeline";
import { Verifier } from "../src/verify";
import { OriginClient } from "../src/origin";
import { createApp } from "./app";
import { importingSide } from "./importing-side";
import { originSide } from "./origin-side";
import { Auth } from "./auth";
import { HEAD_MAX_AGE_MS, type ServerConfig } from "./config";
import { ownerOnlyFromNowOn, secureDataDir } from "./data-dir";
import { seedDemo, type DemoCredentials } from "./demo";
import { expressServerClasses } from "./express-classes";
import { start as listen } from "./http-server";
import { joinConsortium, openPayloadStore } from "./ipfs-node";
import { createLogger } from "./logger";
import { Metrics } from "./metrics";
import { loadServerKey } from "./server-key";
import { TokenRevocations } from "./token-revocations";
import { VerificationProcessPool } from "./verification-processes";

/** A running CertLedger node: its API, and what it started. */
export interface RunningLedger {
  url: string;
  rpcUrl: string;
  deployment: Deployment;
  /** Present on the first start of a demo data folder. */
  demo?: DemoCredentials;
  index: ChainIndex;
  batcher: Batcher;
  /** The verifier the API answers with (benchmarks call it without HTTP, to tell its cost from the API's). */
  verifier: Verifier;
  /** Stops everything in reverse order: HTTP, batcher, index, stores, the embedded chain. */
  stop(): Promise<void>;
}

/** The embedded chain's development accounts: 0 deploys, 1-3 administer KG, KZ, UZ, 4-6 anchor for their authorities, 7-9 write for their customs. */
const DEV_ADMINS = [1, 2, 3];

/**
 * Starts a CertLedger node from `config`: the chain (embedded anvil unless RPC_URL), the deployment (deployed once
 * on an embedded chain), the payload store (embedded Helia unless IPFS_API_URL), the keyring, the outbox and batcher,
 * the chain index, the verifier and the HTTP API.
 */
export async function startLedger(config: ServerConfig): Promise<RunningLedger> {
  const logger = createLogger(config.logLevel);
  ownerOnlyFromNowOn();
  const opened = await secureDataDir(config.dataDir);
  if (opened.length > 0) {
    logger.warn({ files: opened.slice(0, 20), count: opened.length }, "data folder: made owner-only what others could read (0700/0600)");
  }
  const stack: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const stop of stack.reverse()) await stop();
  };
  // Verification processes load their code while the node starts; they take the port once its app exists (below).
  const verifying = config.verifyProcesses > 0 ? new VerificationProcessPool(config.verifyProcesses, logger) : undefined;
  if (verifying) stack.push(() => verifying.stop());
  try {
    let chain: EmbeddedChain | undefined;
    if (config.rpcUrl === undefined) {
      chain = await startEmbeddedChain({
        stateFile: path.join(config.dataDir, "chain", "state.json"),
        port: config.chainPort,
        onRestart: (details) => logger.warn(details, "embedded chain: anvil exited and was started again from its state file"),
      });
      stack.push(() => chain!.stop());
      // Counted beside the start, not before it: earlier versions' leftovers can be tens of thousands of files.
      void anvilLeftoversToReport().then((leftovers) => {
        if (!leftovers) return;
        logger.warn(
          { folder: leftovers.folder, runs: leftovers.runs, megabytes: Math.round(leftovers.bytes / 2 ** 20) },
          "anvil's temporary folder holds old block states that earlier anvil runs left behind (this node's anvil no longer writes there): its anvil-state-* folders can be removed when no anvil is running",
        );
      });
    }
    const rpcUrl = config.rpcUrl ?? chain!.rpcUrl;

    let deployment: Deployment;
    let created = false;
    let accounts: string[] = [];
    if (chain) {
      // The chain id is known only once the deployment is: this provider serves the first deployment alone.
      const bootstrap = connectRpc(rpcUrl);
      try {
        accounts = await bootstrap.send("eth_accounts", []);
        ({ deployment, created } = await ensureDeployment(bootstrap, config.deploymentFile, await bootstrap.getSigner(accounts[0]), {
          parties: ["KG", "KZ", "UZ"].map((code, i) => ({ code, admin: accounts[DEV_ADMINS[i]] })),
          threshold: 2,
        }));
      } finally {
        bootstrap.destroy();
      }
    } else {
      deployment = await readDeployment(config.deploymentFile);
    }
    // A provider pinned to the deployment's chain, for every read and every signer: ethers would otherwise ask the node
    // for its chain id before each call.
    const provider = connectRpc(rpcUrl, { chainId: deployment.chainId });
    stack.push(() => provider.destroy());
    // On the embedded chain the development accounts are unlocked in the node; elsewhere each account the server writes
    // from has an encrypted keystore in DATA_DIR/keys/accounts, opened with the keyring password.
    const password = await keyringPassword(config, !chain);
    const keystoreFile = (address: string) => path.join(config.dataDir, "keys", "accounts", `${address.toLowerCase()}.json`);
    const accountSigner = chain
      ? (address: string) => provider.getSigner(address) as Promise<Signer>
      : (address: string) => loadKeystoreSigner(keystoreFile(address), password, provider);
    const keyring = await Keyring.open(path.join(config.dataDir, "keys"), { password, accountSigner });

    // Receipts are looked for every 100 ms: the default 500 ms would add up to half a second to every anchor. Readers
    // share one head block up to HEAD_MAX_AGE_MS old instead of asking the node on every verification.
    const client = LedgerClient.connect({
      deployment,
      provider,
      confirmations: config.confirmations,
      fees: config.fees,
      pollIntervalMs: 100,
      headMaxAgeMs: HEAD_MAX_AGE_MS,
    });
    await client.assertDeployment();
    const { payloads, helia } = await openPayloadStore(config);
    stack.push(() => payloads.stop());

    const serverKey = await loadServerKey(config.dataDir);
    const tokenRevocations = TokenRevocations.open(path.join(config.dataDir, "token-revocations.sqlite"));
    stack.push(() => tokenRevocations.close());
    const auth = new Auth(serverKey, { issuer: config.jwtIssuer, defaultTtlSeconds: config.jwtTtlSeconds, revocations: tokenRevocations });
    let demo: DemoCredentials | undefined;
    if (created && config.demo) {
      demo = await seedDemo({ client, keyring, auth, accounts });
      await writeFile(path.join(config.dataDir, "demo-credentials.json"), JSON.stringify(demo, null, 2) + "\n", { mode: 0o600 });
    }

    // The deployment and the demo's registrations survive a power cut from here on, not only after the next periodic write.
    await chain?.persist();

    if (helia) stack.push(await joinConsortium({ config, client, keyring, helia, logger }));

    // The batcher asks for signers synchronously: resolve the keyring's once, now.
    const signers = new Map<number, Signer>();
    for (const id of keyring.authorityIds()) signers.set(id, (await keyring.signerFor(id))!);

    const outbox = Outbox.open(path.join(config.dataDir, "outbox.sqlite"));
    stack.push(() => outbox.close());
    // The link keys of this server's certificates, sealed under the keyring's data key, for the issuer's console.
    const linkKeys = LinkKeyStore.open(path.join(config.dataDir, "link-keys.sqlite"), await keyring.dataKey());
    stack.push(() => linkKeys.close());
    const index = ChainIndex.open({
      file: path.join(config.dataDir, "index.sqlite"),
      client,
      payloads,
      logger: { warn: (details, message) => logger.warn(details, message) },
    });
    stack.push(() => index.close());
    await index.syncOnce().catch((error: unknown) => logger.warn({ error: String(error) }, "chain index: first synchronisation failed"));
    index.start();
    stack.push(() => index.stop());
    // This node's own batched certificates are known from its outbox at once; others' once the index read the manifest.
    const batches = { locate: async (certHash: string) => (await index.locate(certHash)) ?? outbox.member(certHash) };
    const origin = client.deployment.origin ? OriginClient.of(client) : undefined;
    // The standard views (did:web documents, status lists) of the parties and authorities this server acts for.
    const viewsStore = ViewsStore.open(path.join(config.dataDir, "views.sqlite"));
    stack.push(() => viewsStore.close());
    const views = new StandardViewsPublisher({ publicUrl: config.publicUrl, store: viewsStore, client, index, keyring });
    const verifier = new Verifier({
      client,
      payloads,
      batches,
      events: verifierEvents(index),
      origin,
      maxFileBytes: config.maxFileBytes,
      statusLists: statusListReader(views),
    });
    const partyDecryptionKey = (party: string) => keyring.partyEncryptionKey(party)?.privateJwk;
    // The importing side (src/outcomes): its deliveries are recorded as the replicator pins payloads addressed here.
    const importing = importingSide({
      client,
      verifier,
      payloads,
      signerForAgency: (id) => keyring.signerForAgency(id),
      partyDecryptionKey,
      durable: chain ? (blockNumber) => chain.durable(blockNumber) : undefined,
      agencyIds: () => keyring.agencyIds(),
    });
    // A party's server keeps the payloads addressed to its party, so they outlive the issuer's node (src/pipeline).
    if (keyring.partyCodes().length > 0) {
      const replicator = new PayloadReplicator({
        source: index,
        payloads,
        parties: () => keyring.partyCodes(),
        stateFile: path.join(config.dataDir, "replication.json"),
        // The ePhyto Hub's "delivered": this party's node holds it; recorded on the ledger with an agency of the party.
        delivered: async (certHash, parties) => {
          for (const party of parties) {
            const done = await importing.desk?.recordDelivery(party, certHash);
            if (done === "recorded") logger.info({ certHash, party }, "importing side: delivery recorded");
          }
        },
        log: (event, details) =>
          event === "pinned" ? logger.info(details, "replication: payload pinned") : logger.warn(details, `replication: ${event}`),
      });
      replicator.start();
      stack.push(() => replicator.stop());
    }
    // PDFs are stamped, the credentials this server signs sealed, and batches composed in worker threads, one per core
    // by default (PDF_WORKERS; 0: on this thread). Closed after HTTP stops and the batcher with it, once the work of the
    // requests it let finish is done.
    const workers = config.pdfWorkers > 0 ? new DocumentWorkerPool({ threads: config.pdfWorkers }) : undefined;
    if (workers) stack.push(() => workers.close());
    const batcher = new Batcher({
      outbox,
      client,
      payloads,
      signerFor: (id) => signers.get(id),
      composeBatch: workers && ((authorityId, certType, leaves) => workers.composeBatch(authorityId, certType, leaves)),
      maxBatchSize: config.batchMaxSize,
      maxWaitMs: config.batchMaxWaitMs,
      // On the embedded chain "anchored" waits until the block is in the chain's state file on disk (src/chain).
      durable: chain ? (blockNumber) => chain.durable(blockNumber) : undefined,
      log: (event, details) =>
        event === "chain.reconciled" || event === "submission.reopened" || event === "submission.moved"
          ? logger.warn(details, `batcher: ${event}`)
          : logger.info(details, `batcher: ${event}`),
    });
    batcher.start();
    stack.push(() => batcher.stop());
    // What the outbox says is anchored is checked against the chain before the API answers (a power cut may have taken
    // the embedded chain back); when the chain does not answer yet, the batcher checks once it does.
    await batcher
      .checkAnchored()
      .catch((error: unknown) => logger.warn({ error: String(error) }, "batcher: anchored submissions not checked against the chain yet"));

    // An agency registered through the API is written for from the first of its accounts this server can sign with: a
    // development account of the embedded chain, or one with a keystore in DATA_DIR/keys/accounts.
    const canSignFor = async (account: string) =>
      chain
        ? accounts.some((a) => a.toLowerCase() === account.toLowerCase())
        : access(keystoreFile(account)).then(
            () => true,
            () => false,
          );
    const receiptKey = await keyring.receiptKey(generateSigningKey);
    // With verification processes, the public rate limit's counts are kept here for them and for this app alike.
    const rateLimitCounts = verifying ? new MemoryStore() : undefined;
    const metrics = new Metrics();
    const anchoring = new AnchoringService({
      outbox,
      client,
      keyring,
      maxFileBytes: config.maxFileBytes,
      linkKeys,
      views,
      stamper: workers,
      sealer: workers,
    });
    const app = createApp(
      {
        config,
        client,
        verifier,
        ...importing,
        ...originSide({
          client,
          origin,
          anchoring,
          keys: keyring,
          signerForAuthority: (id) => keyring.signerFor(id),
          recipientKeys: ledgerRecipientKeys(client, payloads),
          numbered: (number, party) =>
            index.byNumberHash(certificateNumberHash(party, number), party)[0]?.certHash ??
            linkKeys.page({ party, number, limit: 1 })[0]?.certHash,
          durable: chain ? (blockNumber) => chain.durable(blockNumber) : undefined,
        }),
        adoptAgency: async (agencyId, candidates) => {
          for (const account of candidates) {
            if (!(await canSignFor(account))) continue;
            await keyring.addAgency(agencyId, account);
            return account;
          }
          return undefined;
        },
        payloads,
        batches,
        anchoring,
        outbox,
        issued: new IssuedCertificates({ linkKeys, outbox, index, payloads, maxPayloadBytes: 2 * config.maxFileBytes }),
        status: new CertificateStatusService({ outbox, client }),
        index,
        batcher,
        auth,
        tokenRevocations,
        views,
        receiptKey,
        signerForParty: (party) => keyring.signerForParty(party),
        signerForAuthority: (id) => keyring.signerFor(id),
        partyDecryptionKey,
        metrics,
        logger,
      },
      { rateLimitStore: rateLimitCounts },
    );
    let url: string;
    if (verifying && rateLimitCounts) {
      // The processes take the public port; this app answers what they forward (server/verification-processes.ts).
      url = await verifying.start(app, {
        config,
        rpcUrl,
        client,
        index,
        payloads,
        member: (certHash) => outbox.member(certHash),
        receiptKey,
        rateLimitCounts,
      });
      // Stopped first, before what they read from (stop() is the same promise whoever calls it).
      stack.push(() => verifying.stop());
      metrics.includeProcesses(() => verifying.metrics());
    } else {
      const http = await listen(app, { port: config.port, host: config.host, classes: expressServerClasses(app) });
      stack.push(() => http.stop());
      url = http.url;
    }
    return { url, rpcUrl, deployment, demo, index, batcher, verifier, stop: stopAll };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}

/**
 * The keyring's password: KEYRING_PASSWORD, required against an external chain. On the embedded demo chain it may be
 * left unset, and a random one is made once and kept beside the keyring: the demo must start with one command, and its
 * keys protect nothing of value.
 */
async function keyringPassword(config: ServerConfig, external: boolean): Promise<string> {
  if (config.keyringPassword !== undefined) return config.keyringPassword;
  if (external) throw new CertLedgerError("INVALID_CONFIG", "environment variable KEYRING_PASSWORD: is required when RPC_URL is set");
  const file = path.join(config.dataDir, "keys", "demo-password");
  const existing = await readFile(file, "utf8").catch(() => undefined);
  if (existing !== undefined) return existing.trim();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const password = randomBytes(24).toString("base64url");
  await writeFile(file, password + "\n", { mode: 0o600, flag: "wx" });
  return password;
}
