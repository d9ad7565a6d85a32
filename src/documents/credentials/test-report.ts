/**
 * A test report as a UNTP Digital Conformity Credential with attestationType "testing": a laboratory reports
 * measured values (`declaredValue`, UNTP's Metric) of tested products against a test standard or regulation.
 */
import { z } from "zod";
import { checkValidityPeriod, credentialMembers, envelope, VC_CONTEXT, type CredentialEnvelopeInput } from "./common";
import {
  assessmentMembers,
  attestationMembers,
  checkReference,
  conformityScheme,
  DCC_CONTEXTS,
  DCC_TYPES,
  metric,
  UNTP_DCC_CONTEXT,
} from "./untp";

/** One test of a report: an assessment that must carry its measurements. */
export const testAssessmentSchema = z
  .strictObject({ ...assessmentMembers, declaredValue: z.array(metric).min(1) })
  .superRefine(checkReference);

/** The subject of a test report. */
export const testReportSubjectSchema = z.strictObject({
  ...attestationMembers,
  attestationType: z.literal("testing"),
  scope: conformityScheme.optional(),
  assessment: z.array(testAssessmentSchema).min(1),
});

/** A test report credential. */
export const testReportSchema = z
  .strictObject({ "@context": DCC_CONTEXTS, type: DCC_TYPES, ...credentialMembers, credentialSubject: testReportSubjectSchema })
  .superRefine(checkValidityPeriod);

/** A validated test report credential. */
export type TestReportCredential = z.infer<typeof testReportSchema>;

type Subject = TestReportCredential["credentialSubject"];

/** The subject as a builder takes it: without the `type` members, the number and the attestation type. */
export type TestReportSubjectInput = Omit<Subject, "type" | "certificateNumber" | "attestationType" | "assessment"> & {
  assessment: Omit<Subject["assessment"][number], "type">[];
};

/** The unvalidated credential object for a test report input. */
export function testReportCredential(input: CredentialEnvelopeInput & { subject: TestReportSubjectInput }) {
  const { assessment, ...subject } = input.subject;
  return {
    "@context": [VC_CONTEXT, UNTP_DCC_CONTEXT],
    type: ["VerifiableCredential", "DigitalConformityCredential"],
    ...envelope(input),
    credentialSubject: {
      type: ["ConformityAttestation", "Attestation"],
      certificateNumber: input.certificateNumber,
      attestationType: "testing",
      ...subject,
      assessment: assessment.map((a) => ({ type: ["ConformityAssessment"], ...a })),
    },
  };
}
