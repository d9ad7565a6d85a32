import { expect } from "chai";
import { ethers } from "hardhat";
import { mine } from "@nomicfoundation/hardhat-network-helpers";
import { LedgerClient } from "../../src/chain/ledger-client";
import { connectRpc } from "../../src/chain/provider";
import { CertLedgerError, isCertLedgerError } from "../../src/errors";
import type { PayloadStore } from "../../src/ipfs";
import { Verifier } from "../../src/verify";
import { startRpcProxy, type RpcProxy } from "../chain/rpc-proxy";
import { loadFixture, time } from "../contracts/fixtures";
import { issueFile, payloadStore, pdfBytes, stopPayloadStore, verifierWorld, type World } from "./world";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Verification at the shared head block", function () {
  this.timeout(120_000);
  let proxy: RpcProxy;
  before(async function () {
    proxy = await startRpcProxy();
  });
  after(async function () {
    await proxy.close();
    await stopPayloadStore();
  });

  /** A verifier whose client keeps its head up to `headMaxAgeMs`, reading through the proxy (so its requests are seen). */
  function verifierThroughProxy(world: World, options: { headMaxAgeMs?: number; retry?: { attempts: number } } = {}) {
    const provider = connectRpc(proxy.url, { chainId: 31337 });
    const client = LedgerClient.connect({ deployment: world.deployment, provider, pollIntervalMs: 20, ...options });
    return { client, provider, verifier: new Verifier({ client }) };
  }

  const revoke = (client: LedgerClient, world: World, certHash: string) =>
    time
      .latest()
      .then((now) =>
        client.withSigner(world.authorities.kgBody.account).revokeCertificate({ certHash, reason: 1, effectiveAt: BigInt(now) }),
      );

  it("a revocation sent through this node's client shows in the very next verification, however long the head may be kept", async function () {
    const world = await loadFixture(verifierWorld);
    const issued = await issueFile(world, pdfBytes(`head-own ${Math.random()}`));
    const { client, provider, verifier } = verifierThroughProxy(world, { headMaxAgeMs: 60_000 });
    try {
      const before = await verifier.verify({ kind: "hash", certHash: issued.certHash });
      expect(before.report.verdict).to.equal("VALID");
      const revoked = await revoke(client, world, issued.certHash);
      const after = await verifier.verify({ kind: "hash", certHash: issued.certHash });
      expect(after.report.verdict).to.equal("REVOKED");
      expect(after.report.chain.blockNumber).to.equal(revoked.blockNumber);
    } finally {
      provider.destroy();
    }
  });

  it("a chain that went back and was mined again to the same height is not answered from the replaced block's reports", async function () {
    const world = await loadFixture(verifierWorld);
    const issued = await issueFile(world, pdfBytes(`head-back ${Math.random()}`));
    const verifier = new Verifier({ client: world.client });
    const snapshot = (await ethers.provider.send("evm_snapshot", [])) as string;
    await mine(1);
    const before = await verifier.verify({ kind: "hash", certHash: issued.certHash });
    expect(before.report.verdict).to.equal("VALID");
    // The embedded node lost its last block (a power cut of anvil alone) and mined a revocation at that height instead.
    await ethers.provider.send("evm_revert", [snapshot]);
    const revoked = await revoke(world.client, world, issued.certHash);
    expect(revoked.blockNumber).to.equal(before.report.chain.blockNumber);
    const after = await verifier.verify({ kind: "hash", certHash: issued.certHash });
    expect(after.report.verdict).to.equal("REVOKED");
  });

  it("a revocation sent through another node shows once the head's max age has passed", async function () {
    const world = await loadFixture(verifierWorld);
    const issued = await issueFile(world, pdfBytes(`head-other ${Math.random()}`));
    const { provider, verifier } = verifierThroughProxy(world, { headMaxAgeMs: 200 });
    try {
      expect((await verifier.verify({ kind: "hash", certHash: issued.certHash })).report.verdict).to.equal("VALID");
      const revoked = await revoke(world.client, world, issued.certHash); // world.client stands for another node
      await sleep(250);
      const after = await verifier.verify({ kind: "hash", certHash: issued.certHash });
      expect(after.report.verdict).to.equal("REVOKED");
      expect(after.report.chain.blockNumber).to.be.at.least(revoked.blockNumber);
    } finally {
      provider.destroy();
    }
  });

  it("verifications of one certificate at one block share one verification, and its reads go out once", async function () {
    const world = await loadFixture(verifierWorld);
    const issued = await issueFile(world, pdfBytes(`head-shared ${Math.random()}`));
    const { provider, verifier } = verifierThroughProxy(world);
    const calls = () => proxy.methods.filter((m) => m === "eth_call").length;
    try {
      let before = calls();
      const alone = await verifier.verify({ kind: "hash", certHash: issued.certHash });
      const perVerification = calls() - before;
      expect(perVerification).to.be.greaterThan(0);
      await mine(1); // a new block: the report kept for the last one no longer answers
      before = calls();
      const together = await Promise.all(Array.from({ length: 10 }, () => verifier.verify({ kind: "hash", certHash: issued.certHash })));
      expect(calls() - before).to.equal(perVerification);
      for (const { report } of together) {
        expect(report.verdict).to.equal("VALID");
        expect(report.chain.blockNumber).to.equal(alone.report.chain.blockNumber + 1);
        expect({ ...report, verifiedAt: undefined }).to.deep.equal({ ...together[0].report, verifiedAt: undefined });
      }
    } finally {
      provider.destroy();
    }
  });

  it("a payload IPFS could not deliver is not kept for the block: asked again at the same block, it is fetched", async function () {
    const world = await loadFixture(verifierWorld);
    const issued = await issueFile(world, pdfBytes(`head-payload ${Math.random()}`));
    const store = await payloadStore();
    let failures = 1;
    const flaky: PayloadStore = {
      add: (bytes, options) => store.add(bytes, options),
      pin: (cid, options) => store.pin(cid, options),
      stop: async () => undefined, // the world's shared store outlives this test
      get: async (cid, options) => {
        if (failures-- > 0) throw new CertLedgerError("IPFS_UNAVAILABLE", "no peer has it yet");
        return store.get(cid, options);
      },
    };
    const { client, provider } = verifierThroughProxy(world, { headMaxAgeMs: 60_000 });
    const verifier = new Verifier({ client, payloads: flaky });
    try {
      const first = await verifier.verify({ kind: "hash", certHash: issued.certHash });
      expect(first.report.checks.find((c) => c.id === "payload")?.result).to.equal("warn");
      const again = await verifier.verify({ kind: "hash", certHash: issued.certHash });
      expect(again.report.chain.blockNumber).to.equal(first.report.chain.blockNumber);
      expect(again.report.checks.find((c) => c.id === "payload")?.result).to.equal("pass");
      const cached = await verifier.verify({ kind: "hash", certHash: issued.certHash });
      expect(cached.report.checks.find((c) => c.id === "payload")?.result).to.equal("pass");
    } finally {
      provider.destroy();
    }
  });

  it("when the chain stops answering, verification fails with CHAIN_UNAVAILABLE instead of answering from an old block", async function () {
    const world = await loadFixture(verifierWorld);
    const issued = await issueFile(world, pdfBytes(`head-down ${Math.random()}`));
    const { provider, verifier } = verifierThroughProxy(world, { headMaxAgeMs: 30, retry: { attempts: 1 } });
    try {
      expect((await verifier.verify({ kind: "hash", certHash: issued.certHash })).report.verdict).to.equal("VALID");
      // Within the max age the kept report answers; past it, the head must be asked again, and the node fails.
      await sleep(50);
      proxy.fail(1, "http-503", "eth_getBlockByNumber");
      const failure = await verifier.verify({ kind: "hash", certHash: issued.certHash }).catch((error: unknown) => error);
      expect(isCertLedgerError(failure, "CHAIN_UNAVAILABLE"), String(failure)).to.equal(true);
      expect((await verifier.verify({ kind: "hash", certHash: issued.certHash })).report.verdict).to.equal("VALID");
    } finally {
      provider.destroy();
    }
  });

  it("reads through a JSON-RPC node answer as through Hardhat's provider", async function () {
    const world = await loadFixture(verifierWorld);
    const issued = await issueFile(world, pdfBytes(`head-rpc ${Math.random()}`));
    const { provider, verifier } = verifierThroughProxy(world);
    try {
      const direct = new Verifier({ client: LedgerClient.connect({ deployment: world.deployment, provider: ethers.provider }) });
      const options = { forParty: "KZ" };
      const [viaRpc, viaHardhat] = await Promise.all([
        verifier.verify({ kind: "hash", certHash: issued.certHash }, options),
        direct.verify({ kind: "hash", certHash: issued.certHash }, options),
      ]);
      expect(viaRpc.report.verdict).to.equal("VALID");
      expect({ ...viaRpc.report, verifiedAt: undefined }).to.deep.equal({ ...viaHardhat.report, verifiedAt: undefined });
    } finally {
      provider.destroy();
    }
  });
});
