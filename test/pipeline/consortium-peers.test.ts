/**
 * ConsortiumPeers keeps a real Helia node admitting exactly the nodes the ledger (in-process Hardhat network)
 * registers for active parties, and follows suspensions, reinstatements and moved nodes.
 */
import { expect } from "chai";
import { LedgerClient } from "../../src/chain/ledger-client";
import { createHeliaStore, type HeliaStore } from "../../src/ipfs";
import { ConsortiumPeers } from "../../src/pipeline";
import { deployedLedger, KG, Kind, KZ, loadFixture, pass } from "../contracts/fixtures";
import { rejection, TempDirs, utf8 } from "../ipfs/fixtures";

describe("Consortium peers", function () {
  const dirs = new TempDirs();
  const running: { stop(): Promise<void> }[] = [];

  async function startStore(allowedPeers?: string[]): Promise<HeliaStore> {
    const store = await createHeliaStore({ dataDir: await dirs.make(), timeoutMs: 1_500, allowedPeers });
    running.push(store);
    return store;
  }

  const bare = (store: HeliaStore) => store.multiaddrs()[0].replace(/\/p2p\/[^/]+$/, "");

  async function eventually(what: string, probe: () => boolean, timeoutMs = 8_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!probe()) {
      if (Date.now() > deadline) expect.fail(`${what}: not within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  afterEach(async function () {
    for (const item of running.splice(0).reverse()) await item.stop();
  });

  after(async function () {
    await dirs.removeAll();
  });

  it("admits the registered nodes of active parties, drops a suspended party's and takes it back once reinstated", async function () {
    const { ledger, deployment, kgAdmin, kzAdmin, uzAdmin } = await loadFixture(deployedLedger);
    const client = LedgerClient.connect({ deployment, provider: kgAdmin.provider, pollIntervalMs: 20 });
    const kg = await startStore();
    const kz = await startStore();
    const uz = await startStore([]);
    await ledger.connect(kgAdmin).setPartyNode(KG, kg.peerId, bare(kg));
    await ledger.connect(kzAdmin).setPartyNode(KZ, kz.peerId, `${bare(kz)}/p2p/${kz.peerId}`);

    const peers = new ConsortiumPeers({ client, node: uz, pollIntervalMs: 100, dialScope: "loopback" });
    running.push(peers);
    const admitted = await peers.sync();
    expect(admitted.map(({ party, peerId }) => [party, peerId])).to.deep.equal([
      ["KG", kg.peerId],
      ["KZ", kz.peerId],
    ]);
    await eventually("UZ's node dials both", () => uz.connectedPeers().length === 2);
    const cid = await uz.add(utf8("a UZ payload"));
    expect(new TextDecoder().decode(await kz.get(cid))).to.equal("a UZ payload");
    peers.start();

    // The consortium suspends KZ: its node is cut off at the next poll.
    await pass(ledger, kgAdmin, [uzAdmin], Kind.SuspendParty, KZ);
    await eventually("KZ's node is dropped", () => !uz.connectedPeers().includes(kz.peerId));
    expect(peers.peers().map((p) => p.party)).to.deep.equal(["KG"]);
    const later = await uz.add(utf8("after the suspension"));
    await rejection(kz.get(later), "IPFS_NOT_FOUND");

    // Reinstated: admitted and dialled again.
    await pass(ledger, kgAdmin, [uzAdmin], Kind.ReinstateParty, KZ);
    await eventually("KZ's node is back", () => uz.connectedPeers().includes(kz.peerId));
    expect(new TextDecoder().decode(await kz.get(later))).to.equal("after the suspension");
  });

  it("skips a party whose registered address is malformed or names another peer, and admits the others", async function () {
    const { ledger, deployment, kgAdmin, kzAdmin } = await loadFixture(deployedLedger);
    const client = LedgerClient.connect({ deployment, provider: kgAdmin.provider, pollIntervalMs: 20 });
    const kg = await startStore();
    const uz = await startStore([]);
    await ledger.connect(kgAdmin).setPartyNode(KG, kg.peerId, bare(kg));
    await ledger.connect(kzAdmin).setPartyNode(
      KZ,
      kg.peerId.replace(/.$/, (last) => (last === "x" ? "y" : "x")),
      `${bare(kg)}/p2p/${kg.peerId}`,
    );
    const skipped: Record<string, unknown>[] = [];
    const peers = new ConsortiumPeers({
      client,
      node: uz,
      dialScope: "loopback",
      log: (event, details) => event === "skipped" && skipped.push(details),
    });
    expect((await peers.sync()).map((p) => p.party)).to.deep.equal(["KG"]);
    expect(skipped).to.have.length(1);
    expect(skipped[0]).to.include({ party: "KZ" });
  });
});
