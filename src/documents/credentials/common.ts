import { randomUUID } from "node:crypto";
import { z } from "zod";
import { isPartyCode } from "../../chain/party-code";
import { CertLedgerError, isCertLedgerError } from "../../errors";
import { normalizeCertificateNumber } from "../hashing";
import { parseAuthorityDid } from "../../standard-views/did-web";

/** The W3C Verifiable Credentials 2.0 base context, always first in `@context`. */
export const VC_CONTEXT = "https://www.w3.org/ns/credentials/v2";

/** The largest authority id the ledger can hold (a uint32). */
const MAX_AUTHORITY_ID = 2 ** 32 - 1;
const ISSUER_DID = /^did:certledger:([A-Z]{2}):([1-9][0-9]{0,9})(?::([A-Z0-9][A-Z0-9-]{2,39}))?$/;

/** A registered exporter's or importer's number, e.g. KG-REX-000123: capitals, digits and hyphens, 3..40 characters. */
export const REGISTRATION_NUMBER = /^[A-Z0-9][A-Z0-9-]{2,39}$/;

/**
 * A credential issuer's identity: the issuing party's code and the authority's id on the ledger; for an origin
 * declaration, also the registration number of the exporter or importer who declared, registered by that authority.
 */
export interface CredentialIssuerRef {
  party: string;
  authorityId: number;
  registration?: string;
}

/**
 * The issuer DID of authority `authorityId` of `party`, `did:certledger:<party>:<authorityId>`; with `registration`,
 * of the trader it registered under that number, `did:certledger:<party>:<authorityId>:<registration>`.
 */
export function issuerDid(party: string, authorityId: number, registration?: string): string {
  return `did:certledger:${party}:${authorityId}${registration === undefined ? "" : `:${registration}`}`;
}

/** The party, authority id (and registration) in an issuer DID, or undefined when it is not a `did:certledger` DID. */
export function parseIssuerDid(did: string): CredentialIssuerRef | undefined {
  const match = ISSUER_DID.exec(did);
  if (match === null || !isPartyCode(match[1])) return undefined;
  const authorityId = Number(match[2]);
  if (authorityId > MAX_AUTHORITY_ID) return undefined;
  return match[3] === undefined ? { party: match[1], authorityId } : { party: match[1], authorityId, registration: match[3] };
}

/** Free text: not blank, at most `max` characters. */
export function text(max = 500) {
  return z.string().max(max).regex(/\S/, "must not be blank");
}

/** A URI identifier: https, http, urn or did (never `javascript:` and the like, since pages may link it). */
export const uri = z.url({ protocol: /^(https?|urn|did)$/, error: "must be an https, http, urn or did URI" });

/** A calendar date, `YYYY-MM-DD`. */
export const date = z.iso.date({ error: "must be a date YYYY-MM-DD" });

/** An XML Schema dateTimeStamp as VC 2.0 wants it: a date and time with a time zone, e.g. 2025-03-01T09:30:00Z. */
export const dateTime = z.iso.datetime({ offset: true, error: "must be a date-time with a time zone, e.g. 2025-03-01T09:30:00Z" });

/** An ISO 3166-1 alpha-2 country code, e.g. KG. */
export const countryCode = z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 country code, e.g. KG");

/** A Harmonized System code: the 6 international digits, or a national 8- or 10-digit extension, without dots. */
export const hsCode = z.string().regex(/^(?:[0-9]{2}){3,5}$/, "must be an HS code of 6, 8 or 10 digits without dots, e.g. 080810");

/** A UN/ECE Recommendation 20 unit code, e.g. KGM (kilogram), TNE (tonne), H87 (piece), LTR (litre). */
export const unitCode = z.string().regex(/^[A-Z0-9]{2,3}$/, "must be a UN/ECE Rec 20 unit code, e.g. KGM");

/** A measured or declared amount. */
export const quantity = z.strictObject({ value: z.number().positive().finite(), unit: unitCode });

