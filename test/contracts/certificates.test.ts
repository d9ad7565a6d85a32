import { expect } from "chai";
import { ethers } from "hardhat";
import { CertType, DAY, State, Status, loadFixture, randomCid, randomHash, time, withAuthorities, withCertificate } from "./fixtures";

describe("Certificates", function () {
  describe("anchoring", function () {
    it("an authority's account anchors a certificate in scope and the record says who, what and until when", async function () {
      const { ledger, kgBody, ids } = await loadFixture(withAuthorities);
      const certHash = randomHash();
      const numberHash = randomHash();
      const cid = randomCid();
      const validUntil = BigInt(await time.latest()) + BigInt(30 * DAY);
      await expect(ledger.connect(kgBody).anchorCertificate(certHash, CertType.Conformity, validUntil, numberHash, cid))
        .to.emit(ledger, "CertificateAnchored")
        .withArgs(certHash, numberHash, ids.kgBody, CertType.Conformity, validUntil, cid);
      const record = await ledger.getCertificate(certHash);
      expect(record.authorityId).to.equal(ids.kgBody);
      expect(record.certType).to.equal(CertType.Conformity);
      expect(record.status).to.equal(Status.Active);
      expect(record.issuedAt).to.equal(await time.latest());
      expect(record.validUntil).to.equal(validUntil);
    });

    it("the same hash cannot be anchored directly twice, even by another authority", async function () {
      const { ledger, certHash, kgLab } = await loadFixture(withCertificate);
      const validUntil = BigInt(await time.latest()) + BigInt(DAY);
      await expect(ledger.connect(kgLab).anchorCertificate(certHash, CertType.TestReport, validUntil, randomHash(), "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerCertificateAlreadyAnchored")
        .withArgs(certHash);
    });

    it("a zero hash is refused", async function () {
      const { ledger, kgBody } = await loadFixture(withAuthorities);
      const validUntil = BigInt(await time.latest()) + BigInt(DAY);
      await expect(
        ledger.connect(kgBody).anchorCertificate(ethers.ZeroHash, CertType.Conformity, validUntil, randomHash(), "0x"),
      ).to.be.revertedWithCustomError(ledger, "LedgerZeroCertificateHash");
    });

    it("a validity that ends before the next block is refused", async function () {
      const { ledger, kgBody } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      await time.setNextBlockTimestamp(now + 10n);
      await expect(ledger.connect(kgBody).anchorCertificate(randomHash(), CertType.Conformity, now + 10n, randomHash(), "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidCertificateValidity")
        .withArgs(now + 10n, now + 10n);
    });

    it("an authority cannot anchor a type outside its scope, nor type 0 or a type past 63", async function () {
      const { ledger, kgLab, ids } = await loadFixture(withAuthorities);
      const validUntil = BigInt(await time.latest()) + BigInt(DAY);
      for (const type of [CertType.Conformity, 0, 64, 255]) {
        await expect(ledger.connect(kgLab).anchorCertificate(randomHash(), type, validUntil, randomHash(), "0x"))
          .to.be.revertedWithCustomError(ledger, "LedgerTypeNotInScope")
          .withArgs(ids.kgLab, type);
      }
    });

    it("an account that belongs to no authority cannot anchor", async function () {
      const { ledger, outsider, kgAdmin } = await loadFixture(withAuthorities);
      const validUntil = BigInt(await time.latest()) + BigInt(DAY);
      for (const caller of [outsider, kgAdmin]) {
        await expect(ledger.connect(caller).anchorCertificate(randomHash(), CertType.Conformity, validUntil, randomHash(), "0x"))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthority")
          .withArgs(caller.address);
      }
    });

    it("a suspended authority cannot anchor until its party admin reactivates it", async function () {
      const { ledger, kgAdmin, kgBody, ids } = await loadFixture(withAuthorities);
      const validUntil = BigInt(await time.latest()) + BigInt(30 * DAY);
      await ledger.connect(kgAdmin).suspendAuthority(ids.kgBody);
      await expect(ledger.connect(kgBody).anchorCertificate(randomHash(), CertType.Conformity, validUntil, randomHash(), "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerAuthorityNotActive")
        .withArgs(ids.kgBody);
      await ledger.connect(kgAdmin).reactivateAuthority(ids.kgBody);
      await expect(ledger.connect(kgBody).anchorCertificate(randomHash(), CertType.Conformity, validUntil, randomHash(), "0x")).to.emit(
        ledger,
        "CertificateAnchored",
      );
    });

    it("an authority cannot anchor before its validity starts or after it ends", async function () {
      const { ledger, kgAdmin, kgBody, ids } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      const scope = (await ledger.getAuthority(ids.kgBody)).scope;
      await ledger.connect(kgAdmin).updateAuthority(ids.kgBody, scope, now + BigInt(DAY), now + BigInt(10 * DAY));
      const validUntil = now + BigInt(30 * DAY);
      await time.setNextBlockTimestamp(now + 100n);
      await expect(ledger.connect(kgBody).anchorCertificate(randomHash(), CertType.Conformity, validUntil, randomHash(), "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerAuthorityNotValidAt")
        .withArgs(ids.kgBody, now + 100n);
      await time.setNextBlockTimestamp(now + BigInt(2 * DAY));
      await expect(ledger.connect(kgBody).anchorCertificate(randomHash(), CertType.Conformity, validUntil, randomHash(), "0x")).to.emit(
        ledger,
        "CertificateAnchored",
      );
      const after = now + BigInt(10 * DAY) + 1n;
      await time.setNextBlockTimestamp(after);
      await expect(ledger.connect(kgBody).anchorCertificate(randomHash(), CertType.Conformity, validUntil, randomHash(), "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerAuthorityNotValidAt")
        .withArgs(ids.kgBody, after);
    });

    it("a removed account can no longer anchor, the authority's other account still can", async function () {
      const { ledger, kgAdmin, kgBody, kgBody2, ids } = await loadFixture(withAuthorities);
      const validUntil = BigInt(await time.latest()) + BigInt(30 * DAY);
      await expect(ledger.connect(kgAdmin).removeAuthorityAccount(ids.kgBody, kgBody2.address))
        .to.emit(ledger, "AuthorityAccountRemoved")
        .withArgs(ids.kgBody, kgBody2.address);
      await expect(ledger.connect(kgBody2).anchorCertificate(randomHash(), CertType.Conformity, validUntil, randomHash(), "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerNotAuthority")
        .withArgs(kgBody2.address);
      await expect(ledger.connect(kgBody).anchorCertificate(randomHash(), CertType.Conformity, validUntil, randomHash(), "0x")).to.emit(
        ledger,
        "CertificateAnchored",
      );
    });
  });

  describe("status", function () {
    it("suspend → reinstate → revoke, each an event naming the issuer and no batch, each changing the record", async function () {
      const { ledger, kgBody, certHash, issuedAt, ids } = await loadFixture(withCertificate);
      await expect(ledger.connect(kgBody).suspendCertificate(certHash))
        .to.emit(ledger, "CertificateSuspended")
        .withArgs(certHash, ids.kgBody, ethers.ZeroHash);
      expect((await ledger.getCertificate(certHash)).status).to.equal(Status.Suspended);
      await expect(ledger.connect(kgBody).reinstateCertificate(certHash))
        .to.emit(ledger, "CertificateReinstated")
        .withArgs(certHash, ids.kgBody, ethers.ZeroHash);
      expect((await ledger.getCertificate(certHash)).status).to.equal(Status.Active);
      await expect(ledger.connect(kgBody).revokeCertificate(certHash, 1, issuedAt, ethers.ZeroHash))
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(certHash, ids.kgBody, ethers.ZeroHash, 1, issuedAt, ethers.ZeroHash);
      const record = await ledger.getCertificate(certHash);
      expect(record.status).to.equal(Status.Revoked);
      expect(record.revocationReason).to.equal(1);
      expect(record.statusChangedAt).to.equal(issuedAt);
    });

    it("a suspended certificate can be revoked directly", async function () {
      const { ledger, kgBody, certHash } = await loadFixture(withCertificate);
      await ledger.connect(kgBody).suspendCertificate(certHash);
      await expect(ledger.connect(kgBody).revokeCertificate(certHash, 4, await time.latest(), ethers.ZeroHash)).to.emit(ledger, "CertificateRevoked");
    });

    it("revocation is final: no suspend, reinstate or second revocation afterwards", async function () {
      const { ledger, kgBody, certHash } = await loadFixture(withCertificate);
      await ledger.connect(kgBody).revokeCertificate(certHash, 0, await time.latest(), ethers.ZeroHash);
      await expect(ledger.connect(kgBody).suspendCertificate(certHash))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidStatusChange")
        .withArgs(certHash, Status.Revoked);
      await expect(ledger.connect(kgBody).reinstateCertificate(certHash))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidStatusChange")
        .withArgs(certHash, Status.Revoked);
      await expect(ledger.connect(kgBody).revokeCertificate(certHash, 0, await time.latest(), ethers.ZeroHash))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidStatusChange")
        .withArgs(certHash, Status.Revoked);
    });

    it("an active certificate cannot be reinstated, a suspended one cannot be suspended again", async function () {
      const { ledger, kgBody, certHash } = await loadFixture(withCertificate);
      await expect(ledger.connect(kgBody).reinstateCertificate(certHash))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidStatusChange")
        .withArgs(certHash, Status.Active);
      await ledger.connect(kgBody).suspendCertificate(certHash);
      await expect(ledger.connect(kgBody).suspendCertificate(certHash))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidStatusChange")
        .withArgs(certHash, Status.Suspended);
    });

    it("status changes of an unknown certificate name it", async function () {
      const { ledger, kgBody } = await loadFixture(withAuthorities);
      const unknown = randomHash();
      await expect(ledger.connect(kgBody).suspendCertificate(unknown)).to.be.revertedWithCustomError(ledger, "LedgerUnknownCertificate").withArgs(unknown);
      await expect(ledger.connect(kgBody).reinstateCertificate(unknown)).to.be.revertedWithCustomError(ledger, "LedgerUnknownCertificate").withArgs(unknown);
      await expect(ledger.connect(kgBody).revokeCertificate(unknown, 0, 0, ethers.ZeroHash))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownCertificate")
        .withArgs(unknown);
    });

    it("a revocation may be back-dated to issuance but not before it, nor dated in the future", async function () {
      const { ledger, kgBody, certHash, issuedAt } = await loadFixture(withCertificate);
      await time.increase(10 * DAY);
      const now = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(now);
      await expect(ledger.connect(kgBody).revokeCertificate(certHash, 1, issuedAt - 1n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidRevocationTime")
        .withArgs(issuedAt - 1n, issuedAt, now);
      await time.setNextBlockTimestamp(now + 1n);
      await expect(ledger.connect(kgBody).revokeCertificate(certHash, 1, now + 2n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidRevocationTime")
        .withArgs(now + 2n, issuedAt, now + 1n);
      const backDated = issuedAt + BigInt(3 * DAY);
      await ledger.connect(kgBody).revokeCertificate(certHash, 1, backDated, ethers.ZeroHash);
      expect(await ledger.certificateStateAt(certHash, backDated - 1n)).to.equal(State.Active);
      expect(await ledger.certificateStateAt(certHash, backDated)).to.equal(State.Revoked);
    });

    it("only RFC 5280 revocation reasons are accepted", async function () {
      const { ledger, kgBody, certHash, issuedAt } = await loadFixture(withCertificate);
      for (const reason of [6, 7, 8, 11, 255]) {
        await expect(ledger.connect(kgBody).revokeCertificate(certHash, reason, issuedAt, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "LedgerInvalidRevocationReason")
          .withArgs(reason);
      }
      for (const reason of [0, 1, 2, 3, 4, 5, 9, 10]) {
        await expect(ledger.connect(kgBody).revokeCertificate.staticCall(certHash, reason, issuedAt, ethers.ZeroHash)).not.to.be.reverted;
      }
    });

    it("a revocation names its replacement, which cannot be the certificate itself", async function () {
      const { ledger, kgBody, certHash, issuedAt, ids } = await loadFixture(withCertificate);
      await expect(ledger.connect(kgBody).revokeCertificate(certHash, 4, issuedAt, certHash))
        .to.be.revertedWithCustomError(ledger, "LedgerSelfReplacement")
        .withArgs(certHash);
      const replacement = randomHash();
      await expect(ledger.connect(kgBody).revokeCertificate(certHash, 4, issuedAt, replacement))
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(certHash, ids.kgBody, ethers.ZeroHash, 4, issuedAt, replacement);
      expect(await ledger.replacementOf(certHash)).to.equal(replacement);
    });

    it("the issuing authority may still suspend and revoke while suspended itself, but not reinstate", async function () {
      const { ledger, kgAdmin, kgBody, certHash, ids } = await loadFixture(withCertificate);
      await ledger.connect(kgAdmin).suspendAuthority(ids.kgBody);
      await ledger.connect(kgBody).suspendCertificate(certHash);
      await expect(ledger.connect(kgBody).reinstateCertificate(certHash))
        .to.be.revertedWithCustomError(ledger, "LedgerAuthorityNotActive")
        .withArgs(ids.kgBody);
      await expect(ledger.connect(kgBody).revokeCertificate(certHash, 5, await time.latest(), ethers.ZeroHash)).to.emit(ledger, "CertificateRevoked");
    });
  });

  describe("state at a time", function () {
    it("is Unknown before issuance, Active, then Expired after validUntil", async function () {
      const { ledger, certHash, issuedAt, validUntil } = await loadFixture(withCertificate);
      expect(await ledger.certificateStateAt(certHash, issuedAt - 1n)).to.equal(State.Unknown);
      expect(await ledger.certificateStateAt(certHash, issuedAt)).to.equal(State.Active);
      expect(await ledger.certificateStateAt(certHash, validUntil)).to.equal(State.Active);
      expect(await ledger.certificateStateAt(certHash, validUntil + 1n)).to.equal(State.Expired);
      expect(await ledger.certificateStateAt(randomHash(), issuedAt)).to.equal(State.Unknown);
    });

    it("is Suspended from the suspension on and Active again after reinstatement", async function () {
      const { ledger, kgBody, certHash, issuedAt } = await loadFixture(withCertificate);
      await time.increase(DAY);
      await ledger.connect(kgBody).suspendCertificate(certHash);
      const suspendedAt = BigInt(await time.latest());
      expect(await ledger.certificateStateAt(certHash, suspendedAt - 1n)).to.equal(State.Active);
      expect(await ledger.certificateStateAt(certHash, suspendedAt)).to.equal(State.Suspended);
      await ledger.connect(kgBody).reinstateCertificate(certHash);
      expect(await ledger.certificateStateAt(certHash, BigInt(await time.latest()))).to.equal(State.Active);
      expect(await ledger.certificateStateAt(certHash, issuedAt)).to.equal(State.Active);
    });

    it("a revocation outranks expiry: revoked stays Revoked after validUntil", async function () {
      const { ledger, kgBody, certHash, validUntil } = await loadFixture(withCertificate);
      await ledger.connect(kgBody).revokeCertificate(certHash, 1, await time.latest(), ethers.ZeroHash);
      await time.increaseTo(validUntil + 10n);
      expect(await ledger.certificateStateAt(certHash, BigInt(await time.latest()))).to.equal(State.Revoked);
    });
  });
});
