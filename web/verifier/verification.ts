/**
 * The one API call behind every check: POST /v1/verify, as JSON (hash, number, credential, proof bundle) or, only when
 * the server must see a document's bytes, as multipart with the certificate the document claims to be.
 */
import type { VerificationReport } from "../../src/verify/report";
import { api } from "../shared/api";

export type { VerificationReport };
export type Verdict = VerificationReport["verdict"];
export type ReportCheck = VerificationReport["checks"][number];
export type ReportHistoryEntry = VerificationReport["history"][number];

/** What is being verified, as the API takes it. */
export type VerifyRequest =
  | { kind: "hash"; certHash: string }
  | { kind: "number"; party: string; number: string }
  | { kind: "credential"; jws: string }
  | { kind: "bundle"; bundle: unknown }
  /** A document the server must see: it does not match the certificate it claims to be (see document-check.ts). */
  | { kind: "file"; file: Blob; name: string; expectedCertHash?: string };

/** The person's choices that apply to every check. */
export interface VerifyOptions {
  /** A day (YYYY-MM-DD) to verify as of; the end of that day, UTC. */
  asOfDay?: string;
  /** The party whose recognition is reported. */
  forParty?: string;
}

/** The API's answer: the report, and the signed receipt when one was asked for. */
export interface VerifyResponse {
  report: VerificationReport;
  receipt?: string;
}

/** Verifies `request` with `options`; with `receipt`, the server also signs the report. */
export async function verify(request: VerifyRequest, options: VerifyOptions, receipt = false): Promise<VerifyResponse> {
  const asOf = options.asOfDay ? `${options.asOfDay}T23:59:59Z` : undefined;
  const forParty = options.forParty || undefined;
  if (request.kind === "file") {
    const form = new FormData();
    if (asOf) form.append("asOf", asOf);
    if (forParty) form.append("forParty", forParty);
    if (receipt) form.append("receipt", "true");
    if (request.expectedCertHash) form.append("expectedCertHash", request.expectedCertHash);
    form.append("file", request.file, request.name);
    return api<VerifyResponse>("/v1/verify", { form });
  }
  const subject =
    request.kind === "hash"
      ? { certHash: request.certHash }
      : request.kind === "number"
        ? { number: request.number, party: request.party }
        : request.kind === "credential"
          ? { jws: request.jws }
          : { bundle: request.bundle };
  return api<VerifyResponse>("/v1/verify", { json: { ...subject, asOf, forParty, receipt: receipt || undefined } });
}
