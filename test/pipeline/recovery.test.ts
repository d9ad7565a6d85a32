import { expect } from "chai";
import { CERTIFICATE_TYPES } from "../../src/documents/certificate-types";
import { cidToBytes } from "../../src/ipfs/cid";
import { buildBatch, encodeBatchManifest } from "../../src/merkle/batch";
import type { AnchorRequestInput } from "../../src/pipeline/anchor-request";
import { Outbox } from "../../src/pipeline/outbox";
import { loadFixture } from "../contracts/fixtures";
import {
  batcherFor,
  CrashingSigner,
  eventually,
  expectAnchoredOnce,
  outboxFile,
  payloadStore,
  pipelineWorld,
  removeOutboxFiles,
  requestOf,
  stopPayloadStore,
  type World,
} from "./fixtures";

const { conformityCertificate: CONFORMITY, phytosanitaryCertificate: PHYTO } = CERTIFICATE_TYPES;

/** Five conformity certificates of KG's certification body (a batch) and one phytosanitary certificate (a direct anchor). */
async function sixRequests(world: World): Promise<AnchorRequestInput[]> {
  const { kgBody, kgPlant } = world.authorities;
  return [...(await Promise.all([1, 2, 3, 4, 5].map(() => requestOf(kgBody, CONFORMITY)))), await requestOf(kgPlant, PHYTO)];
}

/** A batcher whose authority accounts crash in `mode`; it runs until both submissions are recorded (and sent). */
async function crashAtSend(world: World, file: string, inputs: AnchorRequestInput[], mode: "before-send" | "after-send") {
  const outbox = Outbox.open(file);
  for (const input of inputs) outbox.enqueue(input);
  // One account per submission: a signer that never hears back holds up the next transaction of the same account.
  const { kgBody, kgPlant } = world.authorities;
  const crashing = new Map([kgBody, kgPlant].map((a) => [a.id, new CrashingSigner(a.account, mode)]));
  const sent = () => [...crashing.values()].flatMap((signer) => signer.sent);
  const batcher = await batcherFor(world, outbox, { signerFor: (id) => crashing.get(id) });
  batcher.start();
  await eventually(() => outbox.counts().submitted === inputs.length, "every request is submitted");
  if (mode === "after-send") await eventually(() => sent().length === 2, "both transactions are sent");
  else await new Promise((resolve) => setTimeout(resolve, 50));
  // The process dies: whatever the batcher was waiting for is abandoned, and the outbox file is all that is left.
  await batcher.stop();
  const roots = inputs.map((i) => outbox.get(i.certHash)!.batchRoot);
  outbox.close();
  return { roots, sent: sent() };
}

/** Opens the outbox again with a new batcher and real signers, and lets it reconcile and drain. */
async function restart(world: World, file: string): Promise<Outbox> {
  const outbox = Outbox.open(file);
  const batcher = await batcherFor(world, outbox);
  batcher.start();
  await batcher.drain();
  await batcher.stop();
  return outbox;
}

