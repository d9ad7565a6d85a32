/**
 * The HTTP API's request and response schemas (zod). Requests are validated with them at the edge, once; the OpenAPI
 * document is generated from the same objects (server/openapi.ts), so the two cannot drift apart. Every schema that
 * appears in the document as a named component is added to `requestComponents` or `responseComponents`.
 */
import { z } from "zod";
import { CERTIFICATE_TYPES } from "../src/documents/certificate-types";
import { REVOCATION_REASONS } from "../src/chain/revocation-reasons";
import { proofBundleSchema, verificationReportSchema } from "../src/verify";
import { declaredItemsSchema } from "../src/documents/declared-items";
import { HTTP_STATUS } from "./problem";
import { LAST_ISO_SECOND } from "./views";
import { readHex32 } from "../src/hex32";
import { hex32InputSchema, hex32Schema } from "../src/hex32-schemas";

/** Named request schemas (converted as the client sends them). */
export const requestComponents = z.registry<{ id: string; description?: string }>();
/** Named response schemas (converted as the server answers them). */
export const responseComponents = z.registry<{ id: string; description?: string }>();

// ------------------------------------------------------------------ primitives

/** A certificate hash as typed or pasted: 64 hex digits, optionally 0x-prefixed, any case; canonical 0x lower case after. */
export const certHashInput = hex32InputSchema("must be 64 hex digits (SHA-256), optionally 0x-prefixed", { prefix: "optional" }).meta({
  description: "SHA-256 of the document: 64 hex digits, optionally 0x-prefixed",
  examples: ["0x" + "ab".repeat(32)],
});

/** A 32-byte hash as the server writes it. */
export const hash = hex32Schema();

/** An ISO 3166-1 alpha-2 party code. */
export const partyCode = z
  .string()
  .regex(/^[A-Z]{2}$/, "must be two upper-case letters (ISO 3166-1 alpha-2)")
  .meta({ examples: ["KG"] });

/** An EVM account address. */
export const accountAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be an 0x-prefixed 20-byte address");

/** An authority id (uint32 from 1), from a path or a query string. */
export const authorityIdInput = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, "must be a positive whole number")
  .transform(Number)
  .pipe(z.number().max(0xffffffff, "must fit in 32 bits"));

const TYPE_NAMES = Object.keys(CERTIFICATE_TYPES) as [keyof typeof CERTIFICATE_TYPES, ...(keyof typeof CERTIFICATE_TYPES)[]];

/** A certificate type by name ("conformityCertificate") or by its ledger number (1..63), as JSON or form text. */
export const certTypeInput = z
  .union([
    z.enum(TYPE_NAMES),
    z.int().min(1).max(63),
    z
      .string()
      .regex(/^[1-9]\d?$/)
      .transform(Number)
      .pipe(z.number().max(63)),
  ])
  .transform((value) => (typeof value === "number" ? value : CERTIFICATE_TYPES[value]))
  .meta({ description: `a certificate type: ${TYPE_NAMES.join(", ")} or its number (1..63)` });

/** A point in time: an ISO 8601 date-time with offset, or Unix seconds (number or digits); seconds as a bigint after. */
export const timeInput = z
  .union([z.iso.datetime({ offset: true }), z.int().nonnegative(), z.string().regex(/^\d{1,12}$/)])
  .transform((value) => (typeof value === "string" && !/^\d+$/.test(value) ? BigInt(Math.floor(Date.parse(value) / 1000)) : BigInt(value)))
  // Later than that, a time has no ISO 8601 form with a four-digit year, and no certificate needs one.
  .pipe(z.bigint().min(0n, "must not be before 1970").max(LAST_ISO_SECOND, "must be before the year 10000"))
  .meta({ description: "an ISO 8601 date-time (e.g. 2026-01-31T00:00:00Z) or Unix seconds", examples: ["2026-12-31T00:00:00Z"] });

