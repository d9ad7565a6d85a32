import { expect } from "chai";
import { ethers } from "hardhat";
import { mine, takeSnapshot } from "@nomicfoundation/hardhat-network-helpers";
import { loadFixture } from "../contracts/fixtures";
import { stopPayloadStore, verifierWorld } from "../verify/world";
import { anchorDirect, anchorTestReports, chainEventCount, indexedEventCount, leaves, openIndex, removeIndexFolders } from "./index-world";

describe("The chain index when the chain goes back", function () {
  this.timeout(120_000);
  after(async function () {
    await stopPayloadStore();
    removeIndexFolders();
  });

  it("drops the blocks a chain lost and re-reads the ones that replaced them (same height, other blocks)", async function () {
    const world = await loadFixture(verifierWorld);
    const kept = await anchorDirect(world, world.authorities.kgBody);
    const snapshot = await takeSnapshot();
    const lost = await anchorDirect(world, world.authorities.kgBody);
    const { batch: lostBatch } = await anchorTestReports(world, await leaves(2));
    await world.client.withSigner(world.authorities.kgBody.account).suspendCertificate(kept.certHash);
    const { index, file, warnings } = await openIndex(world);
    const before = await index.syncOnce();
    expect(index.certificate(lost.certHash)?.status).to.equal("Active");
    expect(index.certificate(kept.certHash)?.status).to.equal("Suspended");
    expect(index.certificate(lostBatch.members()[0].certHash)?.batchRoot).to.equal(lostBatch.root);

    // The chain loses its last blocks (as an embedded chain that crashed would) and mines others at the same heights.
    await snapshot.restore();
    const replacement = await anchorDirect(world, world.authorities.kgPlant, { certType: 4 });
    await mine(before - (await ethers.provider.getBlockNumber()) + 1);

    const after = await index.syncOnce();
    expect(after).to.equal(await ethers.provider.getBlockNumber());
    expect(index.certificate(lost.certHash)).to.equal(undefined);
    expect(index.certificate(lostBatch.members()[0].certHash)).to.equal(undefined);
    expect(index.batch(lostBatch.root, world.authorities.kgBody.id)).to.equal(undefined);
    expect(index.certificate(kept.certHash)?.status).to.equal("Active");
    expect(index.history(kept.certHash).map((e) => e.event)).to.deep.equal(["CertificateAnchored"]);
    expect(index.certificate(replacement.certHash)?.blockNumber).to.equal(replacement.blockNumber);
    expect(index.listByAuthority(world.authorities.kgBody.id).items.map((c) => c.certHash)).to.deep.equal([kept.certHash]);
    expect(index.listByAuthority(world.authorities.kgBody.id, { status: "Suspended" }).total).to.equal(0);
    expect(index.listByAuthority(world.authorities.kgBody.id, { certType: 2 }).total).to.equal(0);
    expect(index.listByAuthority(world.authorities.kgPlant.id).total).to.equal(1);
    expect(indexedEventCount(file)).to.equal(await chainEventCount(world));
    expect(warnings.map((w) => w.message)).to.include(
      `chain index: block ${before} is no longer on the chain; rolled back to block ${kept.blockNumber} to read again`,
    );
    index.close();
  });

  it("rolls back when the chain is now shorter than the last indexed block, and follows it as it grows again", async function () {
    const world = await loadFixture(verifierWorld);
    const snapshot = await takeSnapshot();
    const kept = await ethers.provider.getBlockNumber();
    const lost = await anchorDirect(world, world.authorities.kgBody);
    await mine(5);
    const { index, file } = await openIndex(world);
    await index.syncOnce();
    expect(index.certificate(lost.certHash)).to.not.equal(undefined);

    await snapshot.restore();
    expect(await index.syncOnce()).to.equal(kept);
    expect(index.certificate(lost.certHash)).to.equal(undefined);
    expect(index.status()).to.deep.include({ lastBlock: kept, caughtUp: true });

    const later = await anchorDirect(world, world.authorities.kgBody);
    expect(await index.syncOnce()).to.equal(later.blockNumber);
    expect(index.certificate(later.certHash)?.status).to.equal("Active");
    expect(indexedEventCount(file)).to.equal(await chainEventCount(world));
    index.close();
  });

  it("a rollback found after a restart uses the block hashes stored in the file", async function () {
    const world = await loadFixture(verifierWorld);
    const snapshot = await takeSnapshot();
    const lost = await anchorDirect(world, world.authorities.kgBody);
    const first = await openIndex(world);
    await first.index.syncOnce();
    first.index.close();

    await snapshot.restore();
    await mine(3);
    const second = await openIndex(world, { file: first.file });
    await second.index.syncOnce();
    expect(second.index.certificate(lost.certHash)).to.equal(undefined);
    expect(second.warnings).to.have.length(1);
    expect(indexedEventCount(first.file)).to.equal(await chainEventCount(world));
    second.index.close();
  });

  it("tells a reader of payloadsAfter how far back to go: certificates indexed again after a rollback reuse the seqs it freed", async function () {
    const world = await loadFixture(verifierWorld);
    const cid = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";
    const kept = await anchorDirect(world, world.authorities.kgBody, { payloadCid: cid });
    const snapshot = await takeSnapshot();
    const lost = await anchorDirect(world, world.authorities.kgBody, { payloadCid: cid });
    const { index } = await openIndex(world);
    await index.syncOnce();
    const [, passed] = index.payloadsAfter(0);
    expect(passed.certHash).to.equal(lost.certHash);
    expect(index.payloadRewindSince(0)).to.equal(undefined);

    await snapshot.restore();
    const replacement = await anchorDirect(world, world.authorities.kgBody, { payloadCid: cid });
    await index.syncOnce();
    const rewind = index.payloadRewindSince(0)!;
    expect(rewind.epoch).to.equal(1);
    // The replacement took the lost one's seq: a reader past it would never see it; from the floor on, it does.
    expect(index.payloadsAfter(passed.seq).map((p) => p.certHash)).to.not.include(replacement.certHash);
    expect(index.payloadsAfter(rewind.floor).map((p) => p.certHash)).to.deep.equal([replacement.certHash]);
    expect(index.payloadsAfter(0).map((p) => p.certHash)).to.deep.equal([kept.certHash, replacement.certHash]);
    expect(index.payloadRewindSince(rewind.epoch)).to.equal(undefined);
    index.close();
  });
});
