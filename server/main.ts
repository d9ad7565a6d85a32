/**
 * `npm start`: one CertLedger node. With nothing configured it runs everything embedded — a persistent anvil chain
 * (contracts deployed once), a Helia IPFS node, and the API with its docs — and seeds a demo consortium on the first
 * start. Configuration: environment variables, see `.env.example`. Ctrl-C stops everything cleanly.
 */
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
    console.log(`demo consortium seeded; tokens in ${config.dataDir}/demo-credentials.json:`);
    for (const [code, party] of Object.entries(ledger.demo.parties)) {
      console.log(`  ${code} party admin: ${party.adminToken}`);
      for (const a of party.authorities) console.log(`  ${code} authority ${a.id} (${a.name}): ${a.token}`);
    }
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
