import type { Response, Router } from "express";
import type { z } from "zod";
import { certificateNumberHash } from "../../src/documents/hashing";
import { checkMediaType } from "../../src/documents/files";
import { CertLedgerError } from "../../src/errors";
import type { SubmissionOutcome } from "../../src/pipeline";
import { principalOf, type Principal } from "../auth";
import type { UploadedFile } from "../body-parsers";
import type { AppDependencies } from "../dependencies";
import { bundleUrl, certificateUrl, verificationLink } from "../links";
import { defineOperation, mount, problems, type MountContext } from "../operation";
import { problemOf } from "../problem";
import { ledgerRecipientKeys } from "../../src/pipeline/recipient-keys";
import {
  batchItem,
  batchResult,
  certHashParams,
  certificateAccepted,
  certificateDetail,
  certificateQuery,
  certificateSearch,
  idempotencyHeaders,
  submitBatchRequest,
  submitCertificateForm,
  submitCertificateJson,
} from "../schemas";
import { validate } from "../validation";
import { anchorRequestJson, chainRecordJson, historyEventJson, indexedCertificateJson } from "../views";

const issuerOnly = { roles: ["issuer" as const] };

/** Certificates: anchoring one or many, reading one, looking up by number, and the console's listing. */
export const certificateOperations = {
  submit: defineOperation({
    operationId: "submitCertificate",
    method: "post",
    path: "/v1/certificates",
    summary: "Anchor a certificate",
    description:
      "A credential as JSON (`credential`, signed here with the authority's key, or `jws`, already signed), or a file as " +
      "multipart/form-data (`file`, `type`, `number`, `validUntil`). The request is stored durably and anchored within " +
      "moments; `status` says where it is. The holder's `linkKey` is returned in this answer only (in `links.verify`'s " +
      "fragment too). The same `Idempotency-Key` (or the same document) sent again returns the first request, without a link key.",
    tags: ["certificates"],
    auth: issuerOnly,
    headers: idempotencyHeaders,
    json: submitCertificateJson,
    jsonSize: "document",
    form: submitCertificateForm,
    fileRequired: true,
    responses: {
      202: { description: "accepted for anchoring (or the earlier request, when repeated)", schema: certificateAccepted },
      ...problems(400, 401, 403, 404, 409, 413, 415, 422, 503),
    },
  }),
  submitBatch: defineOperation({
    operationId: "submitCertificates",
    method: "post",
    path: "/v1/certificates/batch",
    summary: "Anchor many certificates in one request",
    description:
      "Up to MAX_BATCH_REQUEST items (credentials, signed JWS or base64 files), each accepted or refused on its own: the " +
      "answer lists, in order, each item's certificate or its problem. An `Idempotency-Key` header gives item i the key `<key>:<i>` " +
      "unless the item names its own.",
    tags: ["certificates"],
    auth: issuerOnly,
    headers: idempotencyHeaders,
    json: submitBatchRequest,
    jsonSize: "document",
    responses: { 200: { description: "each item's outcome", schema: batchResult }, ...problems(400, 401, 403, 413, 415) },
  }),
  get: defineOperation({
    operationId: "getCertificate",
    method: "get",
    path: "/v1/certificates/{certHash}",
    summary: "A certificate: this server's anchoring request, the ledger's record and its history",
    tags: ["certificates"],
    auth: "optional",
    rateLimited: true,
    params: certHashParams,
    responses: { 200: { description: "the certificate", schema: certificateDetail }, ...problems(400, 404, 429, 503) },
  }),
  list: defineOperation({
    operationId: "listCertificates",
    method: "get",
    path: "/v1/certificates",
    summary: "Look certificates up by number, or list an authority's",
    description:
      "`?number=…&party=…` finds the certificates anchored with that number by that party (public). " +
      "`?authority=…` lists an authority's certificates for its console (an issuer token of that authority, or its party's " +
      "admin): on the ledger by `status` active, suspended or revoked (default all) and `type`, or in this server's queue by " +
      "`status` queued, submitted or failed.",
    tags: ["certificates"],
    auth: "optional",
    rateLimited: true,
    query: certificateQuery,
    responses: {
      200: {
        description: "a NumberLookup for a number, a CertificateListing for an authority",
        schema: certificateSearch,
      },
      ...problems(400, 401, 403, 429, 503),
    },
  }),
};

