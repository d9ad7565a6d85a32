import { loadConfig } from "../../server/config";
import { runNode } from "../../server/main";
import { buildWebPages } from "../build-web";
import { defineCommand, positionals } from "./command";
import { UsageError } from "./errors";

/** Each flag of `start` and the environment variable it sets (the rest of the configuration comes from the environment). */
const FLAGS = {
  "data-dir": "DATA_DIR",
  port: "PORT",
  host: "HOST",
  "chain-port": "CHAIN_PORT",
  rpc: "RPC_URL",
  deployment: "LEDGER_DEPLOYMENT",
  ipfs: "IPFS_API_URL",
  "public-url": "PUBLIC_URL",
} as const;

export const startCommand = defineCommand({
  name: "start",
  usage: "[--data-dir DIR] [--port N] [--rpc URL --deployment FILE] [--ipfs URL] [--no-demo]",
  help: [
    "Runs one whole CertLedger node, as npm start does: the chain (embedded anvil unless --rpc), the IPFS node (embedded",
    "Helia unless --ipfs), the anchoring pipeline, the chain index and the API. Ctrl-C stops it. Every other setting is",
    "read from the environment (see .env.example); a flag wins over its variable.",
    "",
    "options:",
    "  --data-dir DIR     the data folder (DATA_DIR, default ./.certledger)",
    "  --port N           the API's port (PORT, default 8080; 0 picks a free one)",
    "  --host H           the address the API listens on (HOST, default 127.0.0.1)",
    "  --chain-port N     the embedded anvil chain's port (CHAIN_PORT, default 8545)",
    "  --rpc URL          use this chain instead of the embedded one (RPC_URL; needs KEYRING_PASSWORD)",
    "  --deployment FILE  where the ledger is on that chain (LEDGER_DEPLOYMENT)",
    "  --ipfs URL         a Kubo node's RPC API instead of the embedded Helia node (IPFS_API_URL)",
    "  --public-url URL   where clients reach this server, for the links it hands out (PUBLIC_URL)",
    "  --no-demo          do not seed the demo consortium on the first start (CERTLEDGER_DEMO=0)",
  ].join("\n"),
  options: {
    "data-dir": { type: "string" },
    port: { type: "string" },
    host: { type: "string" },
    "chain-port": { type: "string" },
    rpc: { type: "string" },
    deployment: { type: "string" },
    ipfs: { type: "string" },
    "public-url": { type: "string" },
    "no-demo": { type: "boolean" },
  },
  async run({ values, positionals: args }, out) {
    positionals(args, []);
    if (out.json) throw new UsageError("start prints what it runs as text; --json does not apply");
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [flag, variable] of Object.entries(FLAGS)) {
      const value = values[flag as keyof typeof FLAGS];
      if (value !== undefined) env[variable] = value;
    }
    if (values["no-demo"]) env.CERTLEDGER_DEMO = "0";
    let config;
    try {
      config = loadConfig(env);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    // The same pages `npm start` serves: built from web/ each start, so they match the sources of this checkout.
    await buildWebPages();
    await runNode(config);
    // The node runs until a signal stops it (runNode's handler exits the process).
    return new Promise<number>(() => undefined);
  },
});
