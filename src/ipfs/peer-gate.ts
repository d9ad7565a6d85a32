/**
 * Which peers a party's IPFS node may talk to: an allow-list of libp2p peer ids, enforced by a libp2p connection
 * gater on every dial and on every connection in either direction once its peer id is proven (after the Noise
 * handshake, so a peer cannot claim an id it does not hold the key of).
 *
 * Why a gater and not a private-network key (libp2p pnet, Kubo's swarm.key): the consortium's membership lives on the
 * ledger, and a gater fed from the ledger's party registry follows an admission or a suspension as soon as the chain
 * records it, without a shared secret to hand round again to every party, or to take back from a suspended one (which
 * a pre-shared key cannot do: whoever had it keeps it). A swarm key can still be layered under this in production
 * (the Kubo kit does); the gater is what decides who is a member.
 */
import type { Libp2pOptions } from "libp2p" with { "resolution-mode": "import" };

/** libp2p's ConnectionGater, taken through `libp2p` (a dependency of ours) rather than @libp2p/interface (one of its). */
type ConnectionGater = NonNullable<Libp2pOptions["connectionGater"]>;

/** The set of peer ids a node accepts; `undefined` until set means "no gate" (a node outside any consortium). */
export class PeerGate {
  #allowed: ReadonlySet<string> | undefined;

  constructor(allowed?: Iterable<string>) {
    this.#allowed = allowed === undefined ? undefined : new Set(allowed);
  }

  /** Replaces the allow-list; `undefined` opens the gate to every peer. */
  set(allowed: Iterable<string> | undefined): void {
    this.#allowed = allowed === undefined ? undefined : new Set(allowed);
  }

  /** Whether the gate is closed to all but the listed peers. */
  get active(): boolean {
    return this.#allowed !== undefined;
  }

  /** Whether `peerId` may connect. */
  allows(peerId: string): boolean {
    return this.#allowed === undefined || this.#allowed.has(peerId);
  }

  /** The libp2p connection gater over this list (it reads the list on every call, so `set` applies at once). */
  connectionGater(): ConnectionGater {
    const deny = (peerId: { toString(): string }): boolean => !this.allows(peerId.toString());
    return {
      denyDialPeer: deny,
      denyInboundEncryptedConnection: deny,
      denyOutboundEncryptedConnection: deny,
    };
  }
}
