import type { Router } from "express";
import { CertLedgerError } from "../../src/errors";
import {
  anchoringOf,
  describeUse,
  itemsOfDeclaration,
  type BorderDesk,
  type OutcomesClient,
  type PresentedDocument,
} from "../../src/outcomes";
import { principalOf } from "../auth";
import type { AppDependencies } from "../dependencies";
import { signerFor } from "../ledger-writers";
import { defineOperation, mount, problems, type MountContext } from "../operation";
import {
  agencyParams,
  correctItemsRequest,
  feedQuery,
  feedResponse,
  agencyRegistered,
  agencyView,
  recordedResponse,
  recordOutcomeRequest,
  recordUtilisationRequest,
  registerAgencyRequest,
  useParams,
  useResponse,
} from "../outcome-schemas";

const customsOnly = { roles: ["customs" as const] };
const writeProblems = problems(400, 401, 403, 404, 409, 415, 422, 503);

/** The importing side: border agencies, their outcomes and write-offs, and a certificate's use. */
export const outcomeOperations = {
  registerAgency: defineOperation({
    operationId: "registerAgency",
    method: "post",
    path: "/v1/agencies",
    summary: "Register a border agency (customs, plant protection) of the admin's party",
    tags: ["importing side"],
    auth: { roles: ["party-admin"] },
    json: registerAgencyRequest,
    responses: { 201: { description: "registered; its new id", schema: agencyRegistered }, ...writeProblems },
  }),
  getAgency: defineOperation({
    operationId: "getAgency",
    method: "get",
    path: "/v1/agencies/{id}",
    summary: "A border agency as the ledger records it",
    tags: ["importing side"],
    auth: "optional",
    rateLimited: true,
    params: agencyParams,
    responses: { 200: { description: "the agency", schema: agencyView }, ...problems(400, 404, 429, 503) },
  }),
  recordOutcome: defineOperation({
    operationId: "recordOutcome",
    method: "post",
    path: "/v1/certificates/{certHash}/outcomes",
    summary: "Record the agency's outcome for a certificate presented at its party's border",
    description:
      "Acknowledged, accepted, accepted with remarks, or rejected with a reason from a fixed list. The certificate must be presented: " +
      "its `credential` or `file` in the body, or a payload addressed to the agency's party that this server opens. It must be another " +
      "party's, and an acceptance needs it VALID here and not already used in full (ALREADY_USED_IN_FULL names where and when).",
    tags: ["importing side"],
    auth: customsOnly,
    params: useParams,
    json: recordOutcomeRequest,
    jsonSize: "document",
    responses: { 201: { description: "recorded on the ledger", schema: recordedResponse }, ...writeProblems },
  }),
  recordUtilisation: defineOperation({
    operationId: "recordUtilisation",
    method: "post",
    path: "/v1/certificates/{certHash}/utilisations",
    summary: "Write an import declaration's quantities off a certificate's goods items",
    description:
      "Idempotent by declaration: the same declaration with the same items answers 200 with `alreadyRecorded: true`; with other items " +
      "it is DUPLICATE_DECLARATION. A quantity beyond what is left of an item is OVER_UTILISATION, naming the item, the quantity left " +
      "and its unit; the ledger enforces the totals, so no border can bypass another's write-offs.",
    tags: ["importing side"],
    auth: customsOnly,
    params: useParams,
    json: recordUtilisationRequest,
    jsonSize: "document",
    responses: {
      201: { description: "written off on the ledger", schema: recordedResponse },
      200: { description: "already written off (a retry): nothing was written again", schema: recordedResponse },
      ...writeProblems,
    },
  }),
  correctItems: defineOperation({
    operationId: "correctCertificateItems",
    method: "put",
    path: "/v1/certificates/{certHash}/items",
    summary: "The issuer corrects the goods items a border declared for its certificate",
    description:
      "The first border to write a certificate off declares its items from the certificate, and later borders must state the " +
      "same (ITEMS_MISMATCH otherwise). When that first declaration was wrong, the certificate's issuer (its authority's token, or " +
      "its party admin's) sets the items as the certificate states them; a total never goes below what is used (ITEMS_BELOW_USE).",
    tags: ["importing side"],
    auth: { roles: ["issuer", "party-admin"] },
    params: useParams,
    json: correctItemsRequest,
    responses: { 200: { description: "corrected on the ledger", schema: useResponse }, ...writeProblems },
  }),
  feed: defineOperation({
    operationId: "outcomesFeed",
    method: "get",
    path: "/v1/outcomes/events",
    summary: "The importing side's events in chain order, for a single window to take in",
    description:
      "Outcomes (deliveries included), declared items and write-offs, oldest first, filtered by the issuing party and/or the " +
      "importing party; page with `after` = the previous page's `next` (an empty page keeps it: poll again later).",
    tags: ["importing side"],
    auth: "optional",
    rateLimited: true,
    query: feedQuery,
    responses: { 200: { description: "a page of events", schema: feedResponse }, ...problems(400, 429, 503) },
  }),
  getUse: defineOperation({
    operationId: "getCertificateUse",
    method: "get",
    path: "/v1/certificates/{certHash}/use",
    summary: "What importing parties recorded about a certificate: deliveries, outcomes, items and their use",
    tags: ["importing side"],
    auth: "optional",
    rateLimited: true,
    params: useParams,
    responses: { 200: { description: "the certificate's use", schema: useResponse }, ...problems(400, 404, 429, 503) },
  }),
};

