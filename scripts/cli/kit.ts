import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { planNetworkKit, type KitInput } from "../kit/kit-plan";
import { parsePartyList } from "../kit/kit-input";
import { generatePartyNodeKeys } from "../kit/node-keys";
import { writeKitFiles } from "../kit/write-kit";
import { defineCommand, positionals, required } from "./command";
import { UsageError } from "./errors";
import { EXIT } from "./exit-codes";
import { action } from "./registry";

const PRIVATE_KEY_WARNING = [
  "WARNING: the kit holds private keys (besu/key, kubo/identity.key) and the network's swarm.key, written 0600.",
  "Give each party its own folder only, over a secure channel; keep no copy here once delivered.",
  "Better: let each party make its own keys with `certledger kit keys` and pass their public halves with --keys-from.",
].join("\n");

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch {
    throw new UsageError(`cannot read the ${what} file ${file}`);
  }
}

async function readJson(file: string, what: string): Promise<unknown> {
  const text = await readText(file, what);
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`the ${what} file ${file} is not JSON`);
  }
}

function wholeNumber(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${option} must be a whole number, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** Merges several `--keys-from` files (one per party, as `kit keys` writes them, or one for all). */
async function readPublicKeys(files: string[]): Promise<unknown> {
  const merged: Record<string, unknown> = {};
  for (const file of files) {
    const content = await readJson(file, "public keys");
    if (typeof content !== "object" || content === null || Array.isArray(content)) {
      throw new UsageError(`the public keys file ${file} is not a JSON object of parties`);
    }
    for (const [code, keys] of Object.entries(content)) {
      if (Object.hasOwn(merged, code)) throw new UsageError(`party ${code} has public keys in two --keys-from files`);
      merged[code] = keys;
    }
  }
  return merged;
}

export const kitCommand = defineCommand({
  name: "kit",
  usage: "network --parties KG,KZ,UZ --registry FILE --out DIR [options] | keys --party KG --out DIR",
  help: [
    "The production kit: a Hyperledger Besu QBFT network, a private Kubo network and a docker-compose file per party.",
    "",
    "  kit network --parties KG,KZ,UZ --registry FILE --out DIR",
    "      writes DIR/<PARTY>/ for each party (genesis.json, besu/, kubo/, docker-compose.yml) and DIR/network.json,",
    "      DIR/deploy-params.json (for `certledger deploy`). The registry file gives the accounts allowed to transact:",
    '      { "deployer": "0x…", "parties": { "KG": { "host": "kg.example.org", "publicUrl": "https://…",',
    '        "admins": ["0x…"], "authorityAccounts": ["0x…"] }, … } }',
    "  kit keys --party KG --out DIR",
    "      a party makes its own node keys: DIR/KG/besu/key and DIR/KG/kubo/identity.key (0600), and prints their public",
    "      halves (also in DIR/KG/public-keys.json) for the coordinator's --keys-from",
    "",
    "options of kit network:",
    "  --parties LIST           ISO 3166-1 alpha-2 codes, comma-separated (at least one, none twice)",
    "  --registry FILE          the party registry (above)",
    "  --out DIR                a new or empty folder",
    "  --keys-from FILE         the parties' public keys (repeatable; from `kit keys`): no private key is made or written",
    "  --genesis FILE           an existing network's genesis.json: a kit for parties joining it (their validators are",
    "                           then voted in, see network.json validatorsToVoteIn)",
    "  --swarm-key FILE         keep an existing private network key (a joining party needs the network's)",
    "  --domain NAME            a party's host when the registry gives none: <code>.NAME (default certledger.example)",
    "  --chain-id N             default 7373",
    "  --block-period S         QBFT blockperiodseconds, default 2",
    "  --request-timeout S      QBFT requesttimeoutseconds, default 4",
    "  --epoch-length N         QBFT epochlength, default 30000",
    "  --contract-size-limit N  bytes, default 24576 (EIP-170)",
    "  --besu-image, --kubo-image, --server-image   container images",
    "  --json                   print the summary as JSON",
  ].join("\n"),
  options: {
    parties: { type: "string" },
    party: { type: "string" },
    registry: { type: "string" },
    out: { type: "string" },
    "keys-from": { type: "string", multiple: true },
    genesis: { type: "string" },
    "swarm-key": { type: "string" },
    domain: { type: "string" },
    "chain-id": { type: "string" },
    "block-period": { type: "string" },
    "request-timeout": { type: "string" },
    "epoch-length": { type: "string" },
    "contract-size-limit": { type: "string" },
    "besu-image": { type: "string" },
    "kubo-image": { type: "string" },
    "server-image": { type: "string" },
  },
  async run({ values, positionals: args }, out) {
    const [act, rest] = action(args, ["network", "keys"] as const);
    positionals(rest, []);
    const outDir = required(values.out, "out");
    if (act === "keys") {
      const [code] = parsePartyList(required(values.party, "party"));
      const keys = await generatePartyNodeKeys();
      const dir = path.join(outDir, code);
      await mkdir(path.join(dir, "besu"), { recursive: true, mode: 0o700 });
      await mkdir(path.join(dir, "kubo"), { recursive: true, mode: 0o700 });
      await writeFile(path.join(dir, "besu", "key"), keys.nodePrivateKey + "\n", { mode: 0o600, flag: "wx" }).catch(refuseOverwrite);
      await writeFile(path.join(dir, "kubo", "identity.key"), keys.kuboPrivateKey + "\n", { mode: 0o600, flag: "wx" }).catch(
        refuseOverwrite,
      );
      const publicKeys = { [code]: { nodePublicKey: keys.nodePublicKey, kuboPeerId: keys.kuboPeerId } };
      await writeFile(path.join(dir, "public-keys.json"), JSON.stringify(publicKeys, null, 2) + "\n");
      out.note(`private keys of ${code} in ${dir}/besu/key and ${dir}/kubo/identity.key (0600): they never leave this host`);
      out.result(publicKeys, [JSON.stringify(publicKeys, null, 2), `validator ${keys.validator}`]);
      return EXIT.OK;
    }
    const input: KitInput = {
      parties: required(values.parties, "parties"),
      registry: await readJson(required(values.registry, "registry"), "registry"),
      publicKeys: values["keys-from"] ? await readPublicKeys(values["keys-from"]) : undefined,
      genesis: values.genesis === undefined ? undefined : await readJson(values.genesis, "genesis"),
      swarmKey: values["swarm-key"] === undefined ? undefined : await readText(values["swarm-key"], "swarm key"),
      domain: values.domain,
      chain: Object.fromEntries(
        Object.entries({
          chainId: wholeNumber(values["chain-id"], "chain-id"),
          blockPeriodSeconds: wholeNumber(values["block-period"], "block-period"),
          requestTimeoutSeconds: wholeNumber(values["request-timeout"], "request-timeout"),
          epochLength: wholeNumber(values["epoch-length"], "epoch-length"),
          contractSizeLimit: wholeNumber(values["contract-size-limit"], "contract-size-limit"),
        }).filter(([, v]) => v !== undefined),
      ),
      images: Object.fromEntries(
        Object.entries({ besu: values["besu-image"], kubo: values["kubo-image"], server: values["server-image"] }).filter(
          ([, v]) => v !== undefined,
        ),
      ),
    };
    const kit = await planNetworkKit(input);
    await writeKitFiles(outDir, kit.files);
    if (kit.privateKeysWritten) out.note(PRIVATE_KEY_WARNING);
    const summary = JSON.parse(kit.files.find((f) => f.path === "network.json")!.content) as Record<string, unknown>;
    out.result({ out: outDir, ...summary }, [
      `network kit for ${kit.parties.map((p) => p.code).join(", ")} (chain ${kit.genesis.config.chainId}) in ${outDir}`,
      ...kit.parties.map((p) => `  ${p.code}: validator ${p.keys.validator}, Kubo ${p.keys.kuboPeerId}, host ${p.host}`),
      `accounts allowed to transact: ${kit.accounts.length}`,
      ...(kit.validatorsToVoteIn.length > 0
        ? [`not in the genesis, to be voted in with qbft_proposeValidatorVote: ${kit.validatorsToVoteIn.join(", ")}`]
        : []),
    ]);
    return EXIT.OK;
  },
});

function refuseOverwrite(error: unknown): never {
  if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new UsageError("the party's keys exist already: never overwritten");
  throw error;
}
