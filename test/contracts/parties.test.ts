import { expect } from "chai";
import { ethers } from "hardhat";
import { CertificateLedger__factory } from "../../typechain-types";
import { KG, KZ, Kind, PROPOSAL_LIFETIME, TJ, UZ, deployedLedger, loadFixture, pass, randomCid, randomHash } from "./fixtures";

/** The raw `bytes2` of any two characters, well-formed party code or not. */
const rawCode = (text: string): string => ethers.hexlify(ethers.toUtf8Bytes(text));

const PartyStatus = { None: 0, Active: 1, Suspended: 2 } as const;

describe("Parties", function () {
  describe("bootstrap by the constructor", function () {
    async function factoryAndAccounts() {
      const [deployer, a, b, c, d] = await ethers.getSigners();
      return { factory: new CertificateLedger__factory(deployer), deployer, a, b, c, d };
    }

    it("the constructor admits each party with its first admin, in order, and sets the threshold", async function () {
      const { factory, a, b, c } = await factoryAndAccounts();
      const ledger = await factory.deploy([KG, KZ, UZ], [a.address, b.address, c.address], 2, PROPOSAL_LIFETIME);
      const receipt = await ledger.deploymentTransaction()!.wait();
      const deployedAt = BigInt((await ethers.provider.getBlock(receipt!.blockNumber))!.timestamp);

      expect(await ledger.partyCodes()).to.deep.equal([KG, KZ, UZ]);
      expect(await ledger.threshold()).to.equal(2);
      expect(await ledger.requiredApprovals()).to.equal(2);
      expect(await ledger.proposalLifetime()).to.equal(PROPOSAL_LIFETIME);
      expect(await ledger.proposalCount()).to.equal(0);
      for (const [code, admin] of [
        [KG, a],
        [KZ, b],
        [UZ, c],
      ] as const) {
        const party = await ledger.getParty(code);
        expect(party.status).to.equal(PartyStatus.Active);
        expect(party.adminCount).to.equal(1);
        expect(party.admittedAt).to.equal(deployedAt);
        expect(party.encryptionKeyThumbprint).to.equal(ethers.ZeroHash);
        expect(await ledger.partyOfAdmin(admin.address)).to.equal(code);
        expect(await ledger.partyEncryptionKeyCid(code)).to.equal("0x");
      }
      expect((await ledger.getParty(TJ)).status).to.equal(PartyStatus.None);
    });

    it("the constructor emits PartyAdmitted then PartyAdminAdded for each party, then ThresholdChanged", async function () {
      const { factory, a, b } = await factoryAndAccounts();
      const ledger = await factory.deploy([KG, KZ], [a.address, b.address], 1, PROPOSAL_LIFETIME);
      const tx = ledger.deploymentTransaction()!;
      await expect(tx).to.emit(ledger, "PartyAdmitted").withArgs(KG, a.address);
      await expect(tx).to.emit(ledger, "PartyAdminAdded").withArgs(KG, a.address);
      await expect(tx).to.emit(ledger, "PartyAdmitted").withArgs(KZ, b.address);
      await expect(tx).to.emit(ledger, "PartyAdminAdded").withArgs(KZ, b.address);
      await expect(tx).to.emit(ledger, "ThresholdChanged").withArgs(1);
      const receipt = await tx.wait();
      const logs = receipt!.logs.map((log) => ledger.interface.parseLog(log)!);
      expect(logs.map((log) => [log.name, ...log.args])).to.deep.equal([
        ["PartyAdmitted", KG, a.address],
        ["PartyAdminAdded", KG, a.address],
        ["PartyAdmitted", KZ, b.address],
        ["PartyAdminAdded", KZ, b.address],
        ["ThresholdChanged", 1n],
      ]);
    });

    it("a single party with threshold 1 is a valid consortium", async function () {
      const { factory, a } = await factoryAndAccounts();
      const ledger = await factory.deploy([KG], [a.address], 1, PROPOSAL_LIFETIME);
      expect(await ledger.partyCodes()).to.deep.equal([KG]);
      expect(await ledger.requiredApprovals()).to.equal(1);
    });

    it("the constructor refuses party codes and admins that do not pair one to one", async function () {
      const { factory, a, b } = await factoryAndAccounts();
      await expect(factory.deploy([KG, KZ], [a.address], 1, PROPOSAL_LIFETIME))
        .to.be.revertedWithCustomError(factory, "LedgerBootstrapMismatch")
        .withArgs(2, 1);
      await expect(factory.deploy([KG], [a.address, b.address], 1, PROPOSAL_LIFETIME))
        .to.be.revertedWithCustomError(factory, "LedgerBootstrapMismatch")
        .withArgs(1, 2);
    });

    it("the constructor refuses a party code that is not two upper-case letters", async function () {
      const { factory, a } = await factoryAndAccounts();
      for (const code of [rawCode("kg"), rawCode("K1"), rawCode("Kg"), rawCode("@A"), rawCode("A["), "0x0000"]) {
        await expect(factory.deploy([code], [a.address], 1, PROPOSAL_LIFETIME))
          .to.be.revertedWithCustomError(factory, "LedgerInvalidPartyCode")
          .withArgs(code);
      }
    });

    it("the constructor accepts the codes at the edges of the alphabet, AA and ZZ", async function () {
      const { factory, a, b } = await factoryAndAccounts();
      const ledger = await factory.deploy([rawCode("AA"), rawCode("ZZ")], [a.address, b.address], 1, PROPOSAL_LIFETIME);
      expect(await ledger.partyCodes()).to.deep.equal([rawCode("AA"), rawCode("ZZ")]);
    });

    it("the constructor refuses the same party code twice", async function () {
      const { factory, a, b } = await factoryAndAccounts();
      await expect(factory.deploy([KG, KG], [a.address, b.address], 1, PROPOSAL_LIFETIME))
        .to.be.revertedWithCustomError(factory, "LedgerPartyAlreadyExists")
        .withArgs(KG);
    });

    it("the constructor refuses the same admin for two parties", async function () {
      const { factory, a } = await factoryAndAccounts();
      await expect(factory.deploy([KG, KZ], [a.address, a.address], 1, PROPOSAL_LIFETIME))
        .to.be.revertedWithCustomError(factory, "LedgerAccountAlreadyPartyAdmin")
        .withArgs(a.address, KG);
    });

    it("the constructor refuses the zero address as an admin", async function () {
      const { factory, a } = await factoryAndAccounts();
      await expect(factory.deploy([KG, KZ], [a.address, ethers.ZeroAddress], 1, PROPOSAL_LIFETIME)).to.be.revertedWithCustomError(
        factory,
        "LedgerZeroAddress",
      );
    });

    it("the constructor refuses a threshold of 0 or above the number of parties", async function () {
      const { factory, a, b, c } = await factoryAndAccounts();
      const admins = [a.address, b.address, c.address];
      await expect(factory.deploy([KG, KZ, UZ], admins, 0, PROPOSAL_LIFETIME))
        .to.be.revertedWithCustomError(factory, "LedgerInvalidThreshold")
        .withArgs(0, 3);
      await expect(factory.deploy([KG, KZ, UZ], admins, 4, PROPOSAL_LIFETIME))
        .to.be.revertedWithCustomError(factory, "LedgerInvalidThreshold")
        .withArgs(4, 3);
      await expect(factory.deploy([], [], 1, PROPOSAL_LIFETIME)).to.be.revertedWithCustomError(factory, "LedgerInvalidThreshold").withArgs(1, 0);
    });
  });

  describe("size of the consortium", function () {
    it("holds at most 255 parties: a 256th is refused at bootstrap and at admission", async function () {
      const [deployer] = await ethers.getSigners();
      const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
      const codes = Array.from({ length: 256 }, (_, i) => ethers.hexlify(ethers.toUtf8Bytes(letters[Math.floor(i / 26)] + letters[i % 26])));
      const admins = codes.map(() => ethers.Wallet.createRandom().address);
      const factory = new CertificateLedger__factory(deployer);
      await expect(factory.deploy(codes, admins, 1, PROPOSAL_LIFETIME, { gasLimit: 30_000_000 }))
        .to.be.revertedWithCustomError(factory, "LedgerTooManyParties")
        .withArgs(255);
      const ledger = await factory.deploy(codes.slice(0, 255), admins.slice(0, 255), 1, PROPOSAL_LIFETIME, { gasLimit: 30_000_000 });
      expect(await ledger.partyCodes()).to.have.length(255);
      const admin = await ethers.getImpersonatedSigner(admins[0]);
      await deployer.sendTransaction({ to: admin.address, value: ethers.parseEther("1") });
      await expect(ledger.connect(admin).propose(Kind.AdmitParty, codes[255], deployer.address, 0))
        .to.be.revertedWithCustomError(ledger, "LedgerTooManyParties")
        .withArgs(255);
    });
  });

  describe("admins", function () {
    it("a party admin adds another admin, who can then act for the party", async function () {
      const { ledger, kgAdmin, kgAdmin2 } = await loadFixture(deployedLedger);
      await expect(ledger.connect(kgAdmin).addPartyAdmin(KG, kgAdmin2.address)).to.emit(ledger, "PartyAdminAdded").withArgs(KG, kgAdmin2.address);
      expect(await ledger.partyOfAdmin(kgAdmin2.address)).to.equal(KG);
      expect((await ledger.getParty(KG)).adminCount).to.equal(2);
      const thumbprint = randomHash();
      await expect(ledger.connect(kgAdmin2).setPartyEncryptionKey(KG, thumbprint, "0x01")).to.emit(ledger, "PartyEncryptionKeySet");
    });

    it("a party admin removes another admin, who can no longer act for the party", async function () {
      const { ledger, kgAdmin, kgAdmin2 } = await loadFixture(deployedLedger);
      await ledger.connect(kgAdmin).addPartyAdmin(KG, kgAdmin2.address);
      await expect(ledger.connect(kgAdmin2).removePartyAdmin(KG, kgAdmin.address))
        .to.emit(ledger, "PartyAdminRemoved")
        .withArgs(KG, kgAdmin.address);
      expect(await ledger.partyOfAdmin(kgAdmin.address)).to.equal("0x0000");
      expect((await ledger.getParty(KG)).adminCount).to.equal(1);
      await expect(ledger.connect(kgAdmin).addPartyAdmin(KG, kgAdmin.address))
        .to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin")
        .withArgs(kgAdmin.address, KG);
    });

    it("an admin may remove itself while another admin remains", async function () {
      const { ledger, kgAdmin, kgAdmin2 } = await loadFixture(deployedLedger);
      await ledger.connect(kgAdmin).addPartyAdmin(KG, kgAdmin2.address);
      await expect(ledger.connect(kgAdmin).removePartyAdmin(KG, kgAdmin.address)).to.emit(ledger, "PartyAdminRemoved").withArgs(KG, kgAdmin.address);
      expect(await ledger.partyOfAdmin(kgAdmin2.address)).to.equal(KG);
    });

    it("a removed admin may later become an admin of another party", async function () {
      const { ledger, kgAdmin, kgAdmin2, kzAdmin } = await loadFixture(deployedLedger);
      await ledger.connect(kgAdmin).addPartyAdmin(KG, kgAdmin2.address);
      await ledger.connect(kgAdmin).removePartyAdmin(KG, kgAdmin2.address);
      await expect(ledger.connect(kzAdmin).addPartyAdmin(KZ, kgAdmin2.address)).to.emit(ledger, "PartyAdminAdded").withArgs(KZ, kgAdmin2.address);
      expect(await ledger.partyOfAdmin(kgAdmin2.address)).to.equal(KZ);
    });

    it("the last admin of a party cannot be removed", async function () {
      const { ledger, kgAdmin, kgAdmin2 } = await loadFixture(deployedLedger);
      await expect(ledger.connect(kgAdmin).removePartyAdmin(KG, kgAdmin.address)).to.be.revertedWithCustomError(ledger, "LedgerLastPartyAdmin").withArgs(KG);
      await ledger.connect(kgAdmin).addPartyAdmin(KG, kgAdmin2.address);
      await ledger.connect(kgAdmin).removePartyAdmin(KG, kgAdmin2.address);
      await expect(ledger.connect(kgAdmin).removePartyAdmin(KG, kgAdmin.address)).to.be.revertedWithCustomError(ledger, "LedgerLastPartyAdmin").withArgs(KG);
    });

    it("removing an account that is not an admin of the party names it", async function () {
      const { ledger, kgAdmin, kzAdmin, outsider } = await loadFixture(deployedLedger);
      await expect(ledger.connect(kgAdmin).removePartyAdmin(KG, outsider.address))
        .to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin")
        .withArgs(outsider.address, KG);
      await expect(ledger.connect(kgAdmin).removePartyAdmin(KG, kzAdmin.address))
        .to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin")
        .withArgs(kzAdmin.address, KG);
      expect(await ledger.partyOfAdmin(kzAdmin.address)).to.equal(KZ);
    });

    it("an account that already administers a party cannot be added again, to it or to another party", async function () {
      const { ledger, kgAdmin, kzAdmin, kgAdmin2 } = await loadFixture(deployedLedger);
      await expect(ledger.connect(kgAdmin).addPartyAdmin(KG, kzAdmin.address))
        .to.be.revertedWithCustomError(ledger, "LedgerAccountAlreadyPartyAdmin")
        .withArgs(kzAdmin.address, KZ);
      await ledger.connect(kgAdmin).addPartyAdmin(KG, kgAdmin2.address);
      await expect(ledger.connect(kgAdmin).addPartyAdmin(KG, kgAdmin2.address))
        .to.be.revertedWithCustomError(ledger, "LedgerAccountAlreadyPartyAdmin")
        .withArgs(kgAdmin2.address, KG);
      await expect(ledger.connect(kgAdmin).addPartyAdmin(KG, kgAdmin.address))
        .to.be.revertedWithCustomError(ledger, "LedgerAccountAlreadyPartyAdmin")
        .withArgs(kgAdmin.address, KG);
      expect((await ledger.getParty(KG)).adminCount).to.equal(2);
    });

    it("the zero address cannot become an admin", async function () {
      const { ledger, kgAdmin } = await loadFixture(deployedLedger);
      await expect(ledger.connect(kgAdmin).addPartyAdmin(KG, ethers.ZeroAddress)).to.be.revertedWithCustomError(ledger, "LedgerZeroAddress");
    });

    it("only an admin of the party manages its admins: not an outsider, not another party's admin", async function () {
      const { ledger, kzAdmin, kgAdmin, kgAdmin2, outsider } = await loadFixture(deployedLedger);
      for (const caller of [outsider, kzAdmin]) {
        await expect(ledger.connect(caller).addPartyAdmin(KG, kgAdmin2.address))
          .to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin")
          .withArgs(caller.address, KG);
        await expect(ledger.connect(caller).removePartyAdmin(KG, kgAdmin.address))
          .to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin")
          .withArgs(caller.address, KG);
      }
    });

    it("nobody administers the empty party code or an unknown party", async function () {
      const { ledger, outsider, kgAdmin2, kgAdmin } = await loadFixture(deployedLedger);
      await expect(ledger.connect(outsider).addPartyAdmin("0x0000", kgAdmin2.address))
        .to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin")
        .withArgs(outsider.address, "0x0000");
      await expect(ledger.connect(kgAdmin).addPartyAdmin(TJ, kgAdmin2.address))
        .to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin")
        .withArgs(kgAdmin.address, TJ);
    });
  });

  describe("encryption key", function () {
    it("a party admin records the party's encryption key thumbprint and CID", async function () {
      const { ledger, kgAdmin } = await loadFixture(deployedLedger);
      const thumbprint = randomHash();
      const cid = randomCid();
      await expect(ledger.connect(kgAdmin).setPartyEncryptionKey(KG, thumbprint, cid))
        .to.emit(ledger, "PartyEncryptionKeySet")
        .withArgs(KG, thumbprint, cid);
      expect((await ledger.getParty(KG)).encryptionKeyThumbprint).to.equal(thumbprint);
      expect(await ledger.partyEncryptionKeyCid(KG)).to.equal(cid);
      expect(await ledger.partyEncryptionKeyCid(KZ)).to.equal("0x");
    });

    it("a new encryption key replaces the previous one", async function () {
      const { ledger, kgAdmin } = await loadFixture(deployedLedger);
      await ledger.connect(kgAdmin).setPartyEncryptionKey(KG, randomHash(), randomCid());
      const thumbprint = randomHash();
      const cid = randomCid();
      await ledger.connect(kgAdmin).setPartyEncryptionKey(KG, thumbprint, cid);
      expect((await ledger.getParty(KG)).encryptionKeyThumbprint).to.equal(thumbprint);
      expect(await ledger.partyEncryptionKeyCid(KG)).to.equal(cid);
      const party = await ledger.getParty(KG);
      expect(party.status).to.equal(PartyStatus.Active);
      expect(party.adminCount).to.equal(1);
    });

    it("only an admin of the party sets its encryption key", async function () {
      const { ledger, kzAdmin, outsider } = await loadFixture(deployedLedger);
      for (const caller of [kzAdmin, outsider]) {
        await expect(ledger.connect(caller).setPartyEncryptionKey(KG, randomHash(), randomCid()))
          .to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin")
          .withArgs(caller.address, KG);
      }
    });
  });

  describe("a suspended party", function () {
    async function withUzSuspended() {
      const base = await loadFixture(deployedLedger);
      await pass(base.ledger, base.kgAdmin, [base.kzAdmin], Kind.SuspendParty, UZ);
      return base;
    }

    it("a suspended party's admin cannot add or remove admins, nor set its encryption key", async function () {
      const { ledger, uzAdmin, outsider } = await loadFixture(withUzSuspended);
      expect((await ledger.getParty(UZ)).status).to.equal(PartyStatus.Suspended);
      await expect(ledger.connect(uzAdmin).addPartyAdmin(UZ, outsider.address)).to.be.revertedWithCustomError(ledger, "LedgerPartyNotActive").withArgs(UZ);
      await expect(ledger.connect(uzAdmin).removePartyAdmin(UZ, uzAdmin.address)).to.be.revertedWithCustomError(ledger, "LedgerPartyNotActive").withArgs(UZ);
      await expect(ledger.connect(uzAdmin).setPartyEncryptionKey(UZ, randomHash(), randomCid()))
        .to.be.revertedWithCustomError(ledger, "LedgerPartyNotActive")
        .withArgs(UZ);
    });

    it("a suspended party keeps its admins, its code and its place in partyCodes", async function () {
      const { ledger, uzAdmin, deployment } = await loadFixture(withUzSuspended);
      expect(await ledger.partyOfAdmin(uzAdmin.address)).to.equal(UZ);
      expect(await ledger.partyCodes()).to.deep.equal([KG, KZ, UZ]);
      const party = await ledger.getParty(UZ);
      expect(party.adminCount).to.equal(1);
      const deployedAt = (await ethers.provider.getBlock(deployment.ledger.deploymentBlock))!.timestamp;
      expect(party.admittedAt).to.equal(deployedAt);
    });

    it("an outsider still gets LedgerNotPartyAdmin, not LedgerPartyNotActive, for a suspended party", async function () {
      const { ledger, outsider } = await loadFixture(withUzSuspended);
      await expect(ledger.connect(outsider).setPartyEncryptionKey(UZ, randomHash(), "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin")
        .withArgs(outsider.address, UZ);
    });
  });
});
