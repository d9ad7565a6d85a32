/**
 * `npm run token -- --role issuer --authority 1 [--ttl 30d]` or `npm run token -- --role party-admin --party KG`:
 * prints an access token signed with the server's key from DATA_DIR (the key is created there if the server never
 * started), with the issuer (JWT_ISSUER) and default lifetime (JWT_TTL) the server uses. `certledger token` does the
 * same (scripts/cli/token.ts holds the code both run).
 */
import { parseArgs } from "node:util";
import { isCertLedgerError } from "../src/errors";
import { UsageError } from "./cli/errors";
import { mintToken } from "./cli/token";

const USAGE =
  "usage: npm run token -- --role issuer --authority <id> [--ttl 30d]\n       npm run token -- --role party-admin --party <KG> [--ttl 30d]\n       npm run token -- --role customs --agency <id> [--ttl 30d]\n       npm run token -- --role declarant --registration <id> [--ttl 30d]";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: "string" },
      authority: { type: "string" },
      party: { type: "string" },
      agency: { type: "string" },
      registration: { type: "string" },
      ttl: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  console.log((await mintToken(values)).token);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    console.error(`${(error as Error).message}\n${USAGE}`);
  } else if (isCertLedgerError(error)) {
    console.error(`${error.code}: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
