import { SIGNER_HELP, SIGNER_OPTIONS } from "./chain";
import { defineCommand, type Command } from "./command";
import { UsageError } from "./errors";
import { idArgument, partyArgument, typeNames, typesArgument, withLedger, written } from "./registry";

function recognitionCommand(recognise: boolean): Command {
  const name = recognise ? "recognise" : "unrecognise";
  return defineCommand({
    name,
    usage: `--importer P (--issuer P | --authority ID)${recognise ? " --types TYPES" : ""} --rpc URL --deployment FILE --keystore FILE`,
    help: [
      recognise
        ? "Records that the importing party recognises the certificate types TYPES of a foreign party (or of one of its"
        : "Withdraws the importing party's recognition of a foreign party's (or authority's) certificates.",
      recognise
        ? "authorities); verification reports it for that party. Signed by the importing party's admin."
        : "Signed by the importing party's admin.",
      "",
      "options:",
      "  --importer P         the recognising party",
      "  --issuer P           the foreign party recognised",
      "  --authority ID       or one foreign authority",
      ...(recognise
        ? ["  --types TYPES        comma-separated: conformityCertificate, testReport, certificateOfOrigin, phytosanitaryCertificate"]
        : []),
      ...SIGNER_HELP,
      "  --json               print the result as JSON",
    ].join("\n"),
    options: {
      ...SIGNER_OPTIONS,
      importer: { type: "string" },
      issuer: { type: "string" },
      authority: { type: "string" },
      types: { type: "string" },
    },
    async run({ values, positionals }, out) {
      if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
      const importer = partyArgument(values.importer, "--importer");
      if ((values.issuer === undefined) === (values.authority === undefined)) throw new UsageError("give --issuer P or --authority ID");
      const types = recognise ? typesArgument(values.types, "types") : 0n;
      return withLedger(values, true, async (client) => {
        if (values.issuer !== undefined) {
          const issuer = partyArgument(values.issuer, "--issuer");
          return written(
            out,
            `${importer} recognises ${issuer}'s ${typeNames(types)}`,
            await client.setPartyRecognition({ importer, issuer, types }),
          );
        }
        const authorityId = idArgument(values.authority, "--authority");
        return written(
          out,
          `${importer} recognises authority ${authorityId}'s ${typeNames(types)}`,
          await client.setAuthorityRecognition({ importer, authorityId, types }),
        );
      });
    },
  });
}

export const recogniseCommand = recognitionCommand(true);
export const unrecogniseCommand = recognitionCommand(false);
