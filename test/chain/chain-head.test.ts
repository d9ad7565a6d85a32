import { expect } from "chai";
import { ethers } from "hardhat";
import { mine } from "@nomicfoundation/hardhat-network-helpers";
import { ChainHead } from "../../src/chain/chain-head";
import { LedgerClient } from "../../src/chain/ledger-client";
import { connectRpc } from "../../src/chain/provider";
import { isCertLedgerError } from "../../src/errors";
import { CertType, loadFixture, randomHash, time, withAuthorities } from "../contracts/fixtures";
import { startRpcProxy, type RpcProxy } from "./rpc-proxy";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("The chain head shared by readers", function () {
  let proxy: RpcProxy;
  before(async function () {
    proxy = await startRpcProxy();
  });
  after(async function () {
    await proxy.close();
  });

  /** A head read through the proxy, and how many head requests the node has seen so far. */
  function headThroughProxy(options: ConstructorParameters<typeof ChainHead>[1]) {
    const provider = connectRpc(proxy.url, { chainId: 31337 });
    const asked = () => proxy.methods.filter((m) => m === "eth_getBlockByNumber").length;
    return { head: new ChainHead(provider, options), asked, provider };
  }

  it("readers within maxAgeMs share one request, which gives the latest block's number, time and hash", async function () {
    const { head, asked, provider } = headThroughProxy({ maxAgeMs: 60_000 });
    try {
      const before = asked();
      const heads = await Promise.all(Array.from({ length: 20 }, () => head.latest()));
      for (let i = 0; i < 5; i++) heads.push(await head.latest());
      expect(asked() - before).to.equal(1);
      const latest = (await ethers.provider.getBlock("latest"))!;
      for (const seen of heads)
        expect(seen).to.deep.equal({ number: latest.number, timestamp: BigInt(latest.timestamp), hash: latest.hash });
    } finally {
      provider.destroy();
    }
  });

  it("follows new blocks: once maxAgeMs has passed, the next reader asks again and sees the block mined meanwhile", async function () {
    const { head, asked, provider } = headThroughProxy({ maxAgeMs: 50 });
    try {
      const first = await head.latest();
      await mine(1);
      await sleep(80);
      const before = asked();
      expect((await head.latest()).number).to.equal(first.number + 1);
      expect(asked() - before).to.equal(1);
    } finally {
      provider.destroy();
    }
  });

  it("a block observed (a write through this node) makes an older head stale at once, however young it is", async function () {
    const { head, provider } = headThroughProxy({ maxAgeMs: 60_000 });
    try {
      const first = await head.latest();
      await mine(1);
      // Within its max age, the head may be a block behind: that is the staleness it allows.
      expect((await head.latest()).number).to.equal(first.number);
      head.observe(first.number + 1);
      expect((await head.latest()).number).to.equal(first.number + 1);
    } finally {
      provider.destroy();
    }
  });

  it("a reader that comes after an observed block does not share a request sent before it", async function () {
    const { head, asked, provider } = headThroughProxy({ maxAgeMs: 0 });
    try {
      const first = await head.latest();
      const before = asked();
      const early = head.latest(); // under way while the block is mined and observed
      await mine(1);
      head.observe(first.number + 1);
      const late = await head.latest();
      expect(late.number).to.equal(first.number + 1);
      expect((await early).number).to.be.oneOf([first.number, first.number + 1]);
      expect(asked() - before, "a request of its own").to.equal(2);
    } finally {
      provider.destroy();
    }
  });

  it("when the node fails, readers get CHAIN_UNAVAILABLE rather than a head older than maxAgeMs, and the head once it answers", async function () {
    const { head, asked, provider } = headThroughProxy({ maxAgeMs: 30, retry: { attempts: 1 } });
    try {
      const first = await head.latest();
      await sleep(50);
      proxy.fail(1, "http-503", "eth_getBlockByNumber");
      const before = asked();
      const failures = await Promise.all(Array.from({ length: 5 }, () => head.latest().catch((error: unknown) => error)));
      expect(asked() - before, "the waiting readers share the one failed request").to.equal(1);
      for (const failure of failures) expect(isCertLedgerError(failure, "CHAIN_UNAVAILABLE"), String(failure)).to.equal(true);
      expect((await head.latest()).number).to.be.at.least(first.number);
    } finally {
      provider.destroy();
    }
  });

  it("a failure that passes is retried, and the readers waiting meanwhile get the head", async function () {
    const { head, asked, provider } = headThroughProxy({ retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 10 } });
    try {
      proxy.fail(2, "reset", "eth_getBlockByNumber");
      const before = asked();
      const heads = await Promise.all(Array.from({ length: 3 }, () => head.latest()));
      expect(asked() - before).to.equal(3);
      expect(heads.map((h) => h.number)).to.deep.equal(Array(3).fill(await ethers.provider.getBlockNumber()));
    } finally {
      provider.destroy();
    }
  });

  it("refuses a negative or unknown maxAgeMs", function () {
    for (const maxAgeMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new ChainHead(ethers.provider, { maxAgeMs }), String(maxAgeMs))
        .to.throw()
        .with.property("code", "INVALID_CONFIG");
    }
  });

  it("a client and the clients made from it share their head, and a write moves it to the write's block", async function () {
    const { deployment, kgBody } = await loadFixture(withAuthorities);
    const reader = LedgerClient.connect({ deployment, provider: ethers.provider, pollIntervalMs: 20, headMaxAgeMs: 60_000 });
    const writer = reader.withSigner(kgBody);
    expect(writer.head).to.equal(reader.head);
    const before = await reader.head.latest();
    const validUntil = BigInt(await time.latest()) + 86_400n;
    const certHash = randomHash();
    const written = await writer.anchorCertificate({ certHash, certType: CertType.Conformity, validUntil, numberHash: randomHash() });
    expect(written.blockNumber).to.be.greaterThan(before.number);
    expect((await reader.head.latest()).number).to.equal(written.blockNumber);
    // Reads pinned to that head see the write.
    expect((await reader.getCertificate(certHash, { blockTag: written.blockNumber }))?.status).to.equal("Active");
  });

  it("client.now() is the chain's time, not this machine's: a chain moved a day ahead says so; a node down is CHAIN_UNAVAILABLE", async function () {
    const { deployment } = await loadFixture(withAuthorities);
    const client = LedgerClient.connect({ deployment, provider: ethers.provider });
    await time.increase(86_400);
    await mine(1);
    const latest = BigInt(await time.latest());
    expect(await client.now()).to.equal(latest);
    expect(Number(latest) - Date.now() / 1000, "a day ahead of the wall clock").to.be.greaterThan(80_000);

    const provider = connectRpc(proxy.url, { chainId: 31337 });
    try {
      const down = LedgerClient.connect({ deployment, provider, retry: { attempts: 1 } });
      proxy.fail(1, "http-503", "eth_getBlockByNumber");
      const error = await down.now().catch((failure: unknown) => failure);
      expect(isCertLedgerError(error, "CHAIN_UNAVAILABLE"), String(error)).to.equal(true);
    } finally {
      provider.destroy();
    }
  });
});
