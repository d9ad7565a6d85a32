import type { Response, Router } from "express";
import type { z } from "zod";
import { certificateNumberHash } from "../../src/documents/hashing";
import { checkMediaType } from "../../src/documents/files";
import { CertLedgerError } from "../../src/errors";
import type { ConsoleEntry, FileSubmissionOutcome, SubmissionOutcome } from "../../src/pipeline";
import { principalOf, type Principal } from "../auth";
import type { UploadedFile } from "../body-parsers";
import type { AppDependencies } from "../dependencies";
import { bundleUrl, certificateUrl, documentUrl, linkUrl, qrUrl, stampedLink, verificationLink } from "../links";
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
  consoleEntryView,
  idempotencyHeaders,
  submitBatchRequest,
  submitCertificateForm,
  submitCertificateJson,
} from "../schemas";
import { validate } from "../validation";
import { anchorRequestJson, chainRecordJson, historyEventJson, indexedCertificateJson, isoSeconds } from "../views";
import { certificateTypeName } from "../../src/documents/certificate-types";

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
      "moments; `status` says where it is. A PDF is stamped first (its first page gets the QR code of `links.stamped` and a " +
      "'Verify at …' line), and the stamped bytes are what is hashed and anchored: download them from `links.document`; " +
      "`stamp=false` anchors a PDF as it is. The holder's `linkKey` is in this answer (and in `links.verify`'s fragment); the " +
      "issuer's console can show it again (`links.link`). The same `Idempotency-Key` (or the same document) sent again " +
      "returns the first request, without a link key.",
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
    summary: "Look certificates up by number, or list an issuer's certificates for its console",
    description:
      "`?number=…&party=…` finds the certificates anchored with that number by that party (public); this is also how a " +
      "stamped PDF's link `/v/{party}/{number}` is resolved. " +
      "With an issuer token and neither: the console's list of the certificates this server accepted for the token's " +
      "authority (a party admin's token: for every authority of its party), newest first, each with its status from " +
      "the queue and the ledger; filters `status` (queued, submitted, anchored, failed, suspended, revoked), `type`, " +
      "`number` (`match` prefix, the default, or exact); paging `limit` (default 50, at most 500) and `cursor` " +
      "(the previous page's `nextCursor`). " +
      "`?authority=…` lists an authority's certificates on the ledger (an issuer token of that authority, or its party's " +
      "admin): by `status` active, suspended or revoked (default all) and `type`, or in this server's queue by " +
      "`status` queued, submitted, anchored or failed; paging `limit` and `offset`.",
    tags: ["certificates"],
    auth: "optional",
    rateLimited: true,
    query: certificateQuery,
    responses: {
      200: {
        description: "a NumberLookup for a number and party, a CertificateListing for `authority`, a ConsoleListing otherwise",
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

  const accepted = (outcome: SubmissionOutcome & Pick<FileSubmissionOutcome, "stampedLink">) => acceptedCertificate(deps, outcome);

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
      items: fields.items,
      // The QR code carries the key; the printed line, read by people, the link without it.
      stamp:
        fields.stamp === false
          ? undefined
          : ({ party, number, linkKey }) => ({
              qrLink: stampedLink(publicUrl, party, number, linkKey),
              printedLink: stampedLink(publicUrl, party, number),
            }),
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
    // All at once: the items are signed and encrypted side by side, so their outbox writes share one commit (one fsync
    // for the request, not one per item); each answer keeps its item's place.
    const results = await Promise.all(
      items.map(async (raw, index) => {
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
          return { index, httpStatus: 202, certificate: accepted(outcome) };
        } catch (error) {
          // The other items are accepted all the same: an item's failure, even the server's own, is reported in its place.
          const problem = problemOf(error, `/v1/certificates/batch#${index}`);
          if (problem.status >= 500) context.logger.error({ err: error, item: index, code: problem.code }, "batch item failed");
          return { index, httpStatus: problem.status, problem };
        }
      }),
    );
    const acceptedCount = results.filter((r) => r.httpStatus === 202).length;
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
    const recordView = record ? chainRecordJson(record) : undefined;
    return {
      status: 200,
      body: {
        certHash,
        anchoring: request?.status,
        // The ledger's stored record when it answered; the index's view otherwise (a batched certificate whose status
        // never changed has no stored record, and its status is the index's).
        status: recordView?.status ?? certificate?.status,
        request: request ? requestView : undefined,
        certificate: certificate ? indexedCertificateJson(certificate) : undefined,
        record: recordView,
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
      // Only the party's own authorities answer for its numbers (another party's anchoring under the same hash is ignored).
      for (const anchor of deps.index.byNumberHash(numberHash, query.party)) {
        if (seen.has(anchor.certHash)) continue;
        seen.add(anchor.certHash);
        const certificate = deps.index.certificate(anchor.certHash);
        if (certificate) certificates.push(indexedCertificateJson(certificate));
      }
      return { status: 200, body: { numberHash, certificates } };
    }
    if (query.authority === undefined) {
      const principal = res.locals.principal;
      if (!principal || principal.role === "customs" || principal.role === "declarant") {
        if (query.number !== undefined)
          throw new CertLedgerError(
            "INVALID_REQUEST",
            "query.party: a number is looked up with its issuing party (or an issuer token, in the console)",
          );
        throw new CertLedgerError(
          "UNAUTHENTICATED",
          "the console's listing needs an issuer or party-admin token; or look up a number with `party`",
        );
      }
      const limit = query.limit ?? 50;
      const page = deps.issued.list({
        ...(principal.role === "issuer" ? { authorityId: principal.authorityId } : { party: principal.party }),
        anchoring: query.anchoring,
        status: ledgerStatusOf(query.status),
        certType: query.type,
        number: query.number,
        numberPrefix: query.match !== "exact",
        cursor: query.cursor,
        limit: Math.min(limit, 500),
      });
      return { status: 200, body: { items: page.items.map(consoleEntryJson), nextCursor: page.nextCursor, limit } };
    }
    const authorityId = query.authority;
    await assertConsoleAccess(deps, res.locals.principal, authorityId);
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    if (query.anchoring !== undefined) {
      if (query.type !== undefined)
        throw new CertLedgerError("INVALID_REQUEST", "query.type: filters the ledger's certificates, not this server's anchoring requests");
      const requests = deps.outbox.list({ authorityId, status: query.anchoring, limit, offset });
      return {
        status: 200,
        body: { items: requests.map((r) => anchorRequestJson(r, true)), total: offset + requests.length, limit, offset },
      };
    }
    if (query.number !== undefined)
      throw new CertLedgerError("INVALID_REQUEST", "query.number: with `authority`, look a number up with `party`");
    const page = deps.index.listByAuthority(authorityId, { status: ledgerStatusOf(query.status), certType: query.type, limit, offset });
    return { status: 200, body: { items: page.items.map(indexedCertificateJson), total: page.total, limit, offset } };
  });

  function consoleEntryJson(entry: ConsoleEntry): z.input<typeof consoleEntryView> {
    const { request, certificate } = entry;
    return {
      certHash: entry.certHash,
      number: entry.number,
      party: entry.party,
      authorityId: entry.authorityId,
      certType: entry.certType,
      certTypeName: certificateTypeName(entry.certType),
      anchoring: entry.anchoring,
      status: entry.status,
      stamped: entry.stamped,
      validUntil: isoSeconds(certificate?.validUntil ?? request?.validUntil ?? 0n),
      createdAt: entry.createdAt,
      anchoredAt: certificate ? isoSeconds(certificate.anchoredAt) : undefined,
      statusChangedAt: certificate?.statusChangedAt === undefined ? undefined : isoSeconds(certificate.statusChangedAt),
      error: request?.error ? `${request.error.code}: ${request.error.message}` : undefined,
      revocation: certificate ? indexedCertificateJson(certificate).revocation : undefined,
      txHash: certificate?.txHash ?? request?.txHash,
      batchRoot: certificate?.batchRoot ?? request?.batchRoot,
      links: {
        self: certificateUrl(publicUrl, entry.certHash),
        verify: verificationLink(publicUrl, entry.certHash),
        link: linkUrl(publicUrl, entry.certHash),
        document: documentUrl(publicUrl, entry.certHash),
        qrPng: qrUrl(publicUrl, entry.certHash, "png"),
        qrSvg: qrUrl(publicUrl, entry.certHash, "svg"),
      },
    };
  }
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

