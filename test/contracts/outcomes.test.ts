/**
 * CertificateOutcomes: border agencies answer for certificates presented at their party's border, and write their
 * quantities off. Each `describe` starts with what a hostile party, agency, issuer or outsider would try.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import {
  CertType,
  KG,
  KZ,
  Kind,
  UZ,
  loadFixture,
  merkleBatch,
  pass,
  randomCerts,
  randomCid,
  randomHash,
  time,
  withBatch,
  withCertificate,
  YEAR,
} from "./fixtures";
import { CertificateOutcomes__factory } from "../../typechain-types";

const Outcome = { None: 0, Acknowledged: 1, Accepted: 2, AcceptedWithRemarks: 3, Rejected: 4, Delivered: 5 } as const;
const unit = (code: string): string => ethers.zeroPadBytes(ethers.toUtf8Bytes(code), 4);
const KGM = unit("KGM");
const LTR = unit("LTR");
/** Quantities are kept in thousandths of their unit. */
const q = (units: number): bigint => BigInt(Math.round(units * 1000));
const NO_ROOT = ethers.ZeroHash;
const declaration = (ref: string): string => ethers.keccak256(ethers.toUtf8Bytes(ref));

/** The ledger with KG's certificate and KG's lab batch, the outcomes contract beside it, and an agency per party. */
async function withAgencies() {
  const base = await loadFixture(withCertificate);
  const { ledger, deployer, kgAdmin, kzAdmin, uzAdmin, signers } = base;
  const [kzCustoms, kzCustoms2, uzCustoms, kgCustoms, spare] = signers.slice(12, 17);
  const outcomes = await new CertificateOutcomes__factory(deployer).deploy(await ledger.getAddress());
  await outcomes.connect(kzAdmin).registerAgency(KZ, "KZ State Revenue Committee, customs", [kzCustoms.address, kzCustoms2.address]);
  await outcomes.connect(uzAdmin).registerAgency(UZ, "UZ customs committee", [uzCustoms.address]);
  await outcomes.connect(kgAdmin).registerAgency(KG, "KG customs service", [kgCustoms.address]);
  const agencyIds = { kz: 1, uz: 2, kg: 3 } as const;
  // KG's direct certificate, as an anchoring: certHash, authorityId, root (zero for a direct anchor).
  const direct = [base.certHash, base.ids.kgBody, NO_ROOT] as const;
  return { ...base, outcomes, kzCustoms, kzCustoms2, uzCustoms, kgCustoms, spare, agencyIds, direct };
}

/** {@link withAgencies} with the direct certificate's two items declared by KZ: 18,000 KGM and 500 LTR. */
async function withItems() {
  const base = await loadFixture(withAgencies);
  await base.outcomes.connect(base.kzCustoms).declareItems(...base.direct, [
    { total: q(18_000), unit: KGM },
    { total: q(500), unit: LTR },
  ]);
  return base;
}

