/**
 * The embedded payload store: a Helia node whose blocks and data live in a folder, so what it holds survives a
 * restart, and which exchanges blocks over bitswap only with peers its operator names. See libp2p-node.ts for why
 * the network set-up is built by hand.
 */
import "./polyfills";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { UnixFS } from "@helia/unixfs" with { "resolution-mode": "import" };
import type { Multiaddr } from "@multiformats/multiaddr" with { "resolution-mode": "import" };
import type { Helia } from "helia" with { "resolution-mode": "import" };
import type { Libp2p } from "libp2p" with { "resolution-mode": "import" };
import type { CID } from "multiformats/cid" with { "resolution-mode": "import" };
import { CertLedgerError, isCertLedgerError } from "../errors";
import { askingAgain, DEFAULT_ASK_AGAIN_AFTER_MS, reporting } from "./ask-again";
import { resendWants, trackBitswap, type WantListPeers } from "./bitswap-peers";
import { importWithKuboLayout, isSingleBlock, loadCid, RAW_CODEC } from "./cid";
import { lockDataDir } from "./data-dir-lock";
import { createLibp2pNode } from "./libp2p-node";
import { checkTimeout, fetchSignal, readAtMost } from "./limits";
import { parseMultiaddr, peerAddress, peerIdOf } from "./multiaddrs";
import { PeerGate } from "./peer-gate";
import type { PayloadStore } from "./payload-store";
import { openSqliteStorage, type PinnedDag, type SqliteIpfsStorage } from "./sqlite-storage";
import { localRawBlock, verifiedBlocks } from "./verified-blocks";

/** Where the Helia store keeps its data and whom it talks to. */
export interface HeliaStoreOptions {
  /**
   * The node's folder: blocks and pins go to `ipfs.sqlite` (see sqlite-storage.ts), libp2p's own data (its private
   * key) to `datastore/`. The `blocks/` folder of an earlier version is still read.
   */
  dataDir: string;
  /** Multiaddrs to listen on; by default one TCP port on 127.0.0.1 chosen by the system. */
  listen?: string[];
  /** Peers to dial at start and to redial whenever their connection is lost: multiaddrs ending in /p2p/<peer id>. */
  peers?: string[];
  /** How long `get` and `pin` wait for content before IPFS_NOT_FOUND; 30 s by default. */
  timeoutMs?: number;
  /** How long a fetch may go without receiving anything before its wants are sent again; 3 s by default. */
  askAgainAfterMs?: number;
  /**
   * When given, the node talks only to these peer ids, in and out, from its very start (a connection gater: see
   * peer-gate.ts for why not a private-network key); `admitOnly` changes the list. Unset, any peer may connect.
   */
  allowedPeers?: readonly string[];
}

/** A peer a node admits: its peer id, and where to dial it (with or without /p2p/<peer id>) if it is to be kept. */
export interface AdmittedPeer {
  peerId: string;
  multiaddr?: string;
}

