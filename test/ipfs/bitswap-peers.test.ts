/**
 * The repair of Helia's bitswap want list (src/ipfs/bitswap-peers.ts): a peer connected for a while but missing from
 * the peers the want list sends to is handed to it as newly connected; nothing else is. The shape it reaches into is
 * checked on the real @helia/bitswap, so an upgrade that changes it fails here rather than silently disabling it.
 */
import "../../src/ipfs/polyfills";
import { expect } from "chai";
import { MISSED_PEER_AFTER_MS, resendWants, trackBitswap, wantListOf, type WantListPeers } from "../../src/ipfs/bitswap-peers";

/** A want list that knows `known` and records whom it is handed. */
function fakeWantList(known: string[]): WantListPeers & { handed: string[] } {
  const handed: string[] = [];
  return {
    handed,
    peers: { has: (peerId: unknown) => known.includes(String(peerId)) },
    peerConnected: (peerId: unknown) => {
      handed.push(String(peerId));
      return Promise.resolve();
    },
  };
}

const now = 1_000_000;
const connection = (peer: string, ageMs: number, status = "open") => ({
  remotePeer: { toString: () => peer },
  status,
  timeline: { open: now - ageMs },
});

describe("bitswap want-list repair", function () {
  it("hands over only admitted peers, connected long enough, that the want list does not know — once each", function () {
    const wantList = fakeWantList(["known"]);
    const handed = resendWants(
      wantList,
      [
        connection("known", 60_000),
        connection("missed", 60_000),
        connection("missed", 30_000), // a second connection to the same peer
        connection("just-connected", MISSED_PEER_AFTER_MS - 1),
        connection("not-admitted", 60_000),
        connection("closing", 60_000, "closing"),
      ],
      (peerId) => peerId !== "not-admitted",
      now,
    );
    expect(handed).to.deep.equal(["missed"]);
    expect(wantList.handed).to.deep.equal(["missed"]);
  });

  it("does nothing without a want list of the expected shape", function () {
    expect(resendWants(undefined, [connection("missed", 60_000)], () => true, now)).to.deep.equal([]);
    expect(wantListOf(undefined)).to.equal(undefined);
    expect(wantListOf({ bitswap: { wantList: { peers: new Map() } } })).to.equal(undefined);
  });

  it("a want list that fails to send to a peer is not an error here: the peer is tried again at the next round", async function () {
    const wantList = fakeWantList([]);
    wantList.peerConnected = () => Promise.reject(new Error("stream reset"));
    expect(resendWants(wantList, [connection("missed", 60_000)], () => true, now)).to.deep.equal(["missed"]);
    await new Promise((resolve) => setImmediate(resolve));
  });

  it("reaches the want list of the bitswap broker Helia is built with (@helia/block-brokers)", async function () {
    const { bitswap } = await import("@helia/block-brokers");
    const { MemoryBlockstore } = await import("blockstore-core");
    const tracked = trackBitswap(bitswap({ doNotResendBlockWindow: 0 }));
    expect(tracked.wantList(), "before the broker is built").to.equal(undefined);
    const silent = Object.assign(() => undefined, { enabled: false, error: () => undefined, trace: () => undefined });
    tracked.factory({
      libp2p: { getConnections: () => [], addEventListener: () => undefined },
      blockstore: new MemoryBlockstore(),
      logger: { forComponent: () => silent },
    } as unknown as Parameters<typeof tracked.factory>[0]);
    const wantList = tracked.wantList();
    expect(wantList, "the want list with peers and peerConnected").to.not.equal(undefined);
    expect(wantList!.peers.has({ toString: () => "nobody", equals: () => false })).to.equal(false);
  });
});
