/** Request and response schemas of the importing side's routes (border agencies, outcomes, utilisation). */
import { z } from "zod";
import { AGENCY_OUTCOMES, certificateUseSchema, feedEventSchema, REJECTION_REASONS } from "../src/outcomes";
import { declaredItemsSchema } from "../src/documents/declared-items";
import { accountAddress, certHashInput, hash, partyCode, requestComponents, responseComponents } from "./schemas";

export const registerAgencyRequest = z.strictObject({
  name: z.string().trim().min(1).max(200),
  accounts: z
    .array(accountAddress)
    .min(1)
    .max(16)
    .meta({ description: "the accounts it writes from (this server writes from the first it holds)" }),
});
requestComponents.add(registerAgencyRequest, { id: "RegisterAgency" });

export const agencyParams = z.object({
  id: z.coerce.number().int().min(1).max(0xffffffff).meta({ description: "the border agency's id on the ledger" }),
});

export const agencyView = z.object({
  id: z.int(),
  party: partyCode,
  status: z.enum(["Active", "Suspended"]),
  name: z.string(),
  accounts: z.array(accountAddress),
});
responseComponents.add(agencyView, { id: "Agency" });

export const agencyRegistered = z.object({
  agencyId: z.int(),
  txHash: hash,
  blockNumber: z.int(),
  writesFrom: accountAddress
    .optional()
    .meta({ description: "the account this server writes the agency's outcomes from, when it holds one" }),
});

/** The certificate as presented at the border: its credential, or its file (base64); neither when its payload was addressed to the agency's party. */
const presented = {
  credential: z.string().min(1).max(1_000_000).optional().meta({ description: "the credential presented (compact JWS)" }),
  file: z.base64().max(15_000_000).optional().meta({ description: "the document presented (e.g. the PDF), base64" }),
};

const reasonNames = REJECTION_REASONS.map((r) => r.name) as [string, ...string[]];

export const recordOutcomeRequest = z
  .strictObject({
    outcome: z.enum(AGENCY_OUTCOMES),
    rejectionReason: z
      .enum(reasonNames)
      .optional()
      .meta({ description: `a rejection's reason: ${REJECTION_REASONS.map((r) => `${r.name} (${r.code}): ${r.text}`).join("; ")}` }),
    remarks: z
      .string()
      .trim()
      .min(1)
      .max(2000)
      .optional()
      .meta({ description: "free text, stored encrypted to the issuing and the importing party" }),
    ...presented,
  })
  .refine((b) => !(b.credential !== undefined && b.file !== undefined), {
    message: "give the credential or the file, not both",
    path: ["file"],
  })
  .refine((b) => (b.outcome === "rejected") === (b.rejectionReason !== undefined), {
    message: "a rejection needs a rejectionReason, and only a rejection has one",
    path: ["rejectionReason"],
  });
requestComponents.add(recordOutcomeRequest, { id: "RecordOutcome" });

export const recordUtilisationRequest = z
  .strictObject({
    declaration: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .meta({ description: "the import declaration's reference (kept by this party; the ledger holds its hash)" }),
    items: z
      .array(
        z.strictObject({
          item: z.int().min(1).max(255).meta({ description: "the item's number on the certificate, from 1" }),
          quantity: z.union([z.number().positive(), z.string().regex(/^\d+(\.\d{1,3})?$/)]).meta({ description: "at most 3 decimals" }),
          unit: z.string().regex(/^[A-Z0-9]{2,3}$/, "must be a UN/ECE Rec 20 unit code, e.g. KGM"),
        }),
      )
      .min(1)
      .max(255),
    ...presented,
  })
  .refine((b) => !(b.credential !== undefined && b.file !== undefined), {
    message: "give the credential or the file, not both",
    path: ["file"],
  });
requestComponents.add(recordUtilisationRequest, { id: "RecordUtilisation" });

export const certificateUse = certificateUseSchema;
responseComponents.add(certificateUse, { id: "CertificateUse" });

export const recordedResponse = z.object({
  certHash: hash,
  party: partyCode.meta({ description: "the importing party the agency answered for" }),
  txHash: hash.optional(),
  blockNumber: z.int().optional(),
  alreadyRecorded: z
    .boolean()
    .meta({ description: "true when the same write-off was recorded before (a retry): nothing was written again" }),
  use: certificateUse,
  summary: z.array(z.string()).meta({ description: "the use in plain words, one line each" }),
});
responseComponents.add(recordedResponse, { id: "OutcomeRecorded" });

export const useResponse = z.object({
  certHash: hash,
  use: certificateUse,
  summary: z.array(z.string()),
});

export const useParams = z.object({ certHash: certHashInput });

export const feedQuery = z.strictObject({
  issuer: partyCode.optional().meta({ description: "only certificates issued by this party's authorities" }),
  importer: partyCode.optional().meta({ description: "only what this importing party recorded" }),
  after: z
    .string()
    .regex(/^\d{1,12}-\d{1,6}$/, "must be a cursor from an earlier page's `next`, e.g. 1234-0")
    .optional()
    .meta({ description: "the cursor to start after (an earlier page's `next`)" }),
  limit: z.coerce.number().int().min(1).max(1000).optional().meta({ description: "at most this many events (default 100)" }),
});

export const feedResponse = z.object({
  events: z.array(feedEventSchema),
  next: z.string().meta({ description: "the cursor for the next page (the same when this page is empty)" }),
});
responseComponents.add(feedResponse, { id: "OutcomesFeed" });

export const correctItemsRequest = z.strictObject({
  items: declaredItemsSchema.meta({
    description: "the goods items as the certificate states them: [{ description, quantity: { value, unit } }], in its order",
  }),
});
requestComponents.add(correctItemsRequest, { id: "CorrectItems" });
