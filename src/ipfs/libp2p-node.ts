/**
 * The libp2p node under the embedded Helia store, configured by hand rather than from Helia's defaults, because those
 * reach for the public network (bootstrap list, DHT, delegated HTTP routing, AutoNAT, relays, UPnP, WebRTC) and a
 * party's node must talk only to the peers its operator names. What is left is what bitswap needs and what a Kubo
 * node also speaks, so the two interoperate: TCP, Noise encryption, Yamux multiplexing, and identify (libp2p only
 * tells bitswap about a peer once identify has said the peer supports it).
 */
import "./polyfills";
import type { Libp2p, Libp2pOptions } from "libp2p" with { "resolution-mode": "import" };

/** What the node needs: where it keeps its data and where it listens. */
export interface Libp2pNodeOptions {
  /** Holds the node's private key, so its peer id survives a restart. */
  datastore: NonNullable<Libp2pOptions["datastore"]>;
  /** Multiaddrs to listen on, e.g. "/ip4/127.0.0.1/tcp/0". */
  listen: string[];
  /** Decides which peers may connect (peer-gate.ts); unset, libp2p's default, which allows every peer. */
  connectionGater?: Libp2pOptions["connectionGater"];
}

/**
 * Creates the node, not yet started: the caller starts Helia first, so that bitswap has registered its protocol
 * before the first peer connects, then starts this node.
 */
export async function createLibp2pNode(options: Libp2pNodeOptions): Promise<Libp2p> {
  const [{ createLibp2p }, { tcp }, { noise }, { yamux }, { identify }, { loadOrCreateSelfKey }] = await Promise.all([
    import("libp2p"),
    import("@libp2p/tcp"),
    import("@chainsafe/libp2p-noise"),
    import("@chainsafe/libp2p-yamux"),
    import("@libp2p/identify"),
    // The loader Helia's own libp2p set-up uses: the key lives in the datastore's keychain as "self".
    import("@libp2p/config"),
  ]);
  const privateKey = await loadOrCreateSelfKey(options.datastore);
  return createLibp2p({
    start: false,
    privateKey,
    // The peer store stays in memory: with no discovery there is nothing worth remembering (the store redials the
    // peers it keeps), and libp2p goes on writing peer records for a moment after stop() has returned, which on disk
    // would race the next node to open the folder.
    addresses: { listen: options.listen },
    connectionGater: options.connectionGater,
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // No peer discovery and no content or peer routers: peers are dialled only because the operator named them.
    peerDiscovery: [],
    services: { identify: identify() },
  });
}
