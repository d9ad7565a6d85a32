import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { isKeystoreJson, Wallet } from "ethers";
import { writeKeystore } from "../../src/chain/keystore";
import { loadJose } from "../../src/crypto/jose";
import { generateSigningKey, jwkThumbprint, jwkThumbprintHex, p256PrivateJwk, type JWK } from "../../src/crypto/keys";
import { defineCommand } from "./command";
import { UsageError } from "./errors";
import { EXIT } from "./exit-codes";
import { readPassword } from "./password";

/** An encrypted signing key file: the public half in the clear (to register it), the private JWK as a PBES2 JWE. */
export interface SigningKeyFile {
  format: "certledger-signing-key";
  kid: string;
  thumbprint: string;
  publicJwk: JWK;
  encrypted: string;
}

const PASSWORD = { env: "CERTLEDGER_PASSWORD", prompt: "password for the new keystore: ", confirm: true };

async function writeSigningKey(file: string, privateJwk: JWK, publicJwk: JWK, password: string): Promise<SigningKeyFile> {
  const jose = await loadJose();
  const encrypted = await new jose.CompactEncrypt(new TextEncoder().encode(JSON.stringify(privateJwk)))
    .setProtectedHeader({ alg: "PBES2-HS512+A256KW", enc: "A256GCM", cty: "jwk+json" })
    .encrypt(new TextEncoder().encode(password));
  const content: SigningKeyFile = {
    format: "certledger-signing-key",
    kid: jwkThumbprint(publicJwk),
    thumbprint: jwkThumbprintHex(publicJwk),
    publicJwk,
    encrypted,
  };
  await writeFile(file, JSON.stringify(content, null, 2) + "\n", { mode: 0o600, flag: "wx" }).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(error.code === "EEXIST" ? `${file} exists already` : `cannot write ${file}`);
  });
  return content;
}

/** The public JWK of a signing key file, or of a plain public JWK file (what `key add` registers). */
export async function readPublicJwk(file: string): Promise<JWK> {
  const text = await readFile(file, "utf8").catch(() => {
    throw new UsageError(`cannot read the key file ${file}`);
  });
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UsageError(`the key file ${file} is not JSON`);
  }
  const jwk = (json.format === "certledger-signing-key" ? json.publicJwk : json) as JWK;
  if (jwk?.kty !== "EC" || jwk.crv !== "P-256" || typeof jwk.x !== "string") throw new UsageError(`${file} holds no P-256 public key`);
  const { d: _private, ...publicJwk } = jwk;
  return publicJwk;
}

export const keystoreCommand = defineCommand({
  name: "keystore",
  usage: "new|import|list [--kind account|signing-key] [--out FILE] [DIR]",
  help: [
    "Encrypted keys, so that nothing secret sits in a file in the clear. The password comes from CERTLEDGER_PASSWORD or",
    "a prompt that does not echo; a private key to import from CERTLEDGER_PRIVATE_KEY (an account) or a JWK file.",
    "",
    "  keystore new --kind account --out FILE          a new account: an encrypted JSON keystore (ethers / geth format)",
    "  keystore new --kind signing-key --out FILE      a new ES256 signing key: its public JWK and thumbprint in the",
    "                                                  clear (for certledger key add), the private JWK encrypted (JWE PBES2)",
    "  keystore import --kind account --out FILE       the account whose private key is in CERTLEDGER_PRIVATE_KEY",
    "  keystore import --kind signing-key --jwk F --out FILE   a private P-256 JWK from the file F",
    "  keystore list [DIR]                             the keystores and signing keys in DIR (default .)",
    "",
    "A node on an external chain reads its accounts' keystores from DATA_DIR/keys/accounts/<address>.json.",
  ].join("\n"),
  options: { kind: { type: "string" }, out: { type: "string" }, jwk: { type: "string" } },
  async run({ values, positionals: args }, out) {
    const [action, ...rest] = args;
    if (action === "list") {
      if (rest.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(rest[1])}`);
      const dir = rest[0] ?? ".";
      const names = await readdir(dir).catch(() => {
        throw new UsageError(`cannot read the folder ${dir}`);
      });
      const found: { file: string; kind: string; address?: string; kid?: string; thumbprint?: string }[] = [];
      for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
        const text = await readFile(path.join(dir, name), "utf8").catch(() => "");
        if (isKeystoreJson(text)) found.push({ file: name, kind: "account", address: addressOf(text) });
        else {
          const json = safeJson(text);
          if (json?.format === "certledger-signing-key")
            found.push({ file: name, kind: "signing-key", kid: json.kid as string, thumbprint: json.thumbprint as string });
        }
      }
      out.result(
        found,
        found.length === 0 ? `no keystores in ${dir}` : found.map((k) => `${k.kind.padEnd(12)} ${k.address ?? k.kid}  ${k.file}`),
      );
      return EXIT.OK;
    }
    if (action !== "new" && action !== "import") throw new UsageError("give new, import or list");
    if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
    const kind = values.kind ?? "account";
    if (kind !== "account" && kind !== "signing-key") throw new UsageError(`--kind ${kind} is not account or signing-key`);
    const file = values.out;
    if (!file) throw new UsageError("--out FILE is required: where the encrypted key goes");
    if (kind === "account") {
      let wallet: Wallet;
      if (action === "new") wallet = Wallet.createRandom() as unknown as Wallet;
      else {
        const key =
          process.env.CERTLEDGER_PRIVATE_KEY ?? (await readPassword({ env: "CERTLEDGER_PRIVATE_KEY", prompt: "private key (0x…): " }));
        try {
          wallet = new Wallet(key.trim());
        } catch {
          throw new UsageError("CERTLEDGER_PRIVATE_KEY is not a private key (32 bytes, 0x-prefixed hex)");
        }
      }
      await writeKeystore(file, wallet, await readPassword(PASSWORD));
      out.result({ kind, address: wallet.address, file }, `account ${wallet.address} in ${file}`);
      return EXIT.OK;
    }
    let privateJwk: JWK;
    let publicJwk: JWK;
    if (action === "new") ({ privateJwk, publicJwk } = await generateSigningKey());
    else {
      if (!values.jwk) throw new UsageError("--jwk FILE is required: the private P-256 JWK to import");
      const text = await readFile(values.jwk, "utf8").catch(() => {
        throw new UsageError(`cannot read ${values.jwk}`);
      });
      privateJwk = p256PrivateJwk(safeJson(text), "private key");
      const { d: _private, ...rest } = privateJwk;
      publicJwk = rest;
    }
    const written = await writeSigningKey(file, privateJwk, publicJwk, await readPassword(PASSWORD));
    out.result({ kind, kid: written.kid, thumbprint: written.thumbprint, publicJwk, file }, [
      `signing key ${written.kid} (thumbprint ${written.thumbprint}) in ${file}`,
      `register it with: certledger key add --authority <id> --key ${file} …`,
    ]);
    return EXIT.OK;
  },
});

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The address a keystore file states (readable without its password). */
function addressOf(text: string): string | undefined {
  const address = safeJson(text)?.address;
  return typeof address === "string" ? `0x${address.replace(/^0x/, "")}` : undefined;
}
