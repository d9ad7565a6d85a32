import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { computeAddress, getAddress, hexlify } from "ethers";
import { parse as parseYaml } from "yaml";
import { CONFIG_VARIABLES, loadConfig } from "../../server/config";
import { besuGenesisSchema } from "../../scripts/kit/genesis";
import { planNetworkKit, type KitInput, type NetworkKit } from "../../scripts/kit/kit-plan";
import { generatePartyNodeKeys, isSwarmKey, kuboPeerIdOf } from "../../scripts/kit/node-keys";
import { decodeQbftExtraData } from "../../scripts/kit/qbft-extra-data";
import { writeKitFiles } from "../../scripts/kit/write-kit";
import { isCertLedgerError } from "../../src/errors";

const randomAddress = () => getAddress(hexlify(randomBytes(20)));

function registry() {
  return {
    deployer: randomAddress(),
    parties: {
      KG: { host: "kg.ledger.example.org", admins: [randomAddress()], authorityAccounts: [randomAddress(), randomAddress()] },
      KZ: { admins: [randomAddress(), randomAddress()], authorityAccounts: [randomAddress()] },
      UZ: { admins: [randomAddress()] },
    },
  };
}

interface Compose {
  services: Record<string, { volumes?: string[]; environment?: Record<string, string>; ports?: string[]; networks?: string[] }>;
  networks: Record<string, { internal?: boolean }>;
}

