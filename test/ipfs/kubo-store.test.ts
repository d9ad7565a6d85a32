import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { cidOf, createHeliaStore, createKuboStore, createPayloadStore, type PayloadStore } from "../../src/ipfs";
import { type FakeKubo, startFakeKubo } from "./fake-kubo";
import { expectBytes, pattern, rejection, TempDirs, utf8 } from "./fixtures";

describe("Kubo payload store", function () {
  const dirs = new TempDirs();
  let kubo: FakeKubo;
  let store: PayloadStore;

  beforeEach(async function () {
    kubo = await startFakeKubo();
    store = await createKuboStore({ url: kubo.url, timeoutMs: 2_000 });
  });

  afterEach(async function () {
    await store.stop();
    await kubo.stop();
  });

  after(async function () {
    await dirs.removeAll();
  });

  it("adds with Kubo's import parameters and pins, as `ipfs add --cid-version=1 --raw-leaves` would", async function () {
    const cid = await store.add(utf8("hello world\n"));
    expect(cid).to.equal("bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4");
    const [request] = kubo.requests;
    expect(request.command).to.equal("add");
    expect(request.params.get("cid-version")).to.equal("1");
    expect(request.params.get("raw-leaves")).to.equal("true");
    expect(request.params.get("chunker")).to.equal("size-262144");
    expect(request.params.get("pin")).to.equal("true");
  });

  it("gives the same CIDs as the embedded Helia store for the same bytes", async function () {
    const helia = await createHeliaStore({ dataDir: await dirs.make() });
    try {
      for (const bytes of [utf8("hello world\n"), pattern(262_145), pattern(2 * 1024 * 1024)]) {
        expect(await store.add(bytes), `${bytes.byteLength} bytes`).to.equal(await helia.add(bytes));
      }
    } finally {
      await helia.stop();
    }
  });

  it("get returns the bytes that cat sends once they match the CID", async function () {
    const bytes = pattern(1_000_000);
    const cid = await store.add(bytes);
    expectBytes(await store.get(cid), bytes);
    const cat = kubo.requests.find((request) => request.command === "cat");
    expect(cat?.params.get("arg")).to.equal(cid);
  });

  it("a node that answers cat with other bytes is caught with CID_MISMATCH", async function () {
    const cid = await store.add(utf8("the real payload"));
    kubo.faults.catBytes = utf8("a forged payload");
    expect((await rejection(store.get(cid), "CID_MISMATCH")).message).to.contain(cid);
  });

  it("a node that reports another CID for an add is caught with CID_MISMATCH", async function () {
    kubo.faults.addCid = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
    const error = await rejection(store.add(utf8("some payload")), "CID_MISMATCH");
    expect(error.message).to.contain(await cidOf(utf8("some payload")));
  });

  it("an unreachable node gives IPFS_UNAVAILABLE for every call", async function () {
    const unreachable = await createKuboStore({ url: `http://127.0.0.1:${await closedPort()}` });
    const cid = await cidOf(utf8("x"));
    await rejection(unreachable.add(utf8("x")), "IPFS_UNAVAILABLE");
    await rejection(unreachable.get(cid), "IPFS_UNAVAILABLE");
    await rejection(unreachable.pin(cid), "IPFS_UNAVAILABLE");
  });

  it("content the node cannot find gives IPFS_NOT_FOUND, whether it answers so or keeps searching past the timeout", async function () {
    const absent = await cidOf(utf8("nobody has this"));
    kubo.faults.missing = "error";
    await rejection(store.get(absent), "IPFS_NOT_FOUND");
    await rejection(store.pin(absent), "IPFS_NOT_FOUND");

    kubo.faults.missing = "hang";
    const hurried = await createKuboStore({ url: kubo.url, timeoutMs: 500 });
    const started = Date.now();
    expect((await rejection(hurried.get(absent), "IPFS_NOT_FOUND")).message).to.contain("within 500 ms");
    expect(Date.now() - started).to.be.within(400, 5_000);
    await rejection(hurried.pin(absent), "IPFS_NOT_FOUND");
  });

  it("get refuses content larger than maxBytes with PAYLOAD_TOO_LARGE, asking Kubo for no more than one byte past it", async function () {
    const cid = await store.add(pattern(300_000));
    await rejection(store.get(cid, { maxBytes: 1_000 }), "PAYLOAD_TOO_LARGE");
    const cat = kubo.requests.find((request) => request.command === "cat");
    expect(cat?.params.get("length")).to.equal("1001");
    expect((await store.get(cid, { maxBytes: 300_000 })).byteLength).to.equal(300_000);
  });

  it("pin asks the node to pin the CID", async function () {
    const cid = await store.add(utf8("keep me"));
    await store.pin(cid);
    const pin = kubo.requests.find((request) => request.command === "pin/add");
    expect(pin?.params.get("arg")).to.equal(cid);
  });

  it("a malformed CID is refused with INVALID_CID before the node is asked", async function () {
    await rejection(store.get("not-a-cid"), "INVALID_CID");
    await rejection(store.pin("Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"), "INVALID_CID");
    expect(kubo.requests).to.have.length(0);
  });

  it("a URL that is not http(s) is refused with INVALID_CONFIG, as is an unknown store kind", async function () {
    for (const url of ["", "localhost:5001", "ftp://127.0.0.1:5001"]) {
      expect((await rejection(createKuboStore({ url }), "INVALID_CONFIG")).message).to.match(/^url: /);
    }
    await rejection(createPayloadStore({ kind: "s3" } as unknown as Parameters<typeof createPayloadStore>[0]), "INVALID_CONFIG");
  });

  it("createPayloadStore opens a Kubo store for kind kubo", async function () {
    const viaConfig = await createPayloadStore({ kind: "kubo", url: kubo.url });
    expect(await viaConfig.add(utf8("hello world\n"))).to.equal("bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4");
    await viaConfig.stop();
  });
});

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
