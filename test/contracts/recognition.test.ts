import { expect } from "chai";
import { CertType, KG, KZ, Kind, TJ, UZ, loadFixture, pass, types, withAuthorities } from "./fixtures";

const ALL_TYPES = [CertType.Conformity, CertType.TestReport, CertType.Origin, CertType.Phytosanitary] as const;

/** {@link withAuthorities} with UZ suspended by KG and KZ. */
async function withUzSuspended() {
  const base = await loadFixture(withAuthorities);
  await pass(base.ledger, base.kgAdmin, [base.kzAdmin], Kind.SuspendParty, UZ);
  return base;
}

describe("Recognition", function () {
  describe("by party", function () {
    it("the importer's admin recognises types from every authority of an issuing party", async function () {
      const { ledger, kzAdmin, ids } = await loadFixture(withAuthorities);
      const set = types(CertType.Conformity, CertType.TestReport);
      await expect(ledger.connect(kzAdmin).setPartyRecognition(KZ, KG, set)).to.emit(ledger, "PartyRecognitionSet").withArgs(KZ, KG, set);
      expect(await ledger.partyRecognition(KZ, KG)).to.equal(set);
      expect(await ledger.partyRecognition(KG, KZ)).to.equal(0);
      expect(await ledger.partyRecognition(UZ, KG)).to.equal(0);
      for (const authority of [ids.kgBody, ids.kgLab]) {
        expect(await ledger.recognises(KZ, authority, CertType.Conformity)).to.equal(true);
        expect(await ledger.recognises(KZ, authority, CertType.TestReport)).to.equal(true);
        expect(await ledger.recognises(KZ, authority, CertType.Origin)).to.equal(false);
        // Recognition is one-way and per importer.
        expect(await ledger.recognises(UZ, authority, CertType.Conformity)).to.equal(false);
      }
      expect(await ledger.recognises(KG, ids.kzChamber, CertType.Origin)).to.equal(false);
    });

    it("nothing foreign is recognised before a recognition is set", async function () {
      const { ledger, ids } = await loadFixture(withAuthorities);
      for (const importer of [KG, KZ, UZ]) {
        for (const [authority, issuer] of [
          [ids.kgBody, KG],
          [ids.kgLab, KG],
          [ids.kzChamber, KZ],
          [ids.uzPlant, UZ],
        ] as const) {
          if (issuer === importer) continue;
          for (const type of ALL_TYPES) expect(await ledger.recognises(importer, authority, type)).to.equal(false);
        }
      }
    });

    it("a new recognition replaces the previous one, and 0 withdraws it", async function () {
      const { ledger, kzAdmin, ids } = await loadFixture(withAuthorities);
      await ledger.connect(kzAdmin).setPartyRecognition(KZ, KG, types(CertType.Conformity, CertType.TestReport));
      await ledger.connect(kzAdmin).setPartyRecognition(KZ, KG, types(CertType.TestReport));
      expect(await ledger.recognises(KZ, ids.kgBody, CertType.Conformity)).to.equal(false);
      expect(await ledger.recognises(KZ, ids.kgBody, CertType.TestReport)).to.equal(true);
      await expect(ledger.connect(kzAdmin).setPartyRecognition(KZ, KG, 0)).to.emit(ledger, "PartyRecognitionSet").withArgs(KZ, KG, 0);
      expect(await ledger.partyRecognition(KZ, KG)).to.equal(0);
      expect(await ledger.recognises(KZ, ids.kgBody, CertType.TestReport)).to.equal(false);
    });

    it("a party cannot set recognition of itself", async function () {
      const { ledger, kgAdmin } = await loadFixture(withAuthorities);
      await expect(ledger.connect(kgAdmin).setPartyRecognition(KG, KG, types(CertType.Conformity)))
        .to.be.revertedWithCustomError(ledger, "LedgerSelfRecognition")
        .withArgs(KG);
      await expect(ledger.connect(kgAdmin).setPartyRecognition(KG, KG, 0)).to.be.revertedWithCustomError(ledger, "LedgerSelfRecognition").withArgs(KG);
    });

    it("an unknown issuing party is refused", async function () {
      const { ledger, kgAdmin } = await loadFixture(withAuthorities);
      await expect(ledger.connect(kgAdmin).setPartyRecognition(KG, TJ, types(CertType.Origin)))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownParty")
        .withArgs(TJ);
      await expect(ledger.connect(kgAdmin).setPartyRecognition(KG, "0x0000", types(CertType.Origin)))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownParty")
        .withArgs("0x0000");
    });

    it("a type set naming type 0 is refused", async function () {
      const { ledger, kgAdmin } = await loadFixture(withAuthorities);
      for (const set of [types(0), types(0, CertType.Origin)]) {
        await expect(ledger.connect(kgAdmin).setPartyRecognition(KG, KZ, set)).to.be.revertedWithCustomError(ledger, "LedgerInvalidScope").withArgs(set);
      }
      expect(await ledger.partyRecognition(KG, KZ)).to.equal(0);
    });

    it("types up to 63 can be recognised", async function () {
      const { ledger, kgAdmin, ids } = await loadFixture(withAuthorities);
      const set = types(CertType.Origin, 63);
      await ledger.connect(kgAdmin).setPartyRecognition(KG, KZ, set);
      expect(await ledger.partyRecognition(KG, KZ)).to.equal(set);
      expect(await ledger.recognises(KG, ids.kzChamber, 63)).to.equal(true);
      expect(await ledger.recognises(KG, ids.kzChamber, 0)).to.equal(false);
      expect(await ledger.recognises(KG, ids.kzChamber, 64)).to.equal(false);
    });

    it("only an admin of the importing party sets its recognition", async function () {
      const { ledger, kgAdmin, outsider, kzChamber } = await loadFixture(withAuthorities);
      for (const caller of [kgAdmin, outsider, kzChamber]) {
        await expect(ledger.connect(caller).setPartyRecognition(KZ, UZ, types(CertType.Phytosanitary)))
          .to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin")
          .withArgs(caller.address, KZ);
      }
    });

    it("a suspended party cannot change its recognition, but it can still be recognised", async function () {
      const { ledger, uzAdmin, kgAdmin, ids } = await loadFixture(withUzSuspended);
      await expect(ledger.connect(uzAdmin).setPartyRecognition(UZ, KG, types(CertType.Conformity)))
        .to.be.revertedWithCustomError(ledger, "LedgerPartyNotActive")
        .withArgs(UZ);
      await expect(ledger.connect(uzAdmin).setAuthorityRecognition(UZ, ids.kgBody, types(CertType.Conformity)))
        .to.be.revertedWithCustomError(ledger, "LedgerPartyNotActive")
        .withArgs(UZ);
      await expect(ledger.connect(kgAdmin).setPartyRecognition(KG, UZ, types(CertType.Phytosanitary)))
        .to.emit(ledger, "PartyRecognitionSet")
        .withArgs(KG, UZ, types(CertType.Phytosanitary));
    });
  });

  describe("by authority", function () {
    it("the importer's admin recognises types from a single foreign authority", async function () {
      const { ledger, uzAdmin, ids } = await loadFixture(withAuthorities);
      const set = types(CertType.TestReport);
      await expect(ledger.connect(uzAdmin).setAuthorityRecognition(UZ, ids.kgLab, set))
        .to.emit(ledger, "AuthorityRecognitionSet")
        .withArgs(UZ, ids.kgLab, set);
      expect(await ledger.authorityRecognition(UZ, ids.kgLab)).to.equal(set);
      expect(await ledger.authorityRecognition(UZ, ids.kgBody)).to.equal(0);
      expect(await ledger.partyRecognition(UZ, KG)).to.equal(0);
      expect(await ledger.recognises(UZ, ids.kgLab, CertType.TestReport)).to.equal(true);
      // Not the authority's sibling, not another type, not another importer.
      expect(await ledger.recognises(UZ, ids.kgBody, CertType.TestReport)).to.equal(false);
      expect(await ledger.recognises(UZ, ids.kgLab, CertType.Conformity)).to.equal(false);
      expect(await ledger.recognises(KZ, ids.kgLab, CertType.TestReport)).to.equal(false);
    });

    it("single-authority recognition adds to party-wide recognition", async function () {
      const { ledger, uzAdmin, ids } = await loadFixture(withAuthorities);
      await ledger.connect(uzAdmin).setPartyRecognition(UZ, KG, types(CertType.Conformity));
      await ledger.connect(uzAdmin).setAuthorityRecognition(UZ, ids.kgLab, types(CertType.TestReport));
      expect(await ledger.recognises(UZ, ids.kgLab, CertType.Conformity)).to.equal(true);
      expect(await ledger.recognises(UZ, ids.kgLab, CertType.TestReport)).to.equal(true);
      expect(await ledger.recognises(UZ, ids.kgBody, CertType.Conformity)).to.equal(true);
      expect(await ledger.recognises(UZ, ids.kgBody, CertType.TestReport)).to.equal(false);

      // Withdrawing one layer leaves the other.
      await ledger.connect(uzAdmin).setPartyRecognition(UZ, KG, 0);
      expect(await ledger.recognises(UZ, ids.kgLab, CertType.Conformity)).to.equal(false);
      expect(await ledger.recognises(UZ, ids.kgLab, CertType.TestReport)).to.equal(true);
      await ledger.connect(uzAdmin).setPartyRecognition(UZ, KG, types(CertType.TestReport));
      await expect(ledger.connect(uzAdmin).setAuthorityRecognition(UZ, ids.kgLab, 0))
        .to.emit(ledger, "AuthorityRecognitionSet")
        .withArgs(UZ, ids.kgLab, 0);
      expect(await ledger.authorityRecognition(UZ, ids.kgLab)).to.equal(0);
      expect(await ledger.recognises(UZ, ids.kgLab, CertType.TestReport)).to.equal(true);
    });

    it("unrecognising a single authority with 0 withdraws its recognition", async function () {
      const { ledger, uzAdmin, ids } = await loadFixture(withAuthorities);
      await ledger.connect(uzAdmin).setAuthorityRecognition(UZ, ids.kzChamber, types(CertType.Origin));
      await ledger.connect(uzAdmin).setAuthorityRecognition(UZ, ids.kzChamber, 0);
      expect(await ledger.recognises(UZ, ids.kzChamber, CertType.Origin)).to.equal(false);
    });

    it("a party cannot set recognition of its own authority", async function () {
      const { ledger, kgAdmin, ids } = await loadFixture(withAuthorities);
      await expect(ledger.connect(kgAdmin).setAuthorityRecognition(KG, ids.kgBody, types(CertType.Conformity)))
        .to.be.revertedWithCustomError(ledger, "LedgerSelfRecognition")
        .withArgs(KG);
    });

    it("an unknown authority is refused", async function () {
      const { ledger, kgAdmin } = await loadFixture(withAuthorities);
      for (const authorityId of [0, 5, 4_000_000_000]) {
        await expect(ledger.connect(kgAdmin).setAuthorityRecognition(KG, authorityId, types(CertType.Origin)))
          .to.be.revertedWithCustomError(ledger, "LedgerUnknownAuthority")
          .withArgs(authorityId);
      }
    });

    it("a type set naming type 0 is refused for a single authority too", async function () {
      const { ledger, kgAdmin, ids } = await loadFixture(withAuthorities);
      const set = types(0, CertType.Origin);
      await expect(ledger.connect(kgAdmin).setAuthorityRecognition(KG, ids.kzChamber, set))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidScope")
        .withArgs(set);
    });

    it("only an admin of the importing party sets its recognition of an authority", async function () {
      const { ledger, kgAdmin, outsider, ids } = await loadFixture(withAuthorities);
      for (const caller of [kgAdmin, outsider]) {
        await expect(ledger.connect(caller).setAuthorityRecognition(KZ, ids.uzPlant, types(CertType.Phytosanitary)))
          .to.be.revertedWithCustomError(ledger, "LedgerNotPartyAdmin")
          .withArgs(caller.address, KZ);
      }
    });
  });

  describe("recognises()", function () {
    it("a party always recognises its own authorities", async function () {
      const { ledger, ids } = await loadFixture(withAuthorities);
      for (const type of ALL_TYPES) {
        expect(await ledger.recognises(KG, ids.kgBody, type)).to.equal(true);
        expect(await ledger.recognises(KG, ids.kgLab, type)).to.equal(true);
        expect(await ledger.recognises(KZ, ids.kzChamber, type)).to.equal(true);
        expect(await ledger.recognises(UZ, ids.uzPlant, type)).to.equal(true);
      }
    });

    it("a party's own recognition still names a real type: type 0 and types past 63 are not recognised", async function () {
      const { ledger, ids } = await loadFixture(withAuthorities);
      for (const type of [0, 64, 255]) {
        expect(await ledger.recognises(KG, ids.kgBody, type)).to.equal(false);
      }
      expect(await ledger.recognises(KG, ids.kgBody, 63)).to.equal(true);
    });

    it("is false for an unknown authority, whoever asks", async function () {
      const { ledger, kzAdmin } = await loadFixture(withAuthorities);
      await ledger.connect(kzAdmin).setPartyRecognition(KZ, KG, types(CertType.Conformity));
      for (const importer of [KG, KZ, UZ, TJ, "0x0000"]) {
        for (const authorityId of [0, 5, 99]) {
          expect(await ledger.recognises(importer, authorityId, CertType.Conformity)).to.equal(false);
        }
      }
    });

    it("is false for an importer that is not a party", async function () {
      const { ledger, ids } = await loadFixture(withAuthorities);
      expect(await ledger.recognises(TJ, ids.kgBody, CertType.Conformity)).to.equal(false);
    });
  });
});