/** Recipient parties: a JSON array, or in a form a comma-separated list (or the field repeated). */
export const recipientsInput = z
  .union([z.array(partyCode), z.string()])
  .transform((value, ctx) => {
    const list = Array.isArray(value)
      ? value
      : value
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
    for (const code of list)
      if (!/^[A-Z]{2}$/.test(code)) ctx.addIssue({ code: "custom", message: `${JSON.stringify(code)} is not a party code` });
    return list;
  })
  .pipe(z.array(z.string()).max(50, "at most 50 recipient parties"))
  .meta({ description: "parties whose registered encryption keys may open the payload (besides the holder's link key)" });

/** A form's boolean: true/false/1/0. */
/** A form field holding JSON, parsed and checked with `schema` (text that is not JSON is checked as it is, and refused). */
export function jsonField<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }, schema);
}

export const formBoolean = z
  .union([z.boolean(), z.enum(["true", "false", "1", "0"])])
  .transform((value) => value === true || value === "true" || value === "1");

/** An ISO date-time as the server writes it. */
const isoTime = z.iso.datetime();

const idempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, "must be 1 to 255 printable ASCII characters")
  .meta({ description: "the same key sent again returns the first request's outcome instead of anchoring twice" });

const problemCodes = Object.keys(HTTP_STATUS) as [keyof typeof HTTP_STATUS, ...(keyof typeof HTTP_STATUS)[]];

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  code: z.enum(problemCodes),
  instance: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
responseComponents.add(problemSchema, { id: "Problem", description: "an RFC 9457 problem (application/problem+json)" });

// ------------------------------------------------------------------ certificates: submit

const credentialObject = z.record(z.string(), z.unknown()).meta({
  description: "an unsigned W3C VC 2.0 credential of one of the four certificate types; the server signs it with the authority's key",
});
export const compactJws = z
  .string()
  .min(1)
  .max(1_000_000)
  .meta({ description: "a credential already secured as VC-JOSE (compact JWS, ES256, typ vc+jwt)" });

const exactlyOne =
  (...keys: string[]) =>
  (value: Record<string, unknown>) =>
    keys.filter((key) => value[key] !== undefined).length === 1;

export const submitCertificateJson = z
  .strictObject({ credential: credentialObject.optional(), jws: compactJws.optional(), recipients: recipientsInput.optional() })
  .refine(exactlyOne("credential", "jws"), "give exactly one of credential or jws");
requestComponents.add(submitCertificateJson, { id: "SubmitCredential" });

const STAMP_DESCRIPTION =
  "a PDF is stamped on its first page with the QR code of its verification link and a 'Verify at …' line before it is " +
  "hashed and anchored (default true); false anchors the PDF as it is (e.g. one stamped already). Other files are never changed.";

const ITEMS_DESCRIPTION =
  "the goods items the certificate covers, declared by its issuer: [{ description, quantity: { value, unit } }] (unit a UN/ECE " +
  "Rec 20 code such as KGM); borders write import declarations' quantities off them. Without them a file takes outcomes only.";

export const submitCertificateForm = z.strictObject({
  type: certTypeInput,
  number: z.string().min(1).max(256).meta({ description: "the certificate number as printed" }),
  validUntil: timeInput,
  recipients: recipientsInput.optional(),
  stamp: formBoolean.optional().meta({ description: STAMP_DESCRIPTION }),
  items: jsonField(declaredItemsSchema)
    .optional()
    .meta({ description: `JSON: ${ITEMS_DESCRIPTION}` }),
});
requestComponents.add(submitCertificateForm, { id: "SubmitFileForm", description: "the form fields besides `file`" });

export const batchFileItem = z.strictObject({
  base64: z.string().min(1).meta({ description: "the file's bytes, base64" }),
  type: certTypeInput,
  number: z.string().min(1).max(256),
  validUntil: timeInput,
  stamp: z.boolean().optional().meta({ description: STAMP_DESCRIPTION }),
  items: declaredItemsSchema.optional().meta({ description: ITEMS_DESCRIPTION }),
});

export const batchItem = z
  .strictObject({
    credential: credentialObject.optional(),
    jws: compactJws.optional(),
    file: batchFileItem.optional(),
    recipients: recipientsInput.optional(),
    idempotencyKey: idempotencyKey.optional(),
  })
  .refine(exactlyOne("credential", "jws", "file"), "give exactly one of credential, jws or file");