/** Mounts the certificate routes. */
export function mountCertificateRoutes(router: Router, deps: AppDependencies, context: MountContext): void {
  const recipientKeys = deps.recipientKeys ?? ledgerRecipientKeys(deps.client, deps.payloads);
  const { publicUrl } = deps.config;

  const accepted = (outcome: SubmissionOutcome): z.input<typeof certificateAccepted> => {
    const { request, linkKey } = outcome;
    return {
      certHash: request.certHash,
      status: request.status,
      numberHash: request.numberHash,
      links: { self: certificateUrl(publicUrl, request.certHash), verify: verificationLink(publicUrl, request.certHash, linkKey) },
      linkKey,
    };
  };

  const submitFile = async (authorityId: number, file: UploadedFile, fields: z.output<typeof submitCertificateForm>, key?: string) => {
    // A declared type that names something else than the bytes is refused; a generic one defers to the bytes.
    if (!/^application\/octet-stream\b/i.test(file.declaredType))
      checkMediaType(file.bytes, file.declaredType, { maxBytes: deps.config.maxFileBytes });
    return deps.anchoring.submitFile({
      authorityId,
      bytes: file.bytes,
      certType: fields.type,
      number: fields.number,
      validUntil: fields.validUntil,
      recipients: await recipientKeys(fields.recipients ?? []),
      idempotencyKey: key,
    });
  };

  const submitJson = async (authorityId: number, value: z.output<typeof submitCertificateJson>, key?: string) =>
    deps.anchoring.submitCredential({
      authorityId,
      credential: value.credential,
      jws: value.jws,
      recipients: await recipientKeys(value.recipients ?? []),
      idempotencyKey: key,
    });

  mount(router, certificateOperations.submit, context, async ({ body, headers, res }) => {
    const authorityId = issuerOf(res);
    const key = headers["idempotency-key"];
    const outcome =
      body.kind === "form" ? await submitFile(authorityId, body.file!, body.value, key) : await submitJson(authorityId, body.value, key);
    const replayed: Record<string, string> = outcome.created ? {} : { "Idempotent-Replayed": "true" };
    return {
      status: 202,
      body: accepted(outcome),
      headers: { Location: certificateUrl(publicUrl, outcome.request.certHash), ...replayed },
    };
  });

  mount(router, certificateOperations.submitBatch, context, async ({ body, headers, res }) => {
    const authorityId = issuerOf(res);
    const { items } = body.value;
    if (items.length > deps.config.maxBatchRequest) {
      throw new CertLedgerError(
        "REQUEST_TOO_LARGE",
        `body.items: ${items.length} items, more than the limit of ${deps.config.maxBatchRequest} (MAX_BATCH_REQUEST)`,
      );
    }
    const batchKey = headers["idempotency-key"];
    const results = [];
    // One after the other: each item is signed, encrypted and written to the outbox in order, as the client listed them.
    for (const [index, raw] of items.entries()) {
      try {
        const item = validate(batchItem, raw, "body", ["items", index]);
        const key = item.idempotencyKey ?? (batchKey === undefined ? undefined : `${batchKey}:${index}`);
        const outcome = item.file
          ? await submitFile(
              authorityId,
              { bytes: decodeBase64(item.file.base64), declaredType: "application/octet-stream", filename: "" },
              { ...item.file, recipients: item.recipients },
              key,
            )
          : await submitJson(authorityId, { credential: item.credential, jws: item.jws, recipients: item.recipients }, key);
        results.push({ index, status: 202, certificate: accepted(outcome) });
      } catch (error) {
        // Items before this one are already accepted: an item's failure, even the server's own, is reported in its place.
        const problem = problemOf(error, `/v1/certificates/batch#${index}`);
        if (problem.status >= 500) context.logger.error({ err: error, item: index, code: problem.code }, "batch item failed");
        results.push({ index, status: problem.status, problem });
      }
    }
    const acceptedCount = results.filter((r) => r.status === 202).length;
    return { status: 200, body: { results, accepted: acceptedCount, refused: results.length - acceptedCount } };
  });

  mount(router, certificateOperations.get, context, async ({ params, res }) => {
    const { certHash } = params;
    const request = deps.outbox.get(certHash);
    const certificate = deps.index.certificate(certHash);
    // The outbox and the index answer without the chain: when the chain hangs or is down, say so and answer with them.
    const chainRead = await withTimeout(deps.client.getCertificate(certHash), CHAIN_READ_TIMEOUT_MS).then(
      (record) => ({ record, chain: "read" as const }),
      (error: unknown) => {
        if (request || certificate) return { record: undefined, chain: "unavailable" as const };
        throw error;
      },
    );
    const { record } = chainRead;
    if (!request && !certificate && !record)
      throw new CertLedgerError("CERT_NOT_FOUND", `certificate ${certHash} is not known here or on the ledger`);
    const principal = res.locals.principal;
    const ownRequest = principal?.role === "issuer" && request?.authorityId === principal.authorityId;
    const { certHash: _hash, ...requestView } = request ? anchorRequestJson(request, ownRequest) : { certHash };
    return {
      status: 200,
      body: {
        certHash,
        request: request ? requestView : undefined,
        certificate: certificate ? indexedCertificateJson(certificate) : undefined,
        record: record ? chainRecordJson(record) : undefined,
        chain: chainRead.chain,
        history: deps.index.history(certHash).map(historyEventJson),
        links: {
          self: certificateUrl(publicUrl, certHash),
          verify: verificationLink(publicUrl, certHash),
          bundle: bundleUrl(publicUrl, certHash),
        },
      },
    };
  });

  mount(router, certificateOperations.list, context, async ({ query, res }) => {
    if (query.number !== undefined && query.party !== undefined) {
      const numberHash = certificateNumberHash(query.party, query.number);
      const seen = new Set<string>();
      const certificates = [];
      for (const anchor of deps.index.byNumberHash(numberHash)) {
        if (seen.has(anchor.certHash)) continue;
        seen.add(anchor.certHash);
        const certificate = deps.index.certificate(anchor.certHash);
        if (certificate) certificates.push(indexedCertificateJson(certificate));
      }
      return { status: 200, body: { numberHash, certificates } };
    }
    const authorityId = query.authority!;
    await assertConsoleAccess(deps, res.locals.principal, authorityId);
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    if (query.status === "queued" || query.status === "submitted" || query.status === "failed") {
      if (query.type !== undefined)
        throw new CertLedgerError("INVALID_REQUEST", "query.type: filters the ledger's statuses, not queued, submitted or failed");
      const requests = deps.outbox.list({ authorityId, status: query.status, limit, offset });
      return {
        status: 200,
        body: { items: requests.map((r) => anchorRequestJson(r, true)), total: offset + requests.length, limit, offset },
      };
    }
    const status =
      query.status === undefined
        ? undefined
        : ((query.status[0].toUpperCase() + query.status.slice(1)) as "Active" | "Suspended" | "Revoked");
    const page = deps.index.listByAuthority(authorityId, { status, certType: query.type, limit, offset });
    return { status: 200, body: { items: page.items.map(indexedCertificateJson), total: page.total, limit, offset } };
  });
}

