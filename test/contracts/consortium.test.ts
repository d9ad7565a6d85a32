import { expect } from "chai";
import { ethers } from "hardhat";
import {
  CertType,
  DAY,
  KG,
  KZ,
  Kind,
  NO_ADMIN,
  NO_PARTY,
  PROPOSAL_LIFETIME,
  TJ,
  UZ,
  deployedLedger,
  loadFixture,
  pass,
  propose,
  randomCid,
  randomHash,
  time,
  types,
  withAuthorities,
} from "./fixtures";

const PartyStatus = { None: 0, Active: 1, Suspended: 2 } as const;
/** The three bootstrap parties with UZ suspended by KG and KZ. */
async function withUzSuspended() {
  const base = await loadFixture(deployedLedger);
  await pass(base.ledger, base.kgAdmin, [base.kzAdmin], Kind.SuspendParty, UZ);
  return base;
}

describe("Consortium", function () {
  describe("voting", function () {
    it("a proposal counts as its proposer party's approval", async function () {
      const { ledger, kgAdmin, signers } = await loadFixture(deployedLedger);
      const tjAdmin = signers[11];
      const now = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(now);
      const expiresAt = now + BigInt(PROPOSAL_LIFETIME);
      await expect(ledger.connect(kgAdmin).propose(Kind.AdmitParty, TJ, tjAdmin.address, 0))
        .to.emit(ledger, "ProposalCreated")
        .withArgs(1, KG, kgAdmin.address, Kind.AdmitParty, TJ, tjAdmin.address, 0, expiresAt)
        .and.to.emit(ledger, "ProposalApproved")
        .withArgs(1, KG, kgAdmin.address, 1);
      expect(await ledger.proposalCount()).to.equal(1);
      expect(await ledger.hasApproved(1, KG)).to.equal(true);
      expect(await ledger.hasApproved(1, KZ)).to.equal(false);
      const proposal = await ledger.getProposal(1);
      expect(proposal.kind).to.equal(Kind.AdmitParty);
      expect(proposal.party).to.equal(TJ);
      expect(proposal.admin).to.equal(tjAdmin.address);
      expect(proposal.threshold).to.equal(0);
      expect(proposal.approvals).to.equal(1);
      expect(proposal.executed).to.equal(false);
      expect(proposal.expiresAt).to.equal(expiresAt);
    });

    it("proposal ids run from 1, and an unknown id reads as an empty proposal", async function () {
      const { ledger, kgAdmin, kzAdmin } = await loadFixture(deployedLedger);
      expect(await ledger.proposalCount()).to.equal(0);
      expect(await propose(ledger, kgAdmin, Kind.SetThreshold, NO_PARTY, NO_ADMIN, 3)).to.equal(1);
      expect(await propose(ledger, kzAdmin, Kind.SetThreshold, NO_PARTY, NO_ADMIN, 1)).to.equal(2);
      const unknown = await ledger.getProposal(3);
      expect(unknown.kind).to.equal(Kind.AdmitParty);
      expect(unknown.expiresAt).to.equal(0);
      expect(unknown.approvals).to.equal(0);
    });

    it("another party's approval is counted and announced", async function () {
      const { ledger, kgAdmin, kzAdmin, uzAdmin } = await loadFixture(deployedLedger);
      const id = await propose(ledger, kgAdmin, Kind.SetThreshold, NO_PARTY, NO_ADMIN, 3);
      await expect(ledger.connect(kzAdmin).approve(id)).to.emit(ledger, "ProposalApproved").withArgs(id, KZ, kzAdmin.address, 2);
      await expect(ledger.connect(uzAdmin).approve(id)).to.emit(ledger, "ProposalApproved").withArgs(id, UZ, uzAdmin.address, 3);
      expect(await ledger.hasApproved(id, KZ)).to.equal(true);
      expect(await ledger.hasApproved(id, UZ)).to.equal(true);
      expect((await ledger.getProposal(id)).approvals).to.equal(3);
    });

    it("a party cannot approve the same proposal twice", async function () {
      const { ledger, kgAdmin, kzAdmin } = await loadFixture(deployedLedger);
      const id = await propose(ledger, kgAdmin, Kind.SetThreshold, NO_PARTY, NO_ADMIN, 3);
      await expect(ledger.connect(kgAdmin).approve(id)).to.be.revertedWithCustomError(ledger, "LedgerProposalAlreadyApproved").withArgs(id, KG);
      await ledger.connect(kzAdmin).approve(id);
      await expect(ledger.connect(kzAdmin).approve(id)).to.be.revertedWithCustomError(ledger, "LedgerProposalAlreadyApproved").withArgs(id, KZ);
      expect((await ledger.getProposal(id)).approvals).to.equal(2);
    });

    it("a second admin of the same party cannot approve again for it", async function () {
      const { ledger, kgAdmin, kgAdmin2 } = await loadFixture(deployedLedger);
      await ledger.connect(kgAdmin).addPartyAdmin(KG, kgAdmin2.address);
      const id = await propose(ledger, kgAdmin, Kind.SetThreshold, NO_PARTY, NO_ADMIN, 3);
      await expect(ledger.connect(kgAdmin2).approve(id)).to.be.revertedWithCustomError(ledger, "LedgerProposalAlreadyApproved").withArgs(id, KG);
      await expect(ledger.execute(id)).to.be.revertedWithCustomError(ledger, "LedgerProposalNotApproved").withArgs(id, 1, 2);
    });

    it("a proposal cannot be executed before it has the approvals required", async function () {
      const { ledger, kgAdmin, kzAdmin, outsider } = await loadFixture(deployedLedger);
      const id = await propose(ledger, kgAdmin, Kind.SetThreshold, NO_PARTY, NO_ADMIN, 3);
      expect(await ledger.requiredApprovals()).to.equal(2);
      await expect(ledger.connect(outsider).execute(id)).to.be.revertedWithCustomError(ledger, "LedgerProposalNotApproved").withArgs(id, 1, 2);
      await ledger.connect(kzAdmin).approve(id);
      await expect(ledger.connect(outsider).execute(id)).to.emit(ledger, "ProposalExecuted").withArgs(id);
      expect((await ledger.getProposal(id)).executed).to.equal(true);
    });

    it("anyone may execute an approved proposal, not only an admin", async function () {
      const { ledger, kgAdmin, kzAdmin, outsider } = await loadFixture(deployedLedger);
      const id = await propose(ledger, kgAdmin, Kind.SetThreshold, NO_PARTY, NO_ADMIN, 1);
      await ledger.connect(kzAdmin).approve(id);
      await expect(ledger.connect(outsider).execute(id)).to.emit(ledger, "ThresholdChanged").withArgs(1);
    });

    it("an executed proposal cannot be executed or approved again", async function () {
      const { ledger, kgAdmin, kzAdmin, uzAdmin } = await loadFixture(deployedLedger);
      const id = await pass(ledger, kgAdmin, [kzAdmin], Kind.SetThreshold, NO_PARTY, NO_ADMIN, 3);
      await expect(ledger.execute(id)).to.be.revertedWithCustomError(ledger, "LedgerProposalAlreadyExecuted").withArgs(id);
      await expect(ledger.connect(uzAdmin).approve(id)).to.be.revertedWithCustomError(ledger, "LedgerProposalAlreadyExecuted").withArgs(id);
    });

    it("an unknown proposal cannot be approved or executed", async function () {
      const { ledger, kgAdmin, kzAdmin } = await loadFixture(deployedLedger);
      await expect(ledger.connect(kzAdmin).approve(1)).to.be.revertedWithCustomError(ledger, "LedgerUnknownProposal").withArgs(1);
      await expect(ledger.execute(0)).to.be.revertedWithCustomError(ledger, "LedgerUnknownProposal").withArgs(0);
      const id = await propose(ledger, kgAdmin, Kind.SetThreshold, NO_PARTY, NO_ADMIN, 3);
      await expect(ledger.execute(id + 1n)).to.be.revertedWithCustomError(ledger, "LedgerUnknownProposal").withArgs(id + 1n);
    });

    it("a proposal expires PROPOSAL_LIFETIME after it was made: no approval or execution afterwards", async function () {
      const { ledger, kgAdmin, kzAdmin } = await loadFixture(deployedLedger);
      const id = await propose(ledger, kgAdmin, Kind.SetThreshold, NO_PARTY, NO_ADMIN, 3);
      const { expiresAt } = await ledger.getProposal(id);
      expect(expiresAt).to.equal(BigInt(await time.latest()) + BigInt(PROPOSAL_LIFETIME));
      await time.increase(PROPOSAL_LIFETIME);
      await expect(ledger.connect(kzAdmin).approve(id)).to.be.revertedWithCustomError(ledger, "LedgerProposalExpired").withArgs(id, expiresAt);
      await expect(ledger.execute(id)).to.be.revertedWithCustomError(ledger, "LedgerProposalExpired").withArgs(id, expiresAt);
    });

    it("an approved proposal can no longer be executed once it has expired", async function () {
      const { ledger, kgAdmin, kzAdmin } = await loadFixture(deployedLedger);
      const id = await propose(ledger, kgAdmin, Kind.SetThreshold, NO_PARTY, NO_ADMIN, 3);
      await ledger.connect(kzAdmin).approve(id);
      const { expiresAt } = await ledger.getProposal(id);
      await time.setNextBlockTimestamp(expiresAt);
      await expect(ledger.execute(id)).to.be.revertedWithCustomError(ledger, "LedgerProposalExpired").withArgs(id, expiresAt);
      expect(await ledger.threshold()).to.equal(2);
    });

    it("a proposal can still be approved and executed in its last second", async function () {
      const { ledger, kgAdmin, kzAdmin } = await loadFixture(deployedLedger);
      const id = await propose(ledger, kgAdmin, Kind.SetThreshold, NO_PARTY, NO_ADMIN, 3);
      const { expiresAt } = await ledger.getProposal(id);
      await time.setNextBlockTimestamp(expiresAt - 2n);
      await ledger.connect(kzAdmin).approve(id);
      await time.setNextBlockTimestamp(expiresAt - 1n);
      await expect(ledger.execute(id)).to.emit(ledger, "ThresholdChanged").withArgs(3);
    });

    it("only an admin of a party may propose or approve", async function () {
      const { ledger, kgAdmin, outsider } = await loadFixture(deployedLedger);
      await expect(ledger.connect(outsider).propose(Kind.SetThreshold, NO_PARTY, NO_ADMIN, 3))
        .to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin")
        .withArgs(outsider.address, NO_PARTY);
      const id = await propose(ledger, kgAdmin, Kind.SetThreshold, NO_PARTY, NO_ADMIN, 3);
      await expect(ledger.connect(outsider).approve(id)).to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin").withArgs(outsider.address, NO_PARTY);
    });

    it("an unknown proposal kind is refused", async function () {
      const { ledger, kgAdmin } = await loadFixture(deployedLedger);
      await expect(ledger.connect(kgAdmin).propose(4, TJ, NO_ADMIN, 0)).to.be.reverted;
      expect(await ledger.proposalCount()).to.equal(0);
    });
  });

  describe("admitting a party", function () {
    it("once executed, TJ joins with its admin, who can then act for it", async function () {
      const { ledger, kgAdmin, kzAdmin, signers } = await loadFixture(deployedLedger);
      const [tjAdmin, tjAuthority] = signers.slice(11, 13);
      const id = await propose(ledger, kgAdmin, Kind.AdmitParty, TJ, tjAdmin.address);
      await ledger.connect(kzAdmin).approve(id);
      const tx = ledger.execute(id);
      await expect(tx).to.emit(ledger, "ProposalExecuted").withArgs(id);
      await expect(tx).to.emit(ledger, "PartyAdmitted").withArgs(TJ, tjAdmin.address);
      await expect(tx).to.emit(ledger, "PartyAdminAdded").withArgs(TJ, tjAdmin.address);

      expect(await ledger.partyCodes()).to.deep.equal([KG, KZ, UZ, TJ]);
      expect(await ledger.partyOfAdmin(tjAdmin.address)).to.equal(TJ);
      const party = await ledger.getParty(TJ);
      expect(party.status).to.equal(PartyStatus.Active);
      expect(party.adminCount).to.equal(1);
      expect(party.admittedAt).to.equal(await time.latest());
      expect(await ledger.requiredApprovals()).to.equal(2);

      // TJ's admin now acts for TJ: manages its key, registers an authority, takes part in votes.
      await expect(ledger.connect(tjAdmin).setPartyEncryptionKey(TJ, randomHash(), randomCid())).to.emit(ledger, "PartyEncryptionKeySet");
      const now = BigInt(await time.latest());
      await expect(ledger.connect(tjAdmin).registerAuthority(TJ, "TJ standards agency", [tjAuthority.address], types(CertType.Conformity), now, now + BigInt(DAY)))
        .to.emit(ledger, "AuthorityRegistered");
      const next = await propose(ledger, tjAdmin, Kind.SetThreshold, NO_PARTY, NO_ADMIN, 4);
      expect(await ledger.hasApproved(next, TJ)).to.equal(true);
      await ledger.connect(kgAdmin).approve(next);
      await expect(ledger.execute(next)).to.emit(ledger, "ThresholdChanged").withArgs(4);
    });

    it("admission is refused at proposal for a malformed or existing code, a zero admin or an existing admin", async function () {
      const { ledger, kgAdmin, kzAdmin, signers } = await loadFixture(deployedLedger);
      const tjAdmin = signers[11];
      const lower = ethers.hexlify(ethers.toUtf8Bytes("tj"));
      await expect(ledger.connect(kgAdmin).propose(Kind.AdmitParty, lower, tjAdmin.address, 0))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidPartyCode")
        .withArgs(lower);
      await expect(ledger.connect(kgAdmin).propose(Kind.AdmitParty, NO_PARTY, tjAdmin.address, 0))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidPartyCode")
        .withArgs(NO_PARTY);
      await expect(ledger.connect(kgAdmin).propose(Kind.AdmitParty, UZ, tjAdmin.address, 0))
        .to.be.revertedWithCustomError(ledger, "LedgerPartyAlreadyExists")
        .withArgs(UZ);
      await expect(ledger.connect(kgAdmin).propose(Kind.AdmitParty, TJ, NO_ADMIN, 0)).to.be.revertedWithCustomError(ledger, "LedgerZeroAddress");
      await expect(ledger.connect(kgAdmin).propose(Kind.AdmitParty, TJ, kzAdmin.address, 0))
        .to.be.revertedWithCustomError(ledger, "LedgerAccountAlreadyPartyAdmin")
        .withArgs(kzAdmin.address, KZ);
      expect(await ledger.proposalCount()).to.equal(0);
    });

    it("of two proposals admitting the same code, the second fails at execution with LedgerPartyAlreadyExists", async function () {
      const { ledger, kgAdmin, kzAdmin, signers } = await loadFixture(deployedLedger);
      const [tjAdmin, otherTjAdmin] = signers.slice(11, 13);
      const first = await propose(ledger, kgAdmin, Kind.AdmitParty, TJ, tjAdmin.address);
      const second = await propose(ledger, kzAdmin, Kind.AdmitParty, TJ, otherTjAdmin.address);
      await ledger.connect(kzAdmin).approve(first);
      await ledger.connect(kgAdmin).approve(second);
      await ledger.execute(first);
      await expect(ledger.execute(second)).to.be.revertedWithCustomError(ledger, "LedgerPartyAlreadyExists").withArgs(TJ);
      expect((await ledger.getProposal(second)).executed).to.equal(false);
      expect(await ledger.partyOfAdmin(otherTjAdmin.address)).to.equal(NO_PARTY);
      expect(await ledger.partyCodes()).to.deep.equal([KG, KZ, UZ, TJ]);
    });

    it("of two proposals admitting different parties with the same admin, the second fails at execution", async function () {
      const { ledger, kgAdmin, kzAdmin, signers } = await loadFixture(deployedLedger);
      const admin = signers[11];
      const am = ethers.hexlify(ethers.toUtf8Bytes("AM"));
      const first = await propose(ledger, kgAdmin, Kind.AdmitParty, TJ, admin.address);
      const second = await propose(ledger, kgAdmin, Kind.AdmitParty, am, admin.address);
      await ledger.connect(kzAdmin).approve(first);
      await ledger.connect(kzAdmin).approve(second);
      await ledger.execute(first);
      await expect(ledger.execute(second)).to.be.revertedWithCustomError(ledger, "LedgerAccountAlreadyPartyAdmin").withArgs(admin.address, TJ);
      expect((await ledger.getParty(am)).status).to.equal(PartyStatus.None);
    });
  });

  describe("suspending and reinstating a party", function () {
    it("once executed, the suspended party's admins can no longer propose or approve", async function () {
      const { ledger, kgAdmin, kzAdmin, uzAdmin } = await loadFixture(deployedLedger);
      const id = await propose(ledger, kgAdmin, Kind.SuspendParty, UZ);
      await ledger.connect(kzAdmin).approve(id);
      const tx = ledger.execute(id);
      await expect(tx).to.emit(ledger, "ProposalExecuted").withArgs(id);
      await expect(tx).to.emit(ledger, "PartySuspended").withArgs(UZ);
      expect((await ledger.getParty(UZ)).status).to.equal(PartyStatus.Suspended);

      await expect(ledger.connect(uzAdmin).propose(Kind.ReinstateParty, UZ, NO_ADMIN, 0))
        .to.be.revertedWithCustomError(ledger, "LedgerPartyNotActive")
        .withArgs(UZ);
      const next = await propose(ledger, kgAdmin, Kind.SetThreshold, NO_PARTY, NO_ADMIN, 1);
      await expect(ledger.connect(uzAdmin).approve(next)).to.be.revertedWithCustomError(ledger, "LedgerPartyNotActive").withArgs(UZ);
    });

    it("a party suspended after voting no longer counts towards execution, and counts again once reinstated", async function () {
      const { ledger, kgAdmin, kzAdmin, uzAdmin } = await loadFixture(deployedLedger);
      const admitTj = await propose(ledger, uzAdmin, Kind.AdmitParty, TJ, (await ethers.getSigners())[12].address);
      expect(await ledger.activeApprovals(admitTj)).to.equal(1);
      await pass(ledger, kgAdmin, [kzAdmin], Kind.SuspendParty, UZ);
      await ledger.connect(kgAdmin).approve(admitTj);
      // Two votes were cast (UZ, KG), but only KG is active: one of the two required.
      expect((await ledger.getProposal(admitTj)).approvals).to.equal(2);
      expect(await ledger.activeApprovals(admitTj)).to.equal(1);
      await expect(ledger.execute(admitTj)).to.be.revertedWithCustomError(ledger, "LedgerProposalNotApproved").withArgs(admitTj, 1, 2);
      await pass(ledger, kgAdmin, [kzAdmin], Kind.ReinstateParty, UZ);
      expect(await ledger.activeApprovals(admitTj)).to.equal(2);
      await expect(ledger.execute(admitTj)).to.emit(ledger, "PartyAdmitted");
    });

    it("requiredApprovals becomes min(threshold, active parties) as parties are suspended", async function () {
      const { ledger, kgAdmin, kzAdmin, uzAdmin } = await loadFixture(deployedLedger);
      await pass(ledger, kgAdmin, [kzAdmin], Kind.SetThreshold, NO_PARTY, NO_ADMIN, 3);
      expect(await ledger.threshold()).to.equal(3);
      expect(await ledger.requiredApprovals()).to.equal(3);

      const suspendUz = await propose(ledger, kgAdmin, Kind.SuspendParty, UZ);
      await ledger.connect(kzAdmin).approve(suspendUz);
      await expect(ledger.execute(suspendUz)).to.be.revertedWithCustomError(ledger, "LedgerProposalNotApproved").withArgs(suspendUz, 2, 3);
      await ledger.connect(uzAdmin).approve(suspendUz);
      await ledger.execute(suspendUz);
      expect(await ledger.threshold()).to.equal(3);
      expect(await ledger.requiredApprovals()).to.equal(2);

      await pass(ledger, kgAdmin, [kzAdmin], Kind.SuspendParty, KZ);
      expect(await ledger.threshold()).to.equal(3);
      expect(await ledger.requiredApprovals()).to.equal(1);

      // The one active party now decides alone.
      await expect(ledger.connect(kgAdmin).propose(Kind.ReinstateParty, KZ, NO_ADMIN, 0)).to.emit(ledger, "ProposalCreated");
      await expect(ledger.execute(await ledger.proposalCount())).to.emit(ledger, "PartyReinstated").withArgs(KZ);
      expect(await ledger.requiredApprovals()).to.equal(2);
    });

    it("once reinstated, the party's admins can propose and approve again", async function () {
      const { ledger, kgAdmin, kzAdmin, uzAdmin } = await loadFixture(withUzSuspended);
      const id = await propose(ledger, kzAdmin, Kind.ReinstateParty, UZ);
      await ledger.connect(kgAdmin).approve(id);
      const tx = ledger.execute(id);
      await expect(tx).to.emit(ledger, "ProposalExecuted").withArgs(id);
      await expect(tx).to.emit(ledger, "PartyReinstated").withArgs(UZ);
      expect((await ledger.getParty(UZ)).status).to.equal(PartyStatus.Active);
      expect(await ledger.partyCodes()).to.deep.equal([KG, KZ, UZ]);

      const next = await propose(ledger, uzAdmin, Kind.SetThreshold, NO_PARTY, NO_ADMIN, 3);
      await expect(ledger.connect(kgAdmin).approve(next)).to.emit(ledger, "ProposalApproved").withArgs(next, KG, kgAdmin.address, 2);
      await expect(ledger.execute(next)).to.emit(ledger, "ThresholdChanged").withArgs(3);
      await expect(ledger.connect(uzAdmin).setPartyEncryptionKey(UZ, randomHash(), "0x")).to.emit(ledger, "PartyEncryptionKeySet");
    });

    it("suspension is refused for an unknown party or one already suspended", async function () {
      const { ledger, kgAdmin } = await loadFixture(withUzSuspended);
      await expect(ledger.connect(kgAdmin).propose(Kind.SuspendParty, TJ, NO_ADMIN, 0)).to.be.revertedWithCustomError(ledger, "LedgerUnknownParty").withArgs(TJ);
      await expect(ledger.connect(kgAdmin).propose(Kind.SuspendParty, UZ, NO_ADMIN, 0))
        .to.be.revertedWithCustomError(ledger, "LedgerPartyNotActive")
        .withArgs(UZ);
    });

    it("reinstatement is refused for an unknown party or one that is active", async function () {
      const { ledger, kgAdmin } = await loadFixture(withUzSuspended);
      await expect(ledger.connect(kgAdmin).propose(Kind.ReinstateParty, TJ, NO_ADMIN, 0))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownParty")
        .withArgs(TJ);
      await expect(ledger.connect(kgAdmin).propose(Kind.ReinstateParty, KZ, NO_ADMIN, 0))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidPartyStatus")
        .withArgs(KZ, PartyStatus.Active);
    });

    it("the last active party cannot be suspended", async function () {
      const { ledger, kgAdmin, kzAdmin } = await loadFixture(withUzSuspended);
      await pass(ledger, kgAdmin, [kzAdmin], Kind.SuspendParty, KZ);
      await expect(ledger.connect(kgAdmin).propose(Kind.SuspendParty, KG, NO_ADMIN, 0))
        .to.be.revertedWithCustomError(ledger, "LedgerLastActiveParty")
        .withArgs(KG);
    });

    it("of two approved suspensions that would leave no active party, the second fails at execution", async function () {
      const { ledger, kgAdmin, kzAdmin } = await loadFixture(withUzSuspended);
      const suspendKz = await propose(ledger, kgAdmin, Kind.SuspendParty, KZ);
      const suspendKg = await propose(ledger, kzAdmin, Kind.SuspendParty, KG);
      await ledger.connect(kzAdmin).approve(suspendKz);
      await ledger.connect(kgAdmin).approve(suspendKg);
      await ledger.execute(suspendKz);
      expect(await ledger.requiredApprovals()).to.equal(1);
      await expect(ledger.execute(suspendKg)).to.be.revertedWithCustomError(ledger, "LedgerLastActiveParty").withArgs(KG);
      expect((await ledger.getParty(KG)).status).to.equal(PartyStatus.Active);
    });

    it("a suspension proposal fails at execution when the party was suspended meanwhile", async function () {
      const { ledger, kgAdmin, kzAdmin } = await loadFixture(deployedLedger);
      const first = await propose(ledger, kgAdmin, Kind.SuspendParty, UZ);
      const second = await propose(ledger, kzAdmin, Kind.SuspendParty, UZ);
      await ledger.connect(kzAdmin).approve(first);
      await ledger.connect(kgAdmin).approve(second);
      await ledger.execute(first);
      await expect(ledger.execute(second)).to.be.revertedWithCustomError(ledger, "LedgerPartyNotActive").withArgs(UZ);
    });

    it("a suspended party's authorities cannot anchor, and can again after reinstatement", async function () {
      const { ledger, kgAdmin, kzAdmin, uzPlant, kgBody } = await loadFixture(withAuthorities);
      await pass(ledger, kgAdmin, [kzAdmin], Kind.SuspendParty, UZ);
      const validUntil = BigInt(await time.latest()) + BigInt(30 * DAY);
      await expect(ledger.connect(uzPlant).anchorCertificate(randomHash(), CertType.Phytosanitary, validUntil, randomHash(), "0x"))
        .to.be.revertedWithCustomError(ledger, "LedgerPartyNotActive")
        .withArgs(UZ);
      // Other parties' authorities are not affected.
      await expect(ledger.connect(kgBody).anchorCertificate(randomHash(), CertType.Conformity, validUntil, randomHash(), "0x")).to.emit(
        ledger,
        "CertificateAnchored",
      );

      await pass(ledger, kzAdmin, [kgAdmin], Kind.ReinstateParty, UZ);
      await expect(ledger.connect(uzPlant).anchorCertificate(randomHash(), CertType.Phytosanitary, validUntil, randomHash(), "0x")).to.emit(
        ledger,
        "CertificateAnchored",
      );
    });

    it("a suspended party's admin cannot register authorities", async function () {
      const { ledger, uzAdmin, signers } = await loadFixture(withUzSuspended);
      const now = BigInt(await time.latest());
      await expect(ledger.connect(uzAdmin).registerAuthority(UZ, "UZ new body", [signers[11].address], types(CertType.Origin), now, now + BigInt(DAY)))
        .to.be.revertedWithCustomError(ledger, "LedgerPartyNotActive")
        .withArgs(UZ);
    });
  });

  describe("the threshold", function () {
    it("a SetThreshold proposal changes the threshold once executed", async function () {
      const { ledger, kgAdmin, kzAdmin } = await loadFixture(deployedLedger);
      const now = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(now);
      await expect(ledger.connect(kgAdmin).propose(Kind.SetThreshold, NO_PARTY, NO_ADMIN, 3))
        .to.emit(ledger, "ProposalCreated")
        .withArgs(1, KG, kgAdmin.address, Kind.SetThreshold, NO_PARTY, NO_ADMIN, 3, now + BigInt(PROPOSAL_LIFETIME));
      expect((await ledger.getProposal(1)).threshold).to.equal(3);
      await ledger.connect(kzAdmin).approve(1);
      const tx = ledger.execute(1);
      await expect(tx).to.emit(ledger, "ProposalExecuted").withArgs(1);
      await expect(tx).to.emit(ledger, "ThresholdChanged").withArgs(3);
      expect(await ledger.threshold()).to.equal(3);
      expect(await ledger.requiredApprovals()).to.equal(3);
    });

    it("a threshold of 0 or above the number of active parties is refused at proposal", async function () {
      const { ledger, kgAdmin } = await loadFixture(withUzSuspended);
      for (const threshold of [0, 3, 255]) {
        await expect(ledger.connect(kgAdmin).propose(Kind.SetThreshold, NO_PARTY, NO_ADMIN, threshold))
          .to.be.revertedWithCustomError(ledger, "LedgerInvalidThreshold")
          .withArgs(threshold, 2);
      }
    });

    it("a threshold that a suspension made too high fails at execution", async function () {
      const { ledger, kgAdmin, kzAdmin } = await loadFixture(deployedLedger);
      const setThree = await propose(ledger, kgAdmin, Kind.SetThreshold, NO_PARTY, NO_ADMIN, 3);
      await ledger.connect(kzAdmin).approve(setThree);
      await pass(ledger, kgAdmin, [kzAdmin], Kind.SuspendParty, UZ);
      await expect(ledger.execute(setThree)).to.be.revertedWithCustomError(ledger, "LedgerInvalidThreshold").withArgs(3, 2);
      expect(await ledger.threshold()).to.equal(2);
    });

    it("with threshold 1 a proposal is executable at once", async function () {
      const { ledger, kgAdmin, kzAdmin } = await loadFixture(deployedLedger);
      await pass(ledger, kgAdmin, [kzAdmin], Kind.SetThreshold, NO_PARTY, NO_ADMIN, 1);
      expect(await ledger.requiredApprovals()).to.equal(1);
      const id = await propose(ledger, kzAdmin, Kind.SuspendParty, UZ);
      await expect(ledger.execute(id)).to.emit(ledger, "PartySuspended").withArgs(UZ);
    });
  });
});
