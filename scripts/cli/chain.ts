import { isAddress, type JsonRpcProvider, type Signer } from "ethers";
import { readDeployment, type Deployment } from "../../src/chain/deployment";
import { loadKeystoreSigner } from "../../src/chain/keystore";
import { LedgerClient } from "../../src/chain/ledger-client";
import { connectRpc } from "../../src/chain/provider";
import { UnreachableError, UsageError } from "./errors";
import { readPassword } from "./password";

/** Options of the commands that read the ledger straight from a JSON-RPC node. */
export const CHAIN_OPTIONS = {
  rpc: { type: "string" },
  deployment: { type: "string" },
} as const;

/** Options of the commands that also sign transactions. */
export const SIGNER_OPTIONS = {
  ...CHAIN_OPTIONS,
  keystore: { type: "string" },
  from: { type: "string" },
} as const;

export const CHAIN_HELP = [
  "  --rpc URL            the chain's JSON-RPC endpoint (or RPC_URL)",
  "  --deployment FILE    the deployment file that says where the ledger is (or LEDGER_DEPLOYMENT)",
];
export const SIGNER_HELP = [
  ...CHAIN_HELP,
  "  --keystore FILE      the account that signs: an encrypted JSON keystore (password: CERTLEDGER_PASSWORD or a prompt)",
  "  --from ADDRESS       or an account the node itself holds unlocked (development chains such as anvil)",
];

/** The URL of --rpc (or RPC_URL), checked. */
export function rpcUrl(value: string | undefined): string {
  const given = value ?? process.env.RPC_URL;
  if (!given) throw new UsageError("--rpc URL is required (or RPC_URL): the chain's JSON-RPC endpoint");
  if (!/^(https?|wss?):\/\/[^\s]+$/.test(given)) throw new UsageError(`--rpc ${given} is not an http(s) or ws(s) URL`);
  return given;
}

/** Asks the node at `url` for its chain id (once, with a bound): UnreachableError when it does not answer. */
export async function nodeChainId(url: string): Promise<number> {
  if (!/^https?:/.test(url)) {
    const provider = connectRpc(url);
    try {
      return Number((await provider.getNetwork()).chainId);
    } finally {
      provider.destroy();
    }
  }
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { result?: string };
    if (typeof body.result !== "string") throw new Error("no chain id");
    return Number(body.result);
  } catch {
    throw new UnreachableError(`no JSON-RPC node answers at ${url}`);
  }
}

/** The ledger on the chain of --rpc: a client, and how to let it go. */
export interface LedgerConnection {
  client: LedgerClient;
  provider: JsonRpcProvider;
  deployment: Deployment;
  close(): void;
}

/**
 * Connects to the ledger of --deployment (or LEDGER_DEPLOYMENT), or of `ledger` (an address: then the deployment is
 * made up from the node's chain id), on the node of --rpc; checks that the ledger's code is there.
 */
export async function connectLedger(values: { rpc?: string; deployment?: string }, ledger?: string): Promise<LedgerConnection> {
  const url = rpcUrl(values.rpc);
  const chainId = await nodeChainId(url);
  let deployment: Deployment;
  const file = values.deployment ?? (ledger === undefined ? process.env.LEDGER_DEPLOYMENT : undefined);
  if (file !== undefined) {
    deployment = await readDeployment(file);
  } else if (ledger !== undefined) {
    if (!isAddress(ledger)) throw new UsageError(`--ledger ${ledger} is not an address`);
    deployment = {
      chainId,
      ledger: { address: ledger, deploymentBlock: 0, deploymentTx: `0x${"00".repeat(32)}` },
      parties: [],
      threshold: 1,
      proposalLifetimeSeconds: 1,
      deployedAt: new Date().toISOString(),
    };
  } else {
    throw new UsageError("--deployment FILE is required (or LEDGER_DEPLOYMENT): it says where the ledger is");
  }
  const provider = connectRpc(url, { chainId: deployment.chainId });
  const client = LedgerClient.connect({ deployment, provider, pollIntervalMs: 200 });
  try {
    await client.assertDeployment();
  } catch (error) {
    provider.destroy();
    throw error;
  }
  return { client, provider, deployment, close: () => provider.destroy() };
}

/** The signer of --keystore (password from CERTLEDGER_PASSWORD or a prompt) or of --from (unlocked in the node). */
export async function signerOf(values: { keystore?: string; from?: string }, provider: JsonRpcProvider): Promise<Signer> {
  if (values.keystore !== undefined && values.from !== undefined) throw new UsageError("give --keystore or --from, not both");
  if (values.keystore !== undefined) {
    const password = await readPassword({ env: "CERTLEDGER_PASSWORD", prompt: `password of ${values.keystore}: ` });
    return loadKeystoreSigner(values.keystore, password, provider);
  }
  if (values.from !== undefined) {
    if (!isAddress(values.from)) throw new UsageError(`--from ${values.from} is not an address`);
    const accounts = ((await provider.send("eth_accounts", [])) as string[]).map((a) => a.toLowerCase());
    if (!accounts.includes(values.from.toLowerCase())) {
      throw new UsageError(`the node does not hold ${values.from} unlocked: sign with --keystore instead`);
    }
    return provider.getSigner(values.from);
  }
  throw new UsageError("--keystore FILE is required: the account that signs (or --from ADDRESS on a development chain)");
}
