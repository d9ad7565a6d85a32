import { besuConfigToml, enodeUrl, permissionsToml, staticNodesJson } from "./besu-config";
import { composeYaml, kuboStartScript } from "./compose";
import { besuGenesisSchema, buildGenesis, type BesuGenesis } from "./genesis";
import {
  chainOptionsSchema,
  DEFAULT_CHAIN_OPTIONS,
  expectSameParties,
  kitError,
  parsePartyList,
  parseWith,
  publicKeysFileSchema,
  regionName,
  registrySchema,
  type ChainOptions,
} from "./kit-input";
import { kuboConfig, kuboSwarmAddress } from "./kubo-config";
import { generatePartyNodeKeys, generateSwarmKey, isSwarmKey, nodePublicParts, type PartyNodeKeys } from "./node-keys";
import { decodeQbftExtraData } from "./qbft-extra-data";

/** A party as the kit sees it: its registry entry, where it is reached, and its node keys. */
export interface KitParty {
  code: string;
  name: string;
  host: string;
  publicUrl?: string;
  admins: string[];
  authorityAccounts: string[];
  keys: PartyNodeKeys;
}

/** The container images of a party's node. */
export interface KitImages {
  besu: string;
  kubo: string;
  server: string;
}

export const DEFAULT_IMAGES: KitImages = {
  besu: "hyperledger/besu:24.12.2",
  kubo: "ipfs/kubo:v0.32.1",
  server: "${CERTLEDGER_IMAGE:-certledger-server:0.1.0}",
};

/** One file of the kit, relative to the output folder. Secrets are written 0600, the rest 0644. */
export interface KitFile {
  path: string;
  content: string;
  secret: boolean;
}

/** What the kit is made from (as read from the command line and files; validated by {@link planNetworkKit}). */
export interface KitInput {
  /** "KG,KZ,UZ" or the codes. */
  parties: string | string[];
  /** The registry file's content. */
  registry: unknown;
  chain?: Partial<ChainOptions>;
  /** The parties' own public keys (`certledger kit keys`); when given, no private key is generated or written. */
  publicKeys?: unknown;
  /** An existing network's genesis, to generate a kit for a party joining it (its validator is then voted in). */
  genesis?: unknown;
  /** An existing swarm.key, to keep the private network's key. */
  swarmKey?: string;
  /** The DNS domain a party's host defaults to (`<code>.<domain>`). */
  domain?: string;
  images?: Partial<KitImages>;
}

/** The kit: its files, and what they were derived from. */
export interface NetworkKit {
  files: KitFile[];
  parties: KitParty[];
  genesis: BesuGenesis;
  /** The accounts allow-list. */
  accounts: string[];
  /** Whether private keys were generated (and are among the files). */
  privateKeysWritten: boolean;
  /** Parties whose validator is not in the genesis: existing validators must vote them in (qbft_proposeValidatorVote). */
  validatorsToVoteIn: string[];
}

