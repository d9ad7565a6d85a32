import { expect } from "chai";
import { ethers } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { CertType, DAY, State, Status, YEAR, loadFixture, randomCid, randomHash, time, withAuthorities, withBatch } from "./fixtures";

type Leaf = [string, string, bigint];
const LEAF_ENCODING = ["bytes32", "bytes32", "uint64"];

/** A tree of `count` random leaves, all valid until `validUntil`. */
function makeTree(count: number, validUntil: bigint) {
  const leaves: Leaf[] = Array.from({ length: count }, () => [randomHash(), randomHash(), validUntil]);
  return { leaves, tree: StandardMerkleTree.of(leaves, LEAF_ENCODING) };
}

/** The BatchMember of leaf `i` of `tree`. */
function memberOf(tree: StandardMerkleTree<Leaf>, leaves: Leaf[], i: number) {
  return { root: tree.root, certHash: leaves[i][0], numberHash: leaves[i][1], validUntil: leaves[i][2], proof: tree.getProof(i) };
}

describe("Batches", function () {
  describe("Merkle proofs", function () {
    for (const size of [1, 2, 7, 64]) {
      it(`every leaf of an anchored batch of ${size} is proven a member, and batchLeaf equals the tree's leaf hash`, async function () {
        const { ledger, kgLab } = await loadFixture(withAuthorities);
        const { leaves, tree } = makeTree(size, BigInt(await time.latest()) + BigInt(YEAR));
        await ledger.connect(kgLab).anchorBatch(tree.root, CertType.TestReport, size, randomCid());
        for (let i = 0; i < size; i++) {
          expect(await ledger.batchLeaf(...leaves[i])).to.equal(tree.leafHash(leaves[i]));
          expect(await ledger.isBatchMember(memberOf(tree, leaves, i))).to.equal(true);
        }
      });
    }

    it("leaves with different validity dates in one batch are each proven members", async function () {
      const { ledger, kgLab } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      const leaves: Leaf[] = [1, 30, 90, 365].map((days) => [randomHash(), randomHash(), now + BigInt(days * DAY)]);
      const tree = StandardMerkleTree.of(leaves, LEAF_ENCODING);
      await ledger.connect(kgLab).anchorBatch(tree.root, CertType.TestReport, leaves.length, "0x");
      for (let i = 0; i < leaves.length; i++) {
        expect(await ledger.isBatchMember(memberOf(tree, leaves, i))).to.equal(true);
      }
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

    it("a changed certHash, numberHash or validUntil is not a membership", async function () {
      const { ledger, member } = await loadFixture(withBatch);
      const m = member(3);
      expect(await ledger.isBatchMember(m)).to.equal(true);
      expect(await ledger.isBatchMember({ ...m, certHash: randomHash() })).to.equal(false);
      expect(await ledger.isBatchMember({ ...m, numberHash: randomHash() })).to.equal(false);
      expect(await ledger.isBatchMember({ ...m, validUntil: m.validUntil + 1n })).to.equal(false);
      expect(await ledger.isBatchMember({ ...m, certHash: m.numberHash, numberHash: m.certHash })).to.equal(false);
    });

    it("a valid proof under a root that was never anchored is not a membership", async function () {
      const { ledger } = await loadFixture(withAuthorities);
      const { leaves, tree } = makeTree(4, BigInt(await time.latest()) + BigInt(YEAR));
      expect(await ledger.isBatchMember(memberOf(tree, leaves, 0))).to.equal(false);
      expect(await ledger.isBatchMember({ ...memberOf(tree, leaves, 0), root: ethers.ZeroHash })).to.equal(false);
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
      const { tree } = makeTree(7, BigInt(await time.latest()) + BigInt(YEAR));
      const manifestCid = randomCid();
      await expect(ledger.connect(kgLab).anchorBatch(tree.root, CertType.TestReport, 7, manifestCid))
        .to.emit(ledger, "BatchAnchored")
        .withArgs(tree.root, ids.kgLab, CertType.TestReport, 7, manifestCid);
      const batch = await ledger.getBatch(tree.root);
      expect(batch.authorityId).to.equal(ids.kgLab);
      expect(batch.certType).to.equal(CertType.TestReport);
      expect(batch.leafCount).to.equal(7);
      expect(batch.issuedAt).to.equal(await time.latest());
    });

    it("an unknown root reads as an empty batch record", async function () {
      const { ledger } = await loadFixture(withBatch);
      const batch = await ledger.getBatch(randomHash());
      expect(batch.authorityId).to.equal(0);
      expect(batch.leafCount).to.equal(0);
      expect(batch.issuedAt).to.equal(0);
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

    it("the same root cannot be anchored twice, even by another authority", async function () {
      const { ledger, kgLab, kgBody, tree } = await loadFixture(withBatch);
      await expect(ledger.connect(kgLab).anchorBatch(tree.root, CertType.TestReport, 8, "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerBatchAlreadyAnchored")
        .withArgs(tree.root);
      await expect(ledger.connect(kgBody).anchorBatch(tree.root, CertType.Conformity, 8, "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerBatchAlreadyAnchored")
        .withArgs(tree.root);
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
      const { ledger, kgLab } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      const leaves: Leaf[] = [
        [randomHash(), randomHash(), now + BigInt(DAY)],
        [randomHash(), randomHash(), now + BigInt(YEAR)],
      ];
      const tree = StandardMerkleTree.of(leaves, LEAF_ENCODING);
      await ledger.connect(kgLab).anchorBatch(tree.root, CertType.TestReport, 2, "0x");
      const at = now + BigInt(2 * DAY);
      expect(await ledger.batchedCertificateStateAt(memberOf(tree, leaves, 0), at)).to.equal(State.Expired);
      expect(await ledger.batchedCertificateStateAt(memberOf(tree, leaves, 1), at)).to.equal(State.Active);
    });

    it("is Unknown for a bad proof, a changed leaf value or an unknown root", async function () {
      const { ledger, member, issuedAt } = await loadFixture(withBatch);
      const m = member(2);
      for (const bad of [
        { ...m, proof: member(3).proof },
        { ...m, numberHash: randomHash() },
        { ...m, validUntil: m.validUntil + BigInt(YEAR) },
        { ...m, root: randomHash() },
        { ...m, root: ethers.ZeroHash },
      ]) {
        expect(await ledger.batchedCertificateStateAt(bad, issuedAt)).to.equal(State.Unknown);
      }
    });

    it("a batched certificate that was never changed has no record of its own", async function () {
      const { ledger, member, issuedAt } = await loadFixture(withBatch);
      const m = member(0);
      expect((await ledger.getCertificate(m.certHash)).status).to.equal(Status.None);
      expect(await ledger.certificateStateAt(m.certHash, issuedAt)).to.equal(State.Unknown);
      expect(await ledger.batchOf(m.certHash)).to.equal(ethers.ZeroHash);
    });
  });

  describe("status changes of a batched certificate", function () {
    it("suspending a batched certificate gives it a record of its own from the batch and the leaf", async function () {
      const { ledger, kgLab, tree, member, issuedAt, ids } = await loadFixture(withBatch);
      const m = member(4);
      const at = BigInt(await time.latest()) + BigInt(DAY);
      await time.setNextBlockTimestamp(at);
      const tx = ledger.connect(kgLab).suspendBatchedCertificate(m);
      await expect(tx).to.emit(ledger, "BatchedCertificateMaterialised").withArgs(m.certHash, tree.root, m.numberHash);
      await expect(tx).to.emit(ledger, "CertificateSuspended").withArgs(m.certHash);

      expect(await ledger.batchOf(m.certHash)).to.equal(tree.root);
      const record = await ledger.getCertificate(m.certHash);
      expect(record.authorityId).to.equal(ids.kgLab);
      expect(record.certType).to.equal(CertType.TestReport);
      expect(record.status).to.equal(Status.Suspended);
      expect(record.issuedAt).to.equal(issuedAt);
      expect(record.validUntil).to.equal(m.validUntil);
      expect(record.statusChangedAt).to.equal(at);
      expect(await ledger.certificateStateAt(m.certHash, at - 1n)).to.equal(State.Active);
      expect(await ledger.certificateStateAt(m.certHash, at)).to.equal(State.Suspended);
    });

    it("only the certificate whose proof was presented changes: its siblings stay Active and have no record", async function () {
      const { ledger, kgLab, member } = await loadFixture(withBatch);
      await ledger.connect(kgLab).suspendBatchedCertificate(member(4));
      const now = BigInt(await time.latest());
      expect(await ledger.batchedCertificateStateAt(member(4), now)).to.equal(State.Suspended);
      for (const i of [0, 3, 5, 7]) {
        expect(await ledger.batchedCertificateStateAt(member(i), now)).to.equal(State.Active);
        expect((await ledger.getCertificate(member(i).certHash)).status).to.equal(Status.None);
        expect(await ledger.batchOf(member(i).certHash)).to.equal(ethers.ZeroHash);
      }
    });

    it("the authority's party admin may suspend a batched certificate", async function () {
      const { ledger, kgAdmin, tree, member } = await loadFixture(withBatch);
      const m = member(1);
      await expect(ledger.connect(kgAdmin).suspendBatchedCertificate(m))
        .to.emit(ledger, "BatchedCertificateMaterialised")
        .withArgs(m.certHash, tree.root, m.numberHash);
      expect((await ledger.getCertificate(m.certHash)).status).to.equal(Status.Suspended);
    });

    it("after materialisation it is reinstated and revoked by its hash, and the batch view reads its record", async function () {
      const { ledger, kgLab, member, issuedAt } = await loadFixture(withBatch);
      const m = member(6);
      await ledger.connect(kgLab).suspendBatchedCertificate(m);
      const suspendedAt = BigInt(await time.latest());
      expect(await ledger.batchedCertificateStateAt(m, suspendedAt)).to.equal(State.Suspended);

      await expect(ledger.connect(kgLab).reinstateCertificate(m.certHash)).to.emit(ledger, "CertificateReinstated").withArgs(m.certHash);
      expect((await ledger.getCertificate(m.certHash)).status).to.equal(Status.Active);
      expect(await ledger.batchedCertificateStateAt(m, BigInt(await time.latest()))).to.equal(State.Active);

      await time.increase(DAY);
      const effectiveAt = issuedAt + 10n;
      await expect(ledger.connect(kgLab).revokeCertificate(m.certHash, 1, effectiveAt, ethers.ZeroHash))
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(m.certHash, 1, effectiveAt, ethers.ZeroHash);
      expect(await ledger.batchedCertificateStateAt(m, effectiveAt - 1n)).to.equal(State.Active);
      expect(await ledger.batchedCertificateStateAt(m, effectiveAt)).to.equal(State.Revoked);
      expect(await ledger.batchedCertificateStateAt(m, m.validUntil + 1n)).to.equal(State.Revoked);
      expect(await ledger.certificateStateAt(m.certHash, effectiveAt)).to.equal(State.Revoked);
    });

    it("a materialised certificate can be suspended again through its proof without a second materialisation", async function () {
      const { ledger, kgLab, member } = await loadFixture(withBatch);
      const m = member(6);
      await ledger.connect(kgLab).suspendBatchedCertificate(m);
      await expect(ledger.connect(kgLab).suspendBatchedCertificate(m))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidStatusChange")
        .withArgs(m.certHash, Status.Suspended);
      await ledger.connect(kgLab).reinstateCertificate(m.certHash);
      await expect(ledger.connect(kgLab).suspendBatchedCertificate(m))
        .to.emit(ledger, "CertificateSuspended")
        .withArgs(m.certHash)
        .and.not.to.emit(ledger, "BatchedCertificateMaterialised");
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
      }
    });

    it("a batched certificate is revoked directly through its proof, which materialises it", async function () {
      const { ledger, kgLab, tree, member, issuedAt, ids } = await loadFixture(withBatch);
      const m = member(7);
      await time.increase(DAY);
      const replacement = randomHash();
      const tx = ledger.connect(kgLab).revokeBatchedCertificate(m, 4, issuedAt, replacement);
      await expect(tx).to.emit(ledger, "BatchedCertificateMaterialised").withArgs(m.certHash, tree.root, m.numberHash);
      await expect(tx).to.emit(ledger, "CertificateRevoked").withArgs(m.certHash, 4, issuedAt, replacement);

      const record = await ledger.getCertificate(m.certHash);
      expect(record.authorityId).to.equal(ids.kgLab);
      expect(record.status).to.equal(Status.Revoked);
      expect(record.revocationReason).to.equal(4);
      expect(record.statusChangedAt).to.equal(issuedAt);
      expect(record.validUntil).to.equal(m.validUntil);
      expect(await ledger.batchOf(m.certHash)).to.equal(tree.root);
      expect(await ledger.replacementOf(m.certHash)).to.equal(replacement);
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
      expect((await ledger.getCertificate(m.certHash)).status).to.equal(Status.None);
      expect(await ledger.batchOf(m.certHash)).to.equal(ethers.ZeroHash);
    });

    it("a bad proof is refused with the root and the certificate hash", async function () {
      const { ledger, kgLab, tree, member, issuedAt } = await loadFixture(withBatch);
      const m = member(2);
      for (const bad of [{ ...m, proof: member(3).proof }, { ...m, numberHash: randomHash() }, { ...m, validUntil: m.validUntil - 1n }]) {
        await expect(ledger.connect(kgLab).suspendBatchedCertificate(bad))
          .to.be.revertedWithCustomError(ledger, "LedgerInvalidBatchProof")
          .withArgs(tree.root, m.certHash);
        await expect(ledger.connect(kgLab).revokeBatchedCertificate(bad, 1, issuedAt, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "LedgerInvalidBatchProof")
          .withArgs(tree.root, m.certHash);
      }
      const unknownCert = randomHash();
      await expect(ledger.connect(kgLab).suspendBatchedCertificate({ ...m, certHash: unknownCert }))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidBatchProof")
        .withArgs(tree.root, unknownCert);
    });

    it("a root that was never anchored is refused as an unknown batch", async function () {
      const { ledger, kgLab, member, issuedAt } = await loadFixture(withBatch);
      const { leaves, tree } = makeTree(3, BigInt(await time.latest()) + BigInt(YEAR));
      const unanchored = memberOf(tree, leaves, 1);
      await expect(ledger.connect(kgLab).suspendBatchedCertificate(unanchored))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownBatch")
        .withArgs(tree.root);
      await expect(ledger.connect(kgLab).revokeBatchedCertificate(unanchored, 1, issuedAt, ethers.ZeroHash))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownBatch")
        .withArgs(tree.root);
      await expect(ledger.connect(kgLab).suspendBatchedCertificate({ ...member(0), root: ethers.ZeroHash }))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownBatch")
        .withArgs(ethers.ZeroHash);
    });

    it("a certificate anchored on its own cannot be changed through a batch proof", async function () {
      const { ledger, kgLab } = await loadFixture(withAuthorities);
      const { leaves, tree } = makeTree(4, BigInt(await time.latest()) + BigInt(YEAR));
      const [certHash, numberHash, validUntil] = leaves[2];
      await ledger.connect(kgLab).anchorCertificate(certHash, CertType.TestReport, validUntil, numberHash, "0x");
      await ledger.connect(kgLab).anchorBatch(tree.root, CertType.TestReport, 4, "0x");
      const m = memberOf(tree, leaves, 2);
      await expect(ledger.connect(kgLab).suspendBatchedCertificate(m))
        .to.be.revertedWithCustomError(ledger, "LedgerCertificateAlreadyAnchored")
        .withArgs(certHash);
      await expect(ledger.connect(kgLab).revokeBatchedCertificate(m, 1, await time.latest(), ethers.ZeroHash))
        .to.be.revertedWithCustomError(ledger, "LedgerCertificateAlreadyAnchored")
        .withArgs(certHash);
      expect(await ledger.batchOf(certHash)).to.equal(ethers.ZeroHash);
      expect((await ledger.getCertificate(certHash)).status).to.equal(Status.Active);
    });

    it("a certificate materialised from one batch cannot be changed through another batch's proof", async function () {
      const { ledger, kgLab, leaves, tree, member } = await loadFixture(withBatch);
      await ledger.connect(kgLab).suspendBatchedCertificate(member(0));
      const otherLeaves: Leaf[] = [leaves[0], [randomHash(), randomHash(), leaves[0][2]]];
      const other = StandardMerkleTree.of(otherLeaves, LEAF_ENCODING);
      await ledger.connect(kgLab).anchorBatch(other.root, CertType.TestReport, 2, "0x");
      await expect(ledger.connect(kgLab).revokeBatchedCertificate(memberOf(other, otherLeaves, 0), 1, await time.latest(), ethers.ZeroHash))
        .to.be.revertedWithCustomError(ledger, "LedgerCertificateAlreadyAnchored")
        .withArgs(leaves[0][0]);
      expect(await ledger.batchOf(leaves[0][0])).to.equal(tree.root);
    });

    it("another authority or another party's admin cannot change a batched certificate, and nothing is materialised", async function () {
      const { ledger, kgBody, kzChamber, kzAdmin, outsider, member, issuedAt, ids } = await loadFixture(withBatch);
      const m = member(5);
      for (const caller of [kgBody, kzChamber, kzAdmin, outsider]) {
        await expect(ledger.connect(caller).suspendBatchedCertificate(m))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
          .withArgs(caller.address, ids.kgLab);
        await expect(ledger.connect(caller).revokeBatchedCertificate(m, 1, issuedAt, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
          .withArgs(caller.address, ids.kgLab);
      }
      expect((await ledger.getCertificate(m.certHash)).status).to.equal(Status.None);
      expect(await ledger.batchOf(m.certHash)).to.equal(ethers.ZeroHash);
      expect(await ledger.batchedCertificateStateAt(m, BigInt(await time.latest()))).to.equal(State.Active);
    });

    it("the issuing authority may still suspend and revoke a batched certificate while suspended itself", async function () {
      const { ledger, kgAdmin, kgLab, member, issuedAt, ids } = await loadFixture(withBatch);
      await ledger.connect(kgAdmin).suspendAuthority(ids.kgLab);
      await expect(ledger.connect(kgLab).suspendBatchedCertificate(member(0))).to.emit(ledger, "BatchedCertificateMaterialised");
      await expect(ledger.connect(kgLab).revokeBatchedCertificate(member(1), 1, issuedAt, ethers.ZeroHash)).to.emit(ledger, "CertificateRevoked");
      await expect(ledger.connect(kgLab).reinstateCertificate(member(0).certHash))
        .to.be.revertedWithCustomError(ledger, "LedgerAuthorityNotActive")
        .withArgs(ids.kgLab);
    });
  });
});