/** The authority an issuer token acts for; a party admin's token cannot anchor. */
function issuerOf(res: Response): number {
  const principal = principalOf(res);
  if (principal.role !== "issuer") throw new CertLedgerError("FORBIDDEN", "issuer tokens anchor certificates");
  return principal.authorityId;
}

/** The console's listing is for the authority's own issuer token, or its party's admin. */
async function assertConsoleAccess(deps: AppDependencies, principal: Principal | undefined, authorityId: number): Promise<void> {
  if (!principal) throw new CertLedgerError("UNAUTHENTICATED", "listing an authority's certificates needs its issuer token");
  if (principal.role === "issuer" && principal.authorityId === authorityId) return;
  if (principal.role === "party-admin" && (await deps.client.getAuthority(authorityId))?.party === principal.party) return;
  throw new CertLedgerError("FORBIDDEN", `this token may not list the certificates of authority ${authorityId}`);
}

function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) {
    throw new CertLedgerError("INVALID_REQUEST", "file.base64: not base64");
  }
  return new Uint8Array(Buffer.from(clean, "base64"));
}

/** How long the certificate view waits for the ledger before it answers from the outbox and index alone. */
const CHAIN_READ_TIMEOUT_MS = 3_000;

/** `promise`, or a CHAIN_UNAVAILABLE rejection after `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CertLedgerError("CHAIN_UNAVAILABLE", `the ledger did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