requestComponents.add(batchItem, { id: "BatchItem" });

export const submitBatchRequest = z.strictObject({
  // Items are checked one by one, so that one bad item gets its own problem and the others still go through.
  items: z
    .array(z.unknown())
    .min(1, "give at least one item")
    .meta({ items: { $ref: "#/components/schemas/BatchItem" } } as Record<string, unknown>),
});
requestComponents.add(submitBatchRequest, { id: "SubmitBatch" });

export const idempotencyHeaders = z.object({ "idempotency-key": idempotencyKey.optional() });

// Every answer about a certificate says two things at its top level, in the same words (README "Answers"):
// `anchoring`, where this server's request to anchor it is, and `status`, what the ledger says of it.

/** Where this server's anchoring request is: the pipeline's state, never the ledger's. */
export const anchoringState = z.enum(["queued", "submitted", "anchored", "failed"]).meta({
  description: "where this server's request to anchor the certificate is (absent when this server took no request for it)",
});

/** The ledger's status of a certificate, in the ledger's own words (as the verification report and bundle say it). */
export const ledgerStatus = z.enum(["Active", "Suspended", "Revoked"]).meta({
  description: "the ledger's status of the certificate (absent until it is on the ledger)",
});

export const certificateLinks = z.object({
  self: z.url(),
  verify: z.url().meta({ description: "the verification link; with the holder's link key in its fragment when the answer carries one" }),
  stamped: z.url().optional().meta({
    description: "a stamped PDF's link as its QR code carries it: /v/{party}/{number}#k=…, naming the certificate without its hash",
  }),
  document: z.url().optional().meta({ description: "the exact document anchored (for its issuer)" }),
  link: z.url().optional().meta({ description: "the verification link and its key again, and its QR codes (for its issuer)" }),
});

export const certificateAccepted = z.object({
  certHash: hash,
  anchoring: anchoringState,
  status: ledgerStatus.optional().meta({ description: "the ledger's status, when a repeated request is already anchored" }),
  numberHash: hash,
  links: certificateLinks,
  linkKey: z
    .string()
    .optional()
    .meta({ description: "the holder's key to the encrypted payload; given in this answer only, and also in links.verify's fragment" }),
});
responseComponents.add(certificateAccepted, { id: "CertificateAccepted" });

export const batchResult = z.object({
  results: z.array(
    z.object({
      index: z.int().nonnegative(),
      httpStatus: z.int().meta({ description: "202 when accepted, else the problem's HTTP status" }),
      certificate: certificateAccepted.optional(),
      problem: problemSchema.optional(),
    }),
  ),
  accepted: z.int().nonnegative(),
  refused: z.int().nonnegative(),
});
responseComponents.add(batchResult, { id: "BatchResult" });

// ------------------------------------------------------------------ certificates: read

export const certHashParams = z.object({ certHash: certHashInput });