/** How goods travel (UN/ECE Recommendation 19 modes). */
export const transportMode = z.enum(["sea", "rail", "road", "air", "mail", "multimodal", "inlandWater", "pipeline"]);

/** Packages of a consignment line: how many and of what kind (e.g. "cartons"). */
export const packages = z.strictObject({ count: z.number().int().positive(), kind: text(100) });

/** A party named on a certificate (a company, a body); UNTP's Party, with an address and country where known. */
export const party = z.strictObject({
  id: uri.optional(),
  name: text(300),
  registeredId: text(100).optional(),
  idScheme: z.strictObject({ id: uri.optional(), name: text(200) }).optional(),
  address: text(500).optional(),
  countryCode: countryCode.optional(),
});

/** A party of a shipment (exporter, consignee…), whose address and country customs need. */
export const tradeParty = party.extend({ address: text(500), countryCode });

/** The certificate number as printed; it must survive normalizeCertificateNumber, which the ledger hashes. */
export const certificateNumber = z.string().superRefine((value, ctx) => {
  try {
    normalizeCertificateNumber(value);
  } catch (error) {
    if (!isCertLedgerError(error)) throw error;
    ctx.addIssue({ code: "custom", message: error.message });
  }
});

/**
 * The issuer: the authority, named either by its ledger identifier `did:certledger:<party>:<authorityId>` or — as this
 * server issues from now on — by its did:web (`did:web:<host>:authorities:<authorityId>`, src/standard-views/did-web.ts),
 * which must then carry the ledger identifier in `alsoKnownAs` (the same authority id): generic tools resolve the
 * did:web, CertLedger's verifier ties both to the authority that anchored the credential.
 */
export const issuer = z
  .strictObject({
    id: z
      .string()
      .refine(
        (id) => (parseIssuerDid(id) !== undefined && parseIssuerDid(id)?.registration === undefined) || parseAuthorityDid(id) !== undefined,
        "must be did:certledger:<party>:<authorityId> (e.g. did:certledger:KG:7) or did:web:<host>:authorities:<authorityId>",
      ),
    name: text(300),
    alsoKnownAs: z.tuple([z.string()]).optional(),
  })
  .superRefine((value, ctx) => {
    const web = parseAuthorityDid(value.id);
    if (web === undefined) {
      if (value.alsoKnownAs !== undefined)
        ctx.addIssue({ code: "custom", path: ["alsoKnownAs"], message: "only a did:web issuer carries it" });
      return;
    }
    const ledger = value.alsoKnownAs && parseIssuerDid(value.alsoKnownAs[0]);
    if (!ledger || ledger.registration !== undefined || ledger.authorityId !== web.authorityId) {
      ctx.addIssue({
        code: "custom",
        path: ["alsoKnownAs"],
        message: `a did:web issuer must carry its ledger identifier, ["did:certledger:<party>:${web.authorityId}"]`,
      });
    }
  });

/** The issuer of an origin declaration: the registered trader, `did:certledger:<party>:<authorityId>:<registration>`. */
export const declarantIssuer = z.strictObject({
  id: z
    .string()
    .refine(
      (id) => parseIssuerDid(id)?.registration !== undefined,
      "must be did:certledger:<party>:<authorityId>:<registration>, e.g. did:certledger:KG:7:KG-REX-000123",
    ),
  name: text(300),
});

/** The purposes a CertLedger credential's status entries have: one Bitstring Status List each. */
export const STATUS_PURPOSES = ["revocation", "suspension"] as const;

/**
 * A W3C Bitstring Status List v1.0 entry: the credential's bit (`statusListIndex`, a decimal string) in the status
 * list credential at `statusListCredential` for `statusPurpose`; `id` is that URL with the index as its fragment.
 */