/** A Helia-backed payload store, plus what an operator needs to link it to other nodes. */
export interface HeliaStore extends PayloadStore {
  /** Adds many payloads in one write (one SQLite transaction, synced to disk): see PayloadStore. */
  addMany(payloads: readonly Uint8Array[], options?: { signal?: AbortSignal }): Promise<string[]>;
  /** Drops an unpinned single-block payload (see PayloadStore); other content is left to a garbage collection. */
  release(cid: string): Promise<void>;
  /** The node's libp2p peer id; the same after a restart on the same data folder. */
  readonly peerId: string;
  /** The addresses other nodes can dial, each ending in /p2p/<peer id>. */
  multiaddrs(): string[];
  /** Connects to the node at `multiaddr` and keeps the connection (redialling if it drops) until the store stops. */
  connect(multiaddr: string, options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * Admits only `peers` from now on: connections to any other peer are closed and its address is no longer kept, and
   * each admitted peer with a multiaddr is dialled and kept. Throws INVALID_MULTIADDR (admitting nobody new) when an
   * entry is malformed. This node's own peer id may be in the list; it is skipped.
   */
  admitOnly(peers: readonly AdmittedPeer[]): Promise<void>;
  /** The peer ids this node has an open connection with. */
  connectedPeers(): string[];
}

const DEFAULT_LISTEN = ["/ip4/127.0.0.1/tcp/0"];
/** The multicodec of a raw block (a payload of one chunk). */
// How often lost connections to kept peers are redialled, and how long one dial may take.
const REDIAL_INTERVAL_MS = 5_000;
const DIAL_TIMEOUT_MS = 10_000;

/** Starts a Helia node on `options.dataDir` and returns it as a payload store. */
export async function createHeliaStore(options: HeliaStoreOptions): Promise<HeliaStore> {
  if (typeof options?.dataDir !== "string" || options.dataDir === "") {
    throw new CertLedgerError("INVALID_CONFIG", "dataDir: expected the path of the IPFS data folder");
  }
  const timeoutMs = checkTimeout(options.timeoutMs, "timeoutMs");
  const askAgainAfterMs = checkTimeout(options.askAgainAfterMs ?? DEFAULT_ASK_AGAIN_AFTER_MS, "askAgainAfterMs");
  const listen = checkList(options.listen ?? DEFAULT_LISTEN, "listen");
  await Promise.all(listen.map((text, i) => parseMultiaddr(text, `listen[${i}]`, "INVALID_CONFIG")));
  const peerList = checkList(options.peers ?? [], "peers");
  const gate = new PeerGate(options.allowedPeers === undefined ? undefined : checkList(options.allowedPeers, "allowedPeers"));
  const peers = await Promise.all(peerList.map((text, i) => parseMultiaddr(text, `peers[${i}]`, "INVALID_CONFIG")));
  const kept = new Map<string, Multiaddr>();
  peers.forEach((address, i) => {
    const peerId = peerIdOf(address);
    if (peerId === undefined) {
      throw new CertLedgerError(
        "INVALID_CONFIG",
        `peers[${i}]: ${address.toString()} has no /p2p/<peer id> part, so the peer cannot be kept`,
      );
    }
    kept.set(peerId, address);
  });

  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  // Undone in reverse order if the start fails half-way, and by stop() once it has succeeded.
  const undo: Array<() => Promise<unknown>> = [await lockDataDir(dataDir)];
  try {
    const [{ FsBlockstore }, { FsDatastore }, { createHeliaLight }, { bitswap }, { unixfs }] = await Promise.all([
      import("blockstore-fs"),
      import("datastore-fs"),
      import("helia"),
      import("@helia/block-brokers"),
      import("@helia/unixfs"),
    ]);
    const datastore = new FsDatastore(path.join(dataDir, "datastore"));
    await datastore.open();
    undo.push(() => datastore.close());
    const legacyBlocksDir = path.join(dataDir, "blocks");
    let legacyBlocks;
    if (existsSync(legacyBlocksDir)) {
      legacyBlocks = new FsBlockstore(legacyBlocksDir);
      await legacyBlocks.open();
    }
    const storage = await openSqliteStorage(path.join(dataDir, "ipfs.sqlite"), { blockstore: legacyBlocks, datastore });
    undo.push(async () => storage.close());
    const libp2p = await createLibp2pNode({ datastore, listen, connectionGater: gate.connectionGater() });
    // A block sent to a peer is by default not sent again for 5 s, even when the peer asks anew: Helia's side never
    // cancels a want it got, so a peer that dropped a block (a payload released after reading its header) and asks
    // again within that window waits for its whole timeout. Our peers are a handful of known nodes: resend at once.
    // Tracked, so that the redial can repair peers its want list missed (see bitswap-peers.ts).
    const bitswapBroker = trackBitswap(bitswap({ doNotResendBlockWindow: 0 }));
    // createHeliaLight, not createHelia: the latter adds HTTP gateways and delegated routing, which reach the internet.
    // With no routers, bitswap asks only the peers it is connected to.
    const helia = createHeliaLight({
      blockstore: storage.blockstore,
      datastore: storage.datastore,
      blockBrokers: [bitswapBroker.factory],
      components: { libp2p },
    });
    await helia.start();
    undo.push(() => helia.stop());
    await libp2p.start();
    undo.push(async () => libp2p.stop());
    return new HeliaPayloadStore({
      helia,
      storage,
      libp2p,
      unixfs: unixfs({ blockstore: verifiedBlocks(helia.blockstore) }),
      kept,
      gate,
      timeoutMs,
      askAgainAfterMs,
      undo,
      wantList: bitswapBroker.wantList,
    });
  } catch (error) {
    // The start's own error is the one worth reporting; a failure to undo it comes second.
    await undoAll(undo).catch(() => undefined);
    if (isCertLedgerError(error)) throw error;
    throw new CertLedgerError("IPFS_UNAVAILABLE", `could not start the IPFS node in ${dataDir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

interface Parts {
  helia: Helia;
  storage: SqliteIpfsStorage;
  libp2p: Libp2p;
  /** Reads through `verifiedBlocks`, so every block is checked against its CID. */
  unixfs: UnixFS;
  kept: Map<string, Multiaddr>;
  gate: PeerGate;
  timeoutMs: number;
  askAgainAfterMs: number;
  undo: Array<() => Promise<unknown>>;
  /** Bitswap's want list, for the repair in bitswap-peers.ts. */
  wantList: () => WantListPeers | undefined;
}

class HeliaPayloadStore implements HeliaStore {
  readonly peerId: string;
  readonly #parts: Parts;
  readonly #dialing = new Set<string>();
  readonly #redialTimer: NodeJS.Timeout;
  #stopping: Promise<void> | undefined;

  constructor(parts: Parts) {
    this.#parts = parts;
    this.peerId = parts.libp2p.peerId.toString();
    this.#redial();
    this.#redialTimer = setInterval(() => this.#redial(), REDIAL_INTERVAL_MS);
    // Redialling is housekeeping: it must not keep a process alive that has nothing else to do.
    this.#redialTimer.unref();
  }

  multiaddrs(): string[] {
    return this.#parts.libp2p.getMultiaddrs().map((address) => address.toString());
  }

  async connect(multiaddr: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    this.#checkRunning();
    const address = await parseMultiaddr(multiaddr, "multiaddr", "INVALID_MULTIADDR");
    try {
      const connection = await this.#parts.libp2p.dial(address, { signal: fetchSignal(options.signal, DIAL_TIMEOUT_MS) });
      this.#parts.kept.set(connection.remotePeer.toString(), address);
    } catch (cause) {
      throw new CertLedgerError("IPFS_UNAVAILABLE", `could not connect to ${multiaddr}: ${(cause as Error).message}`, { cause });
    }
  }

  async admitOnly(peers: readonly AdmittedPeer[]): Promise<void> {
    this.#checkRunning();
    if (!Array.isArray(peers)) throw new CertLedgerError("INVALID_MULTIADDR", `peers: expected a list, got ${typeof peers}`);
    const addresses = new Map<string, Multiaddr | undefined>();
    for (const [i, peer] of peers.entries()) {
      if (typeof peer?.peerId !== "string" || peer.peerId === "") {
        throw new CertLedgerError("INVALID_MULTIADDR", `peers[${i}].peerId: expected a peer id`);
      }
      if (peer.peerId === this.peerId) continue;
      const address = peer.multiaddr === undefined ? undefined : await peerAddress(peer.peerId, peer.multiaddr, `peers[${i}].multiaddr`);
      addresses.set(peer.peerId, address);
    }
    const { gate, kept, libp2p } = this.#parts;
    gate.set(addresses.keys());
    for (const peerId of kept.keys()) if (!addresses.has(peerId)) kept.delete(peerId);
    for (const [peerId, address] of addresses) if (address !== undefined) kept.set(peerId, address);
    // The gater stops new connections; those already open to a peer that is no longer admitted are closed here.
    await Promise.all(
      libp2p
        .getConnections()
        .filter((connection) => !gate.allows(connection.remotePeer.toString()))
        .map((connection) => connection.close().catch(() => connection.abort(new Error("peer no longer admitted")))),
    );
    this.#redial();
  }

  connectedPeers(): string[] {
    return [...new Set(this.#parts.libp2p.getConnections().map((connection) => connection.remotePeer.toString()))];
  }

  async add(bytes: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<string> {
    const [cid] = await this.addMany([bytes], options);
    return cid;
  }

  async addMany(payloads: readonly Uint8Array[], options: { signal?: AbortSignal } = {}): Promise<string[]> {
    this.#checkRunning();
    options.signal?.throwIfAborted();
    // Most payloads are one raw block, whose CID is its hash: no importer needed (cid.ts checks it is Kubo's), and the
    // store's writer thread hashes them. Larger ones are chunked here, by the importer.
    const singleBlocks: Uint8Array[] = [];
    const dags: PinnedDag[] = [];
    // Each payload's CID, or where it is among the single blocks until the thread answers their CIDs.
    const cids: (string | number)[] = [];
    for (const bytes of payloads) {
      if (isSingleBlock(bytes)) {
        cids.push(singleBlocks.length);
        singleBlocks.push(bytes);
      } else {
        const blocks: PinnedDag["blocks"] = [];
        const root = await importWithKuboLayout(bytes, { put: (cid: CID, block: Uint8Array) => (blocks.push({ cid, bytes: block }), cid) });
        dags.push({ root, blocks });
        cids.push(root.toString());
      }
    }
    options.signal?.throwIfAborted();
    this.#checkRunning();
    // Straight into the SQLite store, in one transaction: no block needs announcing over bitswap, since no peer can
    // want a payload before its CID is published (on chain or in a manifest), which happens only after this returns.
    const singleCids = await this.#parts.storage.storePinned(dags, singleBlocks);
    return cids.map((cid) => (typeof cid === "number" ? singleCids[cid] : cid));
  }

  async get(cid: string, options: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<Uint8Array> {
    this.#checkRunning();
    const root = await loadCid(cid);
    const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    // A payload of one raw block this node holds (most payloads and manifests).
    const local = localRawBlock(root, (block) => this.#parts.storage.localBlock(block));
    if (local !== undefined) return readAtMost([local], maxBytes, cid);
    const signal = fetchSignal(options.signal, this.#parts.timeoutMs);
    try {
      return await askingAgain(signal, this.#parts.askAgainAfterMs, (attemptSignal, progressed) =>
        readAtMost(reporting(this.#parts.unixfs.cat(root, { signal: attemptSignal }), progressed), maxBytes, cid),
      );
    } catch (error) {
      throw this.#fetchError(error, cid, signal);
    }
  }

  async pin(cid: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    this.#checkRunning();
    const root = await loadCid(cid);
    const signal = fetchSignal(options.signal, this.#parts.timeoutMs);
    try {
      // Reading the file fetches the blocks this node lacks and checks every block before the pin keeps it.
      await askingAgain(signal, this.#parts.askAgainAfterMs, async (attemptSignal, progressed) => {
        for await (const _chunk of this.#parts.unixfs.cat(root, { signal: attemptSignal })) progressed();
      });
      await this.#pinLocal(root, signal);
    } catch (error) {
      throw this.#fetchError(error, cid, signal);
    }
  }

  /**
   * Drops `cid` when it is a single raw block that is not pinned (most payloads): a block with its own random IV is no
   * part of another file, so nothing pinned loses it. A file of several blocks is left to a garbage collection.
   */
  async release(cid: string): Promise<void> {
    this.#checkRunning();
    const root = await loadCid(cid);
    if (root.code !== RAW_CODEC) return;
    const { helia } = this.#parts;
    if (await helia.pins.isPinned(root)) return;
    await helia.blockstore.delete(root);
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearInterval(this.#redialTimer);
      await undoAll(this.#parts.undo);
    })();
    return this.#stopping;
  }

  /** Pins `cid`, whose blocks are all local, so that garbage collection keeps them and bitswap serves them. */
  async #pinLocal(cid: CID, signal: AbortSignal | undefined): Promise<void> {
    const { pins } = this.#parts.helia;
    if (await pins.isPinned(cid, { signal })) return;
    try {
      for await (const _block of pins.add(cid, { signal })) {
        // pins.add walks the DAG as it is iterated
      }
    } catch (error) {
      // A concurrent add or pin of the same content got there first.
      if ((error as Error).name !== "AlreadyPinnedError") throw error;
    }
  }

  #fetchError(error: unknown, cid: string, signal: AbortSignal): CertLedgerError {
    if (isCertLedgerError(error)) return error;
    if (this.#stopping !== undefined) {
      return new CertLedgerError("IPFS_UNAVAILABLE", `the IPFS node stopped while fetching ${cid}`, { cause: error });
    }
    if (signal.aborted) {
      const reason: unknown = signal.reason;
      const why =
        reason instanceof Error && reason.name === "TimeoutError"
          ? `within ${this.#parts.timeoutMs} ms`
          : `before the fetch was aborted${reason instanceof Error ? ` (${reason.message})` : ""}`;
      return new CertLedgerError("IPFS_NOT_FOUND", `${cid} was not found ${why}: no connected peer sent it`, { cause: error });
    }
    const name = (error as Error).name;
    if (name === "NotAFileError" || name === "NoContentError" || name === "NotUnixFSError") {
      return new CertLedgerError("IPFS_NOT_FOUND", `${cid} is not a file`, { cause: error });
    }
    return new CertLedgerError("IPFS_UNAVAILABLE", `could not read ${cid}: ${(error as Error).message}`, { cause: error });
  }

  #checkRunning(): void {
    if (this.#stopping !== undefined) throw new CertLedgerError("IPFS_UNAVAILABLE", "the IPFS node has been stopped");
  }

  /** Dials each kept peer that has no open connection; a failure waits for the next round. */
  #redial(): void {
    if (this.#stopping !== undefined) return;
    const { libp2p, kept } = this.#parts;
    const connections = libp2p.getConnections();
    resendWants(this.#parts.wantList(), connections, (peerId) => this.#parts.gate.allows(peerId));
    const connected = new Set(connections.map((connection) => connection.remotePeer.toString()));
    for (const [peerId, address] of kept) {
      if (connected.has(peerId) || this.#dialing.has(peerId) || !this.#parts.gate.allows(peerId)) continue;
      this.#dialing.add(peerId);
      libp2p
        .dial(address, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
        .catch(() => undefined)
        .finally(() => this.#dialing.delete(peerId));
    }
  }
}

function checkList(value: unknown, name: string): string[] {
  if (!Array.isArray(value)) throw new CertLedgerError("INVALID_CONFIG", `${name}: expected a list of multiaddrs, got ${typeof value}`);
  return value as string[];
}

async function undoAll(undo: Array<() => Promise<unknown>>): Promise<void> {
  // Each step runs even if one before it failed: a half-stopped node would keep its port and its lock.
  const errors: unknown[] = [];
  for (const step of undo.splice(0).reverse()) {
    await step().catch((error: unknown) => errors.push(error));
  }
  if (errors.length > 0) {
    throw new CertLedgerError(
      "IPFS_UNAVAILABLE",
      `the IPFS node did not stop cleanly: ${errors.map((e) => (e as Error).message).join("; ")}`,
    );
  }
}
