import { expect } from "chai";
import { ethers } from "hardhat";
import { CERTIFICATE_TYPES } from "../../src/documents/certificate-types";
import { TYPE_NAMES } from "../documents/credential-examples";
import { certHashOf } from "../../src/documents/hashing";
import { generateSigningKey } from "../../src/crypto/keys";
import { VC_JWT_MEDIA_TYPE } from "../../src/documents/vc-jose";
import { cidToBytes } from "../../src/ipfs/cid";
import { Verifier, verificationReportSchema, type VerificationReport } from "../../src/verify";
import { loadFixture, time } from "../contracts/fixtures";
import {
  DAY,
  issueCredential,
  issueFile,
  payloadStore,
  pdfBytes,
  signedCredential,
  stopPayloadStore,
  storePayload,
  verifierWorld,
  type World,
} from "./world";

async function verifierFor(world: World): Promise<Verifier> {
  return new Verifier({ client: world.client, payloads: await payloadStore() });
}

function check(report: VerificationReport, id: string) {
  const found = report.checks.find((c) => c.id === id);
  expect(found, `check ${id}`).to.not.equal(undefined);
  return found!;
}

/** Flips one character of a compact JWS's payload by re-encoding a changed credential (still well-formed, unsigned). */
function alterCredential(jws: string, change: (vc: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jws.split(".");
  const vc = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  change(vc);
  return [header, Buffer.from(JSON.stringify(vc)).toString("base64url"), signature].join(".");
}

describe("Verifier", function () {
  this.timeout(120_000);
  after(stopPayloadStore);

  describe("VALID", function () {
    for (const type of TYPE_NAMES) {
      it(`a ${type} credential signed with its authority's key and anchored is VALID, and its link key opens the payload`, async function () {
        const world = await loadFixture(verifierWorld);
        const issued = await issueCredential(world, type);
        const { report, document } = await (
          await verifierFor(world)
        ).verify({ kind: "credential", jws: issued.jws }, { linkKey: issued.linkKey, forParty: issued.authority.party });
        expect(report.verdict, JSON.stringify(report.checks, null, 1)).to.equal("VALID");
        expect(report.checks.map((c) => [c.id, c.result])).to.deep.equal([
          ["integrity", "pass"],
          ["anchored", "pass"],
          ["issuer", "pass"],
          ["signature", "pass"],
          ["status", "pass"],
          ["payload", "pass"],
          ["recognition", "pass"],
        ]);
        expect(report.certificate?.certType).to.equal(CERTIFICATE_TYPES[type]);
        expect(report.certificate?.authority).to.include({ id: issued.authority.id, party: issued.authority.party });
        expect(report.chain.chainId).to.equal(31337);
        expect(report.chain.blockNumber).to.equal(await ethers.provider.getBlockNumber());
        expect(report.history.map((h) => h.event)).to.deep.equal(["CertificateAnchored"]);
        expect(new TextDecoder().decode(document!.bytes)).to.equal(issued.jws);
        expect(document!.contentType).to.equal(VC_JWT_MEDIA_TYPE);
        expect(verificationReportSchema.parse(report)).to.deep.equal(report);
      });
    }

    it("a PDF anchored as its bytes is VALID by file, by hash and by number", async function () {
      const world = await loadFixture(verifierWorld);
      const pdf = pdfBytes("conformity certificate for children's boots");
      const issued = await issueFile(world, pdf);
      const verifier = await verifierFor(world);
      const byFile = await verifier.verify({ kind: "file", bytes: pdf }, { linkKey: issued.linkKey });
      expect(byFile.report.verdict).to.equal("VALID");
      expect(check(byFile.report, "signature").result).to.equal("skip");
      expect(Buffer.from(byFile.document!.bytes).equals(Buffer.from(pdf))).to.equal(true);
      const byHash = await verifier.verify({ kind: "hash", certHash: issued.certHash });
      expect(byHash.report.verdict).to.equal("VALID");
      expect(check(byHash.report, "integrity").result).to.equal("skip");
      const byNumber = await verifier.verify({ kind: "number", number: issued.number.toLowerCase(), party: "KG" });
      expect(byNumber.report.verdict).to.equal("VALID");
      expect(byNumber.report.certificate?.certHash).to.equal(issued.certHash);
    });

    it("a party's private key opens a payload addressed to it; another party's key does not, which is only a warning", async function () {
      const world = await loadFixture(verifierWorld);
      const issued = await issueCredential(world, "conformityCertificate", {
        recipients: [{ party: "KZ", publicJwk: world.kzEncryption.publicJwk }],
      });
      const verifier = await verifierFor(world);
      const asKz = await verifier.verify(
        { kind: "hash", certHash: issued.certHash },
        { recipientKey: world.kzEncryption.privateJwk, forParty: "KZ" },
      );
      expect(asKz.report.verdict).to.equal("VALID");
      expect(new TextDecoder().decode(asKz.document!.bytes)).to.equal(issued.jws);
      const stranger = await generateSigningKey();
      const asOther = await verifier.verify({ kind: "hash", certHash: issued.certHash }, { recipientKey: stranger.privateJwk });
      expect(asOther.report.verdict).to.equal("VALID");
      expect(check(asOther.report, "payload").result).to.equal("warn");
      expect(asOther.document).to.equal(undefined);
    });
  });

  describe("NOT_FOUND", function () {
    it("a hash, a number or a document that was never anchored is NOT_FOUND", async function () {
      const world = await loadFixture(verifierWorld);
      const verifier = await verifierFor(world);
      expect((await verifier.verify({ kind: "hash", certHash: ethers.hexlify(ethers.randomBytes(32)) })).report.verdict).to.equal(
        "NOT_FOUND",
      );
      expect((await verifier.verify({ kind: "number", number: "NO-SUCH-1", party: "KG" })).report.verdict).to.equal("NOT_FOUND");
      const { report } = await verifier.verify({ kind: "file", bytes: pdfBytes("never anchored") });
      expect(report.verdict).to.equal("NOT_FOUND");
      expect(check(report, "integrity").result).to.equal("pass");
      expect(check(report, "anchored").result).to.equal("fail");
    });

    it("as of a time before issuance, the certificate is NOT_FOUND", async function () {
      const world = await loadFixture(verifierWorld);
      const issued = await issueCredential(world, "testReport");
      const block = await ethers.provider.getBlock(issued.anchor.blockNumber);
      const { report } = await (
        await verifierFor(world)
      ).verify({ kind: "hash", certHash: issued.certHash }, { asOf: BigInt(block!.timestamp) - 1n });
      expect(report.verdict).to.equal("NOT_FOUND");
      expect(check(report, "status").detail).to.match(/Not yet issued/);
    });
  });

  describe("TAMPERED", function () {
    it("a credential altered after signing (its number still anchored) is TAMPERED", async function () {
      const world = await loadFixture(verifierWorld);
      const issued = await issueCredential(world, "certificateOfOrigin");
      // The classic fraud: the validity stretched by a year.
      const altered = alterCredential(issued.jws, (vc) => {
        vc.validUntil = new Date(Date.parse(vc.validUntil as string) + 365 * 86_400_000).toISOString();
      });
      const { report } = await (await verifierFor(world)).verify({ kind: "credential", jws: altered });
      expect(report.verdict).to.equal("TAMPERED");
      expect(check(report, "integrity").detail).to.include(issued.certHash);
    });

    it("a PDF with one byte changed is TAMPERED when it names its certificate, NOT_FOUND when it does not", async function () {
      const world = await loadFixture(verifierWorld);
      const pdf = pdfBytes("phytosanitary certificate, apples");
      const issued = await issueFile(world, pdf, "phytosanitaryCertificate");
      const changed = Uint8Array.from(pdf);
      changed[40] ^= 0x01;
      const verifier = await verifierFor(world);
      expect((await verifier.verify({ kind: "file", bytes: changed, expectedCertHash: issued.certHash })).report.verdict).to.equal(
        "TAMPERED",
      );
      expect((await verifier.verify({ kind: "file", bytes: changed })).report.verdict).to.equal("NOT_FOUND");
    });

    it("a payload on IPFS that belongs to another certificate is TAMPERED", async function () {
      const world = await loadFixture(verifierWorld);
      const other = await issueCredential(world, "conformityCertificate");
      const credential = await signedCredential("conformityCertificate", world.authorities.kgBody);
      await world.client.withSigner(world.authorities.kgBody.account).anchorCertificate({
        certHash: credential.certHash,
        certType: CERTIFICATE_TYPES.conformityCertificate,
        validUntil: credential.validUntil,
        numberHash: credential.numberHash,
        payloadCid: cidToBytes(other.cid),
      });
      const { report } = await (await verifierFor(world)).verify({ kind: "credential", jws: credential.jws });
      expect(report.verdict).to.equal("TAMPERED");
      expect(check(report, "payload").detail).to.include(`belongs to certificate ${other.certHash}`);
    });

    it("a payload whose content is not the anchored document is TAMPERED once opened", async function () {
      const world = await loadFixture(verifierWorld);
      const credential = await signedCredential("testReport", world.authorities.kgBody);
      const wrong = await storePayload(new TextEncoder().encode("not the credential"), credential.certHash, VC_JWT_MEDIA_TYPE);
      await world.client.withSigner(world.authorities.kgBody.account).anchorCertificate({
        certHash: credential.certHash,
        certType: CERTIFICATE_TYPES.testReport,
        validUntil: credential.validUntil,
        numberHash: credential.numberHash,
        payloadCid: cidToBytes(wrong.cid),
      });
      const verifier = await verifierFor(world);
      expect((await verifier.verify({ kind: "hash", certHash: credential.certHash })).report.verdict).to.equal("VALID");
      const opened = await verifier.verify({ kind: "hash", certHash: credential.certHash }, { linkKey: wrong.linkKey });
      expect(opened.report.verdict).to.equal("TAMPERED");
      expect(opened.document).to.equal(undefined);
    });
  });

  describe("UNTRUSTED_ISSUER", function () {
    it("a credential signed with a key no authority registered is UNTRUSTED_ISSUER", async function () {
      const world = await loadFixture(verifierWorld);
      const issued = await issueCredential(world, "conformityCertificate", { signWith: await generateSigningKey() });
      const { report } = await (await verifierFor(world)).verify({ kind: "credential", jws: issued.jws });
      expect(report.verdict).to.equal("UNTRUSTED_ISSUER");
      expect(check(report, "signature").detail).to.include(`which the issuing authority ${world.authorities.kgBody.id} has not registered`);
    });

    it("a credential signed with another authority's registered key is UNTRUSTED_ISSUER", async function () {
      const world = await loadFixture(verifierWorld);
      const issued = await issueCredential(world, "conformityCertificate", { signWith: world.authorities.kgPlant.key });
      const { report } = await (await verifierFor(world)).verify({ kind: "credential", jws: issued.jws });
      expect(report.verdict).to.equal("UNTRUSTED_ISSUER");
      expect(check(report, "signature").detail).to.include(`which the issuing authority ${world.authorities.kgBody.id} has not registered`);
    });

    it("a credential naming an unknown authority as its issuer is UNTRUSTED_ISSUER", async function () {
      const world = await loadFixture(verifierWorld);
      const issued = await issueCredential(world, "testReport", { claimAuthorityId: 99 });
      const { report } = await (await verifierFor(world)).verify({ kind: "credential", jws: issued.jws });
      expect(report.verdict).to.equal("UNTRUSTED_ISSUER");
      expect(check(report, "issuer").detail).to.include("names authority 99 of KG");
    });

    it("a credential of a type outside the anchoring authority's scope is UNTRUSTED_ISSUER", async function () {
      const world = await loadFixture(verifierWorld);
      // The KG certification body may issue conformity certificates, not certificates of origin: it anchors one as a
      // conformity certificate (the only way the chain lets it through).
      const issued = await issueCredential(world, "certificateOfOrigin", {
        by: world.authorities.kgBody,
        anchorAs: CERTIFICATE_TYPES.conformityCertificate,
      });
      const { report } = await (await verifierFor(world)).verify({ kind: "credential", jws: issued.jws });
      expect(report.verdict).to.equal("UNTRUSTED_ISSUER");
      expect(check(report, "issuer").detail).to.match(/is a certificateOfOrigin, but .* anchored it as a conformityCertificate/);
    });
  });

  describe("INVALID_SIGNATURE", function () {
    it("a credential signed with a key compromised before issuance is INVALID_SIGNATURE", async function () {
      const world = await loadFixture(verifierWorld);
      const { kgBody } = world.authorities;
      await world.client.withSigner(kgBody.account).compromiseSigningKey(kgBody.id, kgBody.key.thumbprint, BigInt(await time.latest()));
      const issued = await issueCredential(world, "conformityCertificate");
      const { report } = await (await verifierFor(world)).verify({ kind: "credential", jws: issued.jws });
      expect(report.verdict).to.equal("INVALID_SIGNATURE");
      expect(check(report, "signature").detail).to.match(/compromised since/);
    });

    it("a key compromised after issuance leaves the signature valid, with a warning", async function () {
      const world = await loadFixture(verifierWorld);
      const issued = await issueCredential(world, "conformityCertificate");
      await time.increase(3600);
      const { kgBody } = world.authorities;
      await world.client.withSigner(kgBody.account).compromiseSigningKey(kgBody.id, kgBody.key.thumbprint, BigInt(await time.latest()));
      const { report } = await (await verifierFor(world)).verify({ kind: "credential", jws: issued.jws });
      expect(report.verdict).to.equal("VALID");
      expect(check(report, "signature").result).to.equal("warn");
    });

    it("a credential whose header key does not match its signature is INVALID_SIGNATURE", async function () {
      const world = await loadFixture(verifierWorld);
      const { kgBody } = world.authorities;
      const credential = await signedCredential("conformityCertificate", kgBody);
      // Re-sign the same payload with another key but keep the registered key in the header: the signature is wrong.
      const other = await generateSigningKey();
      const forged = await signedCredential("conformityCertificate", kgBody, { signWith: other });
      const [, , forgedSignature] = forged.jws.split(".");
      const [header, payload] = credential.jws.split(".");
      const jws = [header, payload, forgedSignature].join(".");
      await world.client.withSigner(kgBody.account).anchorCertificate({
        certHash: certHashOf(jws),
        certType: CERTIFICATE_TYPES.conformityCertificate,
        validUntil: credential.validUntil,
        numberHash: credential.numberHash,
      });
      const { report } = await (await verifierFor(world)).verify({ kind: "credential", jws });
      expect(report.verdict).to.equal("INVALID_SIGNATURE");
    });
  });

  describe("status", function () {
    it("a revoked certificate is REVOKED with its reason and replacement, and VALID as of before the revocation", async function () {
      const world = await loadFixture(verifierWorld);
      const issued = await issueCredential(world, "conformityCertificate");
      const replacement = await issueCredential(world, "conformityCertificate");
      await time.increase(Number(2n * DAY));
      const effectiveAt = BigInt(await time.latest());
      await world.client
        .withSigner(world.kgAdmin)
        .revokeCertificate({ certHash: issued.certHash, reason: 4, effectiveAt, replacement: replacement.certHash });
      const verifier = await verifierFor(world);
      const { report } = await verifier.verify({ kind: "credential", jws: issued.jws });
      expect(report.verdict).to.equal("REVOKED");
      expect(report.certificate?.revocation).to.include({ reason: 4, reasonName: "superseded", replacement: replacement.certHash });
      expect(check(report, "status").detail).to.include(`replaced by ${replacement.certHash}`);
      expect(report.history.map((h) => h.event)).to.deep.equal(["CertificateAnchored", "CertificateRevoked"]);
      const before = await verifier.verify({ kind: "credential", jws: issued.jws }, { asOf: effectiveAt - 1n });
      expect(before.report.verdict).to.equal("VALID");
    });

    it("a suspended certificate is SUSPENDED, VALID again once reinstated, and SUSPENDED as of a time inside the past suspension", async function () {
      const world = await loadFixture(verifierWorld);
      const issued = await issueCredential(world, "phytosanitaryCertificate");
      const issuer = world.client.withSigner(issued.authority.account);
      await time.increase(3600);
      await issuer.suspendCertificate(issued.certHash);
      const suspendedAt = BigInt(await time.latest());
      const verifier = await verifierFor(world);
      expect((await verifier.verify({ kind: "hash", certHash: issued.certHash })).report.verdict).to.equal("SUSPENDED");
      await time.increase(3600);
      await issuer.reinstateCertificate(issued.certHash);
      expect((await verifier.verify({ kind: "hash", certHash: issued.certHash })).report.verdict).to.equal("VALID");
      const during = await verifier.verify({ kind: "hash", certHash: issued.certHash }, { asOf: suspendedAt + 60n });
      expect(during.report.verdict).to.equal("SUSPENDED");
      expect(during.report.history.map((h) => h.event)).to.deep.equal([
        "CertificateAnchored",
        "CertificateSuspended",
        "CertificateReinstated",
      ]);
    });

    it("a certificate past its validUntil is EXPIRED", async function () {
      const world = await loadFixture(verifierWorld);
      const issued = await issueCredential(world, "certificateOfOrigin", { validDays: 10n });
      await time.increaseTo(issued.validUntil + 1n);
      const { report } = await (await verifierFor(world)).verify({ kind: "credential", jws: issued.jws });
      expect(report.verdict).to.equal("EXPIRED");
    });
  });

  describe("recognition", function () {
    it("KZ recognises KG's conformity certificates; UZ does not: NOT_RECOGNISED", async function () {
      const world = await loadFixture(verifierWorld);
      const issued = await issueCredential(world, "conformityCertificate");
      const verifier = await verifierFor(world);
      expect((await verifier.verify({ kind: "credential", jws: issued.jws }, { forParty: "KZ" })).report.verdict).to.equal("VALID");
      const { report } = await verifier.verify({ kind: "credential", jws: issued.jws }, { forParty: "UZ" });
      expect(report.verdict).to.equal("NOT_RECOGNISED");
      expect(check(report, "recognition").detail).to.match(/UZ does not recognise/);
    });

    it("a graver failure outranks NOT_RECOGNISED", async function () {
      const world = await loadFixture(verifierWorld);
      const issued = await issueCredential(world, "conformityCertificate");
      await world.client
        .withSigner(world.kgAdmin)
        .revokeCertificate({ certHash: issued.certHash, reason: 1, effectiveAt: BigInt(await time.latest()) });
      const { report } = await (await verifierFor(world)).verify({ kind: "hash", certHash: issued.certHash }, { forParty: "UZ" });
      expect(report.verdict).to.equal("REVOKED");
      expect(check(report, "recognition").result).to.equal("fail");
    });
  });

  it("bad input is refused with the library's typed errors, not a verdict", async function () {
    const world = await loadFixture(verifierWorld);
    const verifier = await verifierFor(world);
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => "resolved",
        (e: { code?: string }) => e.code,
      );
    expect(await codeOf(verifier.verify({ kind: "hash", certHash: "0x1234" }))).to.equal("INVALID_CERT_HASH");
    expect(await codeOf(verifier.verify({ kind: "credential", jws: "not.a.jws" }))).to.equal("INVALID_CREDENTIAL");
    expect(await codeOf(verifier.verify({ kind: "file", bytes: new Uint8Array() }))).to.equal("EMPTY_FILE");
    expect(await codeOf(verifier.verify({ kind: "number", number: " ", party: "KG" }))).to.equal("INVALID_CERTIFICATE_NUMBER");
    expect(await codeOf(verifier.verify({ kind: "number", number: "X-1", party: "kg" }))).to.equal("INVALID_PARTY_CODE");
  });

  it("reports the days left for a certificate in its validity", async function () {
    const world = await loadFixture(verifierWorld);
    // The chain's time when it is signed: the fixture's last block, which may be minutes older than the block that
    // anchors it (a new block takes the wall clock's time), so the latest block after anchoring is not the reference.
    const signedAt = BigInt(await time.latest());
    const issued = await issueCredential(world, "testReport", { validDays: 30n });
    const { report } = await (await verifierFor(world)).verify({ kind: "hash", certHash: issued.certHash });
    expect(report.certificate?.validUntil).to.equal(new Date(Number(issued.validUntil) * 1000).toISOString());
    expect(Number(issued.validUntil - signedAt)).to.be.closeTo(Number(30n * DAY), 120);
  });
});
