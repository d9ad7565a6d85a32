/**
 * What people send to register traders, declare origin, propose agreements and state recognition per agreement: zod
 * schemas (the server validates HTTP bodies with them, the OpenAPI document shows them), each field's error naming it.
 */
import { z } from "zod";
import { isPartyCode } from "../chain/party-code";
import { agreementCode, originGoodsSchema, REGISTRATION_NUMBER } from "../documents/credentials";
import { date, text, tradeParty } from "../documents/credentials/common";
import { PROOF_KIND_NAMES, TRADER_KINDS, type ProofKind } from "./vocabulary";

const party = z.string().refine(isPartyCode, "must be a party code, e.g. KG");
const dateTime = z.iso.datetime({ offset: true, error: "must be a date-time with a time zone, e.g. 2027-01-01T00:00:00Z" });
const heading = z.string().regex(/^[0-9]{4}([0-9]{2}){0,3}$/, "must be an HS heading of 4 digits (e.g. 0813) or an HS code");

/** An origin authority registers an exporter (model 4) or importer (model 5) of its party. */
export const registrationRequestSchema = z.strictObject({
  kind: z.enum(TRADER_KINDS),
  number: z.string().regex(REGISTRATION_NUMBER, "must be capitals, digits and hyphens, 3 to 40 characters, e.g. KG-REX-000123"),
  name: text(300),
  address: text(500),
  /** The HS headings (4 digits, or codes whose heading is taken) the trader may declare for. */
  headings: z.array(heading).min(1, "must name at least one HS heading").max(64, "at most 64 headings"),
  validFrom: dateTime.optional(),
  validUntil: dateTime,
  /** Whether the trader consents to its name, address and headings being public (else only number and validity are). */
  consent: z.boolean(),
  /**
   * The public half of a P-256 key the trader holds itself (a JWK): its declarations are then signed by the trader and
   * sent signed (`jws`); nobody else can sign in its name. Without it, the registering server makes and keeps the key.
   */
  publicJwk: z.record(z.string(), z.unknown()).optional(),
});
export type RegistrationRequest = z.infer<typeof registrationRequestSchema>;

/** A registration's new status. */
export const registrationStatusRequestSchema = z.strictObject({ status: z.enum(["Active", "Suspended", "Revoked"]) });

/** A registered trader declares origin: the statement on origin on a commercial document, under one agreement. */
export const declarationRequestSchema = z.strictObject({
  /** The declaration's own number; by default "<registration>/<invoice number>". */
  number: text(100).optional(),
  tradeAgreement: agreementCode,
  /** An exporter's is its own party (the default); an importer names where the goods come from. */
  exportingCountry: party.optional(),
  /** An importer's is its own party (the default); an exporter names where the goods go. */
  importingCountry: party.optional(),
  countryOfOrigin: party.optional(),
  invoice: z.strictObject({ number: text(100), date }),
  statement: text(2000).optional(),
  exporter: tradeParty.optional(),
  consignee: tradeParty.optional(),
  goods: z.array(originGoodsSchema).min(1, "must list at least one line of goods").max(255),
  /** End of validity; 12 months by default (a statement on origin is commonly valid for a year). */
  validUntil: dateTime.optional(),
});
export type DeclarationRequest = z.infer<typeof declarationRequestSchema>;

/** A declaration the trader signed itself with the key it holds: the credential as a compact JWS (VC-JOSE). */
export const signedDeclarationRequestSchema = z.strictObject({
  jws: z
    .string()
    .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, "must be a compact JWS")
    .max(1_000_000),
});

/** A party admin proposes an agreement between its party and others. */
export const agreementRequestSchema = z.strictObject({
  code: agreementCode,
  name: text(200),
  parties: z.array(party).min(2, "an agreement has at least two parties").max(32),
});

/** A party admin states which proofs of origin its party accepts from `issuer` under an agreement. */
export const agreementRecognitionRequestSchema = z.strictObject({
  issuer: party,
  agreement: agreementCode,
  proofs: z.array(z.enum(PROOF_KIND_NAMES as [ProofKind, ...ProofKind[]])).max(3),
  validFrom: dateTime.optional(),
  validUntil: dateTime.optional(),
});