describe("Recovery: every request accepted is anchored exactly once, whatever stops in between", function () {
  this.timeout(120_000);
  after(async function () {
    await stopPayloadStore();
    await removeOutboxFiles();
  });

  it("stopped right after enqueueing: a new batcher on the same file anchors them all", async function () {
    const world = await loadFixture(pipelineWorld);
    const file = await outboxFile();
    const inputs = await sixRequests(world);
    const first = Outbox.open(file);
    for (const input of inputs) first.enqueue(input);
    first.close();

    const outbox = await restart(world, file);
    try {
      for (const input of inputs) expect(outbox.get(input.certHash)?.status).to.equal("anchored");
      expect(
        await expectAnchoredOnce(
          world,
          inputs.map((i) => i.certHash),
        ),
      ).to.deep.equal({ batches: 1, direct: 1 });
    } finally {
      outbox.close();
    }
  });

  it("stopped after the batch was recorded but before it was sent: the same batch (same root) is sent at start-up", async function () {
    const world = await loadFixture(pipelineWorld);
    const file = await outboxFile();
    const inputs = await sixRequests(world);
    const { roots } = await crashAtSend(world, file, inputs, "before-send");
    expect(roots[0]).to.match(/^0x[0-9a-f]{64}$/);
    expect(await world.client.getBatch(roots[0]!, world.authorities.kgBody.id)).to.equal(undefined);
    expect(await world.client.getCertificate(inputs[5].certHash)).to.equal(undefined);

    const outbox = await restart(world, file);
    try {
      for (const [i, input] of inputs.entries()) {
        expect(outbox.get(input.certHash)).to.include({ status: "anchored" });
        expect(outbox.get(input.certHash)?.batchRoot).to.equal(roots[i]);
      }
      expect(await world.client.getBatch(roots[0]!, world.authorities.kgBody.id)).to.include({ leafCount: 5 });
      expect(
        await expectAnchoredOnce(
          world,
          inputs.map((i) => i.certHash),
        ),
      ).to.deep.equal({ batches: 1, direct: 1 });
    } finally {
      outbox.close();
    }
  });

  it("stopped after sending but before recording the outcome: start-up finds both transactions on chain and sends nothing again", async function () {
    const world = await loadFixture(pipelineWorld);
    const file = await outboxFile();
    const inputs = await sixRequests(world);
    const { roots, sent } = await crashAtSend(world, file, inputs, "after-send");
    expect(await world.client.getBatch(roots[0]!, world.authorities.kgBody.id)).to.include({ leafCount: 5 });
    const accounts = [world.authorities.kgBody, world.authorities.kgPlant].map((a) => a.account.address);
    const nonces = () => Promise.all(accounts.map((account) => world.client.provider.getTransactionCount(account)));
    const noncesBefore = await nonces();

    const outbox = await restart(world, file);
    try {
      for (const input of inputs) {
        const request = outbox.get(input.certHash)!;
        expect(request.status).to.equal("anchored");
        expect(sent).to.include(request.txHash);
      }
      expect(await nonces()).to.deep.equal(noncesBefore);
      expect((await world.client.batchAnchors()).filter((e) => e.root === roots[0])).to.have.length(1);
      expect(
        await expectAnchoredOnce(
          world,
          inputs.map((i) => i.certHash),
        ),
      ).to.deep.equal({ batches: 1, direct: 1 });
    } finally {
      outbox.close();
    }
  });

  it("a batch and a direct anchor sent by hand and never recorded are settled as anchored, with their transactions", async function () {
    const world = await loadFixture(pipelineWorld);
    const file = await outboxFile();
    const inputs = await sixRequests(world);
    const body = world.authorities.kgBody;
    const writer = world.client.withSigner(body.account);
    const first = Outbox.open(file);
    for (const input of inputs) first.enqueue(input);
    // What the batcher does, stopped after each send: composition recorded, transaction sent, outcome never recorded.
    const batch = buildBatch(body.id, CONFORMITY, inputs.slice(0, 5));
    const manifestCid = await (await payloadStore()).add(encodeBatchManifest(batch.manifest));
    const fromBlock = await world.client.blockNumber();
    first.submissions.record({
      kind: "batch",
      authorityId: body.id,
      certType: CONFORMITY,
      root: batch.root,
      manifestCid,
      fromBlock,
      members: batch.members().map(({ certHash, proof }) => ({ certHash, proof })),
    });
    const plant = world.authorities.kgPlant;
    first.submissions.record({
      kind: "direct",
      authorityId: plant.id,
      certType: PHYTO,
      fromBlock,
      members: [{ certHash: inputs[5].certHash }],
    });
    const batchTx = await writer.anchorBatch({
      root: batch.root,
      certType: CONFORMITY,
      leafCount: 5,
      manifestCid: cidToBytes(manifestCid),
    });
    const directTx = await world.client.withSigner(plant.account).anchorCertificate(inputs[5]);
    first.close();

    const outbox = Outbox.open(file);
    try {
      const batcher = await batcherFor(world, outbox);
      await batcher.reconcile();
      for (const input of inputs.slice(0, 5)) expect(outbox.get(input.certHash)).to.include({ status: "anchored", txHash: batchTx.txHash });
      expect(outbox.get(inputs[5].certHash)).to.include({ status: "anchored", txHash: directTx.txHash, blockNumber: directTx.blockNumber });
      expect(outbox.counts()).to.deep.equal({ queued: 0, submitted: 0, anchored: 6, failed: 0 });
      expect(
        await expectAnchoredOnce(
          world,
          inputs.map((i) => i.certHash),
        ),
      ).to.deep.equal({ batches: 1, direct: 1 });
    } finally {
      outbox.close();
    }
  });

  it("a direct anchor whose certificate another authority anchored first fails CERT_ALREADY_ANCHORED, and is not counted as ours", async function () {
    const world = await loadFixture(pipelineWorld);
    const outbox = Outbox.open(await outboxFile());
    try {
      const input = await requestOf(world.authorities.kgBody, CONFORMITY);
      outbox.enqueue(input);
      await world.client
        .withSigner(world.authorities.kgPlant.account)
        .anchorCertificate({ ...input, certType: CERTIFICATE_TYPES.phytosanitaryCertificate });
      const batcher = await batcherFor(world, outbox);
      batcher.start();
      await batcher.drain();
      await batcher.stop();
      expect(outbox.get(input.certHash)).to.include({ status: "failed" });
      expect(outbox.get(input.certHash)?.error?.code).to.equal("CERT_ALREADY_ANCHORED");
    } finally {
      outbox.close();
    }
  });
});
