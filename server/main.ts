/**
 * `npm start`: one CertLedger node. With nothing configured it runs everything embedded — a persistent anvil chain
 * (contracts deployed once), a Helia IPFS node, and the API with its docs — and seeds a demo consortium on the first
 * start. Configuration: environment variables, see `.env.example`. Ctrl-C stops everything cleanly.
 */
import path from "node:path";
import { loadConfig, type ServerConfig } from "./config";
import { startLedger } from "./runtime";

/** Runs a node from `config` until SIGINT or SIGTERM, printing where everything is (`npm start`, `certledger start`). */
export async function runNode(config: ServerConfig): Promise<void> {
  const ledger = await startLedger(config);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping (everything is saved in ${config.dataDir})`);
    await ledger.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  if (ledger.demo) {
    // Where the tokens are and how to take one, not the tokens themselves: six long bearer tokens buried the lines below,
    // and a terminal's scrollback or a shared screen is no place for them.
    const file = path.resolve(config.dataDir, "demo-credentials.json");
    const [code, party] = Object.entries(ledger.demo.parties)[0];
    console.log(`demo consortium seeded (${Object.keys(ledger.demo.parties).join(", ")}): a token for every party admin and issuing`);
    console.log(`authority is in ${file}; e.g. ${code}'s ${party.authorities[0].name}:`);
    console.log(`  TOKEN=$(node -p 'require(${JSON.stringify(file)}).parties.${code}.authorities[0].token')`);
  }
  console.log(`chain        ${ledger.rpcUrl} (chain id ${ledger.deployment.chainId}), ledger ${ledger.deployment.ledger.address}`);
  console.log(`verifier     ${ledger.url}/ (verification links: ${ledger.url}/v/<certHash>)`);
  console.log(`console      ${ledger.url}/console (issuers and party admins, with a token)`);
  console.log(`API          ${ledger.url}/v1`);
  console.log(`docs         ${ledger.url}/docs (OpenAPI: ${ledger.url}/openapi.json)`);
  console.log(`health       ${ledger.url}/healthz, ${ledger.url}/readyz`);
  console.log(`data folder  ${config.dataDir}`);
  console.log("CertLedger is ready. Ctrl-C stops it; the next start finds everything again.");
}

if (require.main === module) {
  runNode(loadConfig(process.env)).catch((error: unknown) => {
    console.error(`certledger: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