/** Builds every file of the kit in memory (nothing is written): validates the input, makes the keys, derives the rest. */
export async function planNetworkKit(input: KitInput): Promise<NetworkKit> {
  const codes = Array.isArray(input.parties) ? parsePartyList(input.parties.join(",")) : parsePartyList(input.parties);
  const registry = parseWith(registrySchema, input.registry, "the registry file");
  expectSameParties(codes, registry.parties, "the registry file");
  const publicKeys = input.publicKeys === undefined ? undefined : parseWith(publicKeysFileSchema, input.publicKeys, "the public keys file");
  if (publicKeys) expectSameParties(codes, publicKeys, "the public keys file");
  if (input.swarmKey !== undefined && !isSwarmKey(input.swarmKey)) {
    throw kitError("the swarm key file is not a libp2p private network key (/key/swarm/psk/1.0.0/, /base16/, 64 hex digits)");
  }
  const domain = input.domain ?? "certledger.example";
  const images = { ...DEFAULT_IMAGES, ...input.images };

  const parties: KitParty[] = [];
  for (const code of codes) {
    const entry = registry.parties[code];
    const keys = publicKeys
      ? { ...nodePublicParts(publicKeys[code].nodePublicKey), kuboPeerId: publicKeys[code].kuboPeerId }
      : await generatePartyNodeKeys();
    parties.push({
      code,
      name: regionName(code)!,
      host: entry.host ?? `${code.toLowerCase()}.${domain}`,
      publicUrl: entry.publicUrl,
      admins: entry.admins,
      authorityAccounts: entry.authorityAccounts,
      keys,
    });
  }
  assertDistinct(parties);

  const chain = parseWith(chainOptionsSchema, { ...DEFAULT_CHAIN_OPTIONS, ...input.chain }, "the chain options");
  const genesis =
    input.genesis === undefined
      ? buildGenesis(
          chain,
          parties.map((p) => p.keys.validator),
        )
      : parseWith(besuGenesisSchema, input.genesis, "the genesis file");
  const genesisValidators = new Set(decodeQbftExtraData(genesis.extraData).validators);
  const validatorsToVoteIn = parties.filter((p) => !genesisValidators.has(p.keys.validator)).map((p) => p.code);

  const accounts = unique([
    registry.deployer,
    ...parties.flatMap((p) => [...p.admins, ...p.authorityAccounts]),
    ...parties.map((p) => p.keys.validator),
  ]);
  const swarmKey = input.swarmKey ?? generateSwarmKey();
  const files: KitFile[] = [];
  const add = (path: string, content: string, secret = false) => files.push({ path, content, secret });
  const genesisJson = JSON.stringify(genesis, null, 2) + "\n";
  const permissions = permissionsToml(accounts, parties);

  for (const party of parties) {
    const dir = party.code;
    add(`${dir}/genesis.json`, genesisJson);
    add(`${dir}/besu/config.toml`, besuConfigToml(party, parties));
    add(`${dir}/besu/permissions_config.toml`, permissions);
    add(`${dir}/besu/static-nodes.json`, staticNodesJson(party, parties));
    if (party.keys.nodePrivateKey) add(`${dir}/besu/key`, party.keys.nodePrivateKey + "\n", true);
    const kubo = kuboConfig(party, parties);
    add(`${dir}/kubo/config.json`, JSON.stringify(kubo, null, 2) + "\n");
    add(`${dir}/kubo/peering.json`, JSON.stringify((kubo.Peering as { Peers: unknown }).Peers, null, 2) + "\n");
    add(`${dir}/kubo/start.sh`, kuboStartScript());
    add(`${dir}/kubo/swarm.key`, swarmKey, true);
    if (party.keys.kuboPrivateKey) add(`${dir}/kubo/identity.key`, party.keys.kuboPrivateKey + "\n", true);
    add(`${dir}/deployment/README.txt`, "Put the ledger's deployment.json here (written by `certledger deploy`).\n");
    add(`${dir}/docker-compose.yml`, composeYaml(party, images));
    add(`${dir}/.env.example`, "# Copy to .env (chmod 600).\nKEYRING_PASSWORD=\nCERTLEDGER_IMAGE=certledger-server:0.1.0\n");
  }
  add("network.json", JSON.stringify(networkSummary(parties, genesis, accounts, validatorsToVoteIn), null, 2) + "\n");
  add(
    "deploy-params.json",
    JSON.stringify(
      {
        parties: parties.map((p) => ({ code: p.code, admin: p.admins[0] })),
        threshold: Math.floor(parties.length / 2) + 1,
        proposalLifetimeSeconds: 7 * 24 * 3600,
      },
      null,
      2,
    ) + "\n",
  );
  return { files, parties, genesis, accounts, privateKeysWritten: !publicKeys, validatorsToVoteIn };
}

/** The public description of the network: what each party publishes about its nodes. */
function networkSummary(parties: KitParty[], genesis: BesuGenesis, accounts: string[], validatorsToVoteIn: string[]) {
  return {
    chainId: genesis.config.chainId,
    validators: decodeQbftExtraData(genesis.extraData).validators,
    validatorsToVoteIn,
    accountsAllowlist: accounts,
    parties: parties.map((p) => ({
      code: p.code,
      name: p.name,
      host: p.host,
      validator: p.keys.validator,
      enode: enodeUrl(p),
      kubo: { peerId: p.keys.kuboPeerId, address: kuboSwarmAddress(p) },
    })),
  };
}

function assertDistinct(parties: KitParty[]): void {
  const seen = new Map<string, string>();
  for (const party of parties) {
    for (const [what, value] of [
      ["host", party.host.toLowerCase()],
      ["node key", party.keys.validator],
      ["Kubo peer ID", party.keys.kuboPeerId],
    ]) {
      const other = seen.get(`${what}:${value}`);
      if (other) throw kitError(`parties ${other} and ${party.code} have the same ${what} (${value})`);
      seen.set(`${what}:${value}`, party.code);
    }
  }
}

function unique(addresses: string[]): string[] {
  return [...new Set(addresses)];
}
