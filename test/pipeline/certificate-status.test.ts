import { expect } from "chai";
import { CERTIFICATE_TYPES } from "../../src/documents/certificate-types";
import { CertificateStatusService } from "../../src/pipeline/certificate-status";
import { Outbox } from "../../src/pipeline/outbox";
import { loadFixture, time } from "../contracts/fixtures";
import { expectRejection } from "../crypto/expect-error";
import { batcherFor, outboxFile, pipelineWorld, randomHash, removeOutboxFiles, requestOf, stopPayloadStore, type World } from "./fixtures";

const { conformityCertificate: CONFORMITY, phytosanitaryCertificate: PHYTO } = CERTIFICATE_TYPES;

/** One phytosanitary certificate anchored on its own and a batch of three conformity certificates, all of KG. */
async function anchored(world: World) {
  const outbox = Outbox.open(await outboxFile());
  const direct = await requestOf(world.authorities.kgPlant, PHYTO);
  const batched = await Promise.all([1, 2, 3].map(() => requestOf(world.authorities.kgBody, CONFORMITY)));
  for (const input of [direct, ...batched]) outbox.enqueue(input);
  const batcher = await batcherFor(world, outbox);
  batcher.start();
  await batcher.drain();
  await batcher.stop();
  expect(outbox.get(direct.certHash)?.batchRoot).to.equal(undefined);
  expect(outbox.get(batched[0].certHash)?.batchRoot).to.match(/^0x/);
  return {
    outbox,
    direct: direct.certHash,
    batched: batched.map((b) => b.certHash),
    status: new CertificateStatusService({ outbox, client: world.client }),
  };
}

async function stateNow(world: World, certHash: string, outbox: Outbox): Promise<string> {
  const now = BigInt(await time.latest());
  const member = outbox.member(certHash);
  if (member) return world.client.batchedCertificateStateAt(member, now);
  return world.client.certificateStateAt(certHash, now);
}

describe("CertificateStatusService", function () {
  this.timeout(120_000);
  after(async function () {
    await stopPayloadStore();
    await removeOutboxFiles();
  });

  it("a certificate anchored on its own is suspended, reinstated and revoked (superseded, with its replacement) by its authority", async function () {
    const world = await loadFixture(pipelineWorld);
    const { outbox, direct, status } = await anchored(world);
    try {
      const plant = world.authorities.kgPlant.account;
      expect(await status.suspend(direct, plant)).to.include({ certHash: direct, via: "record" });
      expect(await stateNow(world, direct, outbox)).to.equal("Suspended");
      await status.reinstate(direct, plant);
      expect(await stateNow(world, direct, outbox)).to.equal("Active");
      const replacement = randomHash();
      const result = await status.revoke(direct.toUpperCase().replace("0X", "0x"), plant, { reason: "superseded", replacement });
      expect(result.txHash).to.match(/^0x[0-9a-f]{64}$/);
      const record = await world.client.getCertificate(direct);
      expect(record).to.include({ status: "Revoked", revocationReason: 4 });
      expect(await world.client.replacementOf(direct)).to.equal(replacement);
      const history = await world.client.certificateHistory(direct);
      expect(history.map((e) => e.event)).to.deep.equal([
        "CertificateAnchored",
        "CertificateSuspended",
        "CertificateReinstated",
        "CertificateRevoked",
      ]);
    } finally {
      outbox.close();
    }
  });

  it("a batched certificate is suspended, reinstated and revoked by its stored proof (its record on chain is its batch's own)", async function () {
    const world = await loadFixture(pipelineWorld);
    const { outbox, batched, status } = await anchored(world);
    try {
      const body = world.authorities.kgBody.account;
      const [certHash, sibling] = batched;
      expect(await status.suspend(certHash, body)).to.include({ via: "batchProof" });
      expect(await stateNow(world, certHash, outbox)).to.equal("Suspended");
      expect(await world.client.getCertificate(certHash), "no direct record").to.equal(undefined);
      expect(await world.client.getBatchedCertificate(outbox.member(certHash)!)).to.include({ status: "Suspended" });
      expect(await status.reinstate(certHash, body)).to.include({ via: "batchProof" });
      expect(await stateNow(world, certHash, outbox)).to.equal("Active");
      const effectiveAt = BigInt(await time.latest()) - 1n;
      await status.revoke(certHash, body, { reason: 1, effectiveAt });
      expect(await world.client.getBatchedCertificate(outbox.member(certHash)!)).to.include({
        status: "Revoked",
        revocationReason: 1,
        statusChangedAt: effectiveAt,
      });
      expect(await stateNow(world, sibling, outbox)).to.equal("Active");
    } finally {
      outbox.close();
    }
  });

  it("a batched certificate never changed is revoked straight from its proof, by its party's admin", async function () {
    const world = await loadFixture(pipelineWorld);
    const { outbox, batched, status } = await anchored(world);
    try {
      expect(await status.revoke(batched[2], world.kgAdmin, { reason: "keyCompromise" })).to.include({ via: "batchProof" });
      expect(await world.client.getBatchedCertificate(outbox.member(batched[2])!)).to.include({ status: "Revoked", revocationReason: 1 });
      await expectRejection(status.reinstate(batched[1], world.kgAdmin), "INVALID_STATUS_CHANGE", /Active/);
    } finally {
      outbox.close();
    }
  });

  it("what the ledger or the outbox refuses comes back with its code", async function () {
    const world = await loadFixture(pipelineWorld);
    const { outbox, direct, batched, status } = await anchored(world);
    try {
      const plant = world.authorities.kgPlant.account;
      await expectRejection(status.suspend(batched[0], plant), "NOT_CERTIFICATE_MANAGER");
      await expectRejection(status.suspend(direct, world.kzAdmin), "NOT_CERTIFICATE_MANAGER");
      await expectRejection(status.revoke(direct, plant, { reason: "certificateHold" }), "INVALID_REVOCATION_REASON");
      await expectRejection(status.revoke(direct, plant, { reason: 0, replacement: direct }), "SELF_REPLACEMENT");
      await expectRejection(status.reinstate(direct, plant), "INVALID_STATUS_CHANGE");
      await expectRejection(status.suspend(randomHash(), plant), "CERT_NOT_FOUND");
      await expectRejection(status.suspend("not a hash", plant), "INVALID_CERT_HASH");
      const queued = await requestOf(world.authorities.kgPlant, PHYTO);
      outbox.enqueue(queued);
      await expectRejection(status.suspend(queued.certHash, plant), "REQUEST_NOT_ANCHORED", /still queued/);
    } finally {
      outbox.close();
    }
  });
});