describe("The production network kit (certledger kit network)", function () {
  let input: KitInput & { registry: ReturnType<typeof registry> };
  let kit: NetworkKit;
  const file = (k: NetworkKit, name: string) => {
    const found = k.files.find((f) => f.path === name);
    if (!found) expect.fail(`the kit has no ${name}`);
    return found.content;
  };

  before(async function () {
    input = { parties: "KG,KZ,UZ", registry: registry(), chain: { chainId: 4242, blockPeriodSeconds: 3 } };
    kit = await planNetworkKit(input);
  });

  it("writes a genesis that the schema accepts, with every party's node as a QBFT validator in ascending order", function () {
    const genesis = besuGenesisSchema.parse(JSON.parse(file(kit, "KZ/genesis.json")));
    expect(genesis.config.chainId).to.equal(4242);
    expect(genesis.config.qbft).to.deep.equal({ blockperiodseconds: 3, epochlength: 30000, requesttimeoutseconds: 4 });
    expect(genesis.config.zeroBaseFee).to.equal(true);
    const validators = kit.parties.map((p) => p.keys.validator).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
    expect(decodeQbftExtraData(genesis.extraData).validators).to.deep.equal(validators);
    expect(file(kit, "KG/genesis.json")).to.equal(file(kit, "UZ/genesis.json"));
  });

  it("the genesis schema refuses a genesis that charges gas or is not QBFT", function () {
    const genesis = JSON.parse(file(kit, "KG/genesis.json"));
    const refused = (change: (g: typeof genesis) => void) => {
      const copy = structuredClone(genesis);
      change(copy);
      return besuGenesisSchema.safeParse(copy).success === false;
    };
    expect(refused((g) => (g.config.zeroBaseFee = false))).to.equal(true);
    expect(refused((g) => delete g.config.qbft)).to.equal(true);
    expect(refused((g) => (g.mixHash = "0x" + "00".repeat(32)))).to.equal(true);
    expect(refused((g) => (g.extraData = "0x1234"))).to.equal(true);
    expect(refused(() => undefined)).to.equal(false);
  });

  it("each Besu key file belongs to the party's validator and enode; it is the only one in the party's folder", async function () {
    const network = JSON.parse(file(kit, "network.json"));
    for (const party of network.parties) {
      const key = file(kit, `${party.code}/besu/key`).trim();
      expect(computeAddress(key)).to.equal(party.validator);
      expect(party.enode).to.match(new RegExp(`^enode://[0-9a-f]{128}@${party.host.replace(/\./g, "\\.")}:30303$`));
      expect(
        kit.files
          .filter((f) => f.path.startsWith(`${party.code}/`) && f.secret)
          .map((f) => f.path)
          .sort(),
      ).to.deep.equal([`${party.code}/besu/key`, `${party.code}/kubo/identity.key`, `${party.code}/kubo/swarm.key`]);
    }
  });

  it("permissions allow exactly the deployer, the admins, the authority accounts and the validators, and the three nodes", function () {
    const toml = file(kit, "UZ/besu/permissions_config.toml");
    const list = (key: string) => [...new RegExp(`^${key}=\\[([^\\]]*)\\]`, "m").exec(toml)![1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    const r = input.registry;
    const expected = [
      r.deployer,
      ...Object.values(r.parties).flatMap((p) => [...p.admins, ...("authorityAccounts" in p ? p.authorityAccounts : [])]),
      ...kit.parties.map((p) => p.keys.validator),
    ].map((a) => a.toLowerCase());
    expect(list("accounts-allowlist").sort()).to.deep.equal(expected.sort());
    expect(list("accounts-allowlist")).to.have.length(1 + 4 + 3 + 3);
    const enodes = JSON.parse(file(kit, "network.json")).parties.map((p: { enode: string }) => p.enode);
    expect(list("nodes-allowlist")).to.deep.equal(enodes);
    expect(file(kit, "KG/besu/permissions_config.toml")).to.equal(toml);
    // Each node keeps the others as static peers, not itself.
    expect(JSON.parse(file(kit, "KG/besu/static-nodes.json"))).to.deep.equal(enodes.slice(1));
    expect(file(kit, "KG/besu/config.toml"))
      .to.match(/^min-gas-price=0$/m)
      .and.match(/^permissions-accounts-config-file-enabled=true$/m);
  });

  it("Kubo nodes peer with each other only: no public bootstrap, no DHT, no mDNS, a shared private network key", async function () {
    const network = JSON.parse(file(kit, "network.json"));
    for (const party of network.parties) {
      const config = JSON.parse(file(kit, `${party.code}/kubo/config.json`));
      expect(config.Bootstrap).to.deep.equal([]);
      expect(config.Routing.Type).to.equal("none");
      expect(config.Discovery.MDNS.Enabled).to.equal(false);
      expect(config.Addresses.API).to.equal("/ip4/0.0.0.0/tcp/5001");
      expect(config.Identity.PeerID).to.equal(party.kubo.peerId);
      expect(config.Identity.PrivKey).to.equal("");
      expect(await kuboPeerIdOf(file(kit, `${party.code}/kubo/identity.key`).trim())).to.equal(party.kubo.peerId);
      const others = network.parties.filter((p: { code: string }) => p.code !== party.code);
      expect(config.Peering.Peers).to.deep.equal(
        others.map((p: { kubo: { peerId: string; address: string } }) => ({ ID: p.kubo.peerId, Addrs: [p.kubo.address] })),
      );
      expect(JSON.parse(file(kit, `${party.code}/kubo/peering.json`))).to.deep.equal(config.Peering.Peers);
      expect(isSwarmKey(file(kit, `${party.code}/kubo/swarm.key`))).to.equal(true);
    }
    expect(network.parties[0].kubo.address).to.equal("/dns4/kg.ledger.example.org/tcp/4001");
    expect(file(kit, "KG/kubo/swarm.key")).to.equal(file(kit, "UZ/kubo/swarm.key"));
  });

  it("compose files parse, mount only files the kit has, and configure the server for Besu and Kubo at zero gas price", function () {
    for (const party of kit.parties) {
      const compose = parseYaml(file(kit, `${party.code}/docker-compose.yml`)) as Compose;
      expect(Object.keys(compose.services)).to.deep.equal(["besu", "kubo", "certledger"]);
      for (const service of Object.values(compose.services)) {
        for (const volume of service.volumes ?? []) {
          const source = volume.split(":")[0];
          if (!source.startsWith("./")) continue;
          const inKit = `${party.code}/${source.slice(2)}`;
          expect(
            kit.files.some((f) => f.path === inKit || f.path.startsWith(inKit + "/")),
            `${volume} is in the kit`,
          ).to.equal(true);
        }
      }
      const env = compose.services.certledger.environment!;
      expect(env).to.include({ RPC_URL: "http://besu:8545", IPFS_API_URL: "http://kubo:5001", TX_TYPE: "legacy", GAS_PRICE_WEI: "0" });
      expect(Object.keys(env).filter((name) => !(CONFIG_VARIABLES as string[]).includes(name))).to.deep.equal([]);
      const config = loadConfig({ ...env, KEYRING_PASSWORD: "a password of length" });
      expect(config.fees).to.deep.equal({ type: "legacy", gasPrice: 0n });
      expect(config.deploymentFile).to.equal("/kit/deployment/deployment.json");
      expect(compose.services.kubo.volumes).to.include("./kubo:/kit/kubo:ro");
      expect(compose.services.besu.ports).to.include("127.0.0.1:8545:8545");
      expect(compose.services.besu.ports!.some((p) => /^(0\.0\.0\.0:)?8545:/.test(p))).to.equal(false);
      expect(compose.networks.ledger.internal).to.equal(true);
    }
    expect(file(kit, "KG/docker-compose.yml")).to.contain('PUBLIC_URL: "https://kg.ledger.example.org"');
    expect(file(kit, "KG/kubo/start.sh")).to.contain("ipfs init /tmp/kubo-config.json");
  });

  it("with --keys-from, takes the parties' public keys and writes no private key (only the shared swarm.key)", async function () {
    const own = await Promise.all(["KG", "KZ"].map(() => generatePartyNodeKeys()));
    const r = registry();
    delete (r.parties as Partial<typeof r.parties>).UZ;
    const publicOnly = await planNetworkKit({
      parties: ["KG", "KZ"],
      registry: r,
      publicKeys: {
        KG: { nodePublicKey: own[0].nodePublicKey, kuboPeerId: own[0].kuboPeerId },
        KZ: { nodePublicKey: own[1].nodePublicKey, kuboPeerId: own[1].kuboPeerId },
      },
    });
    expect(publicOnly.privateKeysWritten).to.equal(false);
    expect(publicOnly.files.filter((f) => f.secret).map((f) => f.path)).to.deep.equal(["KG/kubo/swarm.key", "KZ/kubo/swarm.key"]);
    expect(publicOnly.parties.map((p) => p.keys.validator)).to.deep.equal(own.map((k) => k.validator));
    expect(JSON.parse(file(publicOnly, "KZ/kubo/config.json")).Peering.Peers[0].ID).to.equal(own[0].kuboPeerId);
  });

  it("for a party joining an existing network, keeps its genesis and names the validator to vote in", async function () {
    const r = registry();
    const joining = await planNetworkKit({
      parties: "KG,KZ,UZ,MN",
      registry: { ...r, parties: { ...r.parties, MN: { admins: [randomAddress()] } } },
      genesis: JSON.parse(file(kit, "KG/genesis.json")),
      swarmKey: file(kit, "KG/kubo/swarm.key"),
    });
    expect(file(joining, "MN/genesis.json")).to.equal(file(kit, "KG/genesis.json"));
    expect(joining.validatorsToVoteIn).to.deep.equal(["KG", "KZ", "UZ", "MN"]); // fresh keys here: none is in the old genesis
    expect(file(joining, "MN/kubo/swarm.key")).to.equal(file(kit, "KG/kubo/swarm.key"));
  });

  describe("refuses bad input with a message naming it", function () {
    const cases: [string, () => KitInput, RegExp][] = [
      ["an unknown party code", () => ({ parties: "KG,QQ", registry: registry() }), /unknown party code QQ/],
      ["a lower-case code", () => ({ parties: "kg", registry: registry() }), /"kg" is not two upper-case letters/],
      ["a party twice", () => ({ parties: "KG,KZ,KG", registry: registry() }), /party KG appears twice/],
      ["no party (N < 1)", () => ({ parties: " , ", registry: registry() }), /names no party/],
      [
        "a registry party not in --parties",
        () => ({ parties: "KG,KZ", registry: registry() }),
        /registry file names party UZ, which is not in --parties/,
      ],
      ["a party missing from the registry", () => ({ parties: "KG,KZ,UZ,TJ", registry: registry() }), /registry file has no entry for TJ/],
      [
        "a bad admin address",
        () => ({ parties: "KG", registry: { deployer: randomAddress(), parties: { KG: { admins: ["0x12"] } } } }),
        /registry file: parties\.KG\.admins\.0: must be an 0x-prefixed 20-byte address/,
      ],
      [
        "a party without admins",
        () => ({ parties: "KG", registry: { deployer: randomAddress(), parties: { KG: { admins: [] } } } }),
        /at least one admin/,
      ],
      [
        "a bad chain id",
        () => ({
          parties: "KG",
          registry: { deployer: randomAddress(), parties: { KG: { admins: [randomAddress()] } } },
          chain: { chainId: 0 },
        }),
        /chain options: chainId/,
      ],
      [
        "a bad swarm key",
        () => ({
          parties: "KG",
          registry: { deployer: randomAddress(), parties: { KG: { admins: [randomAddress()] } } },
          swarmKey: "secret",
        }),
        /not a libp2p private network key/,
      ],
      [
        "two parties on one host",
        () => {
          const r = registry();
          return {
            parties: "KG,KZ,UZ",
            registry: { ...r, parties: { ...r.parties, KZ: { ...r.parties.KZ, host: "kg.ledger.example.org" } } },
          };
        },
        /parties KG and KZ have the same host/,
      ],
    ];
    for (const [what, make, message] of cases) {
      it(what, async function () {
        const error = await planNetworkKit(make()).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isCertLedgerError(error) && error.code, String(error)).to.equal("INVALID_NETWORK_KIT");
        expect((error as Error).message).to.match(message);
      });
    }
  });

  it("writes secrets 0600 and the rest 0644, and never into a folder that has files", async function () {
    const dir = await mkdtemp(path.join(os.tmpdir(), "certledger-kit-"));
    try {
      await writeKitFiles(dir, kit.files);
      expect((await stat(path.join(dir, "KG/besu/key"))).mode & 0o777).to.equal(0o600);
      expect((await stat(path.join(dir, "KG/kubo/swarm.key"))).mode & 0o777).to.equal(0o600);
      expect((await stat(path.join(dir, "KG/genesis.json"))).mode & 0o777).to.equal(0o644);
      expect((await readdir(dir)).sort()).to.deep.equal(["KG", "KZ", "UZ", "deploy-params.json", "network.json"]);
      const error = await writeKitFiles(dir, kit.files).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as Error).message).to.match(/is not empty/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
