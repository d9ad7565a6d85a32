import type { KitParty } from "./kit-plan";

/**
 * One party's Kubo configuration: a private IPFS node that talks only to the other parties' nodes. No public bootstrap,
 * no DHT (Routing.Type none), no mDNS, no relay, TCP only (a private network key works on TCP alone); the other parties
 * are Peering.Peers, so Kubo keeps connections to them open and redials them, and bitswap finds payloads there.
 * The API listens on the container's port 5001, which only the party's internal network reaches.
 */

export const KUBO_SWARM_PORT = 4001;
export const KUBO_API_PORT = 5001;

/** Kubo's default datastore (flatfs blocks, leveldb for the rest); `ipfs init` with a config file takes it from there. */
const DATASTORE_SPEC = {
  mounts: [
    {
      child: { path: "blocks", shardFunc: "/repo/flatfs/shard/v1/next-to-last/2", sync: true, type: "flatfs" },
      mountpoint: "/blocks",
      prefix: "flatfs.datastore",
      type: "measure",
    },
    {
      child: { compression: "none", path: "datastore", type: "levelds" },
      mountpoint: "/",
      prefix: "leveldb.datastore",
      type: "measure",
    },
  ],
  type: "mount",
};

/** The swarm address other parties dial to reach `party`'s Kubo node. */
export function kuboSwarmAddress(party: KitParty): string {
  const protocol = /^\d+\.\d+\.\d+\.\d+$/.test(party.host) ? "ip4" : "dns4";
  return `/${protocol}/${party.host}/tcp/${KUBO_SWARM_PORT}`;
}

/**
 * The Kubo `config` of `party` in a network of `all`. Its `Identity.PrivKey` is left empty: the container fills it in
 * from `identity.key` on first start, so that this file holds nothing secret and reads the same whoever made the key.
 */
export function kuboConfig(party: KitParty, all: KitParty[]): Record<string, unknown> {
  const others = all.filter((p) => p !== party);
  return {
    Identity: { PeerID: party.keys.kuboPeerId, PrivKey: "" },
    Datastore: { StorageMax: "100GB", StorageGCWatermark: 90, GCPeriod: "1h", Spec: DATASTORE_SPEC },
    Addresses: {
      Swarm: [`/ip4/0.0.0.0/tcp/${KUBO_SWARM_PORT}`],
      Announce: [kuboSwarmAddress(party)],
      AppendAnnounce: [],
      NoAnnounce: [],
      API: `/ip4/0.0.0.0/tcp/${KUBO_API_PORT}`,
      Gateway: [],
    },
    Bootstrap: [],
    Discovery: { MDNS: { Enabled: false } },
    Routing: { Type: "none" },
    AutoNAT: { ServiceMode: "disabled" },
    Peering: { Peers: others.map((p) => ({ ID: p.keys.kuboPeerId, Addrs: [kuboSwarmAddress(p)] })) },
    Swarm: {
      // A handful of consortium peers: keep them all (peering connections are protected from trimming anyway).
      ConnMgr: { Type: "basic", LowWater: Math.max(8, all.length * 2), HighWater: Math.max(32, all.length * 4), GracePeriod: "1m" },
      DisableNatPortMap: true,
      RelayClient: { Enabled: false },
      RelayService: { Enabled: false },
      Transports: { Network: { TCP: true, QUIC: false, WebTransport: false, WebRTCDirect: false, Websocket: false } },
    },
    API: { HTTPHeaders: {} },
    // Kubo-compatible CIDs as the server makes them (DESIGN.md): CIDv1, raw leaves, 256 KiB chunks.
    Import: { CidVersion: 1, UnixFSRawLeaves: true, UnixFSChunker: "size-262144" },
  };
}
