/**
 * An origin declaration: a registered exporter's statement on origin on a commercial document (the WCO's model 4,
 * like the EU's REX "statement on origin" on an invoice), or a registered importer's declaration of the origin of
 * goods it imports (model 5). It is issued by the trader itself — `issuer.id` names the trader's registration under the
 * origin authority that registered it, `did:certledger:<party>:<authorityId>:<registration>` — signed with the
 * trader's own key, and claims preference under one trade agreement (its code on the ledger's origin registry).
 */
import { z } from "zod";
import {
  checkValidityPeriod,
  countryCode,
  certificateNumber,
  credentialMembers,
  date,
  declarantIssuer,
  envelope,
  REGISTRATION_NUMBER,
  text,
  tradeParty,
  VC_CONTEXT,
  type CredentialEnvelopeInput,
} from "./common";
import { originGoodsSchema } from "./certificate-of-origin";

/** The VC `type` of an origin declaration. */
export const ORIGIN_DECLARATION_VC_TYPE = "OriginDeclarationCredential";

/** A trade agreement's code on the origin registry, e.g. "KG-KZ" or "CISFTA". */
export const agreementCode = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, "must be a trade agreement's code: letters, digits, dot, hyphen, underscore, e.g. KG-KZ");

/** Who declares: a registered exporter or importer, by its registration number. */
export const declarantSchema = z.strictObject({
  kind: z.enum(["exporter", "importer"]),
  registrationNumber: z.string().regex(REGISTRATION_NUMBER, "must be a registration number, e.g. KG-REX-000123"),
  name: text(300),
});

/** The subject of an origin declaration. */
export const originDeclarationSubjectSchema = z.strictObject({
  type: z.tuple([z.literal("OriginDeclaration")]),
  /** The declaration's own number (the ledger indexes it in the declarant's party, like a certificate number). */
  certificateNumber,
  declarant: declarantSchema,
  tradeAgreement: agreementCode,
  exportingCountry: countryCode,
  importingCountry: countryCode,
  countryOfOrigin: countryCode,
  /** The commercial document the statement is made out on. */
  invoice: z.strictObject({ number: text(100), date }),
  /** The statement on origin as the agreement words it. */
  statement: text(2000),
  exporter: tradeParty.optional(),
  consignee: tradeParty.optional(),
  goods: z.array(originGoodsSchema).min(1),
});

/** An origin declaration credential. */
export const originDeclarationSchema = z
  .strictObject({
    "@context": z.tuple([z.literal(VC_CONTEXT)]),
    type: z.tuple([z.literal("VerifiableCredential"), z.literal(ORIGIN_DECLARATION_VC_TYPE)]),
    ...credentialMembers,
    issuer: declarantIssuer,
    credentialSubject: originDeclarationSubjectSchema,
  })
  .superRefine(checkValidityPeriod);

/** A validated origin declaration. */
export type OriginDeclarationCredential = z.infer<typeof originDeclarationSchema>;

/** The subject as a builder takes it: without `type` and the number. */
export type OriginDeclarationSubjectInput = Omit<OriginDeclarationCredential["credentialSubject"], "type" | "certificateNumber">;

/** Builds an origin declaration credential (not yet validated). */
export function originDeclarationCredential(input: CredentialEnvelopeInput & { subject: OriginDeclarationSubjectInput }) {
  return {
    "@context": [VC_CONTEXT],
    type: ["VerifiableCredential", ORIGIN_DECLARATION_VC_TYPE],
    ...envelope(input),
    credentialSubject: { type: ["OriginDeclaration"], certificateNumber: input.certificateNumber, ...input.subject },
  };
}

/** The 4-digit HS headings of a declaration's goods, each once, as numbers (0813 → 813), for the registry. */
export function declarationHeadings(vc: OriginDeclarationCredential): number[] {
  return [...new Set(vc.credentialSubject.goods.map((g) => Number(g.hsCode.slice(0, 4))))];
}
