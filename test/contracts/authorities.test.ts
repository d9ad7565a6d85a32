import { expect } from "chai";
import { ethers } from "hardhat";
import { CertType, DAY, KG, KZ, YEAR, deployedLedger, loadFixture, randomHash, time, types, withAuthorities } from "./fixtures";

/** AuthorityStatus as the contracts define it. */
const AuthorityStatus = { None: 0, Active: 1, Suspended: 2 } as const;
const MAX_ACCOUNTS = 16;

const randomAddress = (): string => ethers.Wallet.createRandom().address;

describe("Authorities", function () {
  describe("registration", function () {
    it("a party admin registers authorities numbered from 1, with an event for the authority and one per account", async function () {
      const { ledger, kgAdmin, signers } = await loadFixture(deployedLedger);
      const [first, second, third] = signers.slice(6, 9);
      const now = BigInt(await time.latest());
      const until = now + BigInt(YEAR);
      const scope = types(CertType.Conformity, CertType.TestReport);
      expect(await ledger.authorityCount()).to.equal(0);

      const tx = ledger.connect(kgAdmin).registerAuthority(KG, "KG certification body", [first.address, second.address], scope, now, until);
      await expect(tx).to.emit(ledger, "AuthorityRegistered").withArgs(1, KG, "KG certification body", scope, now, until);
      await expect(tx).to.emit(ledger, "AuthorityAccountAdded").withArgs(1, first.address);
      await expect(tx).to.emit(ledger, "AuthorityAccountAdded").withArgs(1, second.address);

      await expect(ledger.connect(kgAdmin).registerAuthority(KG, "KG test laboratory", [third.address], types(CertType.TestReport), now, until))
        .to.emit(ledger, "AuthorityRegistered")
        .withArgs(2, KG, "KG test laboratory", types(CertType.TestReport), now, until);
      expect(await ledger.authorityCount()).to.equal(2);
    });

    it("the registered authority can be read back: record, name, accounts and the authority of each account", async function () {
      const { ledger, kgAdmin, signers } = await loadFixture(deployedLedger);
      const [first, second] = signers.slice(6, 8);
      const now = BigInt(await time.latest());
      const until = now + BigInt(YEAR);
      const scope = types(CertType.Conformity);
      await ledger.connect(kgAdmin).registerAuthority(KG, "KG certification body", [first.address, second.address], scope, now, until);

      const authority = await ledger.getAuthority(1);
      expect(authority.party).to.equal(KG);
      expect(authority.status).to.equal(AuthorityStatus.Active);
      expect(authority.scope).to.equal(scope);
      expect(authority.validFrom).to.equal(now);
      expect(authority.validUntil).to.equal(until);
      expect(await ledger.authorityName(1)).to.equal("KG certification body");
      expect(await ledger.authorityAccounts(1)).to.deep.equal([first.address, second.address]);
      expect(await ledger.authorityOfAccount(first.address)).to.equal(1);
      expect(await ledger.authorityOfAccount(second.address)).to.equal(1);
      expect(await ledger.authorityOfAccount(kgAdmin.address)).to.equal(0);
    });

    it("an empty scope and a scope naming type 0 are refused", async function () {
      const { ledger, kgAdmin } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      for (const scope of [0n, types(0), types(0, CertType.Conformity)]) {
        await expect(ledger.connect(kgAdmin).registerAuthority(KG, "bad scope", [randomAddress()], scope, now, now + BigInt(YEAR)))
          .to.be.revertedWithCustomError(ledger, "LedgerInvalidScope")
          .withArgs(scope);
      }
    });

    it("a validity period that does not start before it ends is refused", async function () {
      const { ledger, kgAdmin } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      for (const [from, until] of [
        [now, now],
        [now + 1n, now],
      ]) {
        await expect(ledger.connect(kgAdmin).registerAuthority(KG, "bad period", [randomAddress()], types(CertType.Conformity), from, until))
          .to.be.revertedWithCustomError(ledger, "LedgerInvalidValidityPeriod")
          .withArgs(from, until);
      }
    });

    it("an authority needs at least one account", async function () {
      const { ledger, kgAdmin } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      await expect(
        ledger.connect(kgAdmin).registerAuthority(KG, "no accounts", [], types(CertType.Conformity), now, now + BigInt(YEAR)),
      ).to.be.revertedWithCustomError(ledger, "LedgerNoAuthorityAccount");
    });

    it("the zero address cannot be an authority's account", async function () {
      const { ledger, kgAdmin } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      await expect(
        ledger.connect(kgAdmin).registerAuthority(KG, "zero account", [randomAddress(), ethers.ZeroAddress], types(CertType.Conformity), now, now + BigInt(YEAR)),
      ).to.be.revertedWithCustomError(ledger, "LedgerZeroAddress");
    });

    it("an account of another authority cannot be bound again, and nothing of the new authority is kept", async function () {
      const { ledger, kzAdmin, kgLab, ids } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      await expect(ledger.connect(kzAdmin).registerAuthority(KZ, "KZ customs", [randomAddress(), kgLab.address], types(CertType.Origin), now, now + BigInt(YEAR)))
        .to.be.revertedWithCustomError(ledger, "LedgerAccountAlreadyBound")
        .withArgs(kgLab.address, ids.kgLab);
      expect(await ledger.authorityCount()).to.equal(4);
      expect(await ledger.authorityOfAccount(kgLab.address)).to.equal(ids.kgLab);
    });

    it("the same account twice in one registration is refused as already bound to the new authority", async function () {
      const { ledger, kgAdmin } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      const account = randomAddress();
      await expect(ledger.connect(kgAdmin).registerAuthority(KG, "twice", [account, account], types(CertType.Conformity), now, now + BigInt(YEAR)))
        .to.be.revertedWithCustomError(ledger, "LedgerAccountAlreadyBound")
        .withArgs(account, 5);
    });

    it("an authority may have 16 accounts but not 17, whether registered at once or added later", async function () {
      const { ledger, kgAdmin } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      const until = now + BigInt(YEAR);
      const scope = types(CertType.Conformity);
      const accounts = Array.from({ length: MAX_ACCOUNTS + 1 }, randomAddress);
      await expect(ledger.connect(kgAdmin).registerAuthority(KG, "too many", accounts, scope, now, until))
        .to.be.revertedWithCustomError(ledger, "LedgerTooManyAuthorityAccounts")
        .withArgs(5, MAX_ACCOUNTS);

      await ledger.connect(kgAdmin).registerAuthority(KG, "sixteen", accounts.slice(0, MAX_ACCOUNTS), scope, now, until);
      expect(await ledger.authorityAccounts(5)).to.have.lengthOf(MAX_ACCOUNTS);
      await expect(ledger.connect(kgAdmin).addAuthorityAccount(5, accounts[MAX_ACCOUNTS]))
        .to.be.revertedWithCustomError(ledger, "LedgerTooManyAuthorityAccounts")
        .withArgs(5, MAX_ACCOUNTS);
    });

    it("only an admin of the party itself may register an authority for it", async function () {
      const { ledger, kzAdmin, outsider } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      for (const caller of [kzAdmin, outsider]) {
        await expect(ledger.connect(caller).registerAuthority(KG, "foreign", [randomAddress()], types(CertType.Conformity), now, now + BigInt(YEAR)))
          .to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin")
          .withArgs(caller.address, KG);
      }
    });
  });

  describe("updates", function () {
    it("a party admin changes an authority's scope and validity, with an event", async function () {
      const { ledger, kgAdmin, ids } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      const scope = types(CertType.TestReport, CertType.Origin);
      await expect(ledger.connect(kgAdmin).updateAuthority(ids.kgLab, scope, now - 10n, now + BigInt(2 * YEAR)))
        .to.emit(ledger, "AuthorityUpdated")
        .withArgs(ids.kgLab, scope, now - 10n, now + BigInt(2 * YEAR));
      const authority = await ledger.getAuthority(ids.kgLab);
      expect(authority.scope).to.equal(scope);
      expect(authority.validFrom).to.equal(now - 10n);
      expect(authority.validUntil).to.equal(now + BigInt(2 * YEAR));
      expect(authority.status).to.equal(AuthorityStatus.Active);
    });

    it("a scope change takes effect for anchoring at once: an added type can be anchored, a removed one cannot", async function () {
      const { ledger, kgAdmin, kgLab, ids } = await loadFixture(withAuthorities);
      const { validFrom, validUntil } = await ledger.getAuthority(ids.kgLab);
      const certValidUntil = BigInt(await time.latest()) + BigInt(30 * DAY);
      await expect(ledger.connect(kgLab).anchorCertificate(randomHash(), CertType.Conformity, certValidUntil, randomHash(), "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerTypeNotInScope")
        .withArgs(ids.kgLab, CertType.Conformity);

      await ledger.connect(kgAdmin).updateAuthority(ids.kgLab, types(CertType.Conformity), validFrom, validUntil);
      await expect(ledger.connect(kgLab).anchorCertificate(randomHash(), CertType.Conformity, certValidUntil, randomHash(), "0x")).to.emit(
        ledger,
        "CertificateAnchored",
      );
      await expect(ledger.connect(kgLab).anchorCertificate(randomHash(), CertType.TestReport, certValidUntil, randomHash(), "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerTypeNotInScope")
        .withArgs(ids.kgLab, CertType.TestReport);
    });

    it("a scope change reaches every account of the authority", async function () {
      const { ledger, kgAdmin, kgBody, kgBody2, ids } = await loadFixture(withAuthorities);
      const { validFrom, validUntil } = await ledger.getAuthority(ids.kgBody);
      await ledger.connect(kgAdmin).updateAuthority(ids.kgBody, types(CertType.TestReport), validFrom, validUntil);
      const certValidUntil = BigInt(await time.latest()) + BigInt(30 * DAY);
      for (const account of [kgBody, kgBody2]) {
        await expect(ledger.connect(account).anchorCertificate(randomHash(), CertType.Conformity, certValidUntil, randomHash(), "0x"))
          .to.be.revertedWithCustomError(ledger, "LedgerTypeNotInScope")
          .withArgs(ids.kgBody, CertType.Conformity);
      }
    });

    it("an update is checked like a registration: empty scope, type 0 and an empty period are refused", async function () {
      const { ledger, kgAdmin, ids } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      for (const scope of [0n, types(0), types(0, CertType.TestReport)]) {
        await expect(ledger.connect(kgAdmin).updateAuthority(ids.kgLab, scope, now, now + BigInt(YEAR)))
          .to.be.revertedWithCustomError(ledger, "LedgerInvalidScope")
          .withArgs(scope);
      }
      await expect(ledger.connect(kgAdmin).updateAuthority(ids.kgLab, types(CertType.TestReport), now + 5n, now + 5n))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidValidityPeriod")
        .withArgs(now + 5n, now + 5n);
    });

    it("only an admin of the authority's own party may update it", async function () {
      const { ledger, kzAdmin, kgLab, ids } = await loadFixture(withAuthorities);
      const { scope, validFrom, validUntil } = await ledger.getAuthority(ids.kgLab);
      for (const caller of [kzAdmin, kgLab]) {
        await expect(ledger.connect(caller).updateAuthority(ids.kgLab, scope, validFrom, validUntil))
          .to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin")
          .withArgs(caller.address, KG);
      }
    });
  });

  describe("suspension", function () {
    it("a party admin suspends an authority and reactivates it, each with an event", async function () {
      const { ledger, kgAdmin, ids } = await loadFixture(withAuthorities);
      await expect(ledger.connect(kgAdmin).suspendAuthority(ids.kgLab)).to.emit(ledger, "AuthoritySuspended").withArgs(ids.kgLab);
      expect((await ledger.getAuthority(ids.kgLab)).status).to.equal(AuthorityStatus.Suspended);
      await expect(ledger.connect(kgAdmin).reactivateAuthority(ids.kgLab)).to.emit(ledger, "AuthorityReactivated").withArgs(ids.kgLab);
      expect((await ledger.getAuthority(ids.kgLab)).status).to.equal(AuthorityStatus.Active);
    });

    it("a suspended authority cannot be suspended again", async function () {
      const { ledger, kgAdmin, ids } = await loadFixture(withAuthorities);
      await ledger.connect(kgAdmin).suspendAuthority(ids.kgLab);
      await expect(ledger.connect(kgAdmin).suspendAuthority(ids.kgLab))
        .to.be.revertedWithCustomError(ledger, "LedgerAuthorityNotActive")
        .withArgs(ids.kgLab);
    });

    it("an active authority cannot be reactivated", async function () {
      const { ledger, kgAdmin, ids } = await loadFixture(withAuthorities);
      await expect(ledger.connect(kgAdmin).reactivateAuthority(ids.kgLab))
        .to.be.revertedWithCustomError(ledger, "LedgerAuthorityAlreadyActive")
        .withArgs(ids.kgLab);
    });

    it("neither another party's admin nor the authority's own account may suspend or reactivate it", async function () {
      const { ledger, kgAdmin, kzAdmin, kgLab, ids } = await loadFixture(withAuthorities);
      for (const caller of [kzAdmin, kgLab]) {
        await expect(ledger.connect(caller).suspendAuthority(ids.kgLab))
          .to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin")
          .withArgs(caller.address, KG);
      }
      await ledger.connect(kgAdmin).suspendAuthority(ids.kgLab);
      for (const caller of [kzAdmin, kgLab]) {
        await expect(ledger.connect(caller).reactivateAuthority(ids.kgLab))
          .to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin")
          .withArgs(caller.address, KG);
      }
    });

    it("a suspended authority's accounts still belong to it, and it can anchor again once reactivated", async function () {
      const { ledger, kgAdmin, kgLab, ids } = await loadFixture(withAuthorities);
      const validUntil = BigInt(await time.latest()) + BigInt(30 * DAY);
      await ledger.connect(kgAdmin).suspendAuthority(ids.kgLab);
      expect(await ledger.authorityOfAccount(kgLab.address)).to.equal(ids.kgLab);
      await expect(ledger.connect(kgLab).anchorBatch(randomHash(), CertType.TestReport, 3, "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerAuthorityNotActive")
        .withArgs(ids.kgLab);
      await ledger.connect(kgAdmin).reactivateAuthority(ids.kgLab);
      await expect(ledger.connect(kgLab).anchorCertificate(randomHash(), CertType.TestReport, validUntil, randomHash(), "0x")).to.emit(
        ledger,
        "CertificateAnchored",
      );
    });
  });

  describe("accounts", function () {
    it("a party admin adds an account, which can then anchor for the authority", async function () {
      const { ledger, kgAdmin, outsider, ids } = await loadFixture(withAuthorities);
      await expect(ledger.connect(kgAdmin).addAuthorityAccount(ids.kgLab, outsider.address))
        .to.emit(ledger, "AuthorityAccountAdded")
        .withArgs(ids.kgLab, outsider.address);
      expect(await ledger.authorityOfAccount(outsider.address)).to.equal(ids.kgLab);
      expect([...(await ledger.authorityAccounts(ids.kgLab))]).to.include(outsider.address);
      const validUntil = BigInt(await time.latest()) + BigInt(30 * DAY);
      const certHash = randomHash();
      await ledger.connect(outsider).anchorCertificate(certHash, CertType.TestReport, validUntil, randomHash(), "0x");
      expect((await ledger.getCertificate(certHash)).authorityId).to.equal(ids.kgLab);
    });

    it("an account added to a suspended authority cannot anchor either", async function () {
      const { ledger, kgAdmin, outsider, ids } = await loadFixture(withAuthorities);
      await ledger.connect(kgAdmin).suspendAuthority(ids.kgLab);
      await ledger.connect(kgAdmin).addAuthorityAccount(ids.kgLab, outsider.address);
      const validUntil = BigInt(await time.latest()) + BigInt(30 * DAY);
      await expect(ledger.connect(outsider).anchorCertificate(randomHash(), CertType.TestReport, validUntil, randomHash(), "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerAuthorityNotActive")
        .withArgs(ids.kgLab);
    });

    it("adding the zero address or an account of another authority is refused", async function () {
      const { ledger, kgAdmin, kgBody, ids } = await loadFixture(withAuthorities);
      await expect(ledger.connect(kgAdmin).addAuthorityAccount(ids.kgLab, ethers.ZeroAddress)).to.be.revertedWithCustomError(
        ledger,
        "LedgerZeroAddress",
      );
      await expect(ledger.connect(kgAdmin).addAuthorityAccount(ids.kgLab, kgBody.address))
        .to.be.revertedWithCustomError(ledger, "LedgerAccountAlreadyBound")
        .withArgs(kgBody.address, ids.kgBody);
    });

    it("a party admin removes an account, with an event, and the others stay", async function () {
      const { ledger, kgAdmin, kgBody, kgBody2, outsider, ids } = await loadFixture(withAuthorities);
      await ledger.connect(kgAdmin).addAuthorityAccount(ids.kgBody, outsider.address);
      await expect(ledger.connect(kgAdmin).removeAuthorityAccount(ids.kgBody, kgBody.address))
        .to.emit(ledger, "AuthorityAccountRemoved")
        .withArgs(ids.kgBody, kgBody.address);
      expect([...(await ledger.authorityAccounts(ids.kgBody))]).to.have.members([kgBody2.address, outsider.address]);
      expect(await ledger.authorityOfAccount(kgBody.address)).to.equal(0);
      expect(await ledger.authorityOfAccount(kgBody2.address)).to.equal(ids.kgBody);
    });

    it("removing an account that is not the authority's is refused", async function () {
      const { ledger, kgAdmin, kgLab, outsider, ids } = await loadFixture(withAuthorities);
      for (const account of [kgLab.address, outsider.address]) {
        await expect(ledger.connect(kgAdmin).removeAuthorityAccount(ids.kgBody, account))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityAccount")
          .withArgs(account, ids.kgBody);
      }
    });

    it("the last account of an authority cannot be removed", async function () {
      const { ledger, kgAdmin, kgBody, kgBody2, kgLab, ids } = await loadFixture(withAuthorities);
      await expect(ledger.connect(kgAdmin).removeAuthorityAccount(ids.kgLab, kgLab.address))
        .to.be.revertedWithCustomError(ledger, "LedgerLastAuthorityAccount")
        .withArgs(ids.kgLab);
      await ledger.connect(kgAdmin).removeAuthorityAccount(ids.kgBody, kgBody2.address);
      await expect(ledger.connect(kgAdmin).removeAuthorityAccount(ids.kgBody, kgBody.address))
        .to.be.revertedWithCustomError(ledger, "LedgerLastAuthorityAccount")
        .withArgs(ids.kgBody);
    });

    it("a removed account can be bound to another authority and anchors for that one", async function () {
      const { ledger, kgAdmin, kgBody2, ids } = await loadFixture(withAuthorities);
      await ledger.connect(kgAdmin).removeAuthorityAccount(ids.kgBody, kgBody2.address);
      await expect(ledger.connect(kgAdmin).addAuthorityAccount(ids.kgLab, kgBody2.address))
        .to.emit(ledger, "AuthorityAccountAdded")
        .withArgs(ids.kgLab, kgBody2.address);
      expect(await ledger.authorityOfAccount(kgBody2.address)).to.equal(ids.kgLab);
      const validUntil = BigInt(await time.latest()) + BigInt(30 * DAY);
      await expect(ledger.connect(kgBody2).anchorCertificate(randomHash(), CertType.Conformity, validUntil, randomHash(), "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerTypeNotInScope")
        .withArgs(ids.kgLab, CertType.Conformity);
      const certHash = randomHash();
      await ledger.connect(kgBody2).anchorCertificate(certHash, CertType.TestReport, validUntil, randomHash(), "0x");
      expect((await ledger.getCertificate(certHash)).authorityId).to.equal(ids.kgLab);
    });

    it("a removed account can be bound to an authority of another party", async function () {
      const { ledger, kgAdmin, kzAdmin, kgBody2, ids } = await loadFixture(withAuthorities);
      await ledger.connect(kgAdmin).removeAuthorityAccount(ids.kgBody, kgBody2.address);
      await ledger.connect(kzAdmin).addAuthorityAccount(ids.kzChamber, kgBody2.address);
      expect(await ledger.authorityOfAccount(kgBody2.address)).to.equal(ids.kzChamber);
    });

    it("only an admin of the authority's own party may add or remove its accounts", async function () {
      const { ledger, kzAdmin, kgBody, kgBody2, outsider, ids } = await loadFixture(withAuthorities);
      for (const caller of [kzAdmin, kgBody]) {
        await expect(ledger.connect(caller).addAuthorityAccount(ids.kgBody, outsider.address))
          .to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin")
          .withArgs(caller.address, KG);
        await expect(ledger.connect(caller).removeAuthorityAccount(ids.kgBody, kgBody2.address))
          .to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin")
          .withArgs(caller.address, KG);
      }
    });
  });

  describe("unknown authorities", function () {
    it("id 0 and an id past the last one are unknown to every admin operation", async function () {
      const { ledger, kgAdmin, outsider } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      for (const id of [0, 5, 2 ** 32 - 1]) {
        await expect(ledger.connect(kgAdmin).updateAuthority(id, types(CertType.Conformity), now, now + BigInt(YEAR)))
          .to.be.revertedWithCustomError(ledger, "LedgerUnknownAuthority")
          .withArgs(id);
        await expect(ledger.connect(kgAdmin).suspendAuthority(id)).to.be.revertedWithCustomError(ledger, "LedgerUnknownAuthority").withArgs(id);
        await expect(ledger.connect(kgAdmin).reactivateAuthority(id)).to.be.revertedWithCustomError(ledger, "LedgerUnknownAuthority").withArgs(id);
        await expect(ledger.connect(kgAdmin).addAuthorityAccount(id, outsider.address))
          .to.be.revertedWithCustomError(ledger, "LedgerUnknownAuthority")
          .withArgs(id);
        await expect(ledger.connect(kgAdmin).removeAuthorityAccount(id, outsider.address))
          .to.be.revertedWithCustomError(ledger, "LedgerUnknownAuthority")
          .withArgs(id);
      }
    });

    it("an unknown authority reads as an empty record with status None", async function () {
      const { ledger } = await loadFixture(withAuthorities);
      for (const id of [0, 5]) {
        const authority = await ledger.getAuthority(id);
        expect(authority.status).to.equal(AuthorityStatus.None);
        expect(authority.scope).to.equal(0);
        expect(await ledger.authorityName(id)).to.equal("");
        expect(await ledger.authorityAccounts(id)).to.deep.equal([]);
      }
    });
  });
});