export const statusEntry = z.strictObject({
  id: z.url({ protocol: /^https?$/, error: "must be an https or http URL" }),
  type: z.literal("BitstringStatusListEntry"),
  statusPurpose: z.enum(STATUS_PURPOSES),
  statusListIndex: z.string().regex(/^(0|[1-9][0-9]{0,9})$/, "must be a whole number as a decimal string"),
  statusListCredential: z.url({ protocol: /^https?$/, error: "must be an https or http URL" }),
});

/** A credential's status entries: at most one per purpose. */
export const credentialStatus = z
  .array(statusEntry)
  .min(1)
  .max(STATUS_PURPOSES.length)
  .refine(
    (entries) => new Set(entries.map((e) => e.statusPurpose)).size === entries.length,
    "must have at most one entry per statusPurpose",
  );

/** The members every CertLedger credential has besides `@context`, `type` and `credentialSubject`. */
export const credentialMembers = {
  id: z
    .string()
    .regex(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "must be urn:uuid: and a lower-case UUID"),
  issuer,
  // validUntil is optional in VC 2.0 but required here: the ledger records when a certificate expires.
  validFrom: dateTime,
  validUntil: dateTime,
  credentialStatus: credentialStatus.optional(),
  name: text(300).optional(),
  description: text(2000).optional(),
};

/** Adds an issue at validUntil when the validity period is empty or inverted. */
export function checkValidityPeriod(vc: { validFrom: string; validUntil: string }, ctx: z.RefinementCtx): void {
  if (Date.parse(vc.validUntil) <= Date.parse(vc.validFrom)) {
    ctx.addIssue({ code: "custom", path: ["validUntil"], message: "must be after validFrom" });
  }
}

/** What every builder input has besides the type-specific subject. */
export interface CredentialEnvelopeInput {
  /** The issuing authority: its party's code, its ledger id and its display name. */
  issuer: CredentialIssuerRef & { name: string };
  /** The certificate number as printed on the certificate. */
  certificateNumber: string;
  /** Start of validity; now when absent. */
  validFrom?: Date | string;
  /** End of validity (required: the ledger records it). */
  validUntil: Date | string;
  /** `urn:uuid:…`; a random one when absent. */
  id?: string;
  name?: string;
  description?: string;
}

/** The VC members of a builder input, in the order they are serialised (so every credential reads alike). */
export function envelope(input: CredentialEnvelopeInput) {
  return {
    id: input.id ?? `urn:uuid:${randomUUID()}`,
    issuer: { id: issuerDid(input.issuer.party, input.issuer.authorityId, input.issuer.registration), name: input.issuer.name },
    validFrom: dateTimeOf(input.validFrom ?? new Date()),
    validUntil: dateTimeOf(input.validUntil),
    ...(input.name === undefined ? {} : { name: input.name }),
    ...(input.description === undefined ? {} : { description: input.description }),
  };
}

/** Parses `json` with `schema`, throwing INVALID_CREDENTIAL whose message names each failing field's path. */
export function parseWith<T>(schema: z.ZodType<T>, json: unknown): T {
  // reportInput puts each failing value on its issue, which tells a missing member (no input) from a wrong one.
  const result = schema.safeParse(json, { reportInput: true });
  if (result.success) return result.data;
  throw invalidCredential(result.error.issues);
}

/** INVALID_CREDENTIAL for zod issues (parsed with reportInput), e.g. `credentialSubject.goods.0.hsCode: must be an HS code …`. */
export function invalidCredential(issues: readonly z.core.$ZodIssue[]): CertLedgerError {
  const shown = issues.slice(0, 5).map((issue) => {
    const where = issue.path.length === 0 ? "credential" : issue.path.map(String).join(".");
    const what = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
    return `${where}: ${what}`;
  });
  const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : "";
  return new CertLedgerError("INVALID_CREDENTIAL", `invalid credential: ${shown.join("; ")}${more}`);
}

/** A Date or date-time string as a dateTimeStamp without milliseconds when it has none (2025-03-01T09:30:00Z). */
function dateTimeOf(value: Date | string): string {
  if (typeof value === "string") return value;
  return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString().replace(".000Z", "Z");
}
