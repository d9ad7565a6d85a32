/**
 * A repair for a stuck state of Helia's bitswap (@helia/bitswap 3.x): when a peer connects, its want list tells that
 * peer every block wanted so far, and only if that first message goes out does it keep the peer among those it sends
 * wants to. When the message fails (the connection it went out on closed: two nodes that dialled each other at once,
 * or a node that admitted the other a moment after being dialled), the peer stays connected, yet no want is ever
 * sent to it again until it disconnects. A party joining the consortium then could not fetch a payload from a peer
 * it was connected to (seen as a 30-second IPFS_NOT_FOUND in the cross-border scenario).
 *
 * `trackBitswap` keeps the broker the node is built with; `resendWants` (run with the redial, every few seconds)
 * hands each admitted peer connected for a while but unknown to the want list to the want list as newly connected,
 * which sends it the wants and records it. Internals are reached only when they have the shape expected, so a Helia
 * without the flaw (or with another shape) is left alone.
 */
/** What the repair needs of bitswap's want list: the peers it sends wants to, and its handler of a new peer. */
export interface WantListPeers {
  peers: { has(peerId: unknown): boolean };
  peerConnected(peerId: unknown): Promise<void>;
}

/** A connection as libp2p lists it: the peer, its state, and when it opened (ms since the epoch). */
export interface OpenConnection {
  remotePeer: { toString(): string };
  status?: string;
  timeline: { open: number };
}

/** How long a connection is left to Helia's own handling of a new peer before it counts as missed. */
export const MISSED_PEER_AFTER_MS = 2_000;

/** Wraps a block-broker factory so that the want list of the bitswap it builds can be reached. */
export function trackBitswap<C, B>(
  factory: (components: C) => B,
): { factory: (components: C) => B; wantList(): WantListPeers | undefined } {
  let broker: unknown;
  return {
    factory: (components) => {
      const built = factory(components);
      broker = built;
      return built;
    },
    wantList: () => wantListOf(broker),
  };
}

/** The broker's want list when it has the shape of @helia/bitswap's (`broker.bitswap.wantList`), else undefined. */
export function wantListOf(broker: unknown): WantListPeers | undefined {
  const wantList = (broker as { bitswap?: { wantList?: Partial<WantListPeers> } } | undefined)?.bitswap?.wantList;
  return typeof wantList?.peers?.has === "function" && typeof wantList.peerConnected === "function"
    ? (wantList as WantListPeers)
    : undefined;
}

/**
 * Gives the want list each peer it missed: admitted (`allows`), with an open connection older than
 * MISSED_PEER_AFTER_MS, and not among the peers it sends wants to. Returns the peer ids handed over.
 */
export function resendWants(
  wantList: WantListPeers | undefined,
  connections: readonly OpenConnection[],
  allows: (peerId: string) => boolean,
  now = Date.now(),
): string[] {
  if (!wantList) return [];
  const missed = new Map<string, OpenConnection["remotePeer"]>();
  for (const connection of connections) {
    const peerId = connection.remotePeer.toString();
    if (connection.status !== undefined && connection.status !== "open") continue;
    if (now - connection.timeline.open < MISSED_PEER_AFTER_MS || !allows(peerId)) continue;
    if (!wantList.peers.has(connection.remotePeer)) missed.set(peerId, connection.remotePeer);
  }
  // Its own errors are logged by the want list; a peer it fails again is retried at the next round.
  for (const peer of missed.values()) void wantList.peerConnected(peer).catch(() => undefined);
  return [...missed.keys()];
}
