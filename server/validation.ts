import type { z } from "zod";
import { CertLedgerError, type CertLedgerErrorCode } from "../src/errors";

/** Where in a request a value came from, as problem details name it. */
export type RequestPart = "path" | "query" | "header" | "body";

/**
 * Fields whose refusal has a code of its own (the library's), so that a client branches the same way whether the
 * server's schema or the library caught the bad value; any other field is INVALID_REQUEST.
 */
const FIELD_CODES: Record<string, CertLedgerErrorCode> = {
  certHash: "INVALID_CERT_HASH",
  expectedCertHash: "INVALID_CERT_HASH",
  replacement: "INVALID_CERT_HASH",
  cid: "INVALID_CID",
  party: "INVALID_PARTY_CODE",
  forParty: "INVALID_PARTY_CODE",
  recipients: "INVALID_PARTY_CODE",
  issuer: "INVALID_PARTY_CODE",
  number: "INVALID_CERTIFICATE_NUMBER",
  type: "INVALID_CERTIFICATE_TYPE",
  "scope[]": "INVALID_CERTIFICATE_TYPE",
  "types[]": "INVALID_CERTIFICATE_TYPE",
  "recipients[]": "INVALID_PARTY_CODE",
  reason: "INVALID_REVOCATION_REASON",
};

/** `value` parsed by `schema`; a refusal throws the field's code (or INVALID_REQUEST) naming every failing field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, part: RequestPart, prefix: (string | number)[] = []): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 20).map((issue) => ({
    field: [part, ...prefix, ...issue.path].map(String).join("."),
    message: issue.message,
  }));
  const code = FIELD_CODES[fieldKey(parsed.error.issues[0].path)] ?? "INVALID_REQUEST";
  throw new CertLedgerError(code, issues.map((issue) => `${issue.field}: ${issue.message}`).join("; "), { details: { issues } });
}

/** The name a path is looked up by in FIELD_CODES: its last member's name, or `name[]` for an element of an array. */
function fieldKey(path: readonly PropertyKey[]): string {
  const last = path.at(-1);
  if (typeof last === "number" && typeof path.at(-2) === "string") return `${String(path.at(-2))}[]`;
  return typeof last === "string" ? last : "";
}
