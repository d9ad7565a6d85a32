/**
 * The embedded node's connection gater: a node given an allow-list of peer ids exchanges blocks with those peers
 * only, in either direction, and follows changes of the list (as the server feeds it from the ledger's registry).
 * Real Helia nodes on 127.0.0.1, in this process.
 */
import { expect } from "chai";
import { createHeliaStore, type HeliaStore, type HeliaStoreOptions } from "../../src/ipfs";
import { expectBytes, rejection, TempDirs, utf8 } from "./fixtures";

describe("IPFS peer gate", function () {
  const dirs = new TempDirs();
  const running: HeliaStore[] = [];

  async function startStore(options: Partial<HeliaStoreOptions> = {}): Promise<HeliaStore> {
    const store = await createHeliaStore({ dataDir: await dirs.make(), timeoutMs: 1_500, ...options });
    running.push(store);
    return store;
  }

  /** The address a node registers on chain: its multiaddr without the /p2p/ part. */
  const bareAddress = (store: HeliaStore): string => store.multiaddrs()[0].replace(/\/p2p\/[^/]+$/, "");

  async function eventually(what: string, probe: () => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!probe()) {
      if (Date.now() > deadline) expect.fail(`${what}: not within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  afterEach(async function () {
    await Promise.all(running.splice(0).map((store) => store.stop()));
  });

  after(async function () {
    await dirs.removeAll();
  });

  it("a gated node serves a registered peer and refuses an unregistered one, whichever side dials", async function () {
    const registered = await startStore();
    const stranger = await startStore();
    const node = await startStore({ allowedPeers: [registered.peerId] });
    const cid = await node.add(utf8("encrypted payload of a KG certificate"));

    await registered.connect(node.multiaddrs()[0]);
    expectBytes(await registered.get(cid), utf8("encrypted payload of a KG certificate"));

    // The stranger's dial may complete its own half of the handshake before the gated node drops it: either way no
    // connection stays, and no block moves.
    await stranger.connect(node.multiaddrs()[0]).catch(() => undefined);
    await eventually("the stranger's connection is dropped", () => !node.connectedPeers().includes(stranger.peerId));
    await rejection(stranger.get(cid), "IPFS_NOT_FOUND");
    expect(node.connectedPeers()).to.deep.equal([registered.peerId]);

    // Nor does the gated node dial out to a peer outside its list.
    await rejection(node.connect(stranger.multiaddrs()[0]), "IPFS_UNAVAILABLE");
    expect(node.connectedPeers()).to.not.include(stranger.peerId);
  });

  it("admitOnly follows the registry: it dials newly admitted peers and drops those no longer admitted", async function () {
    const kg = await startStore();
    const kz = await startStore();
    const node = await startStore({ allowedPeers: [] });
    const cid = await node.add(utf8("payload addressed to KZ"));

    // KZ registers (the address on chain carries no /p2p/ part): the node dials and keeps it.
    await node.admitOnly([
      { peerId: kz.peerId, multiaddr: bareAddress(kz) },
      { peerId: node.peerId, multiaddr: bareAddress(node) },
    ]);
    await eventually("the node dials the admitted peer", () => node.connectedPeers().includes(kz.peerId));
    expectBytes(await kz.get(cid), utf8("payload addressed to KZ"));
    await kg.connect(node.multiaddrs()[0]).catch(() => undefined);
    await rejection(kg.get(cid), "IPFS_NOT_FOUND");

    // KZ is suspended and KG admitted: KZ's connection is closed, KG may now fetch.
    await node.admitOnly([{ peerId: kg.peerId }]);
    expect(node.connectedPeers()).to.not.include(kz.peerId);
    const later = await node.add(utf8("a later payload"));
    await rejection(kz.get(later), "IPFS_NOT_FOUND");
    await kg.connect(node.multiaddrs()[0]);
    expectBytes(await kg.get(later), utf8("a later payload"));
  });

  it("admitOnly refuses a malformed entry, or an address naming another peer, and keeps the list it had", async function () {
    const peer = await startStore();
    const other = await startStore();
    const node = await startStore({ allowedPeers: [peer.peerId] });
    const bad = [
      [{ peerId: other.peerId, multiaddr: "10.0.0.1:4001" }],
      [{ peerId: other.peerId, multiaddr: peer.multiaddrs()[0] }],
      [{ peerId: "", multiaddr: bareAddress(other) }],
    ];
    for (const peers of bad) {
      const error = await rejection(node.admitOnly(peers), "INVALID_MULTIADDR");
      expect(error.message).to.match(/^peers\[0\]/);
    }
    await rejection(node.connect(other.multiaddrs()[0]), "IPFS_UNAVAILABLE");
    await peer.connect(node.multiaddrs()[0]);
    await eventually("the listed peer is connected", () => node.connectedPeers().includes(peer.peerId));
    expect(node.connectedPeers()).to.deep.equal([peer.peerId]);
  });

  it("a node without an allow-list accepts any peer, as before", async function () {
    const node = await startStore();
    const anyone = await startStore();
    const cid = await node.add(utf8("open node"));
    await anyone.connect(node.multiaddrs()[0]);
    expectBytes(await anyone.get(cid), utf8("open node"));
  });
});
