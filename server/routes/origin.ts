import type { Router } from "express";
import type { PartyCode } from "../../src/chain/party-code";
import { CertLedgerError } from "../../src/errors";
import {
  approveAgreement,
  headingText,
  proposeAgreement,
  publicRegistration,
  setAgreementRecognition,
  withdrawAgreement,
  type DeclarationDesk,
  type OriginClient,
  type TraderRegistrar,
} from "../../src/origin";
import { principalOf } from "../auth";
import type { AppDependencies } from "../dependencies";
import { signerFor } from "../ledger-writers";
import { defineOperation, mount, problems, type MountContext } from "../operation";
import {
  agreementList,
  agreementParams,
  agreementRecognitionList,
  agreementRecognitionRequest,
  agreementRecognitionView,
  agreementRequest,
  agreementView,
  declarationAccepted,
  declarationForm,
  declarationRequest,
  recognitionQuery,
  registrationCreated,
  registrationParams,
  registrationRequest,
  registrationStatusRequest,
  registrationView,
  signedDeclarationRequest,
} from "../origin-schemas";
import { stampedLink } from "../links";
import { acceptedCertificate } from "./certificates";

const tags = ["origin"];
const writeProblems = problems(400, 401, 403, 404, 409, 415, 422, 503);
const readProblems = problems(400, 404, 429, 503);