export const certificateQuery = z
  .strictObject({
    number: z.string().min(1).max(256).optional().meta({ description: "look up by certificate number (with `party`)" }),
    party: partyCode.optional().meta({ description: "the issuing party of `number`" }),
    authority: authorityIdInput.optional().meta({ description: "the console's listing: an issuer token's own authority" }),
    anchoring: z
      .enum(["queued", "submitted", "anchored", "failed"], "must be queued, submitted, anchored or failed")
      .optional()
      .meta({ description: "only the certificates whose anchoring request is in this state (console and `authority`)" }),
    status: z
      .enum(
        ["active", "suspended", "revoked"],
        "must be the ledger's status: active, suspended or revoked (the anchoring state is `anchoring`, e.g. anchoring=queued)",
      )
      .optional()
      .meta({ description: "only the certificates with this status on the ledger (console and `authority`)" }),
    type: certTypeInput.optional(),
    limit: z
      .string()
      .regex(/^\d{1,4}$/)
      .transform(Number)
      .pipe(z.number().min(1).max(1000))
      .optional(),
    offset: z
      .string()
      .regex(/^\d{1,9}$/)
      .transform(Number)
      .optional()
      .meta({ description: "paging of the `authority` listing" }),
    match: z
      .enum(["prefix", "exact"])
      .optional()
      .meta({ description: "console: how `number` (without `party`) is matched, default prefix" }),
    cursor: z
      .string()
      .regex(/^[1-9]\d{0,15}$/, "must be a cursor this listing gave (nextCursor)")
      .optional()
      .meta({ description: "console: the previous page's nextCursor" }),
  })
  .refine((q) => q.party === undefined || q.number !== undefined, "party names the issuer of a number: give number too")
  .refine((q) => q.party === undefined || q.authority === undefined, "give either number and party, or authority")
  .refine((q) => q.cursor === undefined || (q.party === undefined && q.authority === undefined), "cursor pages the console's listing only")
  .refine(
    (q) => q.offset === undefined || q.authority !== undefined,
    "offset pages the `authority` listing only; the console's uses cursor",
  )
  .refine(
    (q) => q.anchoring === undefined || q.status === undefined,
    "give anchoring or status, not both: a certificate has a ledger status once its anchoring is done",
  );

export const anchorRequestView = z.object({
  anchoring: anchoringState,
  authorityId: z.int(),
  certType: z.int(),
  validUntil: isoTime,
  numberHash: hash,
  payloadCid: z.string().optional(),
  batchRoot: hash.optional(),
  txHash: hash.optional(),
  blockNumber: z.int().optional(),
  error: z.string().optional().meta({ description: "why anchoring failed (shown to the issuer only)" }),
  createdAt: isoTime,
  updatedAt: isoTime,
});
responseComponents.add(anchorRequestView, { id: "AnchorRequest" });

const revocationView = z.object({
  reason: z.int(),
  reasonName: z.string(),
  effectiveAt: isoTime,
  replacement: hash.optional(),
  revokedAt: isoTime,
  blockNumber: z.int(),
  txHash: hash,
});

export const indexedCertificateView = z.object({
  certHash: hash,
  numberHash: hash,
  authorityId: z.int(),
  certType: z.int(),
  certTypeName: z.string().optional(),
  status: ledgerStatus,
  validUntil: isoTime,
  anchoredAt: isoTime,
  statusChangedAt: isoTime.optional(),
  payloadCid: z.string().optional(),
  batchRoot: hash.optional(),
  blockNumber: z.int(),
  txHash: hash,
  revocation: revocationView.optional(),
});
responseComponents.add(indexedCertificateView, { id: "Certificate" });