/** A status as the query spells it (active) in the ledger's words (Active). */
function ledgerStatusOf(status: "active" | "suspended" | "revoked" | undefined): "Active" | "Suspended" | "Revoked" | undefined {
  return status === undefined ? undefined : status === "active" ? "Active" : status === "suspended" ? "Suspended" : "Revoked";
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

/** The answer to an accepted submission: the certificate's hash, where its anchoring is, and its links. */
export function acceptedCertificate(
  deps: AppDependencies,
  outcome: SubmissionOutcome & Pick<FileSubmissionOutcome, "stampedLink">,
): z.input<typeof certificateAccepted> {
  const { publicUrl } = deps.config;
  const { request, linkKey, stampedLink: stamped } = outcome;
  return {
    certHash: request.certHash,
    anchoring: request.status,
    // A repeated request may already be on the ledger.
    status: request.status === "anchored" ? deps.index.certificate(request.certHash)?.status : undefined,
    numberHash: request.numberHash,
    links: {
      self: certificateUrl(publicUrl, request.certHash),
      verify: verificationLink(publicUrl, request.certHash, linkKey),
      // A repeat carries no key: its stamped link is shown again by links.link.
      stamped: linkKey === undefined ? undefined : stamped,
      document: documentUrl(publicUrl, request.certHash),
      link: linkUrl(publicUrl, request.certHash),
    },
    linkKey,
  };
}
