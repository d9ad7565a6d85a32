/**
 * A phytosanitary certificate: the exporting country's National Plant Protection Organization (NPPO) certifies
 * that plants or plant products were inspected and meet the importing country's requirements (IPPC ISPM 12).
 * The members are the core of the UN/CEFACT SPS certificate as the IPPC ePhyto hub exchanges it.
 */
import { z } from "zod";
import {
  certificateNumber,
  checkValidityPeriod,
  countryCode,
  credentialMembers,
  date,
  envelope,
  hsCode,
  packages,
  quantity,
  text,
  tradeParty,
  transportMode,
  VC_CONTEXT,
  type CredentialEnvelopeInput,
} from "./common";

/** The VC `type` of a phytosanitary certificate. */
export const PHYTOSANITARY_CERTIFICATE_VC_TYPE = "PhytosanitaryCertificateCredential";

/** An NPPO, named by its country. */
const nppo = z.strictObject({ countryCode, name: text(300).optional() });

/** One commodity of the consignment. */
export const commoditySchema = z.strictObject({
  description: text(1000),
  /** The scientific name, e.g. "Malus domestica". */
  botanicalName: text(200),
  commonName: text(200).optional(),
  hsCode: hsCode.optional(),
  quantity,
  packages: packages.optional(),
  placeOfOrigin: z.strictObject({ countryCode, region: text(200).optional() }),
  intendedUse: text(200).optional(),
});

/** The subject of a phytosanitary certificate. */
export const phytosanitaryCertificateSubjectSchema = z.strictObject({
  type: z.tuple([z.literal("PhytosanitaryCertificate")]),
  certificateNumber,
  exportingNppo: nppo.extend({ name: text(300) }),
  importingNppo: nppo,
  consignor: tradeParty,
  consignee: tradeParty,
  declaredMeansOfConveyance: z.strictObject({ mode: transportMode, identifier: text(100).optional() }),
  pointOfEntry: text(200).optional(),
  distinguishingMarks: text(1000).optional(),
  commodities: z.array(commoditySchema).min(1),
  additionalDeclaration: text(4000).optional(),
  treatment: z
    .strictObject({
      type: text(200),
      chemical: text(200).optional(),
      concentration: text(100).optional(),
      durationAndTemperature: text(200).optional(),
      date: date.optional(),
      additionalInformation: text(1000).optional(),
    })
    .optional(),
  inspectionDate: date,
  placeOfIssue: text(200).optional(),
  authorizedOfficer: text(200).optional(),
});

/** A phytosanitary certificate credential. */
export const phytosanitaryCertificateSchema = z
  .strictObject({
    "@context": z.tuple([z.literal(VC_CONTEXT)]),
    type: z.tuple([z.literal("VerifiableCredential"), z.literal(PHYTOSANITARY_CERTIFICATE_VC_TYPE)]),
    ...credentialMembers,
    credentialSubject: phytosanitaryCertificateSubjectSchema,
  })
  .superRefine(checkValidityPeriod);

/** A validated phytosanitary certificate credential. */
export type PhytosanitaryCertificateCredential = z.infer<typeof phytosanitaryCertificateSchema>;

/** The subject as a builder takes it: without `type` and the number, which the builder fills in. */
export type PhytosanitaryCertificateSubjectInput = Omit<
  PhytosanitaryCertificateCredential["credentialSubject"],
  "type" | "certificateNumber"
>;

/** The unvalidated credential object for a phytosanitary certificate input. */
export function phytosanitaryCertificateCredential(input: CredentialEnvelopeInput & { subject: PhytosanitaryCertificateSubjectInput }) {
  return {
    "@context": [VC_CONTEXT],
    type: ["VerifiableCredential", PHYTOSANITARY_CERTIFICATE_VC_TYPE],
    ...envelope(input),
    credentialSubject: { type: ["PhytosanitaryCertificate"], certificateNumber: input.certificateNumber, ...input.subject },
  };
}
