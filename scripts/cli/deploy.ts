import { readFile } from "node:fs/promises";
import { Wallet, type Signer } from "ethers";
import { deployLedger, parseDeployParams } from "../../src/chain/deploy";
import { writeDeployment, type Deployment } from "../../src/chain/deployment";
import { connectRpc } from "../../src/chain/provider";
import { nodeChainId } from "./chain";
import { defineCommand, positionals, required } from "./command";
import { UnreachableError, UsageError } from "./errors";
import { EXIT } from "./exit-codes";
import { readPassword } from "./password";

/** What a deployment is made from, as given on the command line. */
export interface DeployArguments {
  params?: string;
  out?: string;
  rpc: string;
  keystore?: string;
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new UsageError(`cannot read the ${what} file ${file}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`the ${what} file ${file} is not JSON`);
  }
}

async function deployerSigner(rpcUrl: string, keystore: string | undefined, password: () => Promise<string>): Promise<Signer> {
  const chainId = await nodeChainId(rpcUrl).catch(() => {
    throw new UnreachableError(`no JSON-RPC node answers at ${rpcUrl}`);
  });
  const provider = connectRpc(rpcUrl, { chainId });
  if (keystore === undefined) return provider.getSigner(0);
  try {
    const secret = await password();
    const json = await readFile(keystore, "utf8").catch(() => {
      throw new UsageError(`cannot read the keystore file ${keystore}`);
    });
    const wallet = await Wallet.fromEncryptedJson(json, secret).catch(() => {
      throw new UsageError(`cannot decrypt the keystore ${keystore}: wrong password or not an ethers JSON keystore`);
    });
    return wallet.connect(provider);
  } catch (error) {
    provider.destroy();
    throw error;
  }
}

/**
 * Deploys the ledger with the parameters file `args.params` to `args.rpc` (from the keystore's account, or the node's
 * first unlocked one) and writes the deployment file `args.out`. `certledger deploy` and `npm run deploy` both call this.
 */
export async function deployFromFiles(args: DeployArguments, password: () => Promise<string>): Promise<Deployment> {
  const paramsFile = required(args.params, "params");
  const out = required(args.out, "out");
  const params = parseDeployParams(await readJson(paramsFile, "parameters"));
  const signer = await deployerSigner(args.rpc, args.keystore, password);
  try {
    const deployment = await deployLedger(signer, params);
    await writeDeployment(out, deployment);
    return deployment;
  } finally {
    signer.provider?.destroy();
  }
}

export const deployCommand = defineCommand({
  name: "deploy",
  usage: "--params FILE --out FILE [--rpc URL] [--keystore FILE]",
  help: [
    "Deploys the CertLedger contract to any JSON-RPC endpoint with the bootstrap parties, and writes the deployment file",
    "every client binds to. The parameters file:",
    '  { "parties": [{ "code": "KG", "admin": "0x…" }, …], "threshold": 2, "proposalLifetimeSeconds": 604800 }',
    "",
    "options:",
    "  --params FILE      the parameters file",
    "  --out FILE         where to write the deployment file",
    "  --rpc URL          the chain's JSON-RPC endpoint (default RPC_URL or http://127.0.0.1:8545)",
    "  --keystore FILE    the deployer: an encrypted JSON keystore (password: DEPLOYER_PASSWORD, CERTLEDGER_PASSWORD or",
    "                     a prompt); without it, the node's first unlocked account (a development node)",
    "  --json             print the deployment as JSON",
  ].join("\n"),
  options: { params: { type: "string" }, out: { type: "string" }, rpc: { type: "string" }, keystore: { type: "string" } },
  async run({ values, positionals: args }, out) {
    positionals(args, []);
    const rpc = values.rpc ?? process.env.RPC_URL ?? "http://127.0.0.1:8545";
    const deployment = await deployFromFiles({ ...values, rpc }, () =>
      readPassword({
        env: process.env.DEPLOYER_PASSWORD ? "DEPLOYER_PASSWORD" : "CERTLEDGER_PASSWORD",
        prompt: "deployer keystore password: ",
      }),
    );
    out.result(deployment, [
      `CertificateLedger deployed at ${deployment.ledger.address} on chain ${deployment.chainId} (block ${deployment.ledger.deploymentBlock})`,
      `deployment file: ${values.out}`,
    ]);
    return EXIT.OK;
  },
});
