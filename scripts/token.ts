/**
 * `npm run token -- --role issuer --authority 1 [--ttl 30d]` or `npm run token -- --role party-admin --party KG`:
 * prints an access token signed with the server's key from DATA_DIR (the key is created there if the server never
 * started), with the issuer (JWT_ISSUER) and default lifetime (JWT_TTL) the server uses.
 */
import { parseArgs } from "node:util";
import { Auth, type MintTokenInput } from "../server/auth";
import { loadConfig } from "../server/config";
import { loadServerKey } from "../server/server-key";
import { isCertLedgerError } from "../src/errors";

const USAGE =
  "usage: npm run token -- --role issuer --authority <id> [--ttl 30d]\n       npm run token -- --role party-admin --party <KG> [--ttl 30d]";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: "string" },
      authority: { type: "string" },
      party: { type: "string" },
      ttl: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  let input: MintTokenInput;
  if (values.role === "issuer" && values.authority !== undefined && values.party === undefined) {
    if (!/^[1-9]\d{0,9}$/.test(values.authority)) throw new UsageError(`--authority ${values.authority} is not an authority id`);
    input = { role: "issuer", authorityId: Number(values.authority), ttl: values.ttl };
  } else if (values.role === "party-admin" && values.party !== undefined && values.authority === undefined) {
    input = { role: "party-admin", party: values.party, ttl: values.ttl };
  } else {
    throw new UsageError("give --role issuer with --authority, or --role party-admin with --party");
  }
  const config = loadConfig(process.env);
  const auth = new Auth(await loadServerKey(config.dataDir), { issuer: config.jwtIssuer, defaultTtlSeconds: config.jwtTtlSeconds });
  console.log(await auth.mintToken(input));
}

class UsageError extends Error {}

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
