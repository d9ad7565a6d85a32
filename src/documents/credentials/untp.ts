/**
 * The parts of the UNTP Digital Conformity Credential (UN Transparency Protocol, DCC 0.6) that conformity
 * certificates and test reports share, kept to the members a customs officer or a bank reads. Member names are
 * UNTP's, so a UNTP-aware reader recognises them; CertLedger adds `certificateNumber` and `hsCode`.
 */
import { z } from "zod";
import { certificateNumber, countryCode, date, hsCode, party, text, unitCode, uri, VC_CONTEXT } from "./common";

/** The UNTP DCC JSON-LD context, after the VC 2.0 one. */
export const UNTP_DCC_CONTEXT = "https://test.uncefact.org/vocabulary/untp/dcc/0.6.0/";

/** The `@context` of a Digital Conformity Credential. */
export const DCC_CONTEXTS = z.tuple([z.literal(VC_CONTEXT), z.literal(UNTP_DCC_CONTEXT)]);

/** The `type` of a Digital Conformity Credential. */
export const DCC_TYPES = z.tuple([z.literal("VerifiableCredential"), z.literal("DigitalConformityCredential")]);

/** A product assessed: identified by a scheme (GTIN, model number…), optionally by batch or serial number. */
export const product = z.strictObject({
  id: uri.optional(),
  name: text(300),
  registeredId: text(100).optional(),
  idScheme: z.strictObject({ id: uri.optional(), name: text(200) }).optional(),
  modelNumber: text(100).optional(),
  batchNumber: text(100).optional(),
  serialNumber: text(100).optional(),
  hsCode: hsCode.optional(),
  manufacturer: party.optional(),
});

/** A standard assessed against, e.g. GOST 30327-2013 or ISO 22000:2018. */
export const standard = z.strictObject({ id: uri.optional(), name: text(300), issuingParty: party.optional(), issueDate: date.optional() });

/** A regulation assessed against, e.g. EAEU TR CU 021/2011 "On food safety". */
export const regulation = z.strictObject({
  id: uri.optional(),
  name: text(300),
  jurisdictionCountry: countryCode,
  administeredBy: party.optional(),
  effectiveDate: date.optional(),
});

/** A measured or declared value (UNTP Metric), e.g. lead 0.02 MGM per kilogram. */
export const metric = z.strictObject({
  metricName: text(200),
  metricValue: z.strictObject({ value: z.number().finite(), unit: unitCode }),
  score: text(50).optional(),
  accuracy: z.number().nonnegative().finite().optional(),
});

/** The conformity assessment scheme the attestation is made under (UNTP calls it `scope`), e.g. EAEU scheme 1s. */
export const conformityScheme = z.strictObject({ id: uri.optional(), name: text(300), issuingParty: party.optional() });

/**
 * A UNTP conformity topic: a dotted code such as "product.safety", "product.quality" or "environment.emissions".
 * UNTP lists topics; trade certificates need product topics it lacks, so any dotted lower-case code is accepted.
 */
export const conformityTopic = z
  .string()
  .regex(/^[a-z][a-zA-Z]*(?:\.[a-z][a-zA-Z]*)*$/, "must be a dotted topic code, e.g. product.safety");

/** Who assessed (UNTP assessorLevel). */
export const assessorLevel = z.enum(["Self", "Commercial", "Buyer", "Membership", "Unspecified", "3rdParty"]);

/** How the assessor is recognised (UNTP assessmentLevel). */
export const assessmentLevel = z.enum(["GovtApproval", "GlobalMLA", "Accredited", "Verified", "Validated", "Unspecified"]);

/**
 * Evidence an assessment rests on (UNTP SecureLink), e.g. the test report a certificate was granted on. A document
 * anchored on the ledger is linked by its certHash: `hashDigest` is the SHA-256 of its bytes in hex (the certHash
 * without 0x), so a verifier follows the link to the ledger without fetching `linkURL`.
 */
export const evidenceLink = z.strictObject({
  linkURL: uri.optional(),
  linkName: text(300),
  linkType: text(100).optional(),
  hashDigest: z.string().regex(/^[0-9a-f]{64}$/, "must be a SHA-256 digest: 64 lower-case hex digits"),
  hashMethod: z.literal("SHA-256"),
});

/** One assessment of an attestation: what was assessed, against what, when, and the decision (`conformance`). */
export const assessmentMembers = {
  type: z.tuple([z.literal("ConformityAssessment")]),
  id: uri.optional(),
  name: text(300).optional(),
  description: text(2000).optional(),
  assessmentDate: date,
  referenceStandard: standard.optional(),
  referenceRegulation: regulation.optional(),
  conformityTopic,
  conformance: z.boolean(),
  assessedProduct: z.array(z.strictObject({ product, IDverifiedByCAB: z.boolean() })).min(1),
  assessedFacility: z.array(z.strictObject({ facility: party, IDverifiedByCAB: z.boolean() })).optional(),
  declaredValue: z.array(metric).optional(),
  auditor: party.optional(),
  evidence: z.array(evidenceLink).max(20).optional(),
};

/** An assessment must say what it assessed against: a standard, a regulation or both. */
export function checkReference(assessment: { referenceStandard?: unknown; referenceRegulation?: unknown }, ctx: z.RefinementCtx): void {
  if (assessment.referenceStandard === undefined && assessment.referenceRegulation === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["referenceStandard"],
      message: "an assessment names a referenceStandard, a referenceRegulation or both",
    });
  }
}

/** The `type` of a conformity attestation subject. */
export const ATTESTATION_TYPES = z.tuple([z.literal("ConformityAttestation"), z.literal("Attestation")]);

/** The members of an attestation subject (`credentialSubject`) shared by certificates and test reports. */
export const attestationMembers = {
  type: ATTESTATION_TYPES,
  id: uri.optional(),
  certificateNumber,
  name: text(300),
  description: text(2000).optional(),
  assessorLevel: assessorLevel.optional(),
  assessmentLevel: assessmentLevel.optional(),
  issuedToParty: party,
};
