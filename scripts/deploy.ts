/**
 * Deploys the CertLedger contract to any JSON-RPC endpoint and writes the deployment file.
 *
 *   npm run deploy -- --params deploy-params.json --out deployment.json [--rpc URL] [--keystore FILE]
 *
 * The deployer is the account of an encrypted JSON keystore (`--keystore`, password in DEPLOYER_PASSWORD), or the
 * node's first unlocked account when no keystore is given (a development node such as anvil or Hardhat's).
 * The parameters file: { "parties": [{ "code": "KG", "admin": "0x…" }, …], "threshold": 2, "proposalLifetimeSeconds": 604800 }.
 * `certledger deploy` does the same (scripts/cli/deploy.ts holds the code both run).
 */
import { parseArgs } from "node:util";
import { UnreachableError, UsageError } from "./cli/errors";
import { deployFromFiles } from "./cli/deploy";

const USAGE = "usage: npm run deploy -- --params FILE --out FILE [--rpc URL] [--keystore FILE]";

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
  const deployment = await deployFromFiles(values, async () => {
    const password = process.env.DEPLOYER_PASSWORD;
    if (!password) throw new UsageError("DEPLOYER_PASSWORD is not set: it unlocks the keystore given with --keystore");
    return password;
  });
  console.log(
    `CertificateLedger deployed at ${deployment.ledger.address} on chain ${deployment.chainId} (block ${deployment.ledger.deploymentBlock})`,
  );
  console.log(`deployment file: ${values.out}`);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`deploy: ${message}`);
  if (error instanceof UsageError || error instanceof UnreachableError || (error instanceof TypeError && "code" in error))
    console.error(USAGE);
  process.exitCode = 1;
});
