import { SIGNER_HELP, SIGNER_OPTIONS } from "./chain";
import { defineCommand } from "./command";
import { UsageError } from "./errors";
import { EXIT } from "./exit-codes";
import { action, idArgument, iso, partyArgument, timeArgument, typeNames, typesArgument, withLedger, written } from "./registry";

export const authorityCommand = defineCommand({
  name: "authority",
  usage: "add|suspend|reactivate|list … --rpc URL --deployment FILE [--keystore FILE]",
  help: [
    "A party's issuing authorities, managed by the party's admin:",
    "  authority add --party P --name N --account ADDRESS --scope TYPES --valid-until TIME [--valid-from TIME]",
    "  authority suspend <id>          authority reactivate <id>",
    "  authority list [--party P]      every authority (of party P)",
    "TYPES: comma-separated conformityCertificate, testReport, certificateOfOrigin, phytosanitaryCertificate (or 1..63).",
    "TIME: an ISO date-time, Unix seconds, now, or a duration from now (5y is not one: use 1825d).",
    "",
    "options:",
    ...SIGNER_HELP,
    "  --json               print the result as JSON",
  ].join("\n"),
  options: {
    ...SIGNER_OPTIONS,
    party: { type: "string" },
    name: { type: "string" },
    account: { type: "string", multiple: true },
    scope: { type: "string" },
    "valid-from": { type: "string" },
    "valid-until": { type: "string" },
  },
  async run({ values, positionals }, out) {
    const [act, rest] = action(positionals, ["add", "suspend", "reactivate", "list"] as const);
    if (act === "list") {
      return withLedger(values, false, async (client) => {
        const party = values.party === undefined ? undefined : partyArgument(values.party, "--party");
        const found = [];
        // Authority ids are given out from 1 in order: read until the first gap.
        for (let id = 1; ; id++) {
          const authority = await client.getAuthority(id);
          if (!authority) break;
          if (party === undefined || authority.party === party) found.push({ ...authority, accounts: await client.authorityAccounts(id) });
        }
        out.result(
          found,
          found.length === 0
            ? "no authorities"
            : found.map(
                (a) =>
                  `${String(a.id).padStart(3)}  ${a.party}  ${a.status.padEnd(9)} ${a.name} — ${typeNames(a.scope)}; valid ${iso(a.validFrom)} – ${iso(a.validUntil)}; accounts ${a.accounts.join(", ")}`,
              ),
        );
        return EXIT.OK;
      });
    }
    if (act === "add") {
      if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
      const name = values.name?.trim();
      if (!name) throw new UsageError("--name is required: the authority's name");
      const accounts = values.account ?? [];
      if (accounts.length === 0) throw new UsageError("--account ADDRESS is required (repeat it for more): the accounts that anchor");
      for (const account of accounts)
        if (!/^0x[0-9a-fA-F]{40}$/.test(account)) throw new UsageError(`--account ${account} is not an address`);
      const input = {
        party: partyArgument(values.party, "--party"),
        name,
        accounts,
        scope: typesArgument(values.scope, "scope"),
        validFrom: timeArgument(values["valid-from"], "valid-from", BigInt(Math.floor(Date.now() / 1000))),
        validUntil: timeArgument(values["valid-until"], "valid-until"),
      };
      return withLedger(values, true, async (client) => {
        const result = await client.registerAuthority(input);
        return written(out, `authority ${result.authorityId} registered`, result);
      });
    }
    if (rest.length !== 1) throw new UsageError(`give the authority id: certledger authority ${act} <id>`);
    const id = idArgument(rest[0], "authority");
    return withLedger(values, true, async (client) =>
      written(
        out,
        `authority ${id} ${act === "suspend" ? "suspended" : "reactivated"}`,
        await (act === "suspend" ? client.suspendAuthority(id) : client.reactivateAuthority(id)),
      ),
    );
  },
});
