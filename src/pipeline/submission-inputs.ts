import { z } from "zod";
import type { PayloadRecipient } from "../crypto/payload-encryption";
import { CERTIFICATE_TYPES, certificateTypeNumber } from "../documents/certificate-types";
import { CertLedgerError, type CertLedgerErrorCode } from "../errors";
import { declaredItemsSchema, type DeclaredItem } from "../documents/declared-items";

/** A certificate submitted as a W3C credential: JSON to validate and sign, or an already signed compact JWS. */
export interface SubmitCredentialInput {
  authorityId: number;
  /** The credential JSON, signed here with the authority's registered key. */
  credential?: unknown;
  /** Or the credential already signed (compact JWS, VC-JOSE). Exactly one of the two. */
  jws?: string;
  /** Parties that may decrypt the payload with their registered encryption keys, besides the holder. */
  recipients?: PayloadRecipient[];
  idempotencyKey?: string;
}

/** A certificate submitted as a file (PDF, XML, image), anchored as it is. */
export interface SubmitFileInput {
  authorityId: number;
  bytes: Uint8Array;
  /** The ledger's type number, or a type name such as "phytosanitaryCertificate" (see {@link certificateTypeOf}). */
  certType: number | string;
  /** The certificate number as printed. */
  number: string;
  /** Expiry, in seconds. */
  validUntil: bigint;
  recipients?: PayloadRecipient[];
  idempotencyKey?: string;
  /** The goods items the certificate covers, declared by its issuer (borders write quantities off them). */
  items?: DeclaredItem[];
  /**
   * Stamp a PDF before anchoring it, with the links this function makes for its party, number and link key (see
   * src/documents/pdf-stamp.ts); other files are anchored as they are. Absent: the PDF is anchored as it is.
   */
  stamp?: (target: StampTarget) => { qrLink: string; printedLink: string };
}

/** What a stamped PDF's links name: the issuing party, the certificate number and the holder's link key. */
export interface StampTarget {
  party: string;
  number: string;
  linkKey: string;
}

const MAX_RECIPIENTS = 32;
const authorityId = z
  .number()
  .int()
  .min(1, "must be an authority id ≥ 1")
  .max(2 ** 32 - 1, "must be a uint32");
const recipients = z
  .array(z.strictObject({ party: z.string(), publicJwk: z.record(z.string(), z.unknown()) }))
  .max(MAX_RECIPIENTS, `at most ${MAX_RECIPIENTS} recipients`)
  .optional();
const idempotencyKey = z.string().min(1).max(255).optional();

const credentialInputSchema = z.strictObject({
  authorityId,
  credential: z.unknown().optional(),
  jws: z.string().min(1).optional(),
  recipients,
  idempotencyKey,
});

const fileInputSchema = z.strictObject({
  authorityId,
  bytes: z.instanceof(Uint8Array, { message: "must be the file's bytes" }),
  certType: z.union([z.number(), z.string()]),
  number: z.string(),
  validUntil: z.bigint({ message: "must be a time in seconds as a bigint" }),
  recipients,
  idempotencyKey,
  items: declaredItemsSchema.optional(),
  stamp: z
    .custom<SubmitFileInput["stamp"]>((value) => typeof value === "function", "must be a function making the stamp's links")
    .optional(),
});

/** The ledger's number of a certificate type given by number (1..63) or by name; INVALID_CERTIFICATE_TYPE otherwise. */
export function certificateTypeOf(value: unknown): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 63) return value;
  if (typeof value === "string" && /^[1-9][0-9]?$/.test(value)) return certificateTypeOf(Number(value));
  if (typeof value === "string") return certificateTypeNumber(value);
  throw new CertLedgerError(
    "INVALID_CERTIFICATE_TYPE",
    `certificate type ${JSON.stringify(value)} is neither 1..63 nor one of ${Object.keys(CERTIFICATE_TYPES).join(", ")}`,
  );
}

/** Validates a credential submission: INVALID_CREDENTIAL unless exactly one of credential and jws is given. */
export function parseCredentialInput(input: unknown): SubmitCredentialInput {
  const valid = parse(credentialInputSchema, input) as SubmitCredentialInput;
  if ((valid.credential === undefined) === (valid.jws === undefined)) {
    throw new CertLedgerError("INVALID_CREDENTIAL", "credential, jws: give exactly one: the credential to sign, or the signed JWS", {
      details: { field: "credential" },
    });
  }
  return valid;
}

/** Validates a file submission (the file itself is checked by inspectFile). */
export function parseFileInput(input: unknown): SubmitFileInput & { certType: number } {
  const valid = parse(fileInputSchema, input) as SubmitFileInput;
  return { ...valid, certType: certificateTypeOf(valid.certType) };
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.map(String).join(".") || "(input)";
  const code: CertLedgerErrorCode = field === "jws" || field === "credential" ? "INVALID_CREDENTIAL" : "INVALID_ANCHOR_REQUEST";
  throw new CertLedgerError(code, `submission: ${field}: ${issue.message}`, { details: { field } });
}
