import path from "node:path";
import { expect } from "chai";
import Database from "better-sqlite3";
import { cidOf, cidToBytes, createHeliaStore, createPayloadStore, type HeliaStore, type HeliaStoreOptions } from "../../src/ipfs";
import { importWithKuboLayout } from "../../src/ipfs/cid";
import { expectBytes, pattern, rejection, TempDirs, utf8 } from "./fixtures";

describe("Helia payload store", function () {
  const dirs = new TempDirs();
  const running: HeliaStore[] = [];

  /** Starts a store (on a fresh folder unless given one) that the test's teardown stops. */
  async function startStore(options: Partial<HeliaStoreOptions> = {}): Promise<HeliaStore> {
    const store = await createHeliaStore({ dataDir: options.dataDir ?? (await dirs.make()), ...options });
    running.push(store);
    return store;
  }

  afterEach(async function () {
    await Promise.all(running.splice(0).map((store) => store.stop()));
  });

  after(async function () {
    await dirs.removeAll();
  });

  it("add gives the CID cidOf computes, and get returns the bytes, from one small block to several MiB", async function () {
    const store = await startStore();
    const inputs = [new Uint8Array(0), utf8("hello world\n"), pattern(262_144), pattern(262_145), pattern(5 * 1024 * 1024 + 3)];
    for (const bytes of inputs) {
      const cid = await store.add(bytes);
      expect(cid, `${bytes.byteLength} bytes`).to.equal(await cidOf(bytes));
      expectBytes(await store.get(cid), bytes, `${bytes.byteLength} bytes`);
    }
    // Adding the same bytes again is harmless: same CID, already pinned.
    expect(await store.add(utf8("hello world\n"))).to.equal("bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4");
  });

  it("content survives a restart on the same data folder, and so does the peer id", async function () {
    const dataDir = await dirs.make();
    const first = await startStore({ dataDir });
    const bytes = pattern(700_000);
    const cid = await first.add(bytes);
    const { peerId } = first;
    await first.stop();

    const second = await startStore({ dataDir, timeoutMs: 2_000 });
    expect(second.peerId).to.equal(peerId);
    expectBytes(await second.get(cid), bytes);
  });

  it("a second node fetches content from the first over bitswap once connected by multiaddr", async function () {
    const provider = await startStore();
    const bytes = pattern(1_000_000);
    const cid = await provider.add(bytes);
    const [address] = provider.multiaddrs();
    expect(address).to.match(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${provider.peerId}$`));

    const fetcher = await startStore({ timeoutMs: 10_000 });
    await fetcher.connect(address);
    expectBytes(await fetcher.get(cid), bytes);
  });

  it("a node given peers dials them at start and fetches from them", async function () {
    const provider = await startStore();
    const cid = await provider.add(utf8("manifest of batch 7"));
    const fetcher = await startStore({ peers: provider.multiaddrs(), timeoutMs: 10_000 });
    // No connect(): the want goes out as soon as the configured peer is connected.
    expectBytes(await fetcher.get(cid), utf8("manifest of batch 7"));
  });

  it("pin fetches content from a peer and keeps it after that peer has gone", async function () {
    const provider = await startStore();
    const bytes = pattern(600_000);
    const cid = await provider.add(bytes);
    const dataDir = await dirs.make();
    const keeper = await startStore({ dataDir, timeoutMs: 10_000 });
    await keeper.connect(provider.multiaddrs()[0]);
    await keeper.pin(cid);
    await provider.stop();
    await keeper.stop();

    const restarted = await startStore({ dataDir, timeoutMs: 1_000 });
    expectBytes(await restarted.get(cid), bytes);
  });

  it("a node without the content and without peers fails with IPFS_NOT_FOUND within its timeout", async function () {
    const store = await startStore({ timeoutMs: 1_000 });
    const absent = await cidOf(utf8("never stored anywhere"));
    const started = Date.now();
    const error = await rejection(store.get(absent), "IPFS_NOT_FOUND");
    const elapsed = Date.now() - started;
    expect(elapsed).to.be.within(900, 5_000);
    expect(error.message).to.contain(absent).and.contain("within 1000 ms");
    await rejection(store.pin(absent), "IPFS_NOT_FOUND");
  });

  it("a fetch still waiting when another fetch of the same content is aborted asks again, and gets it from a peer that connects later", async function () {
    // Helia's want list shares one entry per CID among its fetches and drops it when any of them is aborted: the fetch
    // left waiting was asked of no peer connecting after that. The store asks again when a fetch makes no progress.
    const provider = await startStore();
    const bytes = pattern(300_000);
    const cid = await provider.add(bytes);
    const fetcher = await startStore({ timeoutMs: 15_000, askAgainAfterMs: 500 });
    const waiting = fetcher.get(cid);
    await rejection(fetcher.get(cid, { signal: AbortSignal.timeout(100) }), "IPFS_NOT_FOUND");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await fetcher.connect(provider.multiaddrs()[0]);
    expectBytes(await waiting, bytes);
    expect(Date.now() - started, "well before the fetch's timeout").to.be.below(5_000);
  });

  it("a caller's abort signal ends a fetch early with IPFS_NOT_FOUND", async function () {
    const store = await startStore({ timeoutMs: 60_000 });
    const absent = await cidOf(utf8("also never stored"));
    const started = Date.now();
    const error = await rejection(store.get(absent, { signal: AbortSignal.timeout(300) }), "IPFS_NOT_FOUND");
    expect(Date.now() - started).to.be.lessThan(5_000);
    expect(error.message).to.contain(absent);
  });

  it("a block changed on disk is rejected with CID_MISMATCH, in a one-block payload and inside a larger one", async function () {
    const dataDir = await dirs.make();
    const store = await startStore({ dataDir });
    const small = utf8("certificate payload");
    const large = pattern(262_144 * 3);
    const smallCid = await store.add(small);
    const largeCid = await store.add(large);
    await store.stop();

    // Overwrite, with wrong bytes of the same length, the small payload's only block and the large one's second leaf
    // (a raw leaf's CID is the CID of its chunk).
    const secondLeaf = await cidOf(large.subarray(262_144, 2 * 262_144));
    const tampered = large.slice(262_144, 2 * 262_144);
    tampered[1000] ^= 0xff;
    overwriteBlock(dataDir, smallCid, utf8("certificate PAYLOAD"));
    overwriteBlock(dataDir, secondLeaf, tampered);

    const reopened = await startStore({ dataDir, timeoutMs: 1_000 });
    expect((await rejection(reopened.get(smallCid), "CID_MISMATCH")).message).to.contain(smallCid);
    expect((await rejection(reopened.get(largeCid), "CID_MISMATCH")).message).to.contain(secondLeaf);
  });

  it("addMany stores payloads of every size in one go: add's CIDs, in order, each readable and kept after a restart", async function () {
    const dataDir = await dirs.make();
    const store = await startStore({ dataDir });
    const inputs = [utf8("first"), new Uint8Array(0), pattern(262_144), pattern(262_145), utf8("first"), pattern(600_000)];
    const cids = await store.addMany(inputs);
    expect(cids).to.deep.equal(await Promise.all(inputs.map((bytes) => cidOf(bytes))));
    expect(await store.addMany([])).to.deep.equal([]);
    await store.stop();
    const reopened = await startStore({ dataDir, timeoutMs: 1_000 });
    for (const [i, cid] of cids.entries()) expectBytes(await reopened.get(cid), inputs[i], `payload ${i}`);
  });

  it("a data folder of the earlier layout (a file per block in blocks/, pins in datastore/) is still read, and its pins kept", async function () {
    const dataDir = await dirs.make();
    const [{ FsBlockstore }, { FsDatastore }, { Key }] = await Promise.all([
      import("blockstore-fs"),
      import("datastore-fs"),
      import("interface-datastore"),
    ]);
    const blocks = new FsBlockstore(path.join(dataDir, "blocks"));
    await blocks.open();
    const small = utf8("a payload stored by an earlier version");
    const large = pattern(262_144 * 2 + 5);
    const smallCid = (await importWithKuboLayout(small, blocks)).toString();
    const largeCid = (await importWithKuboLayout(large, blocks)).toString();
    await blocks.close();
    const datastore = new FsDatastore(path.join(dataDir, "datastore"));
    await datastore.open();
    // The top-level interface-datastore is an older copy than datastore-fs's: the same Key class at run time.
    const pinKey = new Key(`/pin/${smallCid}`) as unknown as Parameters<typeof datastore.put>[0];
    await datastore.put(pinKey, utf8("pin record"));
    await datastore.close();

    const store = await startStore({ dataDir, timeoutMs: 1_000 });
    expectBytes(await store.get(smallCid), small);
    expectBytes(await store.get(largeCid), large);
    await store.pin(largeCid);
    // Adding the same bytes again finds them stored (and pinned): same CID.
    expect(await store.add(small)).to.equal(smallCid);
    await store.stop();
    const db = new Database(path.join(dataDir, "ipfs.sqlite"), { readonly: true });
    try {
      const keys = db
        .prepare<[], { key: string }>("SELECT key FROM data WHERE key LIKE '/pin/%'")
        .all()
        .map((row) => row.key);
      expect(keys).to.include(`/pin/${smallCid}`);
    } finally {
      db.close();
    }
  });

  it("get refuses content larger than maxBytes with PAYLOAD_TOO_LARGE", async function () {
    const store = await startStore();
    const cid = await store.add(pattern(600_000));
    await rejection(store.get(cid, { maxBytes: 599_999 }), "PAYLOAD_TOO_LARGE");
    expect((await store.get(cid, { maxBytes: 600_000 })).byteLength).to.equal(600_000);
  });

  it("bad input is refused: INVALID_CID for a CID, INVALID_MULTIADDR for connect, INVALID_CONFIG for options", async function () {
    const store = await startStore();
    await rejection(store.get("not-a-cid"), "INVALID_CID");
    await rejection(store.pin("Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"), "INVALID_CID");
    await rejection(store.connect("127.0.0.1:4001"), "INVALID_MULTIADDR");

    const dataDir = await dirs.make();
    const badOptions: Array<[string, HeliaStoreOptions]> = [
      ["dataDir", { dataDir: "" }],
      ["listen[0]", { dataDir, listen: ["tcp://127.0.0.1:0"] }],
      ["peers[0]", { dataDir, peers: ["/ip4/127.0.0.1/tcp/4001"] }],
      ["peers[1]", { dataDir, peers: [store.multiaddrs()[0], "garbage"] }],
      ["listen", { dataDir, listen: "/ip4/127.0.0.1/tcp/0" as unknown as string[] }],
      ["timeoutMs", { dataDir, timeoutMs: 0 }],
    ];
    for (const [name, options] of badOptions) {
      const error = await rejection(createHeliaStore(options), "INVALID_CONFIG");
      expect(error.message).to.match(new RegExp(`^${name.replace(/[[\]]/g, "\\$&")}: `));
    }
  });

  it("connecting to a node that is not there fails with IPFS_UNAVAILABLE", async function () {
    const gone = await startStore();
    const [address] = gone.multiaddrs();
    await gone.stop();
    const store = await startStore();
    await rejection(store.connect(address), "IPFS_UNAVAILABLE");
  });

  it("a data folder in use by a running node cannot be opened by a second one", async function () {
    const dataDir = await dirs.make();
    const first = await startStore({ dataDir });
    const error = await rejection(createHeliaStore({ dataDir }), "IPFS_UNAVAILABLE");
    expect(error.message).to.contain(`process ${process.pid}`);
    await first.stop();
    await startStore({ dataDir });
  });

  it("a stopped store refuses further calls with IPFS_UNAVAILABLE, and stopping twice is harmless", async function () {
    const store = await startStore();
    const cid = await store.add(utf8("x"));
    await store.stop();
    await store.stop();
    await rejection(store.get(cid), "IPFS_UNAVAILABLE");
    await rejection(store.add(utf8("y")), "IPFS_UNAVAILABLE");
    await rejection(store.connect("/ip4/127.0.0.1/tcp/1"), "IPFS_UNAVAILABLE");
  });

  it("createPayloadStore opens a Helia store for kind helia", async function () {
    const store = await createPayloadStore({ kind: "helia", dataDir: await dirs.make() });
    try {
      expect(await store.add(utf8("hello world\n"))).to.equal("bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4");
    } finally {
      await store.stop();
    }
  });
});

/** Replaces the stored bytes of block `cid` in a stopped store's SQLite file, as a bad disk or another program might. */
function overwriteBlock(dataDir: string, cid: string, bytes: Uint8Array): void {
  const db = new Database(path.join(dataDir, "ipfs.sqlite"));
  try {
    // The key is the CID's multihash: its binary form less the version and codec bytes.
    const { changes } = db.prepare("UPDATE blocks SET bytes = ? WHERE multihash = ?").run(bytes, cidToBytes(cid).subarray(2));
    expect(changes, `block ${cid} overwritten`).to.equal(1);
  } finally {
    db.close();
  }
}
