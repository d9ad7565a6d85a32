import { expect } from "chai";
import {
  buildCredential,
  credentialCertificateType,
  credentialIssuer,
  credentialNumber,
  credentialNumberHash,
  validateCredential,
  withServerIssuer,
  type Credential,
  type CredentialInput,
} from "../../src/documents/credentials";
import { certificateNumberHash } from "../../src/documents/hashing";
import { expectError } from "../crypto/expect-error";
import { EXAMPLE_INPUTS, EXPORTER_DECLARATION_INPUT, TYPE_NAMES } from "./credential-examples";

/** A deep copy of the example credential of `type` as parsed JSON, for a test to damage. */
function exampleJson(type: keyof typeof EXAMPLE_INPUTS): Record<string, unknown> & { credentialSubject: Record<string, unknown> } {
  return JSON.parse(JSON.stringify(buildCredential(EXAMPLE_INPUTS[type])));
}

describe("Credentials", function () {
  describe("a valid example of each type", function () {
    for (const type of TYPE_NAMES) {
      it(`a ${type} builds, validates and survives a round trip through JSON`, function () {
        const vc: Credential = buildCredential(EXAMPLE_INPUTS[type] as CredentialInput);
        expect(vc["@context"][0]).to.equal("https://www.w3.org/ns/credentials/v2");
        expect(vc.id).to.match(/^urn:uuid:[0-9a-f-]{36}$/);
        expect(credentialCertificateType(vc)).to.equal(type);
        expect(credentialNumber(vc)).to.equal(EXAMPLE_INPUTS[type].certificateNumber);
        const { party, authorityId } = EXAMPLE_INPUTS[type].issuer;
        expect(credentialIssuer(vc)).to.deep.equal({ party, authorityId });
        expect(vc.issuer.id).to.equal(`did:certledger:${party}:${authorityId}`);

        const json = JSON.stringify(vc);
        const back = validateCredential(JSON.parse(json));
        expect(back).to.deep.equal(vc);
        expect(JSON.stringify(back)).to.equal(json);
      });
    }

    it("conformity certificates and test reports are UNTP Digital Conformity Credentials", function () {
      const certificate = buildCredential(EXAMPLE_INPUTS.conformityCertificate);
      const report = buildCredential(EXAMPLE_INPUTS.testReport);
      for (const vc of [certificate, report]) {
        expect(vc.type).to.deep.equal(["VerifiableCredential", "DigitalConformityCredential"]);
        expect(vc["@context"]).to.deep.equal([
          "https://www.w3.org/ns/credentials/v2",
          "https://test.uncefact.org/vocabulary/untp/dcc/0.6.0/",
        ]);
        expect(vc.credentialSubject.type).to.deep.equal(["ConformityAttestation", "Attestation"]);
        expect(vc.credentialSubject.assessment[0].type).to.deep.equal(["ConformityAssessment"]);
      }
      expect(certificate.credentialSubject.attestationType).to.equal("certification");
      expect(report.credentialSubject.attestationType).to.equal("testing");
    });

    it("a conformity certificate may be a registered declaration of conformity", function () {
      const input = EXAMPLE_INPUTS.conformityCertificate;
      const vc = buildCredential({ ...input, subject: { ...input.subject, attestationType: "declaration" } });
      expect(vc.credentialSubject.attestationType).to.equal("declaration");
      expect(credentialCertificateType(vc)).to.equal("conformityCertificate");
    });

    it("the builder draws a fresh urn:uuid id and writes dates without milliseconds", function () {
      const input = {
        ...EXAMPLE_INPUTS.certificateOfOrigin,
        validFrom: new Date("2025-03-01T09:00:00.000Z"),
        validUntil: new Date("2026-03-01T00:00:00.250Z"),
      };
      const a = buildCredential(input);
      const b = buildCredential(input);
      expect(a.id).to.not.equal(b.id);
      expect(a.validFrom).to.equal("2025-03-01T09:00:00Z");
      expect(a.validUntil).to.equal("2026-03-01T00:00:00.250Z");
    });

    it("the builder defaults validFrom to now", function () {
      const { validFrom: _omitted, ...input } = EXAMPLE_INPUTS.testReport;
      const vc = buildCredential({ ...input, validUntil: new Date(Date.now() + 86_400_000) });
      expect(Math.abs(Date.parse(vc.validFrom) - Date.now())).to.be.lessThan(5_000);
    });

    it("credentialNumberHash is certificateNumberHash of the issuing party and the number", function () {
      const vc = buildCredential(EXAMPLE_INPUTS.phytosanitaryCertificate);
      expect(credentialNumberHash(vc)).to.equal(certificateNumberHash("KG", "kg-pc-2025-000781"));
    });
  });

  describe("the issuer and status entries a signing server gives a validated credential (withServerIssuer)", function () {
    const webIssuer = (vc: Credential) => ({
      id: `did:web:certledger.example:authorities:${credentialIssuer(vc).authorityId}`,
      name: vc.issuer.name,
      alsoKnownAs: [vc.issuer.id] as [string],
    });
    const entries = [
      {
        id: "https://certledger.example/status/7/revocation/0#42",
        type: "BitstringStatusListEntry",
        statusPurpose: "revocation",
        statusListIndex: "42",
        statusListCredential: "https://certledger.example/status/7/revocation/0",
      },
    ];
    const validated = () => validateCredential(exampleJson("conformityCertificate"));

    it("gives what validating the whole credential gives, and validating it again returns it as it is", function () {
      const vc = validated();
      const given = { issuer: webIssuer(vc), credentialStatus: entries };
      const issued = withServerIssuer(vc, given);
      expect(issued).to.deep.equal(validateCredential(JSON.parse(JSON.stringify({ ...vc, ...given }))));
      expect(validateCredential(issued)).to.equal(issued);
      expect(vc.issuer.id).to.match(/^did:certledger:/, "the validated credential itself is left as it was");
    });

    it("refuses an issuer or status entries that are not valid, naming the member", function () {
      const vc = validated();
      expectError(
        () => withServerIssuer(vc, { issuer: { ...webIssuer(vc), alsoKnownAs: ["did:certledger:KG:999"] }, credentialStatus: entries }),
        "INVALID_CREDENTIAL",
        /issuer\.alsoKnownAs: a did:web issuer must carry its ledger identifier/,
      );
      expectError(
        () => withServerIssuer(vc, { issuer: webIssuer(vc), credentialStatus: [entries[0], entries[0]] }),
        "INVALID_CREDENTIAL",
        /credentialStatus: must have at most one entry per statusPurpose/,
      );
    });

    it("validates the whole credential when it was not validated here: a copy someone changed is refused", function () {
      const vc = validated();
      const changed = { ...vc, validUntil: "not a date" } as Credential;
      expectError(
        () => withServerIssuer(changed, { issuer: webIssuer(vc), credentialStatus: entries }),
        "INVALID_CREDENTIAL",
        /validUntil/,
      );
    });

    it("validates a declaration whole: its issuer is its trader, which an authority's did:web cannot replace", function () {
      const declaration = validateCredential(JSON.parse(JSON.stringify(buildCredential(EXPORTER_DECLARATION_INPUT))));
      expectError(
        () => withServerIssuer(declaration, { issuer: webIssuer(declaration), credentialStatus: entries }),
        "INVALID_CREDENTIAL",
        /issuer/,
      );
    });
  });

  describe("an invalid credential names the failing field's path", function () {
    it("a missing HS code of a certificate of origin", function () {
      const json = exampleJson("certificateOfOrigin");
      delete (json.credentialSubject.goods as Record<string, unknown>[])[0].hsCode;
      expectError(() => validateCredential(json), "INVALID_CREDENTIAL", /credentialSubject\.goods\.0\.hsCode: is required/);
    });

    it("an HS code written with a dot", function () {
      const input = EXAMPLE_INPUTS.certificateOfOrigin;
      const goods = [{ ...input.subject.goods[0], hsCode: "5205.22" }];
      expectError(
        () => buildCredential({ ...input, subject: { ...input.subject, goods } }),
        "INVALID_CREDENTIAL",
        /credentialSubject\.goods\.0\.hsCode: must be an HS code/,
      );
    });

    it("a country code in lower case", function () {
      const json = exampleJson("certificateOfOrigin");
      json.credentialSubject.countryOfOrigin = "uz";
      expectError(
        () => validateCredential(json),
        "INVALID_CREDENTIAL",
        /credentialSubject\.countryOfOrigin: must be an ISO 3166-1 alpha-2/,
      );
    });

    it("a phytosanitary commodity without its botanical name", function () {
      const json = exampleJson("phytosanitaryCertificate");
      delete (json.credentialSubject.commodities as Record<string, unknown>[])[0].botanicalName;
      expectError(() => validateCredential(json), "INVALID_CREDENTIAL", /credentialSubject\.commodities\.0\.botanicalName: is required/);
    });

    it("a phytosanitary certificate without an inspection date, or with an impossible one", function () {
      const json = exampleJson("phytosanitaryCertificate");
      delete json.credentialSubject.inspectionDate;
      expectError(() => validateCredential(json), "INVALID_CREDENTIAL", /credentialSubject\.inspectionDate: is required/);
      json.credentialSubject.inspectionDate = "2025-02-30";
      expectError(() => validateCredential(json), "INVALID_CREDENTIAL", /credentialSubject\.inspectionDate: must be a date/);
    });

    it("a test report without measurements", function () {
      const json = exampleJson("testReport");
      delete (json.credentialSubject.assessment as Record<string, unknown>[])[0].declaredValue;
      expectError(() => validateCredential(json), "INVALID_CREDENTIAL", /credentialSubject\.assessment\.0\.declaredValue: is required/);
    });

    it("an assessment that names neither a standard nor a regulation", function () {
      const json = exampleJson("conformityCertificate");
      const assessment = (json.credentialSubject.assessment as Record<string, unknown>[])[0];
      delete assessment.referenceStandard;
      delete assessment.referenceRegulation;
      expectError(
        () => validateCredential(json),
        "INVALID_CREDENTIAL",
        /credentialSubject\.assessment\.0\.referenceStandard: an assessment names/,
      );
    });

    it("a conformity certificate without a conformity assessment scheme, or with no products", function () {
      const json = exampleJson("conformityCertificate");
      delete json.credentialSubject.scope;
      expectError(() => validateCredential(json), "INVALID_CREDENTIAL", /credentialSubject\.scope: is required/);
      const other = exampleJson("conformityCertificate");
      (other.credentialSubject.assessment as Record<string, unknown>[])[0].assessedProduct = [];
      expectError(() => validateCredential(other), "INVALID_CREDENTIAL", /credentialSubject\.assessment\.0\.assessedProduct: /);
    });

    it("an attestation type that is neither a certificate's nor a test report's", function () {
      const json = exampleJson("conformityCertificate");
      json.credentialSubject.attestationType = "calibration";
      expectError(() => validateCredential(json), "INVALID_CREDENTIAL", /credentialSubject\.attestationType: /);
    });

    it("a blank or overlong certificate number", function () {
      const json = exampleJson("testReport");
      json.credentialSubject.certificateNumber = "  ";
      expectError(
        () => validateCredential(json),
        "INVALID_CREDENTIAL",
        /credentialSubject\.certificateNumber: certificate number " {2}" is empty/,
      );
      json.credentialSubject.certificateNumber = "9".repeat(129);
      expectError(() => validateCredential(json), "INVALID_CREDENTIAL", /credentialSubject\.certificateNumber: .*longer than 128/);
      delete json.credentialSubject.certificateNumber;
      expectError(() => validateCredential(json), "INVALID_CREDENTIAL", /credentialSubject\.certificateNumber: is required/);
    });

    it("an issuer that is not a did:certledger authority, or has no name", function () {
      for (const id of [
        "did:web:example.org",
        "did:certledger:kg:3",
        "did:certledger:KG:0",
        "did:certledger:KG:4294967296",
        "did:certledger:KG:03",
      ]) {
        const json = exampleJson("conformityCertificate");
        json.issuer = { id, name: "Somebody" };
        expectError(() => validateCredential(json), "INVALID_CREDENTIAL", /issuer\.id: must be did:certledger:<party>:<authorityId>/);
      }
      const json = exampleJson("conformityCertificate");
      json.issuer = { id: "did:certledger:KG:4294967295" };
      expectError(() => validateCredential(json), "INVALID_CREDENTIAL", /issuer\.name: is required/);
    });

    it("a builder input with a bad party or authority id", function () {
      const input = EXAMPLE_INPUTS.testReport;
      expectError(() => buildCredential({ ...input, issuer: { ...input.issuer, party: "Kz" } }), "INVALID_CREDENTIAL", /issuer\.id/);
      expectError(() => buildCredential({ ...input, issuer: { ...input.issuer, authorityId: -1 } }), "INVALID_CREDENTIAL", /issuer\.id/);
    });

    it("a validity period that ends before it starts, or a date-time without a time zone", function () {
      const input = EXAMPLE_INPUTS.certificateOfOrigin;
      expectError(
        () => buildCredential({ ...input, validUntil: input.validFrom as string }),
        "INVALID_CREDENTIAL",
        /validUntil: must be after validFrom/,
      );
      expectError(
        () => buildCredential({ ...input, validFrom: "2025-03-01T09:00:00" }),
        "INVALID_CREDENTIAL",
        /validFrom: must be a date-time with a time zone/,
      );
      expectError(
        () => buildCredential({ ...input, validUntil: new Date("nonsense") }),
        "INVALID_CREDENTIAL",
        /validUntil: must be a date-time/,
      );
      const json = exampleJson("certificateOfOrigin");
      delete json.validUntil;
      expectError(() => validateCredential(json), "INVALID_CREDENTIAL", /validUntil: is required/);
    });

    it("an id that is not a urn:uuid", function () {
      const json = exampleJson("phytosanitaryCertificate");
      json.id = "https://example.org/certificates/1";
      expectError(() => validateCredential(json), "INVALID_CREDENTIAL", /^invalid credential: id: must be urn:uuid:/);
    });

    it("a member the schema does not know, at the top or deep inside", function () {
      const json = exampleJson("certificateOfOrigin");
      json.termsOfUse = { id: "https://example.org/terms/1" };
      expectError(() => validateCredential(json), "INVALID_CREDENTIAL", /credential: Unrecognized key: "termsOfUse"/);
      const deep = exampleJson("certificateOfOrigin");
      (deep.credentialSubject.exporter as Record<string, unknown>).vatNumber = "123";
      expectError(() => validateCredential(deep), "INVALID_CREDENTIAL", /credentialSubject\.exporter: Unrecognized key: "vatNumber"/);
    });

    it("a link that is not http(s), urn or did, since pages may render it", function () {
      const json = exampleJson("conformityCertificate");
      (json.credentialSubject.issuedToParty as Record<string, unknown>).id = "javascript:alert(1)";
      expectError(
        () => validateCredential(json),
        "INVALID_CREDENTIAL",
        /credentialSubject\.issuedToParty\.id: must be an https, http, urn or did URI/,
      );
    });

    it("a wrong or missing @context", function () {
      const json = exampleJson("phytosanitaryCertificate");
      json["@context"] = ["https://www.w3.org/2018/credentials/v1"];
      expectError(() => validateCredential(json), "INVALID_CREDENTIAL", /@context\.0: /);
    });

    it("a type naming no CertLedger credential, or two of them", function () {
      for (const type of [
        ["VerifiableCredential"],
        "DigitalConformityCredential",
        ["VerifiableCredential", "CertificateOfOriginCredential", "PhytosanitaryCertificateCredential"],
      ]) {
        const json = exampleJson("certificateOfOrigin");
        json.type = type;
        expectError(
          () => validateCredential(json),
          "INVALID_CREDENTIAL",
          /type: must be \["VerifiableCredential", one of DigitalConformityCredential/,
        );
      }
    });

    it("a certificate of origin's subject under a phytosanitary type is checked against the phytosanitary schema", function () {
      const json = exampleJson("certificateOfOrigin");
      json.type = ["VerifiableCredential", "PhytosanitaryCertificateCredential"];
      expectError(() => validateCredential(json), "INVALID_CREDENTIAL", /credentialSubject\.type\.0: /);
    });

    it("JSON that is not an object at all", function () {
      for (const json of [null, "vc", 42, [], undefined]) {
        expectError(() => validateCredential(json), "INVALID_CREDENTIAL", /type: /);
      }
    });

    it("lists several failing fields at once", function () {
      const json = exampleJson("certificateOfOrigin");
      json.credentialSubject.importingCountry = "kaz";
      json.credentialSubject.exportingCountry = 7;
      const error = expectError(() => validateCredential(json), "INVALID_CREDENTIAL");
      expect(error.message).to.match(/credentialSubject\.exportingCountry: .*; credentialSubject\.importingCountry: /);
    });

    it("an unknown certificate type given to the builder", function () {
      const input = { ...EXAMPLE_INPUTS.testReport, certificateType: "invoice" } as unknown as CredentialInput;
      expectError(() => buildCredential(input), "INVALID_CERTIFICATE_TYPE", /"invoice"/);
    });
  });
});
