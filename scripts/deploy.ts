/**
 * Deploys the CertLedger contract to any JSON-RPC endpoint and writes the deployment file.
 *
 *   npm run deploy -- --params deploy-params.json --out deployment.json [--rpc URL] [--keystore FILE]
 *
 * The deployer is the account of an encrypted JSON keystore (`--keystore`, password in DEPLOYER_PASSWORD), or the
 * node's first unlocked account when no keystore is given (a development node such as anvil or Hardhat's).
 * The parameters file: { "parties": [{ "code": "KG", "admin": "0x…" }, …], "threshold": 2, "proposalLifetimeSeconds": 604800 }.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { Wallet, type Signer } from "ethers";
import { deployLedger, parseDeployParams } from "../src/chain/deploy";
import { writeDeployment } from "../src/chain/deployment";
import { connectRpc } from "../src/chain/provider";

const USAGE = "usage: npm run deploy -- --params FILE --out FILE [--rpc URL] [--keystore FILE]";

class UsageError extends Error {}

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

async function deployerSigner(rpcUrl: string, keystore: string | undefined): Promise<Signer> {
  const provider = connectRpc(rpcUrl);
  try {
    await provider.getNetwork();
  } catch {
    provider.destroy();
    throw new UsageError(`no JSON-RPC node answers at ${rpcUrl}`);
  }
  if (keystore === undefined) return provider.getSigner(0);
  const password = process.env.DEPLOYER_PASSWORD;
  if (!password) throw new UsageError("DEPLOYER_PASSWORD is not set: it unlocks the keystore given with --keystore");
  const json = await readFile(keystore, "utf8").catch(() => {
    throw new UsageError(`cannot read the keystore file ${keystore}`);
  });
  const wallet = await Wallet.fromEncryptedJson(json, password).catch(() => {
    throw new UsageError(`cannot decrypt the keystore ${keystore}: wrong password or not an ethers JSON keystore`);
  });
  return wallet.connect(provider);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      params: { type: "string" },
      out: { type: "string" },
      rpc: { type: "string", default: process.env.RPC_URL ?? "http://127.0.0.1:8545" },
      keystore: { type: "string" },
    },
    strict: true,
  });
  if (!values.params) throw new UsageError("--params is required");
  if (!values.out) throw new UsageError("--out is required");
  const params = parseDeployParams(await readJson(values.params, "parameters"));
  const signer = await deployerSigner(values.rpc, values.keystore);
  try {
    const deployment = await deployLedger(signer, params);
    await writeDeployment(values.out, deployment);
    console.log(
      `CertificateLedger deployed at ${deployment.ledger.address} on chain ${deployment.chainId} (block ${deployment.ledger.deploymentBlock})`,
    );
    console.log(`deployment file: ${values.out}`);
  } finally {
    signer.provider?.destroy();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`deploy: ${message}`);
  if (error instanceof UsageError || (error instanceof TypeError && "code" in error)) console.error(USAGE);
  process.exitCode = 1;
});
