import { z } from "zod";
import { hex32Schema } from "../hex32-schemas";
import { certificateUseSchema } from "../outcomes/certificate-use";
import { originInfoSchema } from "../origin/origin-facts";
import { spsDocumentSchema } from "../documents/sps/fields";

/** Overall verdicts, as DESIGN.md lists them. */
export const VERDICTS = [
  "VALID",
  "REVOKED",
  "SUSPENDED",
  "EXPIRED",
  "NOT_FOUND",
  "UNTRUSTED_ISSUER",
  "INVALID_SIGNATURE",
  "TAMPERED",
  "NOT_RECOGNISED",
] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The checks of a verification, one report entry each, in the order they are made. */
export const CHECK_IDS = ["integrity", "anchored", "issuer", "signature", "status", "payload", "recognition", "statusList"] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** pass / fail; `warn` passes but says something a person should know; `skip` did not apply or could not run. */
export const CHECK_RESULTS = ["pass", "fail", "warn", "skip"] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];

const hash = hex32Schema();
const isoTime = z.iso.datetime();

export const checkSchema = z.object({
  id: z.enum(CHECK_IDS),
  result: z.enum(CHECK_RESULTS),
  /** Which verdict a failure of this check leads to. */
  verdictOnFailure: z.enum(VERDICTS).optional(),
  /** One sentence in plain words, for a person. */
  detail: z.string(),
});
export type Check = z.infer<typeof checkSchema>;

export const historyEntrySchema = z.object({
  event: z.string(),
  at: isoTime,
  blockNumber: z.number().int().nonnegative(),
  txHash: hash,
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const certificateInfoSchema = z.object({
  certHash: hash,
  certType: z.number().int(),
  certTypeName: z.string().optional(),
  authority: z.object({ id: z.number().int(), name: z.string(), party: z.string(), status: z.string() }),
  issuedAt: isoTime,
  validUntil: isoTime,
  /** The stored status now, and what the certificate was at the report's `asOf`. */
  status: z.enum(["Active", "Suspended", "Revoked"]),
  stateAsOf: z.enum(["Unknown", "Active", "Suspended", "Revoked", "Expired"]),
  revocation: z.object({ reason: z.number().int(), reasonName: z.string(), effectiveAt: isoTime, replacement: hash.nullable() }).optional(),
  anchor: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("direct"), txHash: hash, blockNumber: z.number().int() }),
    z.object({
      kind: z.literal("batch"),
      root: hash,
      txHash: hash,
      blockNumber: z.number().int(),
      numberHash: hash,
      proof: z.array(hash),
    }),
  ]),
  numberHash: hash.optional(),
  payloadCid: z.string().optional(),
});
export type CertificateInfo = z.infer<typeof certificateInfoSchema>;

/** A certificate the verified one links (an assessment's evidence), and the verdict of verifying it in turn. */
export const linkedCertificateSchema = z.object({
  certHash: hash,
  relation: z.literal("evidence"),
  verdict: z.enum(VERDICTS),
  certTypeName: z.string().optional(),
  /** The issuing party of the linked certificate, when it was found. */
  party: z.string().optional(),
});
export type LinkedCertificate = z.infer<typeof linkedCertificateSchema>;

/**
 * A later anchoring of the same certificate hash (by another authority, or again): the earliest anchoring by block
 * order is the certificate, and a later one changes nothing in the report. It is named so a person sees the conflict.
 */
export const conflictSchema = z.object({
  kind: z.enum(["direct", "batch"]),
  authorityId: z.number().int(),
  root: hash.optional(),
  blockNumber: z.number().int().nonnegative(),
  txHash: hash,
});
export type Conflict = z.infer<typeof conflictSchema>;

/** A verification report: every check, the verdict, and the chain state it was read at. */
export const verificationReportSchema = z.object({
  format: z.literal("certledger-verification-report"),
  version: z.literal(1),
  verdict: z.enum(VERDICTS),
  /** The certificate hash the verification was about (of the document given, or asked for). */
  certHash: hash.nullable(),
  checks: z.array(checkSchema),
  certificate: certificateInfoSchema.optional(),
  history: z.array(historyEntrySchema),
  /** Later anchorings of the same hash, which change nothing here (absent when there are none). */
  conflicts: z.array(conflictSchema).optional(),
  /**
   * The certificates its credential links as evidence, each verified (present when the credential was read: given as
   * the document, or its payload opened with a key). Their verdicts do not change this one's: a person weighs them.
   */
  linked: z.array(linkedCertificateSchema).optional(),
  /**
   * What importing parties' border agencies recorded about the certificate: outcomes, items with their totals and
   * use, write-offs (present when the server reads the outcomes contract and the certificate was found).
   */
  use: certificateUseSchema.optional(),
  /**
   * For a proof of origin (a certificate of origin, an exporter's or importer's declaration), when the server reads the
   * origin registry: the kind of proof, the agreement it claims, and the registered trader who declared it.
   */
  origin: originInfoSchema.optional(),
  /**
   * What the document says, when it is a UN/CEFACT SPS certificate (an ePhyto XML file, given or opened from the
   * payload): its number, countries, consignor, consignee, point of entry and commodities, for a person to compare.
   */
  document: spsDocumentSchema.optional(),
  asOf: isoTime,
  forParty: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  chain: z.object({
    chainId: z.number().int().positive(),
    blockNumber: z.number().int().nonnegative(),
    ledger: z.string(),
    /** Where the certificate's records were read at that block: the node's chain index, or the node itself. */
    source: z.enum(["index", "chain"]).optional(),
  }),
  verifiedAt: isoTime,
});
export type VerificationReport = z.infer<typeof verificationReportSchema>;
