/**
 * `npm start`: the embedded ledger on one machine. Starts anvil (state in the data folder, dumped every 2 s and on
 * exit), deploys the ledger once (the deployment file in the data folder is reused on every later start), seeds a demo
 * consortium on the first start, and runs until Ctrl-C.
 *
 * Environment: DATA_DIR (default ./.certledger), CHAIN_PORT (default 8545), CERTLEDGER_DEMO (1 or 0, default 1).
 * The API server, IPFS node and web pages join this command as they are built (issues #3 to #5).
 */
import path from "node:path";
import { writeFile } from "node:fs/promises";
import { z } from "zod";
import { startEmbeddedChain } from "../src/chain/anvil";
import { seedDemoConsortium } from "../src/chain/demo-consortium";
import { ensureDeployment } from "../src/chain/ensure-deployment";
import { connectRpc } from "../src/chain/provider";
import { CertLedgerError } from "../src/errors";

const envSchema = z.object({
  DATA_DIR: z.string().min(1).default("./.certledger"),
  CHAIN_PORT: z.coerce.number().int().min(1).max(65535).default(8545),
  CERTLEDGER_DEMO: z.enum(["0", "1"]).default("1"),
});

function readConfig(env: NodeJS.ProcessEnv) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CertLedgerError("INVALID_CONFIG", `environment variable ${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}

async function main(): Promise<void> {
  const config = readConfig(process.env);
  const dataDir = path.resolve(config.DATA_DIR);
  const chain = await startEmbeddedChain({ stateFile: path.join(dataDir, "chain", "state.json"), port: config.CHAIN_PORT });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the chain (its state is saved in ${dataDir})`);
    await chain.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  try {
    const provider = connectRpc(chain.rpcUrl);
    // anvil's development accounts: 0 deploys, 1-3 administer KG, KZ, UZ, 4-6 are their authorities' accounts.
    const accounts: string[] = await provider.send("eth_accounts", []);
    const signer = (i: number) => provider.getSigner(accounts[i]);
    const deploymentFile = path.join(dataDir, "deployment.json");
    const { deployment, created } = await ensureDeployment(provider, deploymentFile, await signer(0), {
      parties: [
        { code: "KG", admin: accounts[1] },
        { code: "KZ", admin: accounts[2] },
        { code: "UZ", admin: accounts[3] },
      ],
      threshold: 2,
    });
    if (created && config.CERTLEDGER_DEMO === "1") {
      const demo = await seedDemoConsortium(deployment.ledger.address, {
        admins: { KG: await signer(1), KZ: await signer(2), UZ: await signer(3) },
        authorities: { KG: await signer(4), KZ: await signer(5), UZ: await signer(6) },
      });
      await writeFile(path.join(dataDir, "demo-consortium.json"), JSON.stringify(demo, null, 2) + "\n");
      console.log(`demo consortium seeded: ${demo.parties.map((p) => `${p.code} (${p.authority.name})`).join(", ")}`);
    }
    console.log(`chain        ${chain.rpcUrl} (chain id ${deployment.chainId})`);
    console.log(`ledger       ${deployment.ledger.address} ${created ? "(deployed now)" : "(from the deployment file)"}`);
    console.log(`deployment   ${deploymentFile}`);
    console.log(`data folder  ${dataDir}`);
    console.log("CertLedger is ready. Ctrl-C stops it; the next start finds everything again.");
  } catch (error) {
    await chain.stop();
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(`certledger: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
