/**
 * Issue #11: a batch manifest is announced on chain by any authority of any party, and every party's node reads it.
 * What it can make those nodes do is bounded by the batch's own leaf count, and done away from their event loop.
 */
import { expect } from "chai";
import { CERTIFICATE_TYPES } from "../../src/documents/certificate-types";
import { buildBatch, encodeBatchManifest, type Batch } from "../../src/merkle/batch";
import { loadFixture } from "../contracts/fixtures";
import { stopPayloadStore, verifierWorld } from "../verify/world";
import { anchorBatch, leaves, openIndex, removeIndexFolders } from "../index/index-world";

/** The longest the event loop went without turning while `work` ran (a 5 ms timer that notes its lateness). */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(longest, performance.now() - last);
}

describe("A hostile batch manifest cannot stall another party's node", function () {
  this.timeout(300_000);
  afterEach(removeIndexFolders);
  after(stopPayloadStore);

  it("refuses, without reading it, a manifest larger than its batch's leaf count needs", async function () {
    const world = await loadFixture(verifierWorld);
    const big = buildBatch(world.authorities.kgBody.id, CERTIFICATE_TYPES.testReport, await leaves(30_000));
    // A real tree, but announced as a batch of one leaf: the node must not spend 30,000 leaves' work on it.
    const liar = { root: big.root, certType: big.certType, leafCount: 1, manifest: big.manifest } as unknown as Batch;
    const { index } = await openIndex(world, { manifestTimeoutMs: 20_000 });
    await index.syncOnce();
    await anchorBatch(world, world.authorities.kgBody, liar, { manifest: encodeBatchManifest(big.manifest) });
    const stall = await longestStall(() => index.syncOnce());
    expect(index.batch(big.root, world.authorities.kgBody.id)).to.deep.include({ manifest: "invalid" });
    expect(index.batch(big.root, world.authorities.kgBody.id)?.manifestError).to.match(/^PAYLOAD_TOO_LARGE/);
    expect(stall, `the event loop stalled ${Math.round(stall)} ms`).to.be.below(250);
    index.close();
  });

  it("refuses a manifest whose leaves are not as many as its batch announced", async function () {
    const world = await loadFixture(verifierWorld);
    const batch = buildBatch(world.authorities.kgBody.id, CERTIFICATE_TYPES.testReport, await leaves(4));
    const padded = { root: batch.root, certType: batch.certType, leafCount: 8, manifest: batch.manifest } as unknown as Batch;
    await anchorBatch(world, world.authorities.kgBody, padded, { manifest: encodeBatchManifest(batch.manifest) });
    const { index } = await openIndex(world);
    await index.syncOnce();
    expect(index.batch(batch.root, world.authorities.kgBody.id)).to.deep.include({ manifest: "invalid" });
    expect(index.batch(batch.root, world.authorities.kgBody.id)?.manifestError).to.match(/^INVALID_MANIFEST.*4 leaves.*8/);
    index.close();
  });

  it("builds a large batch's tree off the event loop, which keeps turning", async function () {
    const world = await loadFixture(verifierWorld);
    const batch = buildBatch(world.authorities.kgBody.id, CERTIFICATE_TYPES.testReport, await leaves(20_000));
    const { index } = await openIndex(world, { manifestTimeoutMs: 20_000 });
    await index.syncOnce();
    await anchorBatch(world, world.authorities.kgBody, batch);
    const stall = await longestStall(() => index.syncOnce());
    expect(index.batch(batch.root, world.authorities.kgBody.id)).to.deep.include({ manifest: "indexed" });
    expect(stall, `the event loop stalled ${Math.round(stall)} ms`).to.be.below(500);
    index.close();
  });
});
