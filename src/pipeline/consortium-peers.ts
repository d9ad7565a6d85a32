/** The consortium's IPFS network as the ledger defines it: which nodes a party's node may exchange payloads with. */
import type { LedgerClient } from "../chain/ledger-client";
import type { PartyCode } from "../chain/party-code";
import type { AdmittedPeer } from "../ipfs/helia-store";
import { addressClass, mayDial, type DialScope } from "../ipfs/dial-scope";
import { peerAddress } from "../ipfs/multiaddrs";

/** The part of the IPFS node this keeps in step: its allow-list (see src/ipfs/peer-gate.ts) and its own peer id. */
export interface GatedNode {
  readonly peerId: string;
  admitOnly(peers: readonly AdmittedPeer[]): Promise<void>;
}

/** A party node as admitted: the party it belongs to, and where it is dialled. */
export interface ConsortiumPeer extends AdmittedPeer {
  party: PartyCode;
}

export interface ConsortiumPeersOptions {
  client: LedgerClient;
  node: GatedNode;
  /** How often the chain is asked whether the registry changed (default 1 s). */
  pollIntervalMs?: number;
  /**
   * The widest class of registered addresses this node dials (see src/ipfs/dial-scope.ts; default public). A party
   * whose address is outside it is still admitted (its node may dial this one) but not dialled.
   */
  dialScope?: DialScope;
  /** Told of every change of the allow-list and of registry entries skipped as malformed. */
  log?: (event: "peers" | "skipped" | "error", details: Record<string, unknown>) => void;
}

/** Beyond this many blocks unseen (a long outage), the registry is read again whole instead of scanning the gap's logs. */
const MAX_LOG_SCAN = 5_000;

/**
 * Keeps a party's IPFS node admitting exactly the nodes the ledger registers for active consortium parties: read whole
 * at `sync()`, then read again whenever a party is admitted, suspended or reinstated or sets its node (found by polling
 * the chain's logs for those events, one eth_getLogs a poll).
 */
export class ConsortiumPeers {
  readonly #client: LedgerClient;
  readonly #node: GatedNode;
  readonly #interval: number;
  readonly #log: NonNullable<ConsortiumPeersOptions["log"]>;
  readonly #dialScope: DialScope;
  #lastBlock = -1;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #peers: ConsortiumPeer[] = [];

  constructor(options: ConsortiumPeersOptions) {
    this.#client = options.client;
    this.#node = options.node;
    this.#interval = options.pollIntervalMs ?? 1_000;
    this.#log = options.log ?? (() => undefined);
    this.#dialScope = options.dialScope ?? "public";
  }

  /** The nodes admitted at the last synchronisation. */
  peers(): ConsortiumPeer[] {
    return [...this.#peers];
  }

  /** Reads the registry at the head block and admits exactly its active parties' nodes. */
  async sync(): Promise<ConsortiumPeer[]> {
    const head = await this.#client.blockNumber();
    const at = { blockTag: head };
    const codes = await this.#client.partyCodes(at);
    const entries = await Promise.all(
      codes.map(async (party) => {
        const [record, node] = await Promise.all([this.#client.getParty(party, at), this.#client.partyNode(party, at)]);
        return { party, active: record?.status === "Active", node };
      }),
    );
    const peers: ConsortiumPeer[] = [];
    for (const { party, active, node } of entries) {
      if (!active || node === undefined) continue;
      try {
        // Checked one by one, so that one party's malformed entry does not cut the others off.
        await peerAddress(node.peerId, node.multiaddr, `party ${party}'s node`);
        if (mayDial(this.#dialScope, addressClass(node.multiaddr))) {
          peers.push({ party, peerId: node.peerId, multiaddr: node.multiaddr });
        } else {
          peers.push({ party, peerId: node.peerId });
          this.#log("skipped", {
            party,
            peerId: node.peerId,
            multiaddr: node.multiaddr,
            reason: `not dialled: the address is outside this node's ${this.#dialScope} scope (it may still dial this node)`,
          });
        }
      } catch (error) {
        this.#log("skipped", { party, peerId: node.peerId, multiaddr: node.multiaddr, reason: (error as Error).message });
      }
    }
    await this.#node.admitOnly(peers);
    this.#lastBlock = head;
    this.#peers = peers;
    this.#log("peers", { block: head, peers: peers.map(({ party, peerId }) => `${party}:${peerId}`) });
    return peers;
  }

  /** Polls for registry changes until `stop`; a failed poll is logged and retried at the next. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.#polling ??= this.#poll()
        .catch((error: unknown) => this.#log("error", { error: String(error) }))
        .finally(() => (this.#polling = undefined));
    }, this.#interval);
    this.#timer.unref();
  }

  /** Stops polling and waits for a poll under way. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#polling;
  }

  async #poll(): Promise<void> {
    const head = await this.#client.blockNumber();
    if (head <= this.#lastBlock) return;
    if (this.#lastBlock < 0 || head - this.#lastBlock > MAX_LOG_SCAN) {
      await this.sync();
      return;
    }
    // A party joined, left or came back, or moved its node: the allow-list may differ.
    const changes = await this.#client.registryEvents({ fromBlock: this.#lastBlock + 1, toBlock: head });
    if (changes.length > 0) await this.sync();
    else this.#lastBlock = head;
  }
}
