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
  withBatch,
  type BatchCert,
} from "./fixtures";

describe("Batches", function () {
  describe("Merkle proofs", function () {
    for (const size of [1, 2, 7, 64]) {
      it(`every leaf of an anchored batch of ${size} is proven a member, and batchLeaf equals the tree's leaf hash`, async function () {
        const { ledger, kgLab, ids } = await loadFixture(withAuthorities);
        const { leaves, tree, member } = merkleBatch(ids.kgLab, randomCerts(size, BigInt(await time.latest()) + BigInt(YEAR)));
        await ledger.connect(kgLab).anchorBatch(tree.root, CertType.TestReport, size, randomCid());
        for (let i = 0; i < size; i++) {
          expect(await ledger.batchLeaf(...leaves[i])).to.equal(tree.leafHash(leaves[i]));
          expect(await ledger.isBatchMember(member(i))).to.equal(true);
        }
      });
    }

    it("leaves with different validity dates in one batch are each proven members", async function () {
      const { ledger, kgLab, ids } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      const certs: BatchCert[] = [1, 30, 90, 365].map((days) => [randomHash(), randomHash(), now + BigInt(days * DAY)]);
      const { tree, member } = merkleBatch(ids.kgLab, certs);
      await ledger.connect(kgLab).anchorBatch(tree.root, CertType.TestReport, certs.length, "0x");
      for (let i = 0; i < certs.length; i++) {
        expect(await ledger.isBatchMember(member(i))).to.equal(true);
      }
    });

    it("the leaf names its authority: the same certificate batched by another authority is another leaf", async function () {
      const { ledger, ids } = await loadFixture(withAuthorities);
      const [certHash, numberHash, validUntil] = randomCerts(1, 1_000_000n)[0];
      const lab = await ledger.batchLeaf(certHash, numberHash, validUntil, ids.kgLab);
      const body = await ledger.batchLeaf(certHash, numberHash, validUntil, ids.kgBody);
      expect(lab).to.not.equal(body);
      expect(lab).to.equal(merkleBatch(ids.kgLab, [[certHash, numberHash, validUntil]]).tree.leafHash([certHash, numberHash, validUntil, ids.kgLab]));
    });

    it("a wrong proof is not a membership: another leaf's proof, an empty proof, a tampered node, a truncated proof", async function () {
      const { ledger, member } = await loadFixture(withBatch);
      const m = member(0);
      const tampered = [...m.proof];
      tampered[1] = randomHash();
      for (const proof of [member(5).proof, [], tampered, m.proof.slice(0, -1), [...m.proof, randomHash()]]) {
        expect(await ledger.isBatchMember({ ...m, proof })).to.equal(false);
      }
    });

    it("a changed certHash, numberHash, validUntil or authorityId is not a membership", async function () {
      const { ledger, member, ids } = await loadFixture(withBatch);
      const m = member(3);
      expect(await ledger.isBatchMember(m)).to.equal(true);
      expect(await ledger.isBatchMember({ ...m, certHash: randomHash() })).to.equal(false);
      expect(await ledger.isBatchMember({ ...m, numberHash: randomHash() })).to.equal(false);
      expect(await ledger.isBatchMember({ ...m, validUntil: m.validUntil + 1n })).to.equal(false);
      expect(await ledger.isBatchMember({ ...m, certHash: m.numberHash, numberHash: m.certHash })).to.equal(false);
      for (const authorityId of [0, ids.kgBody, ids.kzChamber, 99]) {
        expect(await ledger.isBatchMember({ ...m, authorityId })).to.equal(false);
      }
    });

    it("a valid proof under a root that was never anchored is not a membership", async function () {
      const { ledger, ids } = await loadFixture(withAuthorities);
      const { member } = merkleBatch(ids.kgLab, randomCerts(4, BigInt(await time.latest()) + BigInt(YEAR)));
      expect(await ledger.isBatchMember(member(0))).to.equal(false);
      expect(await ledger.isBatchMember({ ...member(0), root: ethers.ZeroHash })).to.equal(false);
    });

    it("an inner node of the tree cannot pass as a leaf", async function () {
      const { ledger, tree, member } = await loadFixture(withBatch);
      const m = member(0);
      // The first proof element is the sibling leaf hash; presenting the root with an empty proof must fail too.
      expect(await ledger.isBatchMember({ ...m, certHash: tree.root, proof: [] })).to.equal(false);
      expect(await ledger.isBatchMember({ ...m, certHash: m.proof[0], proof: m.proof.slice(1) })).to.equal(false);
    });
  });

  describe("anchoring", function () {
    it("an authority's account anchors a batch, with an event, and the batch record says who, what, how many and when", async function () {
      const { ledger, kgLab, ids } = await loadFixture(withAuthorities);
      const { tree } = merkleBatch(ids.kgLab, randomCerts(7, BigInt(await time.latest()) + BigInt(YEAR)));
      const manifestCid = randomCid();
      await expect(ledger.connect(kgLab).anchorBatch(tree.root, CertType.TestReport, 7, manifestCid))
        .to.emit(ledger, "BatchAnchored")
        .withArgs(tree.root, ids.kgLab, CertType.TestReport, 7, manifestCid);
      const batch = await ledger.getBatch(tree.root, ids.kgLab);
      expect(batch.authorityId).to.equal(ids.kgLab);
      expect(batch.certType).to.equal(CertType.TestReport);
      expect(batch.leafCount).to.equal(7);
      expect(batch.issuedAt).to.equal(await time.latest());
    });

    it("an unknown root, or a known root under an authority that did not anchor it, reads as an empty batch record", async function () {
      const { ledger, tree, ids } = await loadFixture(withBatch);
      for (const [root, authorityId] of [
        [randomHash(), ids.kgLab],
        [tree.root, ids.kgBody],
        [tree.root, 0],
      ] as const) {
        const batch = await ledger.getBatch(root, authorityId);
        expect(batch.authorityId).to.equal(0);
        expect(batch.leafCount).to.equal(0);
        expect(batch.issuedAt).to.equal(0);
      }
    });

    it("a zero root is refused", async function () {
      const { ledger, kgLab } = await loadFixture(withAuthorities);
      await expect(ledger.connect(kgLab).anchorBatch(ethers.ZeroHash, CertType.TestReport, 3, "0x")).to.be.revertedWithCustomError(
        ledger,
        "LedgerZeroBatchRoot",
      );
    });

    it("an empty batch is refused", async function () {
      const { ledger, kgLab } = await loadFixture(withAuthorities);
      await expect(ledger.connect(kgLab).anchorBatch(randomHash(), CertType.TestReport, 0, "0x")).to.be.revertedWithCustomError(
        ledger,
        "LedgerEmptyBatch",
      );
    });

    it("an authority cannot anchor the same root twice, from any of its accounts", async function () {
      const { ledger, kgLab, kgBody, kgBody2, tree, ids } = await loadFixture(withBatch);
      await expect(ledger.connect(kgLab).anchorBatch(tree.root, CertType.TestReport, 8, "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerBatchAlreadyAnchored")
        .withArgs(tree.root, ids.kgLab);
      const root = randomHash();
      await ledger.connect(kgBody).anchorBatch(root, CertType.Conformity, 8, "0x");
      await expect(ledger.connect(kgBody2).anchorBatch(root, CertType.TestReport, 3, "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerBatchAlreadyAnchored")
        .withArgs(root, ids.kgBody);
    });

    it("another authority anchoring the same root makes a batch of its own and leaves the first one as it was", async function () {
      const { ledger, kgBody, kzChamber, tree, issuedAt, ids } = await loadFixture(withBatch);
      const manifestCid = randomCid();
      await expect(ledger.connect(kgBody).anchorBatch(tree.root, CertType.Conformity, 3, manifestCid))
        .to.emit(ledger, "BatchAnchored")
        .withArgs(tree.root, ids.kgBody, CertType.Conformity, 3, manifestCid);
      await ledger.connect(kzChamber).anchorBatch(tree.root, CertType.Origin, 5, "0x");
      const lab = await ledger.getBatch(tree.root, ids.kgLab);
      expect([lab.authorityId, lab.certType, lab.leafCount, lab.issuedAt]).to.deep.equal([BigInt(ids.kgLab), BigInt(CertType.TestReport), 8n, issuedAt]);
      const body = await ledger.getBatch(tree.root, ids.kgBody);
      expect([body.authorityId, body.certType, body.leafCount]).to.deep.equal([BigInt(ids.kgBody), BigInt(CertType.Conformity), 3n]);
      const chamber = await ledger.getBatch(tree.root, ids.kzChamber);
      expect([chamber.authorityId, chamber.certType, chamber.leafCount]).to.deep.equal([BigInt(ids.kzChamber), BigInt(CertType.Origin), 5n]);
    });

    it("a batch of a type outside the authority's scope is refused", async function () {
      const { ledger, kgLab, ids } = await loadFixture(withAuthorities);
      for (const type of [CertType.Conformity, CertType.Origin, 0, 64]) {
        await expect(ledger.connect(kgLab).anchorBatch(randomHash(), type, 4, "0x"))
          .to.be.revertedWithCustomError(ledger, "LedgerTypeNotInScope")
          .withArgs(ids.kgLab, type);
      }
    });

    it("an account that belongs to no authority cannot anchor a batch", async function () {
      const { ledger, kgAdmin, outsider } = await loadFixture(withAuthorities);
      for (const caller of [kgAdmin, outsider]) {
        await expect(ledger.connect(caller).anchorBatch(randomHash(), CertType.TestReport, 4, "0x"))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthority")
          .withArgs(caller.address);
      }
    });
  });

  describe("state of a batched certificate", function () {
    it("is Unknown before the batch was issued, Active from issuance through the leaf's validUntil, Expired after", async function () {
      const { ledger, member, issuedAt } = await loadFixture(withBatch);
      const m = member(2);
      expect(await ledger.batchedCertificateStateAt(m, issuedAt - 1n)).to.equal(State.Unknown);
      expect(await ledger.batchedCertificateStateAt(m, issuedAt)).to.equal(State.Active);
      expect(await ledger.batchedCertificateStateAt(m, m.validUntil)).to.equal(State.Active);
      expect(await ledger.batchedCertificateStateAt(m, m.validUntil + 1n)).to.equal(State.Expired);
    });

    it("follows each leaf's own validUntil", async function () {
      const { ledger, kgLab, ids } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      const { tree, member } = merkleBatch(ids.kgLab, [
        [randomHash(), randomHash(), now + BigInt(DAY)],
        [randomHash(), randomHash(), now + BigInt(YEAR)],
      ]);
      await ledger.connect(kgLab).anchorBatch(tree.root, CertType.TestReport, 2, "0x");
      const at = now + BigInt(2 * DAY);
      expect(await ledger.batchedCertificateStateAt(member(0), at)).to.equal(State.Expired);
      expect(await ledger.batchedCertificateStateAt(member(1), at)).to.equal(State.Active);
    });

    it("is Unknown for a bad proof, a changed leaf value, an unknown root or another authority", async function () {
      const { ledger, member, issuedAt, ids } = await loadFixture(withBatch);
      const m = member(2);
      for (const bad of [
        { ...m, proof: member(3).proof },
        { ...m, numberHash: randomHash() },
        { ...m, validUntil: m.validUntil + BigInt(YEAR) },
        { ...m, root: randomHash() },
        { ...m, root: ethers.ZeroHash },
        { ...m, authorityId: ids.kgBody },
        { ...m, authorityId: 0 },
      ]) {
        expect(await ledger.batchedCertificateStateAt(bad, issuedAt)).to.equal(State.Unknown);
        expect((await ledger.getBatchedCertificate(bad)).status).to.equal(Status.None);
      }
    });

    it("a batched certificate that was never changed reads its batch's record, and has no direct record", async function () {
      const { ledger, member, issuedAt, ids } = await loadFixture(withBatch);
      const m = member(0);
      const record = await ledger.getBatchedCertificate(m);
      expect(record.authorityId).to.equal(ids.kgLab);
      expect(record.certType).to.equal(CertType.TestReport);
      expect(record.status).to.equal(Status.Active);
      expect(record.revocationReason).to.equal(0);
      expect(record.issuedAt).to.equal(issuedAt);
      expect(record.validUntil).to.equal(m.validUntil);
      expect(record.statusChangedAt).to.equal(issuedAt);
      expect((await ledger.getCertificate(m.certHash)).status).to.equal(Status.None);
      expect(await ledger.certificateStateAt(m.certHash, issuedAt)).to.equal(State.Unknown);
    });
  });

  describe("status changes of a batched certificate", function () {
    it("suspending a batched certificate gives it a record of its own from the batch and the leaf", async function () {
      const { ledger, kgLab, tree, member, issuedAt, ids } = await loadFixture(withBatch);
      const m = member(4);
      const at = BigInt(await time.latest()) + BigInt(DAY);
      await time.setNextBlockTimestamp(at);
      const tx = ledger.connect(kgLab).suspendBatchedCertificate(m);
      await expect(tx).to.emit(ledger, "BatchedCertificateMaterialised").withArgs(m.certHash, tree.root, m.numberHash, ids.kgLab);
      await expect(tx).to.emit(ledger, "CertificateSuspended").withArgs(m.certHash, ids.kgLab, tree.root);

      const record = await ledger.getBatchedCertificate(m);
      expect(record.authorityId).to.equal(ids.kgLab);
      expect(record.certType).to.equal(CertType.TestReport);
      expect(record.status).to.equal(Status.Suspended);
      expect(record.issuedAt).to.equal(issuedAt);
      expect(record.validUntil).to.equal(m.validUntil);
      expect(record.statusChangedAt).to.equal(at);
      expect(await ledger.batchedCertificateStateAt(m, at - 1n)).to.equal(State.Active);
      expect(await ledger.batchedCertificateStateAt(m, at)).to.equal(State.Suspended);
      // The record is the batch member's: the hash's direct anchoring (there is none) is untouched.
      expect((await ledger.getCertificate(m.certHash)).status).to.equal(Status.None);
      expect(await ledger.certificateStateAt(m.certHash, at)).to.equal(State.Unknown);
    });

    it("only the certificate whose proof was presented changes: its siblings stay Active on their batch's record", async function () {
      const { ledger, kgLab, member, issuedAt } = await loadFixture(withBatch);
      await ledger.connect(kgLab).suspendBatchedCertificate(member(4));
      const now = BigInt(await time.latest());
      expect(await ledger.batchedCertificateStateAt(member(4), now)).to.equal(State.Suspended);
      for (const i of [0, 3, 5, 7]) {
        expect(await ledger.batchedCertificateStateAt(member(i), now)).to.equal(State.Active);
        const record = await ledger.getBatchedCertificate(member(i));
        expect([record.status, record.statusChangedAt]).to.deep.equal([BigInt(Status.Active), issuedAt]);
        expect((await ledger.getCertificate(member(i).certHash)).status).to.equal(Status.None);
      }
    });

    it("the authority's party admin may suspend a batched certificate", async function () {
      const { ledger, kgAdmin, tree, member, ids } = await loadFixture(withBatch);
      const m = member(1);
      await expect(ledger.connect(kgAdmin).suspendBatchedCertificate(m))
        .to.emit(ledger, "BatchedCertificateMaterialised")
        .withArgs(m.certHash, tree.root, m.numberHash, ids.kgLab);
      expect((await ledger.getBatchedCertificate(m)).status).to.equal(Status.Suspended);
    });

    it("after materialisation it is reinstated and revoked through its proof, and the batch view reads its record", async function () {
      const { ledger, kgLab, tree, member, issuedAt, ids } = await loadFixture(withBatch);
      const m = member(6);
      await ledger.connect(kgLab).suspendBatchedCertificate(m);
      const suspendedAt = BigInt(await time.latest());
      expect(await ledger.batchedCertificateStateAt(m, suspendedAt)).to.equal(State.Suspended);

      await expect(ledger.connect(kgLab).reinstateBatchedCertificate(m))
        .to.emit(ledger, "CertificateReinstated")
        .withArgs(m.certHash, ids.kgLab, tree.root)
        .and.not.to.emit(ledger, "BatchedCertificateMaterialised");
      const reinstated = await ledger.getBatchedCertificate(m);
      expect([reinstated.status, reinstated.statusChangedAt]).to.deep.equal([BigInt(Status.Active), BigInt(await time.latest())]);
      expect(await ledger.batchedCertificateStateAt(m, BigInt(await time.latest()))).to.equal(State.Active);

      await time.increase(DAY);
      const effectiveAt = issuedAt + 10n;
      await expect(ledger.connect(kgLab).revokeBatchedCertificate(m, 1, effectiveAt, ethers.ZeroHash))
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(m.certHash, ids.kgLab, tree.root, 1, effectiveAt, ethers.ZeroHash);
      expect(await ledger.batchedCertificateStateAt(m, effectiveAt - 1n)).to.equal(State.Active);
      expect(await ledger.batchedCertificateStateAt(m, effectiveAt)).to.equal(State.Revoked);
      expect(await ledger.batchedCertificateStateAt(m, m.validUntil + 1n)).to.equal(State.Revoked);
    });

    it("the hash functions act on the direct anchoring only: a materialised batched certificate is not found by its hash", async function () {
      const { ledger, kgLab, member, issuedAt } = await loadFixture(withBatch);
      const m = member(6);
      await ledger.connect(kgLab).suspendBatchedCertificate(m);
      await expect(ledger.connect(kgLab).reinstateCertificate(m.certHash))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownCertificate")
        .withArgs(m.certHash);
      await expect(ledger.connect(kgLab).suspendCertificate(m.certHash))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownCertificate")
        .withArgs(m.certHash);
      await expect(ledger.connect(kgLab).revokeCertificate(m.certHash, 1, issuedAt, ethers.ZeroHash))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownCertificate")
        .withArgs(m.certHash);
      expect((await ledger.getBatchedCertificate(m)).status).to.equal(Status.Suspended);
    });

    it("a materialised certificate can be suspended again through its proof without a second materialisation", async function () {
      const { ledger, kgLab, tree, member, ids } = await loadFixture(withBatch);
      const m = member(6);
      await ledger.connect(kgLab).suspendBatchedCertificate(m);
      await expect(ledger.connect(kgLab).suspendBatchedCertificate(m))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidStatusChange")
        .withArgs(m.certHash, Status.Suspended);
      await ledger.connect(kgLab).reinstateBatchedCertificate(m);
      await expect(ledger.connect(kgLab).suspendBatchedCertificate(m))
        .to.emit(ledger, "CertificateSuspended")
        .withArgs(m.certHash, ids.kgLab, tree.root)
        .and.not.to.emit(ledger, "BatchedCertificateMaterialised");
    });

    it("a batched certificate that was never suspended cannot be reinstated, and the refusal materialises nothing", async function () {
      const { ledger, kgLab, member } = await loadFixture(withBatch);
      const m = member(2);
      await expect(ledger.connect(kgLab).reinstateBatchedCertificate(m))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidStatusChange")
        .withArgs(m.certHash, Status.Active);
      await expect(ledger.connect(kgLab).suspendBatchedCertificate(m)).to.emit(ledger, "BatchedCertificateMaterialised");
    });

    it("a bad proof stays Unknown in the batch view even after the certificate was materialised", async function () {
      const { ledger, kgLab, member } = await loadFixture(withBatch);
      const m = member(6);
      await ledger.connect(kgLab).suspendBatchedCertificate(m);
      const now = BigInt(await time.latest());
      for (const bad of [
        { ...m, proof: member(3).proof },
        { ...m, numberHash: randomHash() },
        { ...m, validUntil: m.validUntil + BigInt(YEAR) },
      ]) {
        expect(await ledger.isBatchMember(bad)).to.equal(false);
        expect(await ledger.batchedCertificateStateAt(bad, now)).to.equal(State.Unknown);
        expect((await ledger.getBatchedCertificate(bad)).status).to.equal(Status.None);
      }
    });

    it("a batched certificate is revoked directly through its proof, which materialises it", async function () {
      const { ledger, kgLab, tree, member, issuedAt, ids } = await loadFixture(withBatch);
      const m = member(7);
      await time.increase(DAY);
      const replacement = randomHash();
      const tx = ledger.connect(kgLab).revokeBatchedCertificate(m, 4, issuedAt, replacement);
      await expect(tx).to.emit(ledger, "BatchedCertificateMaterialised").withArgs(m.certHash, tree.root, m.numberHash, ids.kgLab);
      await expect(tx).to.emit(ledger, "CertificateRevoked").withArgs(m.certHash, ids.kgLab, tree.root, 4, issuedAt, replacement);

      const record = await ledger.getBatchedCertificate(m);
      expect(record.authorityId).to.equal(ids.kgLab);
      expect(record.status).to.equal(Status.Revoked);
      expect(record.revocationReason).to.equal(4);
      expect(record.statusChangedAt).to.equal(issuedAt);
      expect(record.validUntil).to.equal(m.validUntil);
      // replacementOf reads the direct anchoring's replacement; the batched one's is in the event.
      expect(await ledger.replacementOf(m.certHash)).to.equal(ethers.ZeroHash);
      expect((await ledger.getCertificate(m.certHash)).status).to.equal(Status.None);
      expect(await ledger.batchedCertificateStateAt(m, issuedAt)).to.equal(State.Revoked);
      expect(await ledger.batchedCertificateStateAt(member(0), issuedAt)).to.equal(State.Active);
    });

    it("a revocation through a proof is checked like any other, and a refused one materialises nothing", async function () {
      const { ledger, kgLab, member, issuedAt } = await loadFixture(withBatch);
      const m = member(7);
      await expect(ledger.connect(kgLab).revokeBatchedCertificate(m, 6, issuedAt, ethers.ZeroHash))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidRevocationReason")
        .withArgs(6);
      const now = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(now);
      await expect(ledger.connect(kgLab).revokeBatchedCertificate(m, 1, issuedAt - 1n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidRevocationTime")
        .withArgs(issuedAt - 1n, issuedAt, now);
      await expect(ledger.connect(kgLab).revokeBatchedCertificate(m, 1, issuedAt, m.certHash))
        .to.be.revertedWithCustomError(ledger, "LedgerSelfReplacement")
        .withArgs(m.certHash);
      const record = await ledger.getBatchedCertificate(m);
      expect([record.status, record.statusChangedAt]).to.deep.equal([BigInt(Status.Active), issuedAt]);
      // The first change that goes through is the one that materialises it.
      await expect(ledger.connect(kgLab).suspendBatchedCertificate(m)).to.emit(ledger, "BatchedCertificateMaterialised");
    });

    it("a bad proof is refused with the root, the batch's authority and the certificate hash", async function () {
      const { ledger, kgLab, tree, member, issuedAt, ids } = await loadFixture(withBatch);
      const m = member(2);
      for (const bad of [{ ...m, proof: member(3).proof }, { ...m, numberHash: randomHash() }, { ...m, validUntil: m.validUntil - 1n }]) {
        await expect(ledger.connect(kgLab).suspendBatchedCertificate(bad))
          .to.be.revertedWithCustomError(ledger, "LedgerInvalidBatchProof")
          .withArgs(tree.root, ids.kgLab, m.certHash);
        await expect(ledger.connect(kgLab).reinstateBatchedCertificate(bad))
          .to.be.revertedWithCustomError(ledger, "LedgerInvalidBatchProof")
          .withArgs(tree.root, ids.kgLab, m.certHash);
        await expect(ledger.connect(kgLab).revokeBatchedCertificate(bad, 1, issuedAt, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "LedgerInvalidBatchProof")
          .withArgs(tree.root, ids.kgLab, m.certHash);
      }
      const unknownCert = randomHash();
      await expect(ledger.connect(kgLab).suspendBatchedCertificate({ ...m, certHash: unknownCert }))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidBatchProof")
        .withArgs(tree.root, ids.kgLab, unknownCert);
    });

    it("a root that its authority never anchored is refused as an unknown batch of that authority", async function () {
      const { ledger, kgLab, kgBody, member, issuedAt, ids } = await loadFixture(withBatch);
      const { tree, member: unanchoredMember } = merkleBatch(ids.kgLab, randomCerts(3, BigInt(await time.latest()) + BigInt(YEAR)));
      const unanchored = unanchoredMember(1);
      await expect(ledger.connect(kgLab).suspendBatchedCertificate(unanchored))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownBatch")
        .withArgs(tree.root, ids.kgLab);
      await expect(ledger.connect(kgLab).reinstateBatchedCertificate(unanchored))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownBatch")
        .withArgs(tree.root, ids.kgLab);
      await expect(ledger.connect(kgLab).revokeBatchedCertificate(unanchored, 1, issuedAt, ethers.ZeroHash))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownBatch")
        .withArgs(tree.root, ids.kgLab);
      await expect(ledger.connect(kgLab).suspendBatchedCertificate({ ...member(0), root: ethers.ZeroHash }))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownBatch")
        .withArgs(ethers.ZeroHash, ids.kgLab);
      // The anchored root under an authority that did not anchor it (or none) is no batch either.
      for (const authorityId of [0, ids.kgBody]) {
        await expect(ledger.connect(kgBody).suspendBatchedCertificate({ ...member(0), authorityId }))
          .to.be.revertedWithCustomError(ledger, "LedgerUnknownBatch")
          .withArgs(member(0).root, authorityId);
      }
    });

    it("a certificate anchored on its own and also batched has two records: a change through either leaves the other alone", async function () {
      const { ledger, kgLab, ids } = await loadFixture(withAuthorities);
      const { leaves, tree, member } = merkleBatch(ids.kgLab, randomCerts(4, BigInt(await time.latest()) + BigInt(YEAR)));
      const [certHash, numberHash, validUntil] = leaves[2];
      await ledger.connect(kgLab).anchorCertificate(certHash, CertType.TestReport, validUntil, numberHash, "0x");
      await ledger.connect(kgLab).anchorBatch(tree.root, CertType.TestReport, 4, "0x");
      const m = member(2);
      await expect(ledger.connect(kgLab).suspendBatchedCertificate(m))
        .to.emit(ledger, "CertificateSuspended")
        .withArgs(certHash, ids.kgLab, tree.root);
      expect((await ledger.getCertificate(certHash)).status).to.equal(Status.Active);
      const revokedAt = BigInt(await time.latest());
      await expect(ledger.connect(kgLab).revokeCertificate(certHash, 1, revokedAt, ethers.ZeroHash))
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(certHash, ids.kgLab, ethers.ZeroHash, 1, revokedAt, ethers.ZeroHash);
      expect((await ledger.getCertificate(certHash)).status).to.equal(Status.Revoked);
      expect((await ledger.getBatchedCertificate(m)).status).to.equal(Status.Suspended);
      await expect(ledger.connect(kgLab).reinstateBatchedCertificate(m)).to.emit(ledger, "CertificateReinstated");
      expect(await ledger.batchedCertificateStateAt(m, BigInt(await time.latest()))).to.equal(State.Active);
    });

    it("a certificate in two batches of its authority has a record in each: changing one leaves the other alone", async function () {
      const { ledger, kgLab, leaves, tree, member, ids } = await loadFixture(withBatch);
      await ledger.connect(kgLab).suspendBatchedCertificate(member(0));
      const other = merkleBatch(ids.kgLab, [[leaves[0][0], leaves[0][1], leaves[0][2]], randomCerts(1, leaves[0][2])[0]]);
      await ledger.connect(kgLab).anchorBatch(other.root, CertType.TestReport, 2, "0x");
      const at = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(at);
      const tx = ledger.connect(kgLab).revokeBatchedCertificate(other.member(0), 1, at, ethers.ZeroHash);
      await expect(tx).to.emit(ledger, "BatchedCertificateMaterialised").withArgs(leaves[0][0], other.root, leaves[0][1], ids.kgLab);
      await expect(tx).to.emit(ledger, "CertificateRevoked").withArgs(leaves[0][0], ids.kgLab, other.root, 1, at, ethers.ZeroHash);
      expect((await ledger.getBatchedCertificate(other.member(0))).status).to.equal(Status.Revoked);
      expect((await ledger.getBatchedCertificate(member(0))).status).to.equal(Status.Suspended);
      await expect(ledger.connect(kgLab).reinstateBatchedCertificate(member(0)))
        .to.emit(ledger, "CertificateReinstated")
        .withArgs(leaves[0][0], ids.kgLab, tree.root);
    });

    it("another authority or another party's admin cannot change a batched certificate, and nothing is materialised", async function () {
      const { ledger, kgLab, kgBody, kzChamber, kzAdmin, outsider, member, issuedAt, ids } = await loadFixture(withBatch);
      const m = member(5);
      const s = member(6);
      await ledger.connect(kgLab).suspendBatchedCertificate(s);
      for (const caller of [kgBody, kzChamber, kzAdmin, outsider]) {
        await expect(ledger.connect(caller).suspendBatchedCertificate(m))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
          .withArgs(caller.address, ids.kgLab);
        await expect(ledger.connect(caller).revokeBatchedCertificate(m, 1, issuedAt, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
          .withArgs(caller.address, ids.kgLab);
        await expect(ledger.connect(caller).reinstateBatchedCertificate(s))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
          .withArgs(caller.address, ids.kgLab);
      }
      expect((await ledger.getCertificate(m.certHash)).status).to.equal(Status.None);
      expect(await ledger.batchedCertificateStateAt(m, BigInt(await time.latest()))).to.equal(State.Active);
      expect(await ledger.batchedCertificateStateAt(s, BigInt(await time.latest()))).to.equal(State.Suspended);
      await expect(ledger.connect(kgLab).suspendBatchedCertificate(m)).to.emit(ledger, "BatchedCertificateMaterialised");
    });

    it("the issuing authority may still suspend and revoke a batched certificate while suspended itself, but not reinstate", async function () {
      const { ledger, kgAdmin, kgLab, member, issuedAt, ids } = await loadFixture(withBatch);
      await ledger.connect(kgAdmin).suspendAuthority(ids.kgLab);
      await expect(ledger.connect(kgLab).suspendBatchedCertificate(member(0))).to.emit(ledger, "BatchedCertificateMaterialised");
      await expect(ledger.connect(kgLab).revokeBatchedCertificate(member(1), 1, issuedAt, ethers.ZeroHash)).to.emit(ledger, "CertificateRevoked");
      await expect(ledger.connect(kgLab).reinstateBatchedCertificate(member(0)))
        .to.be.revertedWithCustomError(ledger, "LedgerAuthorityNotActive")
        .withArgs(ids.kgLab);
    });
  });
});