/** Mounts the importing side's routes. */
export function mountOutcomeRoutes(router: Router, deps: AppDependencies, context: MountContext): void {
  mount(router, outcomeOperations.registerAgency, context, async ({ body, res }) => {
    const principal = principalOf(res);
    if (principal.role !== "party-admin") throw new CertLedgerError("FORBIDDEN", "party admins register border agencies");
    const outcomes = outcomesOf(deps).withSigner(await signerFor(deps, principal));
    const { name, accounts } = body.value;
    const result = await outcomes.registerAgency({ party: principal.party, name, accounts });
    const writesFrom = await deps.adoptAgency?.(result.agencyId, accounts);
    return { status: 201, body: { ...result, writesFrom } };
  });

  mount(router, outcomeOperations.getAgency, context, async ({ params }) => {
    const agency = await outcomesOf(deps).getAgency(params.id);
    if (!agency) throw new CertLedgerError("AGENCY_NOT_FOUND", `border agency ${params.id} is not registered on the ledger`);
    return { status: 200, body: agency };
  });

  mount(router, outcomeOperations.recordOutcome, context, async ({ params, body, res }) => {
    const principal = principalOf(res);
    if (principal.role !== "customs") throw new CertLedgerError("FORBIDDEN", "border agencies record outcomes");
    const { outcome, rejectionReason, remarks, credential, file } = body.value;
    const recorded = await deskOf(deps).recordOutcome({
      agencyId: principal.agencyId,
      certHash: params.certHash,
      outcome,
      reason: rejectionReason,
      remarks,
      document: presentedDocument(credential, file),
    });
    return { status: 201, body: recordedBody(params.certHash, recorded) };
  });

  mount(router, outcomeOperations.recordUtilisation, context, async ({ params, body, res }) => {
    const principal = principalOf(res);
    if (principal.role !== "customs") throw new CertLedgerError("FORBIDDEN", "border agencies write quantities off");
    const { declaration, items, credential, file } = body.value;
    const recorded = await deskOf(deps).recordUtilisation({
      agencyId: principal.agencyId,
      certHash: params.certHash,
      declaration,
      uses: items,
      document: presentedDocument(credential, file),
    });
    return { status: recorded.alreadyRecorded ? 200 : 201, body: recordedBody(params.certHash, recorded) };
  });

  mount(router, outcomeOperations.correctItems, context, async ({ params, body, res }) => {
    const principal = principalOf(res);
    const { report } = await deps.verifier.verify({ kind: "hash", certHash: params.certHash });
    const certificate = report.certificate;
    if (!certificate) throw new CertLedgerError("CERT_NOT_FOUND", `certificate ${params.certHash} is not anchored on the ledger`);
    const anchoring = anchoringOf(certificate);
    const items = itemsOfDeclaration(body.value.items).map((item) => ({ total: item.total, unit: item.unit }));
    await outcomesOf(deps)
      .withSigner(await signerFor(deps, principal))
      .correctItems({ anchoring, items });
    const use = await useReaderOf(deps).read(anchoring);
    return { status: 200, body: { certHash: certificate.certHash, use, summary: describeUse(use) } };
  });

  mount(router, outcomeOperations.feed, context, async ({ query }) => ({
    status: 200,
    body: await useReaderOf(deps).feed({ ...query, limit: query.limit ?? 100 }),
  }));

  mount(router, outcomeOperations.getUse, context, async ({ params }) => {
    const { report } = await deps.verifier.verify({ kind: "hash", certHash: params.certHash });
    const certificate = report.certificate;
    if (!certificate) throw new CertLedgerError("CERT_NOT_FOUND", `certificate ${params.certHash} is not anchored on the ledger`);
    const use = await useReaderOf(deps).withDeliveries(certificate);
    return { status: 200, body: { certHash: certificate.certHash, use, summary: describeUse(use) } };
  });
}

function recordedBody(certHash: string, recorded: Awaited<ReturnType<BorderDesk["recordOutcome"]>>) {
  return {
    // The path's hash, already canonical (0x, lower case).
    certHash,
    party: recorded.party,
    txHash: recorded.txHash,
    blockNumber: recorded.blockNumber,
    alreadyRecorded: recorded.alreadyRecorded,
    use: recorded.use,
    summary: describeUse(recorded.use),
  };
}

function presentedDocument(credential: string | undefined, file: string | undefined): PresentedDocument | undefined {
  if (credential !== undefined) return { kind: "credential", jws: credential.trim() };
  if (file !== undefined) return { kind: "file", bytes: Buffer.from(file, "base64") };
  return undefined;
}

function outcomesOf(deps: AppDependencies): OutcomesClient {
  if (!deps.outcomes) throw new CertLedgerError("OUTCOMES_NOT_DEPLOYED", "this server's deployment has no outcomes contract");
  return deps.outcomes;
}

function deskOf(deps: AppDependencies): BorderDesk {
  if (!deps.desk) throw new CertLedgerError("OUTCOMES_NOT_DEPLOYED", "this server's deployment has no outcomes contract");
  return deps.desk;
}

function useReaderOf(deps: AppDependencies) {
  if (!deps.useReader) throw new CertLedgerError("OUTCOMES_NOT_DEPLOYED", "this server's deployment has no outcomes contract");
  return deps.useReader;
}
