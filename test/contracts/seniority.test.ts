/**
 * Issue #11: another party's authority must not be able to take over, block or change a certificate it did not anchor.
 * Every anchoring is its own record, written only by its own authority (and its party's admin): a direct anchor by its
 * hash, a batch by its root and authority, a batched certificate by its batch and its leaf (which names the authority).
 * Which anchoring of a hash is "the certificate" (the earliest) is for readers to decide; these tests pin down what the
 * contract guarantees for that: the records are independent, and their issuer can always still manage its own.
 *
 * The victim is KZ's chamber of commerce (authority 3, certificates of origin); the attacker is KG: its certification
 * body (authority 1, accounts kgBody and kgBody2), its test lab (authority 2), and KG's party admin.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import {
  CertType,
  DAY,
  State,
  Status,
  YEAR,
  loadFixture,
  merkleBatch,
  randomCerts,
  randomCid,
  randomHash,
  time,
  withAuthorities,
  type Member,
} from "./fixtures";
import type { CertificateLedger } from "../../typechain-types";

const { ZeroHash } = ethers;

/** {@link withAuthorities} plus KZ's chamber's Merkle batch of two certificates of origin, not anchored yet. */
async function kzBatchBuilt() {
  const base = await loadFixture(withAuthorities);
  const validUntil = BigInt(await time.latest()) + BigInt(YEAR);
  const kz = merkleBatch(base.ids.kzChamber, randomCerts(2, validUntil));
  return { ...base, kz, manifestCid: randomCid() };
}

/** {@link kzBatchBuilt}, with the batch anchored by KZ's chamber. */
async function kzBatched() {
  const base = await loadFixture(kzBatchBuilt);
  await base.ledger.connect(base.kzChamber).anchorBatch(base.kz.root, CertType.Origin, 2, base.manifestCid);
  const kzIssuedAt = BigInt(await time.latest());
  return { ...base, kzIssuedAt };
}

/** {@link kzBatched} plus a certificate of origin KZ's chamber anchored directly. */
async function kzBatchedAndDirect() {
  const base = await loadFixture(kzBatched);
  const direct = randomHash();
  await base.ledger.connect(base.kzChamber).anchorCertificate(direct, CertType.Origin, BigInt(await time.latest()) + BigInt(YEAR), randomHash(), "0x");
  return { ...base, direct, directIssuedAt: BigInt(await time.latest()) };
}

const now = async (): Promise<bigint> => BigInt(await time.latest());

/** A batched certificate's record, as plain values. */
async function batched(ledger: CertificateLedger, m: Member) {
  const r = await ledger.getBatchedCertificate(m);
  return {
    authorityId: Number(r.authorityId),
    certType: Number(r.certType),
    status: Number(r.status),
    revocationReason: Number(r.revocationReason),
    issuedAt: r.issuedAt,
    validUntil: r.validUntil,
    statusChangedAt: r.statusChangedAt,
  };
}

/** A direct anchoring's record, as plain values. */
async function direct(ledger: CertificateLedger, certHash: string) {
  const r = await ledger.getCertificate(certHash);
  return {
    authorityId: Number(r.authorityId),
    certType: Number(r.certType),
    status: Number(r.status),
    revocationReason: Number(r.revocationReason),
    issuedAt: r.issuedAt,
    validUntil: r.validUntil,
    statusChangedAt: r.statusChangedAt,
  };
}

