import { Auth, type MintTokenInput } from "../../server/auth";
import { loadConfig } from "../../server/config";
import { loadServerKey } from "../../server/server-key";
import { apiClient, API_OPTIONS } from "./api";
import { defineCommand, positionals } from "./command";
import { UsageError } from "./errors";
import { EXIT } from "./exit-codes";

/** What a token is minted for, as given on the command line. */
export interface TokenArguments {
  role?: string;
  authority?: string;
  party?: string;
  agency?: string;
  registration?: string;
  ttl?: string;
  "data-dir"?: string;
}

/**
 * Mints an API token signed with the server key of the data folder (DATA_DIR, created there if the server never
 * started), with the issuer (JWT_ISSUER) and default lifetime (JWT_TTL) the server uses. `certledger token` and
 * `npm run token` both call this.
 */
export async function mintToken(
  args: TokenArguments,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ token: string; input: MintTokenInput }> {
  let input: MintTokenInput;
  if (args.role === "issuer" && args.authority !== undefined && args.party === undefined) {
    if (!/^[1-9]\d{0,9}$/.test(args.authority)) throw new UsageError(`--authority ${args.authority} is not an authority id`);
    input = { role: "issuer", authorityId: Number(args.authority), ttl: args.ttl };
  } else if (args.role === "party-admin" && args.party !== undefined && args.authority === undefined) {
    input = { role: "party-admin", party: args.party, ttl: args.ttl };
  } else if (args.role === "customs" && args.agency !== undefined && args.authority === undefined && args.party === undefined) {
    if (!/^[1-9]\d{0,9}$/.test(args.agency)) throw new UsageError(`--agency ${args.agency} is not a border agency id`);
    input = { role: "customs", agencyId: Number(args.agency), ttl: args.ttl };
  } else if (args.role === "declarant" && args.registration !== undefined && args.authority === undefined && args.party === undefined) {
    if (!/^[1-9]\d{0,9}$/.test(args.registration)) throw new UsageError(`--registration ${args.registration} is not a registration id`);
    input = { role: "declarant", registrationId: Number(args.registration), ttl: args.ttl };
  } else {
    throw new UsageError(
      "give --role issuer with --authority, --role party-admin with --party, --role customs with --agency, or --role declarant with --registration",
    );
  }
  const config = loadConfig(args["data-dir"] === undefined ? env : { ...env, DATA_DIR: args["data-dir"] });
  const auth = new Auth(await loadServerKey(config.dataDir), { issuer: config.jwtIssuer, defaultTtlSeconds: config.jwtTtlSeconds });
  return { token: await auth.mintToken(input), input };
}

export const tokenCommand = defineCommand({
  name: "token",
  usage:
    "--role issuer --authority ID | --role party-admin --party P | --role customs --agency ID | --role declarant --registration ID  [--ttl 30d] [--data-dir DIR]",
  help: [
    "Prints an API token signed with the server key of the node's data folder: for an issuing authority (anchors,",
    "suspends, revokes its certificates), a party admin, or a border agency (records outcomes and write-offs of",
    "other parties' certificates), or a registered exporter or importer (declares origin). Run it where the node's",
    "data folder is.",
    "",
    "options:",
    "  --role R           issuer, party-admin, customs or declarant",
    "  --authority ID     the issuer's authority id",
    "  --party P          the party admin's party code",
    "  --agency ID        the border agency's id",
    "  --registration ID  the registered exporter's or importer's registration id",
    "  --ttl DURATION     lifetime (3600, 90m, 12h, 30d; default JWT_TTL)",
    "  --data-dir DIR     the node's data folder (default DATA_DIR or ./.certledger)",
    "  --json             print { token, role, … } as JSON",
  ].join("\n"),
  options: {
    role: { type: "string" },
    authority: { type: "string" },
    party: { type: "string" },
    agency: { type: "string" },
    registration: { type: "string" },
    ttl: { type: "string" },
    "data-dir": { type: "string" },
  },
  async run({ values, positionals: args }, out) {
    positionals(args, []);
    const { token, input } = await mintToken(values);
    out.result({ token, ...input }, token);
    return EXIT.OK;
  },
});

export const revokeTokenCommand = defineCommand({
  name: "revoke-token",
  usage: "TOKEN --api URL --token ADMIN_TOKEN",
  help: [
    "Revokes an API token before it expires (a leaked one, a departed officer's, a demo's 365-day one): from then on the",
    "server refuses it with TOKEN_REVOKED. Done by a party admin of the token's party, through the API server.",
    "",
    "options:",
    "  --api URL      the API server (or CERTLEDGER_API)",
    "  --token T      the party admin's own token (or CERTLEDGER_TOKEN)",
    "  --json         print the result as JSON",
  ].join("\n"),
  options: { ...API_OPTIONS },
  async run({ values, positionals: args }, out) {
    const [token] = positionals(args, ["the token to revoke"]);
    const result = await apiClient(values, true).request<{ jti: string; subject: string; expiresAt: string }>("POST", "/v1/tokens/revoke", {
      json: { token },
    });
    out.result(result, `revoked: token ${result.jti} of ${result.subject} (it would have expired ${result.expiresAt})`);
    return EXIT.OK;
  },
});
