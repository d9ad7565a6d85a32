import { expect } from "chai";
import { ethers } from "hardhat";
import { DAY, ES256, YEAR, loadFixture, randomHash, time, withAuthorities } from "./fixtures";

const ES384 = ethers.zeroPadBytes(ethers.toUtf8Bytes("ES384"), 16);

describe("Signing keys", function () {
  describe("adding", function () {
    it("an account of the authority adds a key, with an event, and the record says whose and when", async function () {
      const { ledger, kgBody2, ids } = await loadFixture(withAuthorities);
      const thumbprint = randomHash();
      const now = BigInt(await time.latest());
      await expect(ledger.connect(kgBody2).addSigningKey(ids.kgBody, thumbprint, ES256, now, now + BigInt(YEAR)))
        .to.emit(ledger, "SigningKeyAdded")
        .withArgs(ids.kgBody, thumbprint, ES256, now, now + BigInt(YEAR));
      const key = await ledger.getSigningKey(ids.kgBody, thumbprint);
      expect(key.authorityId).to.equal(ids.kgBody);
      expect(key.validFrom).to.equal(now);
      expect(key.validUntil).to.equal(now + BigInt(YEAR));
      expect(key.compromisedAt).to.equal(0);
      expect(key.alg).to.equal(ES256);
    });

    it("the authority's party admin adds a key for it", async function () {
      const { ledger, kzAdmin, ids } = await loadFixture(withAuthorities);
      const thumbprint = randomHash();
      const now = BigInt(await time.latest());
      await expect(ledger.connect(kzAdmin).addSigningKey(ids.kzChamber, thumbprint, ES384, now + 1n, now + BigInt(DAY)))
        .to.emit(ledger, "SigningKeyAdded")
        .withArgs(ids.kzChamber, thumbprint, ES384, now + 1n, now + BigInt(DAY));
      expect((await ledger.getSigningKey(ids.kzChamber, thumbprint)).authorityId).to.equal(ids.kzChamber);
    });

    it("another authority, another party's admin or an outsider cannot add a key", async function () {
      const { ledger, kgLab, kzAdmin, outsider, ids } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      for (const caller of [kgLab, kzAdmin, outsider]) {
        await expect(ledger.connect(caller).addSigningKey(ids.kgBody, randomHash(), ES256, now, now + BigInt(YEAR)))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
          .withArgs(caller.address, ids.kgBody);
      }
    });

    it("a key for an unknown authority is refused", async function () {
      const { ledger, kgAdmin } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      for (const id of [0, 5]) {
        await expect(ledger.connect(kgAdmin).addSigningKey(id, randomHash(), ES256, now, now + BigInt(YEAR)))
          .to.be.revertedWithCustomError(ledger, "LedgerUnknownAuthority")
          .withArgs(id);
      }
    });

    it("a zero thumbprint is refused", async function () {
      const { ledger, kgBody, ids } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      await expect(ledger.connect(kgBody).addSigningKey(ids.kgBody, ethers.ZeroHash, ES256, now, now + BigInt(YEAR))).to.be.revertedWithCustomError(
        ledger,
        "LedgerZeroKeyThumbprint",
      );
    });

    it("an empty algorithm name is refused", async function () {
      const { ledger, kgBody, ids } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      await expect(
        ledger.connect(kgBody).addSigningKey(ids.kgBody, randomHash(), ethers.zeroPadBytes("0x", 16), now, now + BigInt(YEAR)),
      ).to.be.revertedWithCustomError(ledger, "LedgerEmptyKeyAlgorithm");
    });

    it("a validity period that does not start before it ends is refused", async function () {
      const { ledger, kgBody, ids } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      for (const [from, until] of [
        [now, now],
        [now + 10n, now],
      ]) {
        await expect(ledger.connect(kgBody).addSigningKey(ids.kgBody, randomHash(), ES256, from, until))
          .to.be.revertedWithCustomError(ledger, "LedgerInvalidValidityPeriod")
          .withArgs(from, until);
      }
    });

    it("an authority can register a thumbprint only once, through any of its managers", async function () {
      const { ledger, kgBody, kgAdmin, ids, keys } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      for (const caller of [kgBody, kgAdmin]) {
        await expect(ledger.connect(caller).addSigningKey(ids.kgBody, keys.kgBody, ES256, now, now + BigInt(YEAR)))
          .to.be.revertedWithCustomError(ledger, "LedgerKeyAlreadyRegistered")
          .withArgs(ids.kgBody, keys.kgBody);
      }
    });

    it("another party's authority registering a thumbprint first does not stop its rightful authority from registering it", async function () {
      const { ledger, kgBody, kgAdmin, kzChamber, kzAdmin, ids } = await loadFixture(withAuthorities);
      const thumbprint = randomHash();
      const now = BigInt(await time.latest());
      // KZ's chamber sees KG's pending addSigningKey (or KG's public key) and registers the thumbprint first.
      await expect(ledger.connect(kzChamber).addSigningKey(ids.kzChamber, thumbprint, ES256, now, now + BigInt(DAY)))
        .to.emit(ledger, "SigningKeyAdded")
        .withArgs(ids.kzChamber, thumbprint, ES256, now, now + BigInt(DAY));
      await expect(ledger.connect(kgBody).addSigningKey(ids.kgBody, thumbprint, ES384, now, now + BigInt(YEAR)))
        .to.emit(ledger, "SigningKeyAdded")
        .withArgs(ids.kgBody, thumbprint, ES384, now, now + BigInt(YEAR));

      // Each registration is its own record.
      const kg = await ledger.getSigningKey(ids.kgBody, thumbprint);
      expect([kg.authorityId, kg.validUntil, kg.alg]).to.deep.equal([BigInt(ids.kgBody), now + BigInt(YEAR), ES384]);
      const kz = await ledger.getSigningKey(ids.kzChamber, thumbprint);
      expect([kz.authorityId, kz.validUntil, kz.alg]).to.deep.equal([BigInt(ids.kzChamber), now + BigInt(DAY), ES256]);
      expect((await ledger.getSigningKey(ids.kgLab, thumbprint)).authorityId).to.equal(0);

      // KZ can neither compromise nor rotate KG's record, by its accounts or its admin.
      const at = BigInt(await time.latest());
      for (const caller of [kzChamber, kzAdmin]) {
        await expect(ledger.connect(caller).compromiseSigningKey(ids.kgBody, thumbprint, at))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
          .withArgs(caller.address, ids.kgBody);
        await expect(ledger.connect(caller).rotateSigningKey(ids.kgBody, thumbprint, randomHash(), ES256, at + BigInt(YEAR)))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
          .withArgs(caller.address, ids.kgBody);
      }
      // Nor can KG's authority touch a record KZ never made, or KZ's record of the same thumbprint.
      const kgOnly = randomHash();
      await ledger.connect(kgBody).addSigningKey(ids.kgBody, kgOnly, ES256, now, now + BigInt(YEAR));
      await expect(ledger.connect(kzChamber).compromiseSigningKey(ids.kzChamber, kgOnly, at))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownKey")
        .withArgs(ids.kzChamber, kgOnly);
      await expect(ledger.connect(kzChamber).rotateSigningKey(ids.kzChamber, kgOnly, randomHash(), ES256, at + BigInt(YEAR)))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownKey")
        .withArgs(ids.kzChamber, kgOnly);
      await expect(ledger.connect(kgAdmin).compromiseSigningKey(ids.kzChamber, thumbprint, at))
        .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
        .withArgs(kgAdmin.address, ids.kzChamber);

      // KG's compromise of its record leaves KZ's record as it was, and the other way round.
      const compromisedAt = BigInt(await time.latest());
      await expect(ledger.connect(kgBody).compromiseSigningKey(ids.kgBody, thumbprint, compromisedAt))
        .to.emit(ledger, "SigningKeyCompromised")
        .withArgs(ids.kgBody, thumbprint, compromisedAt);
      expect((await ledger.getSigningKey(ids.kgBody, thumbprint)).compromisedAt).to.equal(compromisedAt);
      expect((await ledger.getSigningKey(ids.kzChamber, thumbprint)).compromisedAt).to.equal(0);
      expect(await ledger.isKeyValidAt(ids.kgBody, thumbprint, compromisedAt)).to.equal(false);
      expect(await ledger.isKeyValidAt(ids.kzChamber, thumbprint, compromisedAt)).to.equal(true);
      expect(await ledger.isKeyValidAt(ids.kgLab, thumbprint, compromisedAt)).to.equal(false);
    });

    it("a suspended authority cannot add a key, neither through its account nor its party admin", async function () {
      const { ledger, kgAdmin, kgLab, ids } = await loadFixture(withAuthorities);
      await ledger.connect(kgAdmin).suspendAuthority(ids.kgLab);
      const now = BigInt(await time.latest());
      for (const caller of [kgLab, kgAdmin]) {
        await expect(ledger.connect(caller).addSigningKey(ids.kgLab, randomHash(), ES256, now, now + BigInt(YEAR)))
          .to.be.revertedWithCustomError(ledger, "LedgerAuthorityNotActive")
          .withArgs(ids.kgLab);
      }
    });
  });

  describe("rotation", function () {
    it("retires the old key at the rotation time and makes the new one valid from then", async function () {
      const { ledger, kgBody, ids, keys } = await loadFixture(withAuthorities);
      const newKey = randomHash();
      const at = BigInt(await time.latest()) + BigInt(DAY);
      const until = at + BigInt(YEAR);
      await time.setNextBlockTimestamp(at);
      const tx = ledger.connect(kgBody).rotateSigningKey(ids.kgBody, keys.kgBody, newKey, ES384, until);
      await expect(tx).to.emit(ledger, "SigningKeyRotated").withArgs(ids.kgBody, keys.kgBody, newKey, at);
      await expect(tx).to.emit(ledger, "SigningKeyAdded").withArgs(ids.kgBody, newKey, ES384, at, until);

      const old = await ledger.getSigningKey(ids.kgBody, keys.kgBody);
      expect(old.validUntil).to.equal(at);
      const fresh = await ledger.getSigningKey(ids.kgBody, newKey);
      expect(fresh.authorityId).to.equal(ids.kgBody);
      expect(fresh.validFrom).to.equal(at);
      expect(fresh.validUntil).to.equal(until);
      expect(fresh.alg).to.equal(ES384);

      expect(await ledger.isKeyValidAt(ids.kgBody, keys.kgBody, at)).to.equal(true);
      expect(await ledger.isKeyValidAt(ids.kgBody, keys.kgBody, at + 1n)).to.equal(false);
      expect(await ledger.isKeyValidAt(ids.kgBody, newKey, at - 1n)).to.equal(false);
      expect(await ledger.isKeyValidAt(ids.kgBody, newKey, at)).to.equal(true);
    });

    it("the party admin may rotate the authority's key", async function () {
      const { ledger, kgAdmin, ids, keys } = await loadFixture(withAuthorities);
      const newKey = randomHash();
      const at = BigInt(await time.latest()) + 60n;
      await time.setNextBlockTimestamp(at);
      await expect(ledger.connect(kgAdmin).rotateSigningKey(ids.kgLab, keys.kgLab, newKey, ES256, at + BigInt(YEAR)))
        .to.emit(ledger, "SigningKeyRotated")
        .withArgs(ids.kgLab, keys.kgLab, newKey, at);
      expect((await ledger.getSigningKey(ids.kgLab, newKey)).validFrom).to.equal(at);
    });

    it("never extends a key already past its end", async function () {
      const { ledger, kgBody, ids } = await loadFixture(withAuthorities);
      const shortKey = randomHash();
      const now = BigInt(await time.latest());
      const end = now + BigInt(DAY);
      await ledger.connect(kgBody).addSigningKey(ids.kgBody, shortKey, ES256, now, end);
      await time.increaseTo(end + BigInt(DAY));
      const newKey = randomHash();
      await expect(ledger.connect(kgBody).rotateSigningKey(ids.kgBody, shortKey, newKey, ES256, end + BigInt(YEAR)))
        .to.emit(ledger, "SigningKeyRotated")
        .withArgs(ids.kgBody, shortKey, newKey, end);
      expect((await ledger.getSigningKey(ids.kgBody, shortKey)).validUntil).to.equal(end);
      expect(await ledger.isKeyValidAt(ids.kgBody, shortKey, end + 1n)).to.equal(false);
    });

    it("an unknown old key is refused", async function () {
      const { ledger, kgBody, ids } = await loadFixture(withAuthorities);
      const unknown = randomHash();
      await expect(ledger.connect(kgBody).rotateSigningKey(ids.kgBody, unknown, randomHash(), ES256, BigInt(await time.latest()) + BigInt(YEAR)))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownKey")
        .withArgs(ids.kgBody, unknown);
    });

    it("an authority cannot rotate a key that only another authority registered, and that key stays as it was", async function () {
      const { ledger, kgBody, kgAdmin, ids, keys } = await loadFixture(withAuthorities);
      const before = await ledger.getSigningKey(ids.kgLab, keys.kgLab);
      const validUntil = BigInt(await time.latest()) + BigInt(YEAR);
      await expect(ledger.connect(kgBody).rotateSigningKey(ids.kgBody, keys.kgLab, randomHash(), ES256, validUntil))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownKey")
        .withArgs(ids.kgBody, keys.kgLab);
      await expect(ledger.connect(kgAdmin).rotateSigningKey(ids.kgBody, keys.kzChamber, randomHash(), ES256, validUntil))
        .to.be.revertedWithCustomError(ledger, "LedgerUnknownKey")
        .withArgs(ids.kgBody, keys.kzChamber);
      expect((await ledger.getSigningKey(ids.kgLab, keys.kgLab)).validUntil).to.equal(before.validUntil);
    });

    it("an authority cannot rotate a key in another authority's name", async function () {
      const { ledger, kgBody, ids, keys } = await loadFixture(withAuthorities);
      await expect(ledger.connect(kgBody).rotateSigningKey(ids.kgLab, keys.kgLab, randomHash(), ES256, BigInt(await time.latest()) + BigInt(YEAR)))
        .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
        .withArgs(kgBody.address, ids.kgLab);
    });

    it("the new key is checked like an added one, and a refused rotation leaves the old key valid", async function () {
      const { ledger, kgBody, ids, keys } = await loadFixture(withAuthorities);
      const at = BigInt(await time.latest()) + 100n;
      const until = at + BigInt(YEAR);
      const oldEnd = (await ledger.getSigningKey(ids.kgBody, keys.kgBody)).validUntil;

      await time.setNextBlockTimestamp(at);
      await expect(ledger.connect(kgBody).rotateSigningKey(ids.kgBody, keys.kgBody, ethers.ZeroHash, ES256, until)).to.be.revertedWithCustomError(
        ledger,
        "LedgerZeroKeyThumbprint",
      );
      await time.setNextBlockTimestamp(at + 1n);
      await expect(
        ledger.connect(kgBody).rotateSigningKey(ids.kgBody, keys.kgBody, randomHash(), ethers.zeroPadBytes("0x", 16), until),
      ).to.be.revertedWithCustomError(ledger, "LedgerEmptyKeyAlgorithm");
      await time.setNextBlockTimestamp(at + 2n);
      await expect(ledger.connect(kgBody).rotateSigningKey(ids.kgBody, keys.kgBody, randomHash(), ES256, at + 2n))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidValidityPeriod")
        .withArgs(at + 2n, at + 2n);
      await expect(ledger.connect(kgBody).rotateSigningKey(ids.kgBody, keys.kgBody, keys.kgBody, ES256, until))
        .to.be.revertedWithCustomError(ledger, "LedgerKeyAlreadyRegistered")
        .withArgs(ids.kgBody, keys.kgBody);

      expect((await ledger.getSigningKey(ids.kgBody, keys.kgBody)).validUntil).to.equal(oldEnd);
    });

    it("a suspended authority cannot rotate a key, neither through its account nor its party admin", async function () {
      const { ledger, kgAdmin, kgLab, ids, keys } = await loadFixture(withAuthorities);
      await ledger.connect(kgAdmin).suspendAuthority(ids.kgLab);
      const validUntil = BigInt(await time.latest()) + BigInt(YEAR);
      for (const caller of [kgLab, kgAdmin]) {
        await expect(ledger.connect(caller).rotateSigningKey(ids.kgLab, keys.kgLab, randomHash(), ES256, validUntil))
          .to.be.revertedWithCustomError(ledger, "LedgerAuthorityNotActive")
          .withArgs(ids.kgLab);
      }
    });
  });

  describe("compromise", function () {
    it("signatures made before the compromise time stay valid, those at or after it do not", async function () {
      const { ledger, kgBody, ids, keys } = await loadFixture(withAuthorities);
      await time.increase(10 * DAY);
      const compromisedAt = BigInt(await time.latest()) - BigInt(3 * DAY);
      await expect(ledger.connect(kgBody).compromiseSigningKey(ids.kgBody, keys.kgBody, compromisedAt))
        .to.emit(ledger, "SigningKeyCompromised")
        .withArgs(ids.kgBody, keys.kgBody, compromisedAt);
      expect((await ledger.getSigningKey(ids.kgBody, keys.kgBody)).compromisedAt).to.equal(compromisedAt);
      expect(await ledger.isKeyValidAt(ids.kgBody, keys.kgBody, compromisedAt - 1n)).to.equal(true);
      expect(await ledger.isKeyValidAt(ids.kgBody, keys.kgBody, compromisedAt)).to.equal(false);
      expect(await ledger.isKeyValidAt(ids.kgBody, keys.kgBody, compromisedAt + 1n)).to.equal(false);
    });

    it("the compromise time may be now but neither zero nor in the future", async function () {
      const { ledger, kgBody, ids, keys } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(now);
      await expect(ledger.connect(kgBody).compromiseSigningKey(ids.kgBody, keys.kgBody, 0))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidCompromiseTime")
        .withArgs(0, now);
      await time.setNextBlockTimestamp(now + 1n);
      await expect(ledger.connect(kgBody).compromiseSigningKey(ids.kgBody, keys.kgBody, now + 2n))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidCompromiseTime")
        .withArgs(now + 2n, now + 1n);
      await time.setNextBlockTimestamp(now + 2n);
      await expect(ledger.connect(kgBody).compromiseSigningKey(ids.kgBody, keys.kgBody, now + 2n)).to.emit(ledger, "SigningKeyCompromised");
    });

    it("the compromise time may only move earlier", async function () {
      const { ledger, kgBody, kgAdmin, ids, keys } = await loadFixture(withAuthorities);
      await time.increase(10 * DAY);
      const first = BigInt(await time.latest()) - BigInt(DAY);
      await ledger.connect(kgBody).compromiseSigningKey(ids.kgBody, keys.kgBody, first);
      for (const later of [first, first + 1n]) {
        await expect(ledger.connect(kgBody).compromiseSigningKey(ids.kgBody, keys.kgBody, later))
          .to.be.revertedWithCustomError(ledger, "LedgerKeyAlreadyCompromised")
          .withArgs(ids.kgBody, keys.kgBody, first);
      }
      const earlier = first - BigInt(2 * DAY);
      await expect(ledger.connect(kgAdmin).compromiseSigningKey(ids.kgBody, keys.kgBody, earlier))
        .to.emit(ledger, "SigningKeyCompromised")
        .withArgs(ids.kgBody, keys.kgBody, earlier);
      expect((await ledger.getSigningKey(ids.kgBody, keys.kgBody)).compromisedAt).to.equal(earlier);
      expect(await ledger.isKeyValidAt(ids.kgBody, keys.kgBody, earlier - 1n)).to.equal(true);
      expect(await ledger.isKeyValidAt(ids.kgBody, keys.kgBody, earlier)).to.equal(false);
      await expect(ledger.connect(kgBody).compromiseSigningKey(ids.kgBody, keys.kgBody, first))
        .to.be.revertedWithCustomError(ledger, "LedgerKeyAlreadyCompromised")
        .withArgs(ids.kgBody, keys.kgBody, earlier);
    });

    it("a key can be marked compromised even while its authority is suspended", async function () {
      const { ledger, kgAdmin, kgLab, ids, keys } = await loadFixture(withAuthorities);
      await ledger.connect(kgAdmin).suspendAuthority(ids.kgLab);
      const at = BigInt(await time.latest());
      await expect(ledger.connect(kgLab).compromiseSigningKey(ids.kgLab, keys.kgLab, at))
        .to.emit(ledger, "SigningKeyCompromised")
        .withArgs(ids.kgLab, keys.kgLab, at);
      await expect(ledger.connect(kgAdmin).compromiseSigningKey(ids.kgLab, keys.kgLab, at - 1n))
        .to.emit(ledger, "SigningKeyCompromised")
        .withArgs(ids.kgLab, keys.kgLab, at - 1n);
    });

    it("a key the authority never registered cannot be marked compromised, even one another authority registered", async function () {
      const { ledger, kgBody, ids, keys } = await loadFixture(withAuthorities);
      for (const thumbprint of [randomHash(), keys.kgLab, keys.kzChamber]) {
        await expect(ledger.connect(kgBody).compromiseSigningKey(ids.kgBody, thumbprint, await time.latest()))
          .to.be.revertedWithCustomError(ledger, "LedgerUnknownKey")
          .withArgs(ids.kgBody, thumbprint);
      }
      expect((await ledger.getSigningKey(ids.kgLab, keys.kgLab)).compromisedAt).to.equal(0);
    });

    it("a key of an unknown authority cannot be marked compromised", async function () {
      const { ledger, kgAdmin, keys } = await loadFixture(withAuthorities);
      for (const id of [0, 5]) {
        await expect(ledger.connect(kgAdmin).compromiseSigningKey(id, keys.kgBody, await time.latest()))
          .to.be.revertedWithCustomError(ledger, "LedgerUnknownAuthority")
          .withArgs(id);
      }
    });

    it("only the key's authority or its party admin may mark it compromised", async function () {
      const { ledger, kgBody, kzAdmin, outsider, ids, keys } = await loadFixture(withAuthorities);
      for (const caller of [kgBody, kzAdmin, outsider]) {
        await expect(ledger.connect(caller).compromiseSigningKey(ids.kgLab, keys.kgLab, await time.latest()))
          .to.be.revertedWithCustomError(ledger, "LedgerNotAuthorityOrPartyAdmin")
          .withArgs(caller.address, ids.kgLab);
      }
      expect((await ledger.getSigningKey(ids.kgLab, keys.kgLab)).compromisedAt).to.equal(0);
    });
  });

  describe("validity at a time", function () {
    it("a key is invalid before validFrom, valid from validFrom through validUntil, invalid after", async function () {
      const { ledger, kgBody, ids } = await loadFixture(withAuthorities);
      const thumbprint = randomHash();
      const now = BigInt(await time.latest());
      const validFrom = now + BigInt(DAY);
      const validUntil = now + BigInt(10 * DAY);
      await ledger.connect(kgBody).addSigningKey(ids.kgBody, thumbprint, ES256, validFrom, validUntil);
      const validNow = async (): Promise<boolean> => ledger.isKeyValidAt(ids.kgBody, thumbprint, await time.latest());

      await time.increaseTo(validFrom - 1n);
      expect(await validNow()).to.equal(false);
      await time.increaseTo(validFrom);
      expect(await validNow()).to.equal(true);
      await time.increaseTo(validUntil);
      expect(await validNow()).to.equal(true);
      await time.increaseTo(validUntil + 1n);
      expect(await validNow()).to.equal(false);
    });

    it("an unknown key is never valid, nor a key for an authority that did not register it", async function () {
      const { ledger, ids, keys } = await loadFixture(withAuthorities);
      const now = BigInt(await time.latest());
      expect(await ledger.isKeyValidAt(ids.kgBody, keys.kgBody, now)).to.equal(true);
      for (const at of [0n, now, now + BigInt(YEAR)]) {
        expect(await ledger.isKeyValidAt(ids.kgBody, randomHash(), at)).to.equal(false);
        expect(await ledger.isKeyValidAt(ids.kgLab, keys.kgBody, at)).to.equal(false);
        expect(await ledger.isKeyValidAt(0, keys.kgBody, at)).to.equal(false);
      }
      expect((await ledger.getSigningKey(ids.kgBody, ethers.ZeroHash)).authorityId).to.equal(0);
      expect((await ledger.getSigningKey(ids.kgLab, keys.kgBody)).authorityId).to.equal(0);
    });
  });
});
