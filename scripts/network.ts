/**
 * `npm run network [-- --parties KG,KZ,UZ --dir ./.certledger-network]`: several parties on one machine, as they run
 * across borders. One shared anvil chain; for each party its own CertLedger server process (own port, data folder,
 * SQLite files, keystores and keyring) with its own embedded Helia node. The ledger is deployed once with every
 * party bootstrapped; each server then registers its IPFS node and its party's encryption key on the ledger
 * (IPFS_ANNOUNCE=1), and its node exchanges payloads only with the nodes the ledger registers for active parties.
 * Each party gets two authorities: a certification body (every type) and a test laboratory (test reports). A party
 * the consortium votes in later joins a running network with `addParty`; `stopParty` stops one party's server.
 *
 * The party accounts are derived from anvil's well-known development mnemonic (indexes 100 and up) and funded from
 * anvil's first account: a development network, nothing here protects anything of value. Ctrl-C stops everything;
 * the next run finds the chain, the certificates and the tokens again.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { access, mkdir, readFile, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import net from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { HDNodeWallet, parseEther, type Provider, type Signer } from "ethers";
import { startEmbeddedChain, type EmbeddedChain } from "../src/chain/anvil";
import { readDeployment } from "../src/chain/deployment";
import { ensureDeployment } from "../src/chain/ensure-deployment";
import { writeKeystore } from "../src/chain/keystore";
import { LedgerClient } from "../src/chain/ledger-client";
import { connectRpc } from "../src/chain/provider";
import { CERTIFICATE_TYPES, typeSet } from "../src/documents/certificate-types";
import { generateSigningKey } from "../src/crypto/keys";
import { Keyring } from "../src/keys/keyring";
import { OutcomesClient } from "../src/outcomes";
import { TYPESCRIPT_FLAGS } from "../src/typescript-sources";
import { Auth } from "../server/auth";
import { loadServerKey } from "../server/server-key";

const ROOT = path.resolve(__dirname, "..");
/** Anvil's development mnemonic: its first accounts are the ones anvil funds and unlocks. */
const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";
const ALL_TYPES = typeSet(...Object.values(CERTIFICATE_TYPES));
const TOKEN_TTL = "365d";

/** How to lay out the network. */
export interface NetworkOptions {
  /** Folder of the whole network: `chain/`, `deployment.json`, `network.json` and one data folder per party. */
  dir: string;
  /** Party codes, in order; default KG, KZ, UZ. */
  parties?: string[];
  /** The chain's JSON-RPC port (0: any free port). */
  chainPort?: number;
  /** The first party's API port, the next ones follow (0: any free ports). */
  apiPort?: number;
  /** The first party's IPFS (libp2p TCP) port, the next ones follow (0: any free ports). */
  ipfsPort?: number;
  /** scrypt cost of the account keystores (default ethers'); tests lower it. */
  scryptN?: number;
  /** Extra environment for every server (e.g. LOG_LEVEL). */
  env?: Record<string, string>;
  /** Each line a server or the chain prints, by party ("chain" for anvil). */
  log?: (source: string, line: string) => void;
}

/** One party of the running network: where its server is and the tokens to use it. */
export interface NetworkParty {
  code: string;
  url: string;
  dataDir: string;
  admin: string;
  adminToken: string;
  authorityId: number;
  authorityAccount: string;
  issuerToken: string;
  /** The party's test laboratory: a second authority, scoped to test reports (absent in networks made before it). */
  lab?: { authorityId: number; account: string; token: string };
  /** The party's customs: a border agency with a `customs` token (absent in networks made before it). */
  customs?: { agencyId: number; account: string; token: string };
  process: ChildProcess;
}

export interface RunningNetwork {
  rpcUrl: string;
  deploymentFile: string;
  /** The running parties' servers, in order (a stopped one is removed, an added one appended). */
  parties: NetworkParty[];
  /**
   * Starts the server of a party the consortium has admitted since (by vote, with {@link networkAdminWallet} of its
   * index as admin): its accounts funded, its authorities registered, recognising every other party; it joins the
   * IPFS network by announcing its node on the ledger.
   */
  addParty(code: string): Promise<NetworkParty>;
  /** Stops one party's server (and so its IPFS node); the chain and the others keep running. */
  stopParty(code: string): Promise<void>;
  /** Stops every server, then the chain. */
  stop(): Promise<void>;
}

