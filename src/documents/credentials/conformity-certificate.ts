/**
 * A product conformity certificate as a UNTP Digital Conformity Credential: a certification body attests that
 * products conform to standards or regulations under a conformity assessment scheme. EAEU-style registered
 * declarations of conformity are conformity certificates too (attestationType "declaration").
 */
import { z } from "zod";
import { checkValidityPeriod, credentialMembers, envelope, VC_CONTEXT, type CredentialEnvelopeInput } from "./common";
import { assessmentMembers, attestationMembers, checkReference, conformityScheme, DCC_CONTEXTS, DCC_TYPES, UNTP_DCC_CONTEXT } from "./untp";

/** Attestation types a conformity certificate may carry. */
export const CONFORMITY_ATTESTATION_TYPES = ["certification", "declaration", "inspection", "verification", "validation"] as const;

/** One assessment of a conformity certificate. */
export const conformityAssessmentSchema = z.strictObject(assessmentMembers).superRefine(checkReference);

/** The subject of a conformity certificate: the attestation. */
export const conformityCertificateSubjectSchema = z.strictObject({
  ...attestationMembers,
  attestationType: z.enum(CONFORMITY_ATTESTATION_TYPES),
  scope: conformityScheme,
  assessment: z.array(conformityAssessmentSchema).min(1),
});

/** A conformity certificate credential. */
export const conformityCertificateSchema = z
  .strictObject({ "@context": DCC_CONTEXTS, type: DCC_TYPES, ...credentialMembers, credentialSubject: conformityCertificateSubjectSchema })
  .superRefine(checkValidityPeriod);

/** A validated conformity certificate credential. */
export type ConformityCertificateCredential = z.infer<typeof conformityCertificateSchema>;

type Subject = ConformityCertificateCredential["credentialSubject"];

/** The subject as a builder takes it: without the `type` members and the number, which the builder fills in. */
export type ConformityCertificateSubjectInput = Omit<Subject, "type" | "certificateNumber" | "attestationType" | "assessment"> & {
  /** "certification" when absent. */
  attestationType?: Subject["attestationType"];
  assessment: Omit<Subject["assessment"][number], "type">[];
};

/** The unvalidated credential object for a conformity certificate input. */
export function conformityCertificateCredential(input: CredentialEnvelopeInput & { subject: ConformityCertificateSubjectInput }) {
  const { attestationType = "certification", assessment, ...subject } = input.subject;
  return {
    "@context": [VC_CONTEXT, UNTP_DCC_CONTEXT],
    type: ["VerifiableCredential", "DigitalConformityCredential"],
    ...envelope(input),
    credentialSubject: {
      type: ["ConformityAttestation", "Attestation"],
      certificateNumber: input.certificateNumber,
      attestationType,
      ...subject,
      assessment: assessment.map((a) => ({ type: ["ConformityAssessment"], ...a })),
    },
  };
}