export const historyEventView = z.object({
  event: z.string(),
  at: isoTime,
  blockNumber: z.int(),
  txHash: hash,
  logIndex: z.int(),
  args: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
responseComponents.add(historyEventView, { id: "HistoryEvent" });

export const chainRecordView = z.object({
  authorityId: z.int(),
  certType: z.int(),
  status: ledgerStatus,
  revocationReason: z.int().optional(),
  issuedAt: isoTime,
  validUntil: isoTime,
  statusChangedAt: isoTime,
});

export const certificateDetail = z.object({
  certHash: hash,
  anchoring: anchoringState.optional(),
  status: ledgerStatus
    .optional()
    .meta({ description: "the ledger's status: its stored record's, or the index's when the ledger cannot be read" }),
  request: anchorRequestView.optional().meta({ description: "this server's anchoring request, when it took one" }),
  certificate: indexedCertificateView.optional().meta({ description: "the certificate as the ledger's events describe it" }),
  record: chainRecordView
    .optional()
    .meta({ description: "the ledger's stored record (absent for a batched certificate whose status never changed)" }),
  chain: z
    .enum(["read", "unavailable"])
    .meta({ description: "whether the ledger answered; when unavailable, the rest comes from this server's outbox and index alone" }),
  history: z.array(historyEventView),
  links: z.object({ self: z.url(), verify: z.url(), bundle: z.url() }),
});
responseComponents.add(certificateDetail, { id: "CertificateDetail" });

export const numberLookup = z.object({ numberHash: hash, certificates: z.array(indexedCertificateView) });
responseComponents.add(numberLookup, { id: "NumberLookup" });

export const certificateListing = z.object({
  items: z.array(z.union([indexedCertificateView, anchorRequestView.extend({ certHash: hash })])),
  total: z.int().nonnegative(),
  limit: z.int(),
  offset: z.int(),
});
responseComponents.add(certificateListing, { id: "CertificateListing" });

const consoleLinks = z.object({
  self: z.url(),
  verify: z.url().meta({ description: "the verification link without its key (GET link for the key)" }),
  link: z.url(),
  document: z.url(),
  qrPng: z.url(),
  qrSvg: z.url(),
});

export const consoleEntryView = z.object({
  certHash: hash,
  number: z.string().meta({ description: "the certificate number as the issuer gave it" }),
  party: z.string(),
  authorityId: z.int(),
  certType: z.int(),
  certTypeName: z.string().optional(),
  anchoring: anchoringState.meta({ description: "where this server's request is (anchored once the ledger holds it)" }),
  status: ledgerStatus.optional(),
  stamped: z.boolean().meta({ description: "a PDF that carries the stamp with its /v/{party}/{number} link" }),
  validUntil: isoTime,
  createdAt: isoTime.meta({ description: "when this server accepted it" }),
  anchoredAt: isoTime.optional(),
  statusChangedAt: isoTime.optional(),
  error: z.string().optional().meta({ description: "why anchoring failed, or the transient error it is waiting out" }),
  revocation: indexedCertificateView.shape.revocation,
  txHash: hash.optional(),
  batchRoot: hash.optional(),
  links: consoleLinks,
});
responseComponents.add(consoleEntryView, { id: "ConsoleCertificate" });

export const consoleListing = z.object({
  items: z.array(consoleEntryView),
  nextCursor: z
    .string()
    .optional()
    .meta({ description: "present when there may be more: pass it as `cursor` (a page may be short when a status is rare)" }),
  limit: z.int(),
});
responseComponents.add(consoleListing, { id: "ConsoleListing" });

export const certificateSearch = z.union([numberLookup, certificateListing, consoleListing]);
responseComponents.add(certificateSearch, {
  id: "CertificateSearch",
  description: "a NumberLookup for a number and party, a CertificateListing for `authority`, a ConsoleListing otherwise",
});

export const certificateLinkView = z.object({
  certHash: hash,
  link: z.url().meta({ description: "the verification link /v/{certHash}, with #k=<linkKey> for the certificate's issuer" }),
  linkKey: z.string().optional().meta({ description: "the holder's key to the encrypted payload (issuer only)" }),
  stampedLink: z
    .url()
    .optional()
    .meta({ description: "for a stamped PDF: the link its QR code carries, /v/{party}/{number}#k=… (issuer only)" }),
  number: z.string().optional(),
  party: z.string().optional(),
  stamped: z.boolean().optional(),
  document: z.url().optional().meta({ description: "the exact document anchored (issuer only)" }),
  qr: z.object({ png: z.url(), svg: z.url() }).meta({ description: "the QR code of `link`, as PNG and SVG (send the same token)" }),
});
responseComponents.add(certificateLinkView, { id: "CertificateLink" });

// ------------------------------------------------------------------ certificates: status

const REASON_NAMES = Object.keys(REVOCATION_REASONS) as [keyof typeof REVOCATION_REASONS, ...(keyof typeof REVOCATION_REASONS)[]];

export const revokeRequest = z.strictObject({
  reason: z
    .union([z.enum(REASON_NAMES), z.int().min(0).max(255)])
    .meta({ description: `an RFC 5280 reason: ${REASON_NAMES.join(", ")} or its code (0-5, 9, 10)` }),
  effectiveAt: timeInput.optional().meta({ description: "when the revocation takes effect (default now); never before issuance" }),
  replacement: certHashInput.optional().meta({ description: "the certificate that replaces this one" }),
});
requestComponents.add(revokeRequest, { id: "Revocation" });

export const emptyRequest = z.strictObject({});

export const statusChange = z.object({
  certHash: hash,
  status: ledgerStatus.meta({ description: "the ledger's status after the change" }),
  action: z.enum(["suspend", "reinstate", "revoke"]),
  txHash: hash,
  blockNumber: z.int(),
});
responseComponents.add(statusChange, { id: "StatusChange" });

// ------------------------------------------------------------------ verification

const verificationSource = z.enum(["index", "chain"]).meta({
  description:
    "where the certificate's records are read: `index` (default) from this node's chain index at the chain's head block, " +
    "`chain` from the node itself; the report is the same and names its block and source",
});

export const verifyJson = z
  .strictObject({
    certHash: certHashInput.optional(),
    number: z.string().min(1).max(256).optional(),
    party: partyCode.optional().meta({ description: "the issuing party of `number`" }),
    jws: compactJws.optional(),
    bundle: z
      .unknown()
      .optional()
      .meta({ $ref: "#/components/schemas/ProofBundle" } as Record<string, unknown>),
    asOf: timeInput.optional().meta({ description: "verify as of this time (default: now)" }),
    forParty: partyCode.optional().meta({ description: "report whether this party recognises the certificate" }),
    receipt: z.boolean().optional().meta({ description: "also return a receipt: the report signed by this server (JWS)" }),
    source: verificationSource.optional(),
  })
  .refine((v) => (v.number === undefined) === (v.party === undefined), "number and party go together")
  .refine(exactlyOne("certHash", "number", "jws", "bundle"), "give exactly one of certHash, number and party, jws or bundle");
requestComponents.add(verifyJson, { id: "VerifyRequest" });

export const verifyForm = z.strictObject({
  asOf: timeInput.optional(),
  forParty: partyCode.optional(),
  receipt: formBoolean.optional(),
  source: verificationSource.optional(),
  expectedCertHash: certHashInput.optional().meta({ description: "the certificate the file claims to be (e.g. from its QR code)" }),
});
requestComponents.add(verifyForm, { id: "VerifyFileForm", description: "the form fields besides `file`" });

export const verifyQuery = z.strictObject({
  asOf: timeInput.optional(),
  forParty: partyCode.optional(),
  receipt: formBoolean.optional(),
  source: verificationSource.optional(),
});

export const verificationReport = verificationReportSchema;
responseComponents.add(verificationReport, { id: "VerificationReport" });

export const verifyResponse = z.object({
  certHash: hash.optional().meta({ description: "the certificate verified (absent when none was named or found by number)" }),
  verdict: verificationReport.shape.verdict,
  status: ledgerStatus.optional().meta({ description: "the ledger's status of the certificate found (absent when none was)" }),
  report: verificationReport,
  receipt: z.string().optional().meta({ description: "the report as a compact JWS (typ certledger-receipt+jwt) signed by this server" }),
});
responseComponents.add(verifyResponse, { id: "VerifyResponse" });

export const proofBundle = proofBundleSchema;
responseComponents.add(proofBundle, { id: "ProofBundle" });

// ------------------------------------------------------------------ payloads

export const cidParams = z.object({
  cid: z
    .string()
    .regex(/^[a-zA-Z0-9]{10,200}$/, "must be a CID")
    .meta({ description: "the payload's CID (CIDv1 base32)" }),
});

// ------------------------------------------------------------------ authorities, keys, recognition

const certTypeList = z.array(certTypeInput).min(1).max(63);

export const authorityParams = z.object({ id: authorityIdInput });
export const authorityAccountParams = z.object({ id: authorityIdInput, account: accountAddress });

export const registerAuthorityRequest = z.strictObject({
  name: z.string().trim().min(1).max(200),
  accounts: z.array(accountAddress).min(1).max(16),
  scope: certTypeList.meta({ description: "the certificate types it may issue" }),
  validFrom: timeInput.optional().meta({ description: "default now" }),
  validUntil: timeInput,
});
requestComponents.add(registerAuthorityRequest, { id: "RegisterAuthority" });

export const updateAuthorityRequest = z.strictObject({ scope: certTypeList, validFrom: timeInput, validUntil: timeInput });
requestComponents.add(updateAuthorityRequest, { id: "UpdateAuthority" });

export const authorityAccountRequest = z.strictObject({ account: accountAddress });

const publicJwk = z
  .looseObject({ kty: z.literal("EC"), crv: z.literal("P-256"), x: z.string(), y: z.string() })
  .refine((jwk) => !("d" in jwk), "must be a public key (no d)");
const thumbprint = z
  .string()
  .refine(
    (text) => readHex32(text) !== undefined || /^[A-Za-z0-9_-]{43}$/.test(text),
    "must be a thumbprint: 0x + 64 hex digits, or a 43-character base64url kid",
  );

export const addKeyRequest = z
  .strictObject({
    jwk: publicJwk.optional().meta({ description: "the public key (its RFC 7638 thumbprint is registered)" }),
    thumbprint: thumbprint.optional(),
    alg: z.literal("ES256").default("ES256"),
    validFrom: timeInput.optional().meta({ description: "default now" }),
    validUntil: timeInput,
  })
  .refine(exactlyOne("jwk", "thumbprint"), "give exactly one of jwk or thumbprint");
requestComponents.add(addKeyRequest, { id: "AddSigningKey" });

export const rotateKeyRequest = z
  .strictObject({
    oldThumbprint: thumbprint,
    jwk: publicJwk.optional(),
    thumbprint: thumbprint.optional(),
    alg: z.literal("ES256").default("ES256"),
    validUntil: timeInput,
  })
  .refine(exactlyOne("jwk", "thumbprint"), "give exactly one of jwk or thumbprint of the new key");
requestComponents.add(rotateKeyRequest, { id: "RotateSigningKey" });

export const compromiseKeyRequest = z.strictObject({
  thumbprint,
  compromisedAt: timeInput.optional().meta({ description: "from when its signatures are invalid (default now; never in the future)" }),
});
requestComponents.add(compromiseKeyRequest, { id: "CompromiseSigningKey" });

export const recognitionRequest = z
  .strictObject({
    issuer: partyCode.optional().meta({ description: "recognise every authority of this party" }),
    authorityId: z.int().min(1).max(0xffffffff).optional().meta({ description: "or recognise this one authority" }),
    types: z.array(certTypeInput).max(63).meta({ description: "the types recognised; [] withdraws recognition" }),
  })
  .refine(exactlyOne("issuer", "authorityId"), "give exactly one of issuer or authorityId");
requestComponents.add(recognitionRequest, { id: "Recognition" });

export const ledgerWrite = z.object({
  txHash: hash,
  blockNumber: z.int(),
  authorityId: z.int().optional(),
  thumbprint: hash.optional(),
});
responseComponents.add(ledgerWrite, { id: "LedgerWrite" });

export const authorityView = z.object({
  id: z.int(),
  party: z.string(),
  name: z.string(),
  status: z.enum(["Active", "Suspended"]),
  scope: z.array(z.int()),
  validFrom: isoTime,
  validUntil: isoTime,
  accounts: z.array(z.string()),
});
responseComponents.add(authorityView, { id: "Authority" });

// ------------------------------------------------------------------ service

export const health = z.object({ status: z.literal("ok") });

const readinessCheck = z.object({ ok: z.boolean(), detail: z.string() });
export const readiness = z.object({
  ready: z.boolean(),
  checks: z.object({ chain: readinessCheck, ipfs: readinessCheck, index: readinessCheck }),
});
responseComponents.add(readiness, { id: "Readiness" });

export const jwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });

// ------------------------------------------------------------------ access tokens

export const tokenRevocationRequest = z.strictObject({
  token: z.string().min(1).max(8192).meta({ description: "the access token to revoke (as its holder presents it)" }),
});
requestComponents.add(tokenRevocationRequest, { id: "TokenRevocation" });

export const tokenRevoked = z.object({
  jti: z.string(),
  subject: z.string().meta({ description: "authority:<id> or party:<code>" }),
  expiresAt: isoTime.meta({ description: "when the token would have expired" }),
  revoked: z.literal(true),
});
responseComponents.add(tokenRevoked, { id: "TokenRevoked" });