/** What `network.json` keeps between runs: per party its keyring password, authority and tokens. */
interface PartySetup {
  code: string;
  admin: string;
  authorityAccount: string;
  authorityId: number;
  password: string;
  adminToken: string;
  issuerToken: string;
  labAuthorityId?: number;
  labAccount?: string;
  labToken?: string;
  agencyId?: number;
  agencyAccount?: string;
  customsToken?: string;
}

/** Starts (or restarts) the network in `options.dir` and resolves once every party's server is ready. */
export async function startNetwork(options: NetworkOptions): Promise<RunningNetwork> {
  const dir = path.resolve(options.dir);
  const codes = options.parties ?? ["KG", "KZ", "UZ"];
  const log = options.log ?? (() => undefined);
  await mkdir(dir, { recursive: true });
  const stack: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stack.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const chain: EmbeddedChain = await startEmbeddedChain({
      stateFile: path.join(dir, "chain", "state.json"),
      port: options.chainPort === 0 || options.chainPort === undefined ? await freePort() : options.chainPort,
      log: (line) => log("chain", line),
    });
    stack.push(() => chain.stop());
    const deploymentFile = path.join(dir, "deployment.json");
    const setups = await setUpParties({ dir, codes, rpcUrl: chain.rpcUrl, deploymentFile, scryptN: options.scryptN });

    const servers = new Map<string, () => Promise<void>>();
    const startServer = async (setup: PartySetup, i: number): Promise<NetworkParty> => {
      const dataDir = path.join(dir, setup.code);
      const port = options.apiPort ? options.apiPort + i : await freePort();
      const ipfsPort = options.ipfsPort ? options.ipfsPort + i : await freePort();
      const child = spawnServer(
        {
          ...options.env,
          PORT: String(port),
          DATA_DIR: dataDir,
          RPC_URL: chain.rpcUrl,
          LEDGER_DEPLOYMENT: deploymentFile,
          KEYRING_PASSWORD: setup.password,
          CERTLEDGER_DEMO: "0",
          IPFS_LISTEN: `/ip4/127.0.0.1/tcp/${ipfsPort}`,
          IPFS_ANNOUNCE: "1",
        },
        (line) => log(setup.code, line),
      );
      const stopServer = () => stopProcess(child.process);
      stack.push(stopServer);
      servers.set(setup.code, stopServer);
      await child.ready;
      return {
        code: setup.code,
        url: `http://127.0.0.1:${port}`,
        dataDir,
        admin: setup.admin,
        adminToken: setup.adminToken,
        authorityId: setup.authorityId,
        authorityAccount: setup.authorityAccount,
        issuerToken: setup.issuerToken,
        lab:
          setup.labAuthorityId === undefined
            ? undefined
            : { authorityId: setup.labAuthorityId, account: setup.labAccount!, token: setup.labToken! },
        customs:
          setup.agencyId === undefined
            ? undefined
            : { agencyId: setup.agencyId, account: setup.agencyAccount!, token: setup.customsToken! },
        process: child.process,
      };
    };
    const parties = await Promise.all(setups.map(startServer));
    const network: RunningNetwork = {
      rpcUrl: chain.rpcUrl,
      deploymentFile,
      parties,
      stop: stopAll,
      addParty: async (code) => {
        const known = await readNetworkState(dir);
        const existing = known.parties.find((p) => p.code === code);
        const index = existing ? known.parties.indexOf(existing) : known.parties.length;
        const setup =
          existing ??
          (await setUpJoiningParty({
            dir,
            code,
            index,
            others: known.parties.map((p) => p.code),
            rpcUrl: chain.rpcUrl,
            deploymentFile,
            scryptN: options.scryptN,
          }));
        const party = await startServer(setup, index);
        network.parties.push(party);
        return party;
      },
      stopParty: async (code) => {
        await servers.get(code)?.();
        servers.delete(code);
        network.parties = network.parties.filter((p) => p.code !== code);
      },
    };
    return network;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Deploys the ledger with every party bootstrapped (first run), and gives each party what its server needs (see
 * {@link setUpParty}). A later run reads it all back from `network.json`.
 */
async function setUpParties(options: {
  dir: string;
  codes: string[];
  rpcUrl: string;
  deploymentFile: string;
  scryptN?: number;
}): Promise<PartySetup[]> {
  const { dir, codes, rpcUrl, deploymentFile } = options;
  const existing = await readNetworkState(dir).catch(() => undefined);
  const bootstrap = connectRpc(rpcUrl);
  try {
    const [first] = (await bootstrap.send("eth_accounts", [])) as string[];
    const funder = await bootstrap.getSigner(first);
    const { deployment, created } = await ensureDeployment(bootstrap, deploymentFile, funder, {
      parties: codes.map((code, i) => ({ code, admin: networkAdminWallet(i).address })),
      threshold: Math.max(1, Math.ceil(codes.length / 2)),
    });
    if (!created && existing) {
      // Parties admitted later (addParty) follow the bootstrapped ones.
      const known = existing.parties.map((p) => p.code);
      if (known.slice(0, codes.length).join(",") !== codes.join(","))
        throw new Error(`${dir} holds a network of ${known.join(",")}, not ${codes.join(",")}: use another --dir`);
      return existing.parties.slice(0, codes.length);
    }
    if (!created) throw new Error(`${dir} has a deployment but no network.json: remove the folder to start afresh`);

    const provider = connectRpc(rpcUrl, { chainId: deployment.chainId });
    try {
      const client = LedgerClient.connect({ deployment, provider, pollIntervalMs: 50 });
      const setups: PartySetup[] = [];
      for (const [i, code] of codes.entries()) {
        setups.push(await setUpParty({ dir, client, funder, code, index: i, others: codes, scryptN: options.scryptN }));
      }
      await writeFile(path.join(dir, "network.json"), JSON.stringify({ parties: setups }, null, 2) + "\n", { mode: 0o600 });
      return setups;
    } finally {
      provider.destroy();
    }
  } finally {
    bootstrap.destroy();
  }
}

/** Sets up a party the consortium admitted after the network started, and records it in `network.json`. */
async function setUpJoiningParty(options: {
  dir: string;
  code: string;
  index: number;
  others: string[];
  rpcUrl: string;
  deploymentFile: string;
  scryptN?: number;
}): Promise<PartySetup> {
  const deployment = await readDeployment(options.deploymentFile);
  const provider = connectRpc(options.rpcUrl, { chainId: deployment.chainId });
  try {
    const client = LedgerClient.connect({ deployment, provider, pollIntervalMs: 50 });
    const admin = networkAdminWallet(options.index).address;
    const party = await client.getParty(options.code);
    if (party?.status !== "Active" || (await client.partyOfAdmin(admin)) !== options.code)
      throw new Error(`party ${options.code} is not admitted with admin ${admin}: the consortium votes it in first`);
    const [first] = (await provider.send("eth_accounts", [])) as string[];
    const setup = await setUpParty({ ...options, client, funder: await provider.getSigner(first) });
    const state = await readNetworkState(options.dir);
    state.parties.push(setup);
    await writeFile(path.join(options.dir, "network.json"), JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
    return setup;
  } finally {
    provider.destroy();
  }
}

/**
 * Gives party `code` what its server needs: its admin, authority, lab and customs accounts funded and in encrypted
 * keystores, a keyring holding them and the authorities' signing keys, its certification body (every type) and test
 * laboratory (test reports) registered on the ledger with their keys, its customs registered as a border agency,
 * recognition of every other party's certificates of every type, and tokens signed with the party server's own key.
 */
async function setUpParty(options: {
  dir: string;
  client: LedgerClient;
  funder: Signer;
  code: string;
  index: number;
  others: string[];
  scryptN?: number;
}): Promise<PartySetup> {
  const { dir, client, funder, code, index } = options;
  const provider = client.provider;
  const admin = networkAdminWallet(index);
  const authority = devWallet(101 + 2 * index);
  const lab = devWallet(200 + index);
  const customs = devWallet(300 + index);
  await fund(provider, funder, [admin.address, authority.address, lab.address, customs.address]);
  const now = BigInt((await provider.getBlock("latest"))!.timestamp);
  const dataDir = path.join(dir, code);
  const password = randomBytes(18).toString("base64url");
  const keysDir = path.join(dataDir, "keys");
  for (const wallet of [admin, authority, lab, customs]) {
    await writeKeystore(path.join(keysDir, "accounts", `${wallet.address.toLowerCase()}.json`), wallet, password, {
      scryptN: options.scryptN,
    });
  }
  const signers = new Map([admin, authority, lab, customs].map((w) => [w.address.toLowerCase(), w.connect(provider)]));
  const keyring = await Keyring.open(keysDir, { password, accountSigner: async (a) => signers.get(a.toLowerCase())! });
  await keyring.addParty(code, admin.address);
  const asAdmin = client.withSigner(signers.get(admin.address.toLowerCase())!);
  const register = async (name: string, account: HDNodeWallet, scope: bigint) => {
    const { authorityId } = await asAdmin.registerAuthority({
      party: code,
      name,
      accounts: [account.address],
      scope,
      validFrom: now,
      validUntil: now + 10n * 365n * 86_400n,
    });
    const key = await generateSigningKey();
    await keyring.addAuthority(authorityId, account.address, key);
    await client.withSigner(signers.get(account.address.toLowerCase())!).addSigningKey({
      authorityId,
      thumbprint: key.thumbprint,
      alg: "ES256",
      validFrom: now,
      validUntil: now + 5n * 365n * 86_400n,
    });
    return authorityId;
  };
  const authorityId = await register(`${code} certification body`, authority, ALL_TYPES);
  const labAuthorityId = await register(`${code} test laboratory`, lab, typeSet(CERTIFICATE_TYPES.testReport));
  for (const other of options.others) {
    if (other !== code) await asAdmin.setPartyRecognition({ importer: code, issuer: other, types: ALL_TYPES });
  }
  const { agencyId } = await OutcomesClient.of(asAdmin).registerAgency({
    party: code,
    name: `${code} customs`,
    accounts: [customs.address],
  });
  await keyring.addAgency(agencyId, customs.address);
  const auth = new Auth(await loadServerKey(dataDir), { issuer: "certledger", defaultTtlSeconds: 86_400 });
  return {
    code,
    admin: admin.address,
    authorityAccount: authority.address,
    authorityId,
    password,
    adminToken: await auth.mintToken({ role: "party-admin", party: code, ttl: TOKEN_TTL }),
    issuerToken: await auth.mintToken({ role: "issuer", authorityId, ttl: TOKEN_TTL }),
    labAuthorityId,
    labAccount: lab.address,
    labToken: await auth.mintToken({ role: "issuer", authorityId: labAuthorityId, ttl: TOKEN_TTL }),
    agencyId,
    agencyAccount: customs.address,
    customsToken: await auth.mintToken({ role: "customs", agencyId, ttl: TOKEN_TTL }),
  };
}

async function readNetworkState(dir: string): Promise<{ parties: PartySetup[] }> {
  return JSON.parse(await readFile(path.join(dir, "network.json"), "utf8")) as { parties: PartySetup[] };
}

/**
 * The admin account of the network's `index`-th party (0: the first bootstrapped; a party admitted later takes the
 * next index): a development key, derived from anvil's mnemonic.
 */
export function networkAdminWallet(index: number): HDNodeWallet {
  return devWallet(100 + 2 * index);
}

function devWallet(index: number): HDNodeWallet {
  return HDNodeWallet.fromPhrase(ANVIL_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
}

async function fund(provider: Provider, funder: Signer, addresses: string[]) {
  for (const to of addresses) {
    if ((await provider.getBalance(to)) > 0n) continue;
    await (await funder.sendTransaction({ to, value: parseEther("100") })).wait();
  }
}

/** Starts `server/main.ts` with `env`; `ready` resolves once it printed that it is ready, and rejects if it exits first. */
function spawnServer(env: Record<string, string>, log: (line: string) => void): { process: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, [...TYPESCRIPT_FLAGS, "server/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of chunk.toString().split("\n").filter(Boolean)) log(line);
      if (output.includes("CertLedger is ready")) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the server in ${env.DATA_DIR} exited (${code}) before it was ready:\n${output}`)));
  });
  return { process: child, ready };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** What a party's API answered: its status, its text, and the text as JSON (undefined when empty or not JSON). */
export interface PartyAnswer {
  status: number;
  text: string;
  body: unknown;
}

/** Calls `party`'s API at `route`, with a bearer `token` and a `json` body when given; any status is returned. */
export async function partyApi(
  party: Pick<NetworkParty, "url">,
  route: string,
  init: { method?: string; token?: string; json?: unknown } = {},
): Promise<PartyAnswer> {
  const response = await fetch(`${party.url}${route}`, {
    method: init.method ?? "GET",
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.json !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await response.text();
  return { status: response.status, text, body: parseJson(text) };
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined; // the text is still there, for the caller's message
  }
}

/** Ports this process handed out: a port is free again once probed and closed, so the OS may offer it twice. */
const handedOut = new Set<number>();

/**
 * A port nobody listens on right now, and not one this process handed out before: two ports asked for one after the
 * other (a server's API and its IPFS node) could otherwise be the same one, and the second listener fail EADDRINUSE.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      parties: { type: "string", default: "KG,KZ,UZ" },
      dir: { type: "string", default: "./.certledger-network" },
      "chain-port": { type: "string", default: "8645" },
      "api-port": { type: "string", default: "8081" },
      "ipfs-port": { type: "string", default: "4101" },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      "usage: npm run network -- [--parties KG,KZ,UZ] [--dir DIR] [--chain-port 8645] [--api-port 8081] [--ipfs-port 4101] [--verbose]",
    );
    return;
  }
  const parties = values.parties.split(",").map((code) => code.trim());
  for (const code of parties)
    if (!/^[A-Z]{2}$/.test(code)) throw new Error(`--parties: ${JSON.stringify(code)} is not a party code such as KG`);
  if (new Set(parties).size !== parties.length) throw new Error("--parties: a party is named twice");
  const port = (name: "chain-port" | "api-port" | "ipfs-port") => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`--${name}: ${values[name]} is not a port`);
    return value;
  };
  const dir = path.resolve(values.dir);
  const fresh = await access(path.join(dir, "network.json")).then(
    () => false,
    () => true,
  );
  console.log(`${fresh ? "starting" : "restarting"} a network of ${parties.join(", ")} in ${dir} …`);
  const network = await startNetwork({
    dir,
    parties,
    chainPort: port("chain-port"),
    apiPort: port("api-port"),
    ipfsPort: port("ipfs-port"),
    env: { LOG_LEVEL: values.verbose ? "info" : "warn" },
    log: (source, line) => {
      if (values.verbose || source !== "chain") console.log(`[${source}] ${line}`);
    },
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping every server and the chain (everything is saved in ${dir})`);
    await network.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  console.log(`\nchain       ${network.rpcUrl} (deployment: ${network.deploymentFile})`);
  for (const party of network.parties) {
    console.log(`\n${party.code}  API ${party.url}/v1   verifier ${party.url}/   console ${party.url}/console   data ${party.dataDir}`);
    console.log(`    party admin ${party.admin}: ${party.adminToken}`);
    console.log(`    authority ${party.authorityId} (${party.code} certification body, ${party.authorityAccount}): ${party.issuerToken}`);
  }
  console.log(`\ntokens are also in ${path.join(dir, "network.json")}. Ctrl-C stops the network.`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`network: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
