import { jwkThumbprintHex } from "../../src/crypto/keys";
import { SIGNER_HELP, SIGNER_OPTIONS } from "./chain";
import { defineCommand } from "./command";
import { UsageError } from "./errors";
import { EXIT } from "./exit-codes";
import { readPublicJwk } from "./keystore";
import { action, idArgument, iso, timeArgument, withLedger, written } from "./registry";
import { readHex32 } from "../../src/hex32";

export const keyCommand = defineCommand({
  name: "key",
  usage: "add|rotate|compromise|list … --rpc URL --deployment FILE [--keystore FILE]",
  help: [
    "An authority's credential signing keys (ES256, identified by their RFC 7638 thumbprint), registered by one of its",
    "accounts or its party's admin. Keys are scoped to their authority: each authority's registration of a thumbprint",
    "is its own. FILE is a signing key file from certledger keystore new --kind signing-key, or a public JWK.",
    "  key add --authority ID --key FILE --valid-until TIME [--valid-from TIME]",
    "  key rotate --authority ID --old THUMBPRINT --key FILE --valid-until TIME   the old key retires now",
    "  key compromise --authority ID <thumbprint> [--at TIME]   signatures made from TIME on (default now) are invalid",
    "  key list --authority ID <thumbprint…>                    what the ledger holds for those keys of the authority",
    "",
    "options:",
    ...SIGNER_HELP,
    "  --json               print the result as JSON",
  ].join("\n"),
  options: {
    ...SIGNER_OPTIONS,
    authority: { type: "string" },
    key: { type: "string" },
    old: { type: "string" },
    at: { type: "string" },
    "valid-from": { type: "string" },
    "valid-until": { type: "string" },
  },
  async run({ values, positionals }, out) {
    const [act, rest] = action(positionals, ["add", "rotate", "compromise", "list"] as const);
    if (act === "list") {
      if (rest.length === 0) throw new UsageError("give the thumbprints of the keys to show");
      const authorityId = idArgument(values.authority, "--authority");
      return withLedger(values, false, async (client) => {
        const keys = [];
        for (const thumbprint of rest.map(thumbprintArgument))
          keys.push((await client.getSigningKey(authorityId, thumbprint)) ?? { thumbprint, authority: authorityId, registered: false });
        out.result(
          keys,
          keys.map((k) =>
            "authorityId" in k
              ? `${k.thumbprint}  authority ${k.authorityId} ${k.alg}, valid ${iso(k.validFrom)} – ${iso(k.validUntil)}${k.compromisedAt === undefined ? "" : `, compromised from ${iso(k.compromisedAt)}`}`
              : `${k.thumbprint}  not registered to authority ${authorityId}`,
          ),
        );
        return EXIT.OK;
      });
    }
    if (act === "compromise") {
      if (rest.length !== 1) throw new UsageError("give the thumbprint: certledger key compromise --authority ID <thumbprint>");
      const authorityId = idArgument(values.authority, "--authority");
      const thumbprint = thumbprintArgument(rest[0]);
      const at = timeArgument(values.at, "at", BigInt(Math.floor(Date.now() / 1000)));
      return withLedger(values, true, async (client) =>
        written(
          out,
          `authority ${authorityId}: key ${thumbprint} compromised from ${iso(at)}`,
          await client.compromiseSigningKey(authorityId, thumbprint, at),
        ),
      );
    }
    if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
    const authorityId = idArgument(values.authority, "--authority");
    if (!values.key) throw new UsageError("--key FILE is required: the signing key file (or public JWK) to register");
    const thumbprint = jwkThumbprintHex(await readPublicJwk(values.key));
    const validUntil = timeArgument(values["valid-until"], "valid-until");
    if (act === "add") {
      const validFrom = timeArgument(values["valid-from"], "valid-from", BigInt(Math.floor(Date.now() / 1000)));
      return withLedger(values, true, async (client) =>
        written(
          out,
          `key ${thumbprint} added to authority ${authorityId}`,
          await client.addSigningKey({ authorityId, thumbprint, alg: "ES256", validFrom, validUntil }),
        ),
      );
    }
    const oldThumbprint = thumbprintArgument(values.old ?? "");
    return withLedger(values, true, async (client) =>
      written(
        out,
        `authority ${authorityId}: key ${oldThumbprint} retired, ${thumbprint} in use`,
        await client.rotateSigningKey({ authorityId, oldThumbprint, newThumbprint: thumbprint, alg: "ES256", validUntil }),
      ),
    );
  },
});

function thumbprintArgument(text: string): string {
  const thumbprint = readHex32(text, { prefix: "optional" });
  if (thumbprint === undefined) throw new UsageError(`${JSON.stringify(text)} is not a key thumbprint (32 bytes hex)`);
  return thumbprint;
}