describe("CertificateOutcomes", function () {
  describe("agencies", function () {
    it("a party admin registers only its own party's agencies, and manages only those", async function () {
      const { outcomes, kzAdmin, uzCustoms, spare, agencyIds } = await loadFixture(withAgencies);
      await expect(outcomes.connect(kzAdmin).registerAgency(UZ, "fake UZ customs", [spare.address]))
        .to.be.revertedWithCustomError(outcomes, "OutcomesNotPartyAdmin")
        .withArgs(kzAdmin.address, UZ);
      await expect(outcomes.connect(kzAdmin).addAgencyAccount(agencyIds.uz, spare.address))
        .to.be.revertedWithCustomError(outcomes, "OutcomesNotPartyAdmin")
        .withArgs(kzAdmin.address, UZ);
      await expect(outcomes.connect(kzAdmin).suspendAgency(agencyIds.uz)).to.be.revertedWithCustomError(outcomes, "OutcomesNotPartyAdmin");
      await expect(outcomes.connect(kzAdmin).removeAgencyAccount(agencyIds.uz, uzCustoms.address)).to.be.revertedWithCustomError(
        outcomes,
        "OutcomesNotPartyAdmin",
      );
    });

    it("an outsider cannot register an agency for anyone", async function () {
      const { outcomes, outsider, spare } = await loadFixture(withAgencies);
      await expect(outcomes.connect(outsider).registerAgency(KZ, "KZ customs?", [spare.address])).to.be.revertedWithCustomError(
        outcomes,
        "OutcomesNotPartyAdmin",
      );
    });

    it("an account writes for one agency only: UZ cannot claim an account of KZ's customs", async function () {
      const { outcomes, uzAdmin, kzCustoms, agencyIds } = await loadFixture(withAgencies);
      await expect(outcomes.connect(uzAdmin).registerAgency(UZ, "UZ border post", [kzCustoms.address]))
        .to.be.revertedWithCustomError(outcomes, "OutcomesAccountAlreadyBound")
        .withArgs(kzCustoms.address, agencyIds.kz);
    });

    it("records agencies, their accounts, and keeps the last account", async function () {
      const { outcomes, kzAdmin, kzCustoms, kzCustoms2, spare, agencyIds } = await loadFixture(withAgencies);
      expect(await outcomes.agencyCount()).to.equal(3);
      expect((await outcomes.getAgency(agencyIds.kz)).party).to.equal(KZ);
      expect(await outcomes.agencyName(agencyIds.kz)).to.equal("KZ State Revenue Committee, customs");
      expect(await outcomes.agencyOfAccount(kzCustoms.address)).to.equal(agencyIds.kz);
      await expect(outcomes.connect(kzAdmin).addAgencyAccount(agencyIds.kz, spare.address))
        .to.emit(outcomes, "AgencyAccountAdded")
        .withArgs(agencyIds.kz, spare.address);
      await outcomes.connect(kzAdmin).removeAgencyAccount(agencyIds.kz, kzCustoms.address);
      await outcomes.connect(kzAdmin).removeAgencyAccount(agencyIds.kz, spare.address);
      expect(await outcomes.agencyAccounts(agencyIds.kz)).to.deep.equal([kzCustoms2.address]);
      await expect(outcomes.connect(kzAdmin).removeAgencyAccount(agencyIds.kz, kzCustoms2.address))
        .to.be.revertedWithCustomError(outcomes, "OutcomesLastAgencyAccount")
        .withArgs(agencyIds.kz);
      expect(await outcomes.agencyOfAccount(kzCustoms.address)).to.equal(0);
    });

    it("a suspended agency writes nothing until its party reactivates it", async function () {
      const { outcomes, kzAdmin, kzCustoms, direct, agencyIds } = await loadFixture(withAgencies);
      await expect(outcomes.connect(kzAdmin).suspendAgency(agencyIds.kz)).to.emit(outcomes, "AgencySuspended").withArgs(agencyIds.kz);
      await expect(outcomes.connect(kzCustoms).recordOutcome(...direct, Outcome.Acknowledged, 0, ethers.ZeroHash))
        .to.be.revertedWithCustomError(outcomes, "OutcomesNotAgency")
        .withArgs(kzCustoms.address);
      await outcomes.connect(kzAdmin).reactivateAgency(agencyIds.kz);
      await expect(outcomes.connect(kzCustoms).recordOutcome(...direct, Outcome.Acknowledged, 0, ethers.ZeroHash)).to.emit(
        outcomes,
        "OutcomeRecorded",
      );
    });

    it("an agency of a party the consortium suspended answers for nothing and writes nothing off", async function () {
      const { ledger, outcomes, kgAdmin, uzAdmin, kzCustoms, direct } = await loadFixture(withItems);
      await pass(ledger, kgAdmin, [uzAdmin], Kind.SuspendParty, KZ);
      await expect(
        outcomes.connect(kzCustoms).recordUtilisation(...direct, declaration("KZ:DT-S"), [{ item: 0, quantity: q(1), usedBefore: 0n }]),
      ).to.be.revertedWithCustomError(outcomes, "OutcomesNotAgency");
      await expect(outcomes.connect(kzCustoms).recordOutcome(...direct, Outcome.Acknowledged, 0, ethers.ZeroHash)).to.be.revertedWithCustomError(
        outcomes,
        "OutcomesNotAgency",
      );
    });
  });

  describe("outcomes", function () {
    it("nobody but an agency's account records an outcome: not an outsider, not the issuer's authority, not a party admin", async function () {
      const { outcomes, outsider, kgBody, kzAdmin, direct } = await loadFixture(withAgencies);
      for (const caller of [outsider, kgBody, kzAdmin]) {
        await expect(outcomes.connect(caller).recordOutcome(...direct, Outcome.Accepted, 0, ethers.ZeroHash))
          .to.be.revertedWithCustomError(outcomes, "OutcomesNotAgency")
          .withArgs(caller.address);
      }
    });

    it("the issuing party's own agency cannot answer for its certificate", async function () {
      const { outcomes, kgCustoms, direct, certHash } = await loadFixture(withAgencies);
      await expect(outcomes.connect(kgCustoms).recordOutcome(...direct, Outcome.Accepted, 0, ethers.ZeroHash))
        .to.be.revertedWithCustomError(outcomes, "OutcomesOwnCertificate")
        .withArgs(certHash, KG);
      await expect(outcomes.connect(kgCustoms).declareItems(...direct, [{ total: q(1), unit: KGM }])).to.be.revertedWithCustomError(
        outcomes,
        "OutcomesOwnCertificate",
      );
    });

    it("an agency writes in its own party's name only: UZ's outcome is UZ's", async function () {
      const { outcomes, uzCustoms, direct, certHash, ids, agencyIds } = await loadFixture(withAgencies);
      const details = randomHash();
      await expect(outcomes.connect(uzCustoms).recordOutcome(...direct, Outcome.Rejected, 4, details))
        .to.emit(outcomes, "OutcomeRecorded")
        .withArgs(certHash, UZ, agencyIds.uz, ids.kgBody, NO_ROOT, Outcome.Rejected, 4, details);
    });

    it("a certificate the ledger does not hold, or another authority's name on it, is refused", async function () {
      const { outcomes, kzCustoms, direct, ids } = await loadFixture(withAgencies);
      const unknown = randomHash();
      await expect(outcomes.connect(kzCustoms).recordOutcome(unknown, ids.kgBody, NO_ROOT, Outcome.Acknowledged, 0, ethers.ZeroHash))
        .to.be.revertedWithCustomError(outcomes, "OutcomesUnknownCertificate")
        .withArgs(unknown, ids.kgBody, NO_ROOT);
      // Another authority named as the anchoring's: no such anchoring.
      await expect(
        outcomes.connect(kzCustoms).recordOutcome(direct[0], ids.kzChamber, NO_ROOT, Outcome.Acknowledged, 0, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(outcomes, "OutcomesUnknownCertificate");
      await expect(outcomes.connect(kzCustoms).recordOutcome(direct[0], 0, NO_ROOT, Outcome.Acknowledged, 0, ethers.ZeroHash)).to.be.revertedWithCustomError(
        outcomes,
        "OutcomesUnknownCertificate",
      );
    });

    it("outcome codes and reasons are checked: a rejection needs a reason from the list, the others none", async function () {
      const { outcomes, kzCustoms, direct } = await loadFixture(withAgencies);
      const max = await outcomes.maxReason();
      for (const [outcome, reason] of [
        [Outcome.None, 0],
        [Outcome.Rejected, 0],
        [Outcome.Rejected, Number(max) + 1],
        [Outcome.Accepted, 3],
        [Outcome.Delivered, 1],
      ]) {
        await expect(outcomes.connect(kzCustoms).recordOutcome(...direct, outcome, reason, ethers.ZeroHash))
          .to.be.revertedWithCustomError(outcomes, "OutcomesInvalidOutcome")
          .withArgs(outcome, reason, max);
      }
      await expect(outcomes.connect(kzCustoms).recordOutcome(...direct, Outcome.Delivered, 0, ethers.ZeroHash)).to.emit(outcomes, "OutcomeRecorded");
      // An outcome past the enum is refused by the ABI decoder itself.
      await expect(outcomes.connect(kzCustoms).recordOutcome(...direct, 9, 0, ethers.ZeroHash)).to.be.reverted;
    });

    it("a batched certificate is named by its batch; a batch its authority never anchored is refused", async function () {
      const base = await loadFixture(withBatch);
      const outcomes = await new CertificateOutcomes__factory(base.deployer).deploy(await base.ledger.getAddress());
      const kzCustoms = base.signers[12];
      await outcomes.connect(base.kzAdmin).registerAgency(KZ, "KZ customs", [kzCustoms.address]);
      const member = base.member(3);
      await expect(outcomes.connect(kzCustoms).recordOutcome(member.certHash, base.ids.kgLab, member.root, Outcome.Accepted, 0, ethers.ZeroHash))
        .to.emit(outcomes, "OutcomeRecorded")
        .withArgs(member.certHash, KZ, 1, base.ids.kgLab, member.root, Outcome.Accepted, 0, ethers.ZeroHash);
      await expect(
        outcomes.connect(kzCustoms).recordOutcome(member.certHash, base.ids.kgLab, randomHash(), Outcome.Accepted, 0, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(outcomes, "OutcomesUnknownCertificate");
      // The same root under another authority is no batch of it, until that authority anchors a copy: then the record
      // names the copy's anchoring, which readers never take for the lab's certificate (the leaf names the lab).
      await expect(
        outcomes.connect(kzCustoms).recordOutcome(member.certHash, base.ids.uzPlant, member.root, Outcome.Accepted, 0, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(outcomes, "OutcomesUnknownCertificate");
    });

    it("the chain leaves the certificate's status to the agency's server: a revoked certificate's rejection is recorded", async function () {
      const { ledger, outcomes, kgBody, kzCustoms, direct, certHash } = await loadFixture(withAgencies);
      await ledger.connect(kgBody).revokeCertificate(certHash, 1, await time.latest(), ethers.ZeroHash);
      await expect(outcomes.connect(kzCustoms).recordOutcome(...direct, Outcome.Rejected, 7, ethers.ZeroHash)).to.emit(outcomes, "OutcomeRecorded");
    });
  });

  describe("items", function () {
    it("are declared once; a second border's declaration must say the same, so an inflated total is caught", async function () {
      const { outcomes, uzCustoms, direct } = await loadFixture(withItems);
      // Same totals: accepted, nothing changes, no event.
      await expect(
        outcomes.connect(uzCustoms).declareItems(...direct, [
          { total: q(18_000), unit: KGM },
          { total: q(500), unit: LTR },
        ]),
      ).not.to.emit(outcomes, "ItemsDeclared");
      // A hostile or mistaken border cannot raise the total, change a unit, or drop or add an item.
      for (const items of [
        [
          { total: q(180_000), unit: KGM },
          { total: q(500), unit: LTR },
        ],
        [
          { total: q(18_000), unit: unit("TNE") },
          { total: q(500), unit: LTR },
        ],
        [{ total: q(18_000), unit: KGM }],
        [
          { total: q(18_000), unit: KGM },
          { total: q(500), unit: LTR },
          { total: q(1), unit: KGM },
        ],
      ]) {
        await expect(outcomes.connect(uzCustoms).declareItems(...direct, items)).to.be.revertedWithCustomError(outcomes, "OutcomesItemsMismatch");
      }
      const item = await outcomes.getItem(...direct, 0);
      expect([item.total, item.used, item.unit, item.issuingParty, item.itemCount]).to.deep.equal([q(18_000), 0n, KGM, KG, 2n]);
    });

    it("a hostile first border's wrong totals are corrected by the issuer, never below what is used; nobody else may correct", async function () {
      const { outcomes, kzCustoms, uzCustoms, kgBody, kgBody2, kgAdmin, kzAdmin, kzChamber, direct, certHash } = await loadFixture(withItems);
      const use = [{ item: 0, quantity: q(2_000), usedBefore: 0n }];
      await outcomes.connect(kzCustoms).recordUtilisation(...direct, declaration("KZ:1"), use);
      // Say KZ declared 18,000 where the certificate says 20,000: UZ's honest declaration is refused as a mismatch.
      const truth = [
        { total: q(20_000), unit: KGM },
        { total: q(500), unit: LTR },
      ];
      await expect(outcomes.connect(uzCustoms).declareItems(...direct, truth)).to.be.revertedWithCustomError(outcomes, "OutcomesItemsMismatch");
      for (const stranger of [uzCustoms, kzAdmin, kzChamber]) {
        await expect(outcomes.connect(stranger).correctItems(...direct, truth))
          .to.be.revertedWithCustomError(outcomes, "OutcomesNotIssuer")
          .withArgs(stranger.address, direct[1]);
      }
      // Not below what is used already.
      await expect(
        outcomes.connect(kgBody).correctItems(...direct, [
          { total: q(1_000), unit: KGM },
          { total: q(500), unit: LTR },
        ]),
      )
        .to.be.revertedWithCustomError(outcomes, "OutcomesItemsBelowUse")
        .withArgs(certHash, 0, q(2_000));
      await expect(outcomes.connect(kgBody2).correctItems(...direct, truth))
        .to.emit(outcomes, "ItemsDeclared")
        .withArgs(certHash, KG, 0, direct[1], NO_ROOT, KG, (items: unknown[]) => items.length === 2);
      const item = await outcomes.getItem(...direct, 0);
      expect([item.total, item.used, item.itemCount]).to.deep.equal([q(20_000), q(2_000), 2n]);
      // Now UZ's declaration matches, and its party admin could have corrected it as well.
      await outcomes.connect(uzCustoms).declareItems(...direct, truth);
      await outcomes.connect(kgAdmin).correctItems(...direct, truth);
    });

    it("need a total and a unit for each item", async function () {
      const { outcomes, kzCustoms, direct } = await loadFixture(withAgencies);
      await expect(outcomes.connect(kzCustoms).declareItems(...direct, [])).to.be.revertedWithCustomError(outcomes, "OutcomesInvalidItems");
      await expect(outcomes.connect(kzCustoms).declareItems(...direct, [{ total: 0, unit: KGM }]))
        .to.be.revertedWithCustomError(outcomes, "OutcomesInvalidItems")
        .withArgs(0, 255);
      await expect(
        outcomes.connect(kzCustoms).declareItems(...direct, [
          { total: q(1), unit: KGM },
          { total: q(1), unit: "0x00000000" },
        ],
      )).to.be.revertedWithCustomError(outcomes, "OutcomesInvalidItems").withArgs(1, 255);
    });
  });

  describe("utilisation", function () {
    it("KZ uses 10,000 then 8,000 of 18,000 KGM; a third use of 1 KGM is refused naming 0 left; UZ cannot use any", async function () {
      const { outcomes, kzCustoms, uzCustoms, certHash, ids, agencyIds } = await loadFixture(withItems);
      const use = (quantity: bigint, usedBefore: bigint) => [{ item: 0, quantity, usedBefore }];
      await expect(
        outcomes.connect(kzCustoms).recordUtilisation(certHash, ids.kgBody, NO_ROOT, declaration("KZ:DT-1"), use(q(10_000), 0n)),
      )
        .to.emit(outcomes, "ItemUsed")
        .withArgs(certHash, KZ, declaration("KZ:DT-1"), agencyIds.kz, ids.kgBody, NO_ROOT, 0, q(10_000), q(10_000));
      await outcomes.connect(kzCustoms).recordUtilisation(certHash, ids.kgBody, NO_ROOT, declaration("KZ:DT-2"), use(q(8_000), q(10_000)));
      await expect(
        outcomes.connect(kzCustoms).recordUtilisation(certHash, ids.kgBody, NO_ROOT, declaration("KZ:DT-3"), use(q(1), q(18_000))),
      )
        .to.be.revertedWithCustomError(outcomes, "OutcomesOverUtilisation")
        .withArgs(certHash, 0, q(1), 0, KGM);
      await expect(
        outcomes.connect(uzCustoms).recordUtilisation(certHash, ids.kgBody, NO_ROOT, declaration("UZ:GTD-9"), use(q(1), q(18_000))),
      )
        .to.be.revertedWithCustomError(outcomes, "OutcomesOverUtilisation")
        .withArgs(certHash, 0, q(1), 0, KGM);
      expect((await outcomes.getItem(certHash, ids.kgBody, NO_ROOT, 0)).used).to.equal(q(18_000));
      // The other item is untouched.
      expect((await outcomes.getItem(certHash, ids.kgBody, NO_ROOT, 1)).used).to.equal(0);
    });

    it("a write-off sent again (a retry after a crash, or from a second server) never counts twice", async function () {
      const { outcomes, kzCustoms, kzCustoms2, certHash, ids } = await loadFixture(withItems);
      const uses = [{ item: 0, quantity: q(10_000), usedBefore: 0n }];
      await outcomes.connect(kzCustoms).recordUtilisation(certHash, ids.kgBody, NO_ROOT, declaration("KZ:DT-1"), uses);
      await expect(outcomes.connect(kzCustoms2).recordUtilisation(certHash, ids.kgBody, NO_ROOT, declaration("KZ:DT-1"), uses))
        .to.be.revertedWithCustomError(outcomes, "OutcomesStaleUse")
        .withArgs(certHash, 0, 0, q(10_000));
      expect((await outcomes.getItem(certHash, ids.kgBody, NO_ROOT, 0)).used).to.equal(q(10_000));
      // The declaration is found by its hash in the events, which is how a server learns it already counted.
      const logs = await outcomes.queryFilter(outcomes.filters.ItemUsed(certHash, KZ, declaration("KZ:DT-1")));
      expect(logs.map((log) => log.args.quantity)).to.deep.equal([q(10_000)]);
    });

    it("two KZ servers writing off the same item in the same block never exceed its quantity", async function () {
      const { outcomes, kzCustoms, kzCustoms2, certHash, ids } = await loadFixture(withItems);
      // 10,000 each of 18,000, both read the item at 0 used: only one may count.
      const uses = [{ item: 0, quantity: q(10_000), usedBefore: 0n }];
      await network.provider.send("evm_setAutomine", [false]);
      try {
        const first = await outcomes.connect(kzCustoms).recordUtilisation(certHash, ids.kgBody, NO_ROOT, declaration("KZ:A"), uses, {
          gasLimit: 200_000,
        });
        const second = await outcomes.connect(kzCustoms2).recordUtilisation(certHash, ids.kgBody, NO_ROOT, declaration("KZ:B"), uses, {
          gasLimit: 200_000,
        });
        await network.provider.send("evm_mine", []);
        const receipts = await Promise.all([first, second].map((tx) => ethers.provider.getTransactionReceipt(tx.hash)));
        expect(receipts[0]!.blockNumber).to.equal(receipts[1]!.blockNumber);
        expect(receipts.map((r) => r!.status).sort()).to.deep.equal([0, 1]);
      } finally {
        await network.provider.send("evm_setAutomine", [true]);
      }
      expect((await outcomes.getItem(certHash, ids.kgBody, NO_ROOT, 0)).used).to.equal(q(10_000));
      // Read again, the second declaration fits no more: 8,000 are left.
      await expect(
        outcomes
          .connect(kzCustoms2)
          .recordUtilisation(certHash, ids.kgBody, NO_ROOT, declaration("KZ:B"), [{ item: 0, quantity: q(10_000), usedBefore: q(10_000) }]),
      )
        .to.be.revertedWithCustomError(outcomes, "OutcomesOverUtilisation")
        .withArgs(certHash, 0, q(10_000), q(8_000), KGM);
    });

    it("refuses an unknown item, a zero quantity, an undeclared certificate, and the issuer's own agency", async function () {
      const { outcomes, kzCustoms, kgCustoms, certHash, ids } = await loadFixture(withItems);
      const write = (signer: typeof kzCustoms, uses: { item: number; quantity: bigint; usedBefore: bigint }[], hash = certHash) =>
        outcomes.connect(signer).recordUtilisation(hash, ids.kgBody, NO_ROOT, randomHash(), uses);
      await expect(write(kzCustoms, [{ item: 2, quantity: q(1), usedBefore: 0n }]))
        .to.be.revertedWithCustomError(outcomes, "OutcomesUnknownItem")
        .withArgs(certHash, 2);
      await expect(write(kzCustoms, [{ item: 0, quantity: 0n, usedBefore: 0n }]))
        .to.be.revertedWithCustomError(outcomes, "OutcomesInvalidUse")
        .withArgs(0);
      await expect(write(kzCustoms, [])).to.be.revertedWithCustomError(outcomes, "OutcomesInvalidUse");
      const other = randomHash();
      await expect(write(kzCustoms, [{ item: 0, quantity: q(1), usedBefore: 0n }], other))
        .to.be.revertedWithCustomError(outcomes, "OutcomesUnknownItem")
        .withArgs(other, 0);
      await expect(write(kgCustoms, [{ item: 0, quantity: q(1), usedBefore: 0n }]))
        .to.be.revertedWithCustomError(outcomes, "OutcomesOwnCertificate")
        .withArgs(certHash, KG);
    });

    it("a later, conflicting anchoring of the same hash gets items of its own and never touches the certificate's", async function () {
      const { ledger, outcomes, kzChamber, uzCustoms, certHash, ids, direct } = await loadFixture(withItems);
      // KZ's chamber batches KG's hash under its own authority: a later anchoring, which readers report as a conflict.
      const validUntil = BigInt(await time.latest()) + BigInt(YEAR);
      const batch = merkleBatch(ids.kzChamber, [[certHash, randomHash(), validUntil], ...randomCerts(1, validUntil)]);
      await ledger.connect(kzChamber).anchorBatch(batch.root, CertType.Origin, 2, randomCid());
      await outcomes.connect(uzCustoms).declareItems(certHash, ids.kzChamber, batch.root, [{ total: q(1_000_000), unit: KGM }]);
      await outcomes
        .connect(uzCustoms)
        .recordUtilisation(certHash, ids.kzChamber, batch.root, randomHash(), [{ item: 0, quantity: q(500_000), usedBefore: 0n }]);
      const item = await outcomes.getItem(...direct, 0);
      expect([item.total, item.used]).to.deep.equal([q(18_000), 0n]);
    });
  });
});
