import { expect } from "chai";
import { ethers } from "hardhat";
import { mine, takeSnapshot } from "@nomicfoundation/hardhat-network-helpers";
import { CERTIFICATE_TYPES } from "../../src/documents/certificate-types";
import type { AnchorRequestInput } from "../../src/pipeline/anchor-request";
import type { Batcher } from "../../src/pipeline/batcher";
import { Outbox } from "../../src/pipeline/outbox";
import { loadFixture } from "../contracts/fixtures";
import {
  batcherFor,
  expectAnchoredOnce,
  outboxFile,
  pipelineWorld,
  removeOutboxFiles,
  requestOf,
  stopPayloadStore,
  type World,
} from "./fixtures";

const { conformityCertificate: CONFORMITY, phytosanitaryCertificate: PHYTO } = CERTIFICATE_TYPES;

/** Five conformity certificates (one batch) and one phytosanitary certificate (a direct anchor), anchored and drained. */
async function anchoredSix(world: World, outbox?: Outbox): Promise<{ outbox: Outbox; inputs: AnchorRequestInput[] }> {
  const { kgBody, kgPlant } = world.authorities;
  const inputs = [...(await Promise.all([1, 2, 3, 4, 5].map(() => requestOf(kgBody, CONFORMITY)))), await requestOf(kgPlant, PHYTO)];
  outbox ??= Outbox.open(await outboxFile());
  for (const input of inputs) outbox.enqueue(input);
  await runToEnd(await batcherFor(world, outbox));
  return { outbox, inputs };
}

/** Runs `batcher` until nothing is queued or submitted. */
async function runToEnd(batcher: Batcher): Promise<void> {
  batcher.start();
  await batcher.drain();
  await batcher.stop();
}

/** How many batches and direct anchors hold `inputs`, each exactly once (expectAnchoredOnce). */
const anchoredOnce = (world: World, inputs: AnchorRequestInput[]) =>
  expectAnchoredOnce(
    world,
    inputs.map((i) => i.certHash),
  );

const positions = (outbox: Outbox, inputs: AnchorRequestInput[]) =>
  inputs.map((i) => {
    const { status, txHash, blockNumber } = outbox.get(i.certHash)!;
    return { status, txHash, blockNumber };
  });

