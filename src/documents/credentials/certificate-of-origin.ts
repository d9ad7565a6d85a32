/**
 * A certificate of origin: a chamber of commerce (or other designated body) of the exporting country certifies
 * where goods originate, for preferential tariffs under a trade agreement (e.g. the CIS Free Trade Agreement,
 * "CISFTA", form CT-1) or for non-preferential purposes (no `tradeAgreement`). The members follow the boxes of the
 * paper forms and the UN/CEFACT certificate-of-origin message: exporter, consignee, producer, transport, goods.
 */
import { z } from "zod";
import {
  checkValidityPeriod,
  countryCode,
  credentialMembers,
  certificateNumber,
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

/** The VC `type` of a certificate of origin. */
export const CERTIFICATE_OF_ORIGIN_VC_TYPE = "CertificateOfOriginCredential";

/** One line of goods: what it is, its HS code, why it originates (the origin criterion), how much. */
export const originGoodsSchema = z.strictObject({
  itemNumber: z.number().int().positive(),
  description: text(1000),
  hsCode,
  /** The rule met, as the agreement writes it: e.g. "WO" (wholly obtained), "CTH" (change of tariff heading), "RVC 50%". */
  originCriterion: text(100),
  quantity,
  grossWeight: quantity.optional(),
  packages: packages.optional(),
  marks: text(500).optional(),
});

/** The subject of a certificate of origin. */
export const certificateOfOriginSubjectSchema = z.strictObject({
  type: z.tuple([z.literal("CertificateOfOrigin")]),
  certificateNumber,
  tradeAgreement: text(100).optional(),
  form: text(50).optional(),
  exporter: tradeParty,
  consignee: tradeParty,
  producer: tradeParty.optional(),
  exportingCountry: countryCode,
  importingCountry: countryCode,
  countryOfOrigin: countryCode,
  transport: z.strictObject({
    mode: transportMode,
    meansIdentifier: text(100).optional(),
    departureDate: date.optional(),
    placeOfLoading: text(200).optional(),
    placeOfDischarge: text(200).optional(),
    route: text(500).optional(),
  }),
  invoice: z.strictObject({ number: text(100), date }).optional(),
  goods: z.array(originGoodsSchema).min(1),
  remarks: text(2000).optional(),
});

/** A certificate of origin credential. */
export const certificateOfOriginSchema = z
  .strictObject({
    "@context": z.tuple([z.literal(VC_CONTEXT)]),
    type: z.tuple([z.literal("VerifiableCredential"), z.literal(CERTIFICATE_OF_ORIGIN_VC_TYPE)]),
    ...credentialMembers,
    credentialSubject: certificateOfOriginSubjectSchema,
  })
  .superRefine(checkValidityPeriod);

/** A validated certificate of origin credential. */
export type CertificateOfOriginCredential = z.infer<typeof certificateOfOriginSchema>;

/** The subject as a builder takes it: without `type` and the number, which the builder fills in. */
export type CertificateOfOriginSubjectInput = Omit<CertificateOfOriginCredential["credentialSubject"], "type" | "certificateNumber">;

/** The unvalidated credential object for a certificate of origin input. */
export function certificateOfOriginCredential(input: CredentialEnvelopeInput & { subject: CertificateOfOriginSubjectInput }) {
  return {
    "@context": [VC_CONTEXT],
    type: ["VerifiableCredential", CERTIFICATE_OF_ORIGIN_VC_TYPE],
    ...envelope(input),
    credentialSubject: { type: ["CertificateOfOrigin"], certificateNumber: input.certificateNumber, ...input.subject },
  };
}