describe("Seniority: an anchoring is its own authority's alone (issue #11)", function () {
  describe("another authority anchoring a batched certificate's hash directly", function () {
    it("KG anchoring and revoking a hash KZ batched leaves KZ's certificate Active, and KZ can still suspend, reinstate and revoke it", async function () {
      const { ledger, kgBody, kzChamber, kz, kzIssuedAt, ids } = await loadFixture(kzBatched);
      const m = kz.member(0);
      const sibling = kz.member(1);
      const untouched = { authorityId: ids.kzChamber, certType: CertType.Origin, status: Status.Active, revocationReason: 0, issuedAt: kzIssuedAt, validUntil: m.validUntil, statusChangedAt: kzIssuedAt };

      // KG's body anchors the same hash directly, and revokes it.
      const kgValidUntil = (await now()) + BigInt(30 * DAY);
      const kgNumberHash = randomHash();
      await expect(ledger.connect(kgBody).anchorCertificate(m.certHash, CertType.Conformity, kgValidUntil, kgNumberHash, "0x"))
        .to.emit(ledger, "CertificateAnchored")
        .withArgs(m.certHash, kgNumberHash, ids.kgBody, CertType.Conformity, kgValidUntil, "0x");
      const kgIssuedAt = await now();
      await expect(ledger.connect(kgBody).revokeCertificate(m.certHash, 1, kgIssuedAt, ZeroHash))
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(m.certHash, ids.kgBody, ZeroHash, 1, kgIssuedAt, ZeroHash);

      // KZ's batched certificate did not notice.
      expect(await batched(ledger, m)).to.deep.equal(untouched);
      expect(await ledger.batchedCertificateStateAt(m, await now())).to.equal(State.Active);
      expect(await ledger.batchedCertificateStateAt(sibling, await now())).to.equal(State.Active);
      // KG's direct record is KG's alone.
      const kgRecord = { authorityId: ids.kgBody, certType: CertType.Conformity, status: Status.Revoked, revocationReason: 1, issuedAt: kgIssuedAt, validUntil: kgValidUntil, statusChangedAt: kgIssuedAt };
      expect(await direct(ledger, m.certHash)).to.deep.equal(kgRecord);
      expect(await ledger.certificateStateAt(m.certHash, await now())).to.equal(State.Revoked);

      // KZ's chamber manages its own certificate: every event names KZ's authority and KZ's root.
      await time.increase(DAY);
      await expect(ledger.connect(kzChamber).suspendBatchedCertificate(m))
        .to.emit(ledger, "BatchedCertificateMaterialised")
        .withArgs(m.certHash, kz.root, m.numberHash, ids.kzChamber)
        .and.to.emit(ledger, "CertificateSuspended")
        .withArgs(m.certHash, ids.kzChamber, kz.root);
      expect(await ledger.batchedCertificateStateAt(m, await now())).to.equal(State.Suspended);
      await expect(ledger.connect(kzChamber).reinstateBatchedCertificate(m))
        .to.emit(ledger, "CertificateReinstated")
        .withArgs(m.certHash, ids.kzChamber, kz.root);
      expect(await ledger.batchedCertificateStateAt(m, await now())).to.equal(State.Active);
      const replacement = randomHash();
      await expect(ledger.connect(kzChamber).revokeBatchedCertificate(m, 4, kzIssuedAt, replacement))
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(m.certHash, ids.kzChamber, kz.root, 4, kzIssuedAt, replacement);
      expect(await batched(ledger, m)).to.deep.equal({ ...untouched, status: Status.Revoked, revocationReason: 4, statusChangedAt: kzIssuedAt });
      expect(await ledger.batchedCertificateStateAt(m, kzIssuedAt)).to.equal(State.Revoked);

      // None of KZ's changes touched KG's record, nor the sibling.
      expect(await direct(ledger, m.certHash)).to.deep.equal(kgRecord);
      expect(await ledger.batchedCertificateStateAt(sibling, await now())).to.equal(State.Active);
    });

    it("KG's direct record stays KG's: KZ's chamber and KZ's admin cannot suspend, reinstate or revoke it", async function () {
      const { ledger, kgBody, kzChamber, kzAdmin, kz, ids } = await loadFixture(kzBatched);
      const m = kz.member(0);
      await ledger.connect(kgBody).anchorCertificate(m.certHash, CertType.Conformity, m.validUntil, randomHash(), "0x");
      const before = await direct(ledger, m.certHash);
      for (const caller of [kzChamber, kzAdmin]) {
        await expect(ledger.connect(caller).suspendCertificate(m.certHash))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
          .withArgs(caller.address, ids.kgBody);
        await expect(ledger.connect(caller).revokeCertificate(m.certHash, 1, before.issuedAt, ZeroHash))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
          .withArgs(caller.address, ids.kgBody);
      }
      await ledger.connect(kgBody).suspendCertificate(m.certHash);
      for (const caller of [kzChamber, kzAdmin]) {
        await expect(ledger.connect(caller).reinstateCertificate(m.certHash))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
          .withArgs(caller.address, ids.kgBody);
      }
      expect((await direct(ledger, m.certHash)).status).to.equal(Status.Suspended);
      expect(await batched(ledger, m)).to.include({ authorityId: ids.kzChamber, status: Status.Active });
    });

    it("a direct anchor of the hash made before KZ's batch neither blocks the batch nor stops KZ managing its certificate", async function () {
      const { ledger, kgBody, kzChamber, kz, manifestCid, ids } = await loadFixture(kzBatchBuilt);
      const m = kz.member(1);
      await ledger.connect(kgBody).anchorCertificate(m.certHash, CertType.Conformity, m.validUntil, m.numberHash, "0x");
      await ledger.connect(kgBody).suspendCertificate(m.certHash);
      await expect(ledger.connect(kzChamber).anchorBatch(kz.root, CertType.Origin, 2, manifestCid))
        .to.emit(ledger, "BatchAnchored")
        .withArgs(kz.root, ids.kzChamber, CertType.Origin, 2, manifestCid);
      expect(await ledger.batchedCertificateStateAt(m, await now())).to.equal(State.Active);
      await expect(ledger.connect(kzChamber).revokeBatchedCertificate.staticCall(m, 1, await now(), ZeroHash)).not.to.be.reverted;
      await expect(ledger.connect(kzChamber).suspendBatchedCertificate(m))
        .to.emit(ledger, "CertificateSuspended")
        .withArgs(m.certHash, ids.kzChamber, kz.root);
      expect((await direct(ledger, m.certHash)).authorityId).to.equal(ids.kgBody);
    });

    it("a direct anchor stays unique by hash: KZ cannot also anchor directly a hash KG anchored first, but can still batch it", async function () {
      // The contract refuses a second direct anchor of a hash; which anchoring is the certificate is the readers' call.
      const { ledger, kgBody, kzChamber, ids } = await loadFixture(withAuthorities);
      const [certHash, numberHash, validUntil] = randomCerts(1, (await now()) + BigInt(YEAR))[0];
      await ledger.connect(kgBody).anchorCertificate(certHash, CertType.Conformity, validUntil, numberHash, "0x");
      await expect(ledger.connect(kzChamber).anchorCertificate(certHash, CertType.Origin, validUntil, numberHash, "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerCertificateAlreadyAnchored")
        .withArgs(certHash);
      const kz = merkleBatch(ids.kzChamber, [[certHash, numberHash, validUntil]]);
      await ledger.connect(kzChamber).anchorBatch(kz.root, CertType.Origin, 1, "0x");
      expect(await ledger.isBatchMember(kz.member(0))).to.equal(true);
      await ledger.connect(kgBody).revokeCertificate(certHash, 1, await now(), ZeroHash);
      expect(await ledger.batchedCertificateStateAt(kz.member(0), await now())).to.equal(State.Active);
      const at = await now();
      await expect(ledger.connect(kzChamber).revokeBatchedCertificate(kz.member(0), 1, at, ZeroHash))
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(certHash, ids.kzChamber, kz.root, 1, at, ZeroHash);
    });
  });

  describe("front-running a batch's root", function () {
    it("KG anchoring KZ's root first does not stop KZ's anchorBatch, and proves none of KZ's certificates as KG's", async function () {
      const { ledger, kgBody, kzChamber, kz, manifestCid, ids } = await loadFixture(kzBatchBuilt);
      await expect(ledger.connect(kgBody).anchorBatch(kz.root, CertType.Conformity, 2, manifestCid))
        .to.emit(ledger, "BatchAnchored")
        .withArgs(kz.root, ids.kgBody, CertType.Conformity, 2, manifestCid);
      await expect(ledger.connect(kzChamber).anchorBatch(kz.root, CertType.Origin, 2, manifestCid))
        .to.emit(ledger, "BatchAnchored")
        .withArgs(kz.root, ids.kzChamber, CertType.Origin, 2, manifestCid);
      const kzIssuedAt = await now();

      const kgBatch = await ledger.getBatch(kz.root, ids.kgBody);
      const kzBatch = await ledger.getBatch(kz.root, ids.kzChamber);
      expect([kgBatch.authorityId, kgBatch.certType]).to.deep.equal([BigInt(ids.kgBody), BigInt(CertType.Conformity)]);
      expect([kzBatch.authorityId, kzBatch.certType, kzBatch.issuedAt]).to.deep.equal([BigInt(ids.kzChamber), BigInt(CertType.Origin), kzIssuedAt]);

      for (const i of [0, 1]) {
        const m = kz.member(i);
        const underKg = { ...m, authorityId: ids.kgBody };
        expect(await ledger.isBatchMember(underKg)).to.equal(false);
        expect(await ledger.isBatchMember(m)).to.equal(true);
        expect(await ledger.batchedCertificateStateAt(underKg, kzIssuedAt)).to.equal(State.Unknown);
        expect(await ledger.batchedCertificateStateAt(m, kzIssuedAt)).to.equal(State.Active);
        expect((await ledger.getBatchedCertificate(underKg)).status).to.equal(Status.None);
        expect(await batched(ledger, m)).to.include({ authorityId: ids.kzChamber, certType: CertType.Origin, status: Status.Active });
      }
      // Neither can anchor the root a second time: each authority's batch is its own.
      await expect(ledger.connect(kgBody).anchorBatch(kz.root, CertType.Conformity, 2, "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerBatchAlreadyAnchored")
        .withArgs(kz.root, ids.kgBody);
      await expect(ledger.connect(kzChamber).anchorBatch(kz.root, CertType.Origin, 2, "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerBatchAlreadyAnchored")
        .withArgs(kz.root, ids.kzChamber);
    });

    it("KZ manages its batch's certificates as usual after KG anchored the same root", async function () {
      const { ledger, kgBody, kzChamber, kz, ids } = await loadFixture(kzBatchBuilt);
      await ledger.connect(kgBody).anchorBatch(kz.root, CertType.Conformity, 2, "0x");
      await ledger.connect(kzChamber).anchorBatch(kz.root, CertType.Origin, 2, "0x");
      const m = kz.member(0);
      await expect(ledger.connect(kzChamber).suspendBatchedCertificate(m))
        .to.emit(ledger, "BatchedCertificateMaterialised")
        .withArgs(m.certHash, kz.root, m.numberHash, ids.kzChamber);
      await expect(ledger.connect(kzChamber).reinstateBatchedCertificate(m)).to.emit(ledger, "CertificateReinstated").withArgs(m.certHash, ids.kzChamber, kz.root);
      const at = await now();
      await expect(ledger.connect(kzChamber).revokeBatchedCertificate(m, 1, at, ZeroHash))
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(m.certHash, ids.kzChamber, kz.root, 1, at, ZeroHash);
    });
  });

  describe("changing a certificate of another authority's batch", function () {
    it("KG's body and KG's admin cannot materialise, suspend, reinstate or revoke a certificate of KZ's batch", async function () {
      const { ledger, kgBody, kgBody2, kgLab, kgAdmin, kzChamber, kz, kzIssuedAt, ids } = await loadFixture(kzBatched);
      const active = kz.member(0);
      const suspended = kz.member(1);
      await ledger.connect(kzChamber).suspendBatchedCertificate(suspended);
      for (const caller of [kgBody, kgBody2, kgLab, kgAdmin]) {
        await expect(ledger.connect(caller).suspendBatchedCertificate(active))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
          .withArgs(caller.address, ids.kzChamber);
        await expect(ledger.connect(caller).revokeBatchedCertificate(active, 1, kzIssuedAt, ZeroHash))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
          .withArgs(caller.address, ids.kzChamber);
        await expect(ledger.connect(caller).reinstateBatchedCertificate(suspended))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
          .withArgs(caller.address, ids.kzChamber);
        await expect(ledger.connect(caller).revokeBatchedCertificate(suspended, 1, kzIssuedAt, ZeroHash))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
          .withArgs(caller.address, ids.kzChamber);
      }
      expect(await ledger.batchedCertificateStateAt(active, await now())).to.equal(State.Active);
      expect(await ledger.batchedCertificateStateAt(suspended, await now())).to.equal(State.Suspended);
      // Nothing was materialised by the refused calls: KZ's first change of the active one is the one that does it.
      await expect(ledger.connect(kzChamber).suspendBatchedCertificate(active))
        .to.emit(ledger, "BatchedCertificateMaterialised")
        .withArgs(active.certHash, kz.root, active.numberHash, ids.kzChamber);
    });

    it("KG cannot claim a certificate of KZ's batch by naming its own authority: an unknown batch while KG has none under that root", async function () {
      const { ledger, kgBody, kgLab, kz, kzIssuedAt, ids } = await loadFixture(kzBatched);
      const m = kz.member(0);
      for (const [caller, authorityId] of [
        [kgBody, ids.kgBody],
        [kgLab, ids.kgLab],
      ] as const) {
        const claimed = { ...m, authorityId };
        await expect(ledger.connect(caller).suspendBatchedCertificate(claimed))
          .to.be.revertedWithCustomError(ledger, "LedgerUnknownBatch")
          .withArgs(kz.root, authorityId);
        await expect(ledger.connect(caller).reinstateBatchedCertificate(claimed))
          .to.be.revertedWithCustomError(ledger, "LedgerUnknownBatch")
          .withArgs(kz.root, authorityId);
        await expect(ledger.connect(caller).revokeBatchedCertificate(claimed, 1, kzIssuedAt, ZeroHash))
          .to.be.revertedWithCustomError(ledger, "LedgerUnknownBatch")
          .withArgs(kz.root, authorityId);
      }
      expect(await batched(ledger, m)).to.include({ authorityId: ids.kzChamber, status: Status.Active });
    });

    it("KG cannot claim a certificate of KZ's batch by naming its own authority: the proof fails under KG's batch of the same root", async function () {
      const { ledger, kgBody, kgAdmin, kz, kzIssuedAt, ids } = await loadFixture(kzBatched);
      await ledger.connect(kgBody).anchorBatch(kz.root, CertType.Conformity, 2, "0x");
      for (const i of [0, 1]) {
        const claimed = { ...kz.member(i), authorityId: ids.kgBody };
        for (const caller of [kgBody, kgAdmin]) {
          await expect(ledger.connect(caller).suspendBatchedCertificate(claimed))
            .to.be.revertedWithCustomError(ledger, "LedgerInvalidBatchProof")
            .withArgs(kz.root, ids.kgBody, claimed.certHash);
          await expect(ledger.connect(caller).reinstateBatchedCertificate(claimed))
            .to.be.revertedWithCustomError(ledger, "LedgerInvalidBatchProof")
            .withArgs(kz.root, ids.kgBody, claimed.certHash);
          await expect(ledger.connect(caller).revokeBatchedCertificate(claimed, 1, kzIssuedAt, ZeroHash))
            .to.be.revertedWithCustomError(ledger, "LedgerInvalidBatchProof")
            .withArgs(kz.root, ids.kgBody, claimed.certHash);
        }
        expect(await ledger.batchedCertificateStateAt(kz.member(i), await now())).to.equal(State.Active);
      }
    });
  });

  describe("another authority batching the same certificate later", function () {
    it("KG batching a hash KZ batched makes an independent record: each manages its own, neither the other's", async function () {
      const { ledger, kgBody, kgAdmin, kzChamber, kzAdmin, kz, kzIssuedAt, ids } = await loadFixture(kzBatched);
      const m = kz.member(0);
      // KG's batch holds the very same certificate values (hash, number, validity) and one of its own.
      const kg = merkleBatch(ids.kgBody, [[m.certHash, m.numberHash, m.validUntil], randomCerts(1, m.validUntil)[0]]);
      expect(kg.root).to.not.equal(kz.root);
      await ledger.connect(kgBody).anchorBatch(kg.root, CertType.Conformity, 2, "0x");
      const kgIssuedAt = await now();
      const km = kg.member(0);
      expect(km.certHash).to.equal(m.certHash);

      // KG revokes its member: KZ's is untouched.
      await expect(ledger.connect(kgBody).revokeBatchedCertificate(km, 1, kgIssuedAt, ZeroHash))
        .to.emit(ledger, "BatchedCertificateMaterialised")
        .withArgs(m.certHash, kg.root, m.numberHash, ids.kgBody)
        .and.to.emit(ledger, "CertificateRevoked")
        .withArgs(m.certHash, ids.kgBody, kg.root, 1, kgIssuedAt, ZeroHash);
      expect(await batched(ledger, km)).to.include({ authorityId: ids.kgBody, status: Status.Revoked });
      expect(await batched(ledger, m)).to.deep.equal({
        authorityId: ids.kzChamber,
        certType: CertType.Origin,
        status: Status.Active,
        revocationReason: 0,
        issuedAt: kzIssuedAt,
        validUntil: m.validUntil,
        statusChangedAt: kzIssuedAt,
      });

      // Neither side can change the other's member.
      for (const caller of [kgBody, kgAdmin]) {
        await expect(ledger.connect(caller).suspendBatchedCertificate(m))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
          .withArgs(caller.address, ids.kzChamber);
      }
      for (const caller of [kzChamber, kzAdmin]) {
        await expect(ledger.connect(caller).suspendBatchedCertificate(kg.member(1)))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
          .withArgs(caller.address, ids.kgBody);
      }

      // KZ still manages its own.
      await expect(ledger.connect(kzChamber).suspendBatchedCertificate(m)).to.emit(ledger, "CertificateSuspended").withArgs(m.certHash, ids.kzChamber, kz.root);
      await expect(ledger.connect(kzAdmin).reinstateBatchedCertificate(m)).to.emit(ledger, "CertificateReinstated").withArgs(m.certHash, ids.kzChamber, kz.root);
      await expect(ledger.connect(kzChamber).revokeBatchedCertificate(m, 2, kzIssuedAt, ZeroHash))
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(m.certHash, ids.kzChamber, kz.root, 2, kzIssuedAt, ZeroHash);
      expect(await batched(ledger, km)).to.include({ authorityId: ids.kgBody, status: Status.Revoked, revocationReason: 1 });
    });

    it("KG batching a hash KZ anchored directly makes an independent record, and KZ's direct record is untouched", async function () {
      const { ledger, kgBody, kzChamber, direct: certHash, directIssuedAt, ids } = await loadFixture(kzBatchedAndDirect);
      const kg = merkleBatch(ids.kgBody, [[certHash, randomHash(), (await now()) + BigInt(DAY)]]);
      await ledger.connect(kgBody).anchorBatch(kg.root, CertType.Conformity, 1, "0x");
      const before = await direct(ledger, certHash);
      await ledger.connect(kgBody).revokeBatchedCertificate(kg.member(0), 1, await now(), ZeroHash);
      expect(await direct(ledger, certHash)).to.deep.equal(before);
      expect(before).to.include({ authorityId: ids.kzChamber, status: Status.Active, issuedAt: directIssuedAt });
      await expect(ledger.connect(kzChamber).revokeCertificate(certHash, 1, directIssuedAt, ZeroHash))
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(certHash, ids.kzChamber, ZeroHash, 1, directIssuedAt, ZeroHash);
    });
  });

  describe("another party's admin", function () {
    it("KG's admin cannot change any anchoring of KZ's, directly or batched, whichever authority it names", async function () {
      const { ledger, kgAdmin, kzChamber, kz, kzIssuedAt, direct: certHash, directIssuedAt, ids } = await loadFixture(kzBatchedAndDirect);
      const m = kz.member(0);
      const suspended = kz.member(1);
      await ledger.connect(kzChamber).suspendBatchedCertificate(suspended);
      const notManager = (authorityId: number) => [kgAdmin.address, authorityId] as const;

      await expect(ledger.connect(kgAdmin).suspendCertificate(certHash))
        .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
        .withArgs(...notManager(ids.kzChamber));
      await expect(ledger.connect(kgAdmin).revokeCertificate(certHash, 1, directIssuedAt, ZeroHash))
        .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
        .withArgs(...notManager(ids.kzChamber));
      await expect(ledger.connect(kgAdmin).suspendBatchedCertificate(m))
        .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
        .withArgs(...notManager(ids.kzChamber));
      await expect(ledger.connect(kgAdmin).reinstateBatchedCertificate(suspended))
        .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
        .withArgs(...notManager(ids.kzChamber));
      await expect(ledger.connect(kgAdmin).revokeBatchedCertificate(m, 1, kzIssuedAt, ZeroHash))
        .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
        .withArgs(...notManager(ids.kzChamber));
      for (const authorityId of [ids.kgBody, ids.kgLab]) {
        await expect(ledger.connect(kgAdmin).revokeBatchedCertificate({ ...m, authorityId }, 1, kzIssuedAt, ZeroHash))
          .to.be.revertedWithCustomError(ledger, "LedgerUnknownBatch")
          .withArgs(kz.root, authorityId);
      }
      // A party admin is no authority: it cannot anchor KZ's root for KG either.
      await expect(ledger.connect(kgAdmin).anchorBatch(kz.root, CertType.Conformity, 2, "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerNotAuthority")
        .withArgs(kgAdmin.address);
      await ledger.connect(kzChamber).suspendCertificate(certHash);
      await expect(ledger.connect(kgAdmin).reinstateCertificate(certHash))
        .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
        .withArgs(...notManager(ids.kzChamber));

      expect(await direct(ledger, certHash)).to.include({ authorityId: ids.kzChamber, status: Status.Suspended });
      expect(await ledger.batchedCertificateStateAt(m, await now())).to.equal(State.Active);
      expect(await ledger.batchedCertificateStateAt(suspended, await now())).to.equal(State.Suspended);
    });

    it("KZ's own admin can still change KZ's anchorings, batched and direct", async function () {
      const { ledger, kzAdmin, kz, kzIssuedAt, direct: certHash, directIssuedAt, ids } = await loadFixture(kzBatchedAndDirect);
      const m = kz.member(0);
      await expect(ledger.connect(kzAdmin).suspendBatchedCertificate(m)).to.emit(ledger, "CertificateSuspended").withArgs(m.certHash, ids.kzChamber, kz.root);
      await expect(ledger.connect(kzAdmin).reinstateBatchedCertificate(m)).to.emit(ledger, "CertificateReinstated").withArgs(m.certHash, ids.kzChamber, kz.root);
      await expect(ledger.connect(kzAdmin).revokeBatchedCertificate(m, 1, kzIssuedAt, ZeroHash))
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(m.certHash, ids.kzChamber, kz.root, 1, kzIssuedAt, ZeroHash);
      await expect(ledger.connect(kzAdmin).revokeCertificate(certHash, 1, directIssuedAt, ZeroHash))
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(certHash, ids.kzChamber, ZeroHash, 1, directIssuedAt, ZeroHash);
    });
  });
});