describe("Reconciling the outbox with a chain that went back (power loss of the embedded node)", function () {
  this.timeout(120_000);
  after(async function () {
    await stopPayloadStore();
    await removeOutboxFiles();
  });

  it("submissions recorded anchored whose receipts the chain lost (other blocks at their heights now) are sent again, once, and the outbox names the new transactions", async function () {
    const world = await loadFixture(pipelineWorld);
    const snapshot = await takeSnapshot();
    const { outbox, inputs } = await anchoredSix(world);
    try {
      const before = positions(outbox, inputs);
      expect(before.map((p) => p.status)).to.deep.equal(Array(6).fill("anchored"));
      // The chain comes back from an older state and mines other blocks past the old ones: the heights exist, with
      // other hashes, and the receipts are gone.
      await snapshot.restore();
      await mine(Math.max(...before.map((p) => p.blockNumber!)) - (await ethers.provider.getBlockNumber()) + 2);
      expect(await ethers.provider.getTransactionReceipt(before[0].txHash!)).to.equal(null);

      const log: { event: string; details: Record<string, unknown> }[] = [];
      const batcher = await batcherFor(world, outbox, { log: (event, details) => log.push({ event, details }) });
      const checking = batcher.checkAnchored();
      expect(batcher.health().chain).to.equal("reconciling");
      await checking;
      // Nothing says anchored for a transaction the chain does not hold: both submissions are submitted again.
      expect(inputs.map((i) => outbox.get(i.certHash)!.status)).to.deep.equal(Array(6).fill("submitted"));
      expect(log.filter((l) => l.event === "submission.reopened")).to.have.length(2);
      expect(batcher.health().chain).to.equal("reconciling");

      await runToEnd(batcher);
      expect(batcher.health().chain).to.equal("ok");
      const after = positions(outbox, inputs);
      for (const [i, position] of after.entries()) {
        expect(position.status).to.equal("anchored");
        expect(position.txHash).to.not.equal(before[i].txHash);
        const receipt = await ethers.provider.getTransactionReceipt(position.txHash!);
        expect(receipt?.blockNumber).to.equal(position.blockNumber);
      }
      expect(outbox.get(inputs[0].certHash)!.batchRoot).to.equal(outbox.get(inputs[1].certHash)!.batchRoot);
      expect(await anchoredOnce(world, inputs)).to.deep.equal({ batches: 1, direct: 1 });
    } finally {
      outbox.close();
    }
  });

  it("a submission whose transaction is now in another block (same transaction, block hash changed) is moved there and not sent again", async function () {
    const world = await loadFixture(pipelineWorld);
    const snapshot = await takeSnapshot();
    const { outbox, inputs } = await anchoredSix(world);
    try {
      const before = positions(outbox, inputs);
      // The same signed transactions reach the chain again after it went back, two blocks later than before.
      const raw = await Promise.all(
        [before[0].txHash!, before[5].txHash!].map(
          async (hash) => ethers.Transaction.from((await ethers.provider.getTransaction(hash))!).serialized,
        ),
      );
      await snapshot.restore();
      await mine(2);
      for (const tx of raw) await (await ethers.provider.broadcastTransaction(tx)).wait();
      const nonces = await Promise.all(
        [world.authorities.kgBody, world.authorities.kgPlant].map((a) => ethers.provider.getTransactionCount(a.account.address)),
      );

      const batcher = await batcherFor(world, outbox);
      await batcher.checkAnchored();
      const after = positions(outbox, inputs);
      for (const [i, position] of after.entries()) {
        expect(position).to.deep.include({ status: "anchored", txHash: before[i].txHash });
        const receipt = await ethers.provider.getTransactionReceipt(position.txHash!);
        expect(position.blockNumber).to.equal(receipt!.blockNumber).and.not.equal(before[i].blockNumber);
      }
      // Its recorded block hash is the new block's: the next check finds nothing to do.
      const [top] = outbox.submissions.anchoredBlocks(Number.POSITIVE_INFINITY, 1);
      expect(top.blockHash).to.equal((await ethers.provider.getBlock(top.blockNumber))!.hash);
      await runToEnd(batcher);
      expect(
        await Promise.all(
          [world.authorities.kgBody, world.authorities.kgPlant].map((a) => ethers.provider.getTransactionCount(a.account.address)),
        ),
      ).to.deep.equal(nonces);
      expect(await anchoredOnce(world, inputs)).to.deep.equal({ batches: 1, direct: 1 });
    } finally {
      outbox.close();
    }
  });

  it("a submission the chain holds in another transaction (found by its root) records that transaction; one whose block still matches is left alone", async function () {
    const world = await loadFixture(pipelineWorld);
    const { kgBody } = world.authorities;
    const earlier = Outbox.open(await outboxFile());
    const first = await requestOf(kgBody, CONFORMITY);
    earlier.enqueue(first);
    const early = await batcherFor(world, earlier);
    early.start();
    await early.drain();
    await early.stop();
    const kept = positions(earlier, [first]);
    const snapshot = await takeSnapshot();
    const { outbox, inputs } = await anchoredSix(world, earlier);
    try {
      const before = positions(outbox, inputs);
      const root = outbox.get(inputs[0].certHash)!.batchRoot!;
      const manifestCid = (await world.client.batchAnchors()).find((e) => e.root === root)!.manifestCid;
      await snapshot.restore();
      // Someone (the same authority's account, e.g. another copy of the server) anchored the same batch meanwhile, in
      // another transaction (the account's nonce has moved on: it is not the lost one sent again).
      await (await kgBody.account.sendTransaction({ to: kgBody.account.address, value: 0 })).wait();
      const again = await world.client.withSigner(kgBody.account).anchorBatch({ root, certType: CONFORMITY, leafCount: 5, manifestCid });

      const log: string[] = [];
      const batcher = await batcherFor(world, outbox, { log: (event) => log.push(event) });
      await batcher.checkAnchored();
      expect(outbox.get(inputs[0].certHash)).to.deep.include({ status: "anchored", txHash: again.txHash, blockNumber: again.blockNumber });
      expect(outbox.get(inputs[5].certHash)!.status).to.equal("submitted");
      expect(log.filter((e) => e === "submission.moved")).to.have.length(1);
      expect(positions(outbox, [first])).to.deep.equal(kept);
      expect(before[0].txHash).to.not.equal(again.txHash);
      await runToEnd(batcher);
      expect(await anchoredOnce(world, [first, ...inputs])).to.deep.equal({ batches: 1, direct: 2 });
    } finally {
      outbox.close();
    }
  });
});
