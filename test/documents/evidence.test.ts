/** An assessment's `evidence` (UNTP SecureLink): how a certificate links the documents it rests on, by certHash. */
import { expect } from "chai";
import { buildCredential, credentialEvidence, type CredentialInputOf } from "../../src/documents/credentials";
import { expectError } from "../crypto/expect-error";
import { EXAMPLE_INPUTS } from "./credential-examples";

const REPORT = "0x" + "ab".repeat(32);

function withEvidence(evidence: unknown[]): CredentialInputOf<"conformityCertificate"> {
  const example = EXAMPLE_INPUTS.conformityCertificate;
  return {
    ...example,
    subject: { ...example.subject, assessment: example.subject.assessment.map((a) => ({ ...a, evidence })) },
  } as CredentialInputOf<"conformityCertificate">;
}

describe("Credential evidence links", function () {
  it("a conformity certificate links a test report by its certHash, listed once however often it is named", function () {
    const link = { linkName: "Test report KG-TL-1", hashDigest: REPORT.slice(2), hashMethod: "SHA-256" };
    const vc = buildCredential(withEvidence([link, { ...link, linkName: "the same report again" }]));
    expect(credentialEvidence(vc)).to.deep.equal([REPORT]);
    expect(credentialEvidence(buildCredential(EXAMPLE_INPUTS.conformityCertificate))).to.deep.equal([]);
    expect(credentialEvidence(buildCredential(EXAMPLE_INPUTS.certificateOfOrigin))).to.deep.equal([]);
  });

  it("refuses a digest that is not 64 lower-case hex digits, another hash method, or a link without a name", function () {
    const bad = [
      [{ linkName: "x", hashDigest: REPORT, hashMethod: "SHA-256" }, /evidence\.0\.hashDigest: must be a SHA-256 digest/],
      [{ linkName: "x", hashDigest: REPORT.slice(2).toUpperCase(), hashMethod: "SHA-256" }, /hashDigest/],
      [{ linkName: "x", hashDigest: REPORT.slice(2), hashMethod: "MD5" }, /evidence\.0\.hashMethod/],
      [{ hashDigest: REPORT.slice(2), hashMethod: "SHA-256" }, /evidence\.0\.linkName/],
    ] as const;
    for (const [link, message] of bad) expectError(() => buildCredential(withEvidence([link])), "INVALID_CREDENTIAL", message);
  });
});