/** Origin declarations: agreements, registered exporters and importers, their declarations, recognition per agreement. */
export const originOperations = {
  proposeAgreement: defineOperation({
    operationId: "proposeAgreement",
    method: "post",
    path: "/v1/agreements",
    summary: "Propose a trade agreement between the admin's party and others",
    description:
      "In force once an admin of every party named approved it (POST /v1/agreements/{code}/approvals): no party is put in an agreement without its consent.",
    tags,
    auth: { roles: ["party-admin"] },
    json: agreementRequest,
    responses: { 201: { description: "proposed, approved by the proposer's party", schema: agreementView }, ...writeProblems },
  }),
  approveAgreement: defineOperation({
    operationId: "approveAgreement",
    method: "post",
    path: "/v1/agreements/{code}/approvals",
    summary: "Approve an agreement the admin's party is named in",
    tags,
    auth: { roles: ["party-admin"] },
    params: agreementParams,
    responses: { 200: { description: "approved (in force when every party has)", schema: agreementView }, ...writeProblems },
  }),
  withdrawAgreement: defineOperation({
    operationId: "withdrawAgreement",
    method: "post",
    path: "/v1/agreements/{code}/withdrawal",
    summary: "Withdraw a proposed agreement the admin's party is named in (its code is free again)",
    description: "Only before it comes into force (AGREEMENT_IN_FORCE otherwise): a party that will not approve a proposal frees its code.",
    tags,
    auth: { roles: ["party-admin"] },
    params: agreementParams,
    responses: { 200: { description: "withdrawn", schema: agreementView }, ...writeProblems },
  }),
  listAgreements: defineOperation({
    operationId: "listAgreements",
    method: "get",
    path: "/v1/agreements",
    summary: "Every trade agreement the registry knows",
    tags,
    auth: "optional",
    rateLimited: true,
    responses: { 200: { description: "the agreements", schema: agreementList }, ...readProblems },
  }),
  setAgreementRecognition: defineOperation({
    operationId: "setAgreementRecognition",
    method: "put",
    path: "/v1/recognition/agreements",
    summary: "State which proofs of origin the admin's party accepts from a party under an agreement",
    description:
      "Proofs: `certificate` (issued by an authority), `exporterDeclaration`, `importerDeclaration`; an empty list withdraws. Both parties " +
      "must be parties to the agreement, in force. The ledger's recognition of the certificate-of-origin type (PUT /v1/recognition/parties) " +
      "keeps applying under every agreement; declarations are recognised only here.",
    tags,
    auth: { roles: ["party-admin"] },
    json: agreementRecognitionRequest,
    responses: { 200: { description: "recorded on the ledger", schema: agreementRecognitionView }, ...writeProblems },
  }),
  listAgreementRecognition: defineOperation({
    operationId: "listAgreementRecognition",
    method: "get",
    path: "/v1/recognition/agreements",
    summary: "Which proofs of origin a party accepts, from whom, under which agreements",
    tags,
    auth: "optional",
    rateLimited: true,
    query: recognitionQuery,
    responses: { 200: { description: "its recognition per agreement", schema: agreementRecognitionList }, ...readProblems },
  }),
  registerTrader: defineOperation({
    operationId: "registerTrader",
    method: "post",
    path: "/v1/registrations",
    summary: "Register an exporter or importer of the origin authority's party",
    description:
      "The caller's authority must hold type 5 (exporterDeclaration) in its scope to register exporters, type 6 to register importers. " +
      "The trader gets its own signing key, registered under the registration; the answer carries a declarant token for it.",
    tags,
    auth: { roles: ["issuer"] },
    json: registrationRequest,
    responses: { 201: { description: "registered on the ledger", schema: registrationCreated }, ...writeProblems },
  }),
  getRegistration: defineOperation({
    operationId: "getRegistration",
    method: "get",
    path: "/v1/registrations/{number}",
    summary: "Look a registration number up: what the trader's consent lets anyone see",
    description:
      "Without consent: number, party, kind, status and validity only (as the EU publishes REX numbers); with it, name, address and headings too.",
    tags,
    auth: "optional",
    rateLimited: true,
    params: registrationParams,
    responses: { 200: { description: "the registration", schema: registrationView }, ...readProblems },
  }),
  setRegistrationStatus: defineOperation({
    operationId: "setRegistrationStatus",
    method: "put",
    path: "/v1/registrations/{number}/status",
    summary: "Suspend, reinstate or revoke a registration (its origin authority, or its party's admin)",
    tags,
    auth: { roles: ["issuer", "party-admin"] },
    params: registrationParams,
    json: registrationStatusRequest,
    responses: { 200: { description: "recorded on the ledger", schema: registrationView }, ...writeProblems },
  }),
  declare: defineOperation({
    operationId: "declareOrigin",
    method: "post",
    path: "/v1/declarations",
    summary: "A registered exporter or importer declares the origin of goods under a trade agreement",
    description:
      "With the trader's own token (role declarant). Refused, with nothing stored: a registration suspended, revoked or out of its " +
      "validity (REGISTRATION_NOT_ACTIVE, REGISTRATION_NOT_VALID); an HS heading outside it (HEADING_NOT_REGISTERED); an agreement " +
      "unknown, not in force, or without the trader's party or the other side (AGREEMENT_NOT_FOUND, AGREEMENT_NOT_IN_FORCE, " +
      "NOT_AGREEMENT_PARTY); an importer declaring for another party's imports (IMPORTER_NOT_OWN_PARTY). The declaration is signed " +
      "with the trader's key, recorded in the origin registry and anchored by its origin authority; its payload is addressed to the importing party. " +
      "Or as multipart/form-data: `file` (a PDF invoice carrying the statement on origin) and `declaration` (the same JSON): the same " +
      "checks, the PDF stamped with its QR code, its goods lines declared as its items; a file carries no signature of the trader's.",
    tags,
    auth: { roles: ["declarant"] },
    json: declarationRequest,
    jsonSize: "document",
    form: declarationForm,
    fileRequired: true,
    responses: { 202: { description: "accepted for anchoring", schema: declarationAccepted }, ...writeProblems },
  }),
  declareSigned: defineOperation({
    operationId: "declareOriginSigned",
    method: "post",
    path: "/v1/declarations/signed",
    summary: "A registered trader that holds its own key sends a declaration it signed itself",
    description:
      "With the trader's token: `jws`, the OriginDeclarationCredential signed (VC-JOSE, ES256) with a key registered under its " +
      "registration (its `publicJwk` given at registration). Its issuer must be the token's registration and authority " +
      "(ISSUER_MISMATCH), its key registered and valid now (UNTRUSTED_KEY, INVALID_SIGNATURE), and it passes every check " +
      "POST /v1/declarations makes; then it is recorded and anchored as it is. Nobody but the trader can sign in its name.",
    tags,
    auth: { roles: ["declarant"] },
    json: signedDeclarationRequest,
    jsonSize: "document",
    responses: { 202: { description: "accepted for anchoring", schema: declarationAccepted }, ...writeProblems },
  }),
};

