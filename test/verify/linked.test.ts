/**
 * Linked certificates: a conformity certificate links the test report it was granted on (an assessment's `evidence`,
 * by certHash); the verifier follows the link whenever it reads the credential, and reports the linked certificate's
 * own verdict without letting it change the certificate's.
 */
import { expect } from "chai";
import { buildCredential, type CredentialInputOf } from "../../src/documents/credentials";
import { certHashOf } from "../../src/documents/hashing";
import { signCredential, VC_JWT_MEDIA_TYPE } from "../../src/documents/vc-jose";
import { credentialNumberHash } from "../../src/documents/credentials";
import { CERTIFICATE_TYPES } from "../../src/documents/certificate-types";
import { cidToBytes } from "../../src/ipfs/cid";
import { Verifier } from "../../src/verify";
import { EXAMPLE_INPUTS } from "../documents/credential-examples";
import { loadFixture, time } from "../contracts/fixtures";
import { DAY, issueCredential, payloadStore, stopPayloadStore, storePayload, verifierWorld, type World } from "./world";

/** A conformity certificate by KG's body whose only assessment links `evidence` (certHashes), anchored with a payload for KZ. */
async function certificateLinking(world: World, evidence: string[]) {
  const body = world.authorities.kgBody;
  const now = BigInt(await time.latest());
  const example = EXAMPLE_INPUTS.conformityCertificate;
  const input: CredentialInputOf<"conformityCertificate"> = {
    ...example,
    issuer: { party: "KG", authorityId: body.id, name: body.name },
    certificateNumber: `KG-LINKED-${Date.now()}-${evidence.length}`,
    validFrom: new Date(Number(now) * 1000).toISOString(),
    validUntil: new Date(Number(now + 90n * DAY) * 1000).toISOString(),
    subject: {
      ...example.subject,
      assessment: example.subject.assessment.map((a) => ({
        ...a,
        evidence: evidence.map((h, i) => ({ linkName: `test report ${i + 1}`, hashDigest: h.slice(2), hashMethod: "SHA-256" as const })),
      })),
    },
  };
  const vc = buildCredential(input);
  const jws = await signCredential(vc, body.key);
  const certHash = certHashOf(jws);
  const { cid } = await storePayload(new TextEncoder().encode(jws), certHash, VC_JWT_MEDIA_TYPE, [
    { party: "KZ", publicJwk: world.kzEncryption.publicJwk },
  ]);
  await world.client.withSigner(body.account).anchorCertificate({
    certHash,
    certType: CERTIFICATE_TYPES.conformityCertificate,
    validUntil: now + 90n * DAY,
    numberHash: credentialNumberHash(vc),
    payloadCid: cidToBytes(cid),
  });
  return { jws, certHash };
}

describe("Verifier: linked certificates", function () {
  after(async function () {
    await stopPayloadStore();
  });

  it("follows a certificate's evidence link to its test report when the credential is read, and reports the report's verdict", async function () {
    const world = await loadFixture(verifierWorld);
    const report = await issueCredential(world, "testReport");
    const certificate = await certificateLinking(world, [report.certHash]);
    const verifier = new Verifier({ client: world.client, payloads: await payloadStore() });

    // Given the credential: the link is read from it.
    const byDocument = await verifier.verify({ kind: "credential", jws: certificate.jws });
    expect(byDocument.report.verdict).to.equal("VALID");
    expect(byDocument.report.linked).to.deep.equal([
      { certHash: report.certHash, relation: "evidence", verdict: "VALID", certTypeName: "testReport", party: "KG" },
    ]);
    // For KZ, which recognises KG's conformity certificates but not its test reports, the link is verified for KZ too.
    const forKz = await verifier.verify({ kind: "credential", jws: certificate.jws }, { forParty: "KZ" });
    expect(forKz.report.verdict).to.equal("VALID");
    expect(forKz.report.linked?.[0].verdict).to.equal("NOT_RECOGNISED");
    // By hash with KZ's key: the payload opened is read. By hash alone: nothing to read, nothing followed.
    const asKz = await verifier.verify({ kind: "hash", certHash: certificate.certHash }, { recipientKey: world.kzEncryption.privateJwk });
    expect(asKz.report.linked?.map((l) => l.certHash)).to.deep.equal([report.certHash]);
    const byHash = await verifier.verify({ kind: "hash", certHash: certificate.certHash });
    expect(byHash.report.linked).to.equal(undefined);

    // The test report is revoked: the link says so; the certificate's own verdict is for a person to weigh, not changed.
    await world.client
      .withSigner(report.authority.account)
      .revokeCertificate({ certHash: report.certHash, reason: 1, effectiveAt: BigInt(await time.latest()) });
    const after = await verifier.verify({ kind: "credential", jws: certificate.jws });
    expect(after.report.verdict).to.equal("VALID");
    expect(after.report.linked?.[0]).to.include({ certHash: report.certHash, verdict: "REVOKED" });
  });

  it("reports a link to a certificate the ledger never anchored as NOT_FOUND", async function () {
    const world = await loadFixture(verifierWorld);
    const missing = certHashOf(new TextEncoder().encode("a test report nobody anchored"));
    const certificate = await certificateLinking(world, [missing]);
    const verifier = new Verifier({ client: world.client, payloads: await payloadStore() });
    const { report } = await verifier.verify({ kind: "credential", jws: certificate.jws });
    expect(report.verdict).to.equal("VALID");
    expect(report.linked).to.deep.equal([{ certHash: missing, relation: "evidence", verdict: "NOT_FOUND" }]);
  });
});