/** Mounts the origin routes. */
export function mountOriginRoutes(router: Router, deps: AppDependencies, context: MountContext): void {
  const durable = deps.durable;

  mount(router, originOperations.proposeAgreement, context, async ({ body, res }) => {
    const principal = principalOf(res);
    if (principal.role !== "party-admin") throw new CertLedgerError("FORBIDDEN", "party admins propose agreements");
    const writer = originOf(deps).withSigner(await signerFor(deps, principal));
    return { status: 201, body: await proposeAgreement(writer, principal.party as PartyCode, body.value, durable) };
  });

  mount(router, originOperations.approveAgreement, context, async ({ params, res }) => {
    const principal = principalOf(res);
    if (principal.role !== "party-admin") throw new CertLedgerError("FORBIDDEN", "party admins approve agreements");
    const writer = originOf(deps).withSigner(await signerFor(deps, principal));
    return { status: 200, body: await approveAgreement(writer, principal.party as PartyCode, params.code, durable) };
  });

  mount(router, originOperations.withdrawAgreement, context, async ({ params, res }) => {
    const principal = principalOf(res);
    if (principal.role !== "party-admin") throw new CertLedgerError("FORBIDDEN", "party admins withdraw agreements");
    const writer = originOf(deps).withSigner(await signerFor(deps, principal));
    return { status: 200, body: await withdrawAgreement(writer, principal.party as PartyCode, params.code, durable) };
  });

  mount(router, originOperations.listAgreements, context, async () => ({
    status: 200,
    body: { agreements: await originOf(deps).agreements() },
  }));

  mount(router, originOperations.setAgreementRecognition, context, async ({ body, res }) => {
    const principal = principalOf(res);
    if (principal.role !== "party-admin") throw new CertLedgerError("FORBIDDEN", "party admins state their party's recognition");
    const writer = originOf(deps).withSigner(await signerFor(deps, principal));
    const set = await setAgreementRecognition(writer, principal.party as PartyCode, body.value, durable);
    return { status: 200, body: recognitionView(principal.party, body.value.issuer, set.agreement.code, set) };
  });

  mount(router, originOperations.listAgreementRecognition, context, async ({ query }) => {
    const origin = originOf(deps);
    const importer = query.importer as PartyCode;
    const rows = [];
    for (const agreement of await origin.agreements()) {
      if (agreement.status !== "InForce" || !agreement.parties.includes(importer)) continue;
      for (const issuer of agreement.parties.filter((p) => p !== importer)) {
        const r = await origin.getAgreementRecognition(importer, issuer, agreement.id);
        if (r.proofs.length > 0) rows.push(recognitionView(importer, issuer, agreement.code, r));
      }
    }
    return { status: 200, body: { recognition: rows } };
  });

  mount(router, originOperations.registerTrader, context, async ({ body, res }) => {
    const principal = principalOf(res);
    if (principal.role !== "issuer") throw new CertLedgerError("FORBIDDEN", "origin authorities register traders");
    const registration = await registrarOf(deps).register(principal.authorityId, body.value);
    const token = await deps.auth.mintToken({ role: "declarant", registrationId: registration.id });
    return {
      status: 201,
      body: {
        registrationId: registration.id,
        registration: publicRegistration(registration),
        headings: registration.headings.map(headingText),
        token,
      },
    };
  });

  mount(router, originOperations.getRegistration, context, async ({ params }) => {
    const registration = await originOf(deps).registrationByNumber(params.number);
    if (!registration) throw new CertLedgerError("REGISTRATION_NOT_FOUND", `no registration ${params.number} is on the ledger`);
    return { status: 200, body: publicRegistration(registration) };
  });

  mount(router, originOperations.setRegistrationStatus, context, async ({ params, body, res }) => {
    const principal = principalOf(res);
    const origin = originOf(deps);
    const registration = await origin.registrationByNumber(params.number);
    if (!registration) throw new CertLedgerError("REGISTRATION_NOT_FOUND", `no registration ${params.number} is on the ledger`);
    // The chain decides who may (its authority's accounts, its party's admins); this server acts with the caller's account.
    const writer = origin.withSigner(await signerFor(deps, principal));
    const updated = await registrarOf(deps).setStatus(writer, registration.id, body.value.status);
    return { status: 200, body: publicRegistration(updated) };
  });

  mount(router, originOperations.declareSigned, context, async ({ body, res }) => {
    const principal = principalOf(res);
    if (principal.role !== "declarant") throw new CertLedgerError("FORBIDDEN", "registered exporters and importers declare origin");
    const made = await declarationsOf(deps).declareSigned(principal.registrationId, body.value.jws);
    return {
      status: 202,
      body: {
        ...acceptedCertificate(deps, made),
        registrationNumber: made.registration.number,
        agreement: made.agreement.code,
        jws: made.jws,
      },
    };
  });

  mount(router, originOperations.declare, context, async ({ body, res }) => {
    const principal = principalOf(res);
    if (principal.role !== "declarant") throw new CertLedgerError("FORBIDDEN", "registered exporters and importers declare origin");
    const desk = declarationsOf(deps);
    const answer = (
      made: { registration: { number: string }; agreement: { code: string }; jws?: string } & Parameters<typeof acceptedCertificate>[1],
    ) => ({
      status: 202 as const,
      body: {
        ...acceptedCertificate(deps, made),
        registrationNumber: made.registration.number,
        agreement: made.agreement.code,
        jws: made.jws,
      },
    });
    if (body.kind !== "form") return answer(await desk.declare(principal.registrationId, body.value));
    const { publicUrl } = deps.config;
    const stamp =
      body.value.stamp === false
        ? undefined
        : ({ party, number, linkKey }: { party: string; number: string; linkKey: string }) => ({
            qrLink: stampedLink(publicUrl, party, number, linkKey),
            printedLink: stampedLink(publicUrl, party, number),
          });
    return answer(await desk.declareFile(principal.registrationId, body.value.declaration, body.file!.bytes, stamp));
  });
}

function recognitionView(
  importer: string,
  issuer: string,
  agreement: string,
  r: { proofs: string[]; validFrom: bigint; validUntil: bigint },
) {
  const time = (s: bigint) => new Date(Number(s) * 1000).toISOString();
  return {
    importer,
    issuer,
    agreement,
    proofs: r.proofs,
    ...(r.proofs.length > 0 && { validFrom: time(r.validFrom), validUntil: time(r.validUntil) }),
  };
}

function originOf(deps: AppDependencies): OriginClient {
  if (!deps.origin) throw new CertLedgerError("ORIGIN_NOT_DEPLOYED", "this server's deployment has no origin registry");
  return deps.origin;
}

function registrarOf(deps: AppDependencies): TraderRegistrar {
  if (!deps.registrar) throw new CertLedgerError("ORIGIN_NOT_DEPLOYED", "this server's deployment has no origin registry");
  return deps.registrar;
}

function declarationsOf(deps: AppDependencies): DeclarationDesk {
  if (!deps.declarations) throw new CertLedgerError("ORIGIN_NOT_DEPLOYED", "this server's deployment has no origin registry");
  return deps.declarations;
}
