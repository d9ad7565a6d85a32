import type { Router } from "express";
import { typeSet } from "../../src/documents/certificate-types";
import { CertLedgerError } from "../../src/errors";
import { principalOf } from "../auth";
import type { AppDependencies } from "../dependencies";
import { writerFor } from "../ledger-writers";
import { defineOperation, mount, problems, type MountContext } from "../operation";
import {
  authorityAccountParams,
  authorityAccountRequest,
  authorityParams,
  authorityView,
  emptyRequest,
  ledgerWrite,
  registerAuthorityRequest,
  updateAuthorityRequest,
} from "../schemas";
import { authorityJson } from "../views";

const adminOnly = { roles: ["party-admin" as const] };
const writeProblems = problems(400, 401, 403, 404, 409, 415, 422, 503);

/** Issuing authorities, managed by their party's admin. */
export const authorityOperations = {
  register: defineOperation({
    operationId: "registerAuthority",
    method: "post",
    path: "/v1/authorities",
    summary: "Register an issuing authority of the admin's party",
    tags: ["authorities"],
    auth: adminOnly,
    json: registerAuthorityRequest,
    responses: { 201: { description: "registered; its new id", schema: ledgerWrite }, ...writeProblems },
  }),
  get: defineOperation({
    operationId: "getAuthority",
    method: "get",
    path: "/v1/authorities/{id}",
    summary: "An issuing authority as the ledger records it",
    tags: ["authorities"],
    auth: "optional",
    rateLimited: true,
    params: authorityParams,
    responses: { 200: { description: "the authority", schema: authorityView }, ...problems(400, 404, 429, 503) },
  }),
  update: defineOperation({
    operationId: "updateAuthority",
    method: "put",
    path: "/v1/authorities/{id}",
    summary: "Change an authority's scope and validity",
    tags: ["authorities"],
    auth: adminOnly,
    params: authorityParams,
    json: updateAuthorityRequest,
    responses: { 200: { description: "changed", schema: ledgerWrite }, ...writeProblems },
  }),
  suspend: defineOperation({
    operationId: "suspendAuthority",
    method: "post",
    path: "/v1/authorities/{id}/suspend",
    summary: "Suspend an authority (it can no longer anchor)",
    tags: ["authorities"],
    auth: adminOnly,
    params: authorityParams,
    json: emptyRequest,
    bodyOptional: true,
    responses: { 200: { description: "suspended", schema: ledgerWrite }, ...writeProblems },
  }),
  reactivate: defineOperation({
    operationId: "reactivateAuthority",
    method: "post",
    path: "/v1/authorities/{id}/reactivate",
    summary: "Reactivate a suspended authority",
    tags: ["authorities"],
    auth: adminOnly,
    params: authorityParams,
    json: emptyRequest,
    bodyOptional: true,
    responses: { 200: { description: "reactivated", schema: ledgerWrite }, ...writeProblems },
  }),
  addAccount: defineOperation({
    operationId: "addAuthorityAccount",
    method: "post",
    path: "/v1/authorities/{id}/accounts",
    summary: "Let another account write for an authority",
    tags: ["authorities"],
    auth: adminOnly,
    params: authorityParams,
    json: authorityAccountRequest,
    responses: { 200: { description: "added", schema: ledgerWrite }, ...writeProblems },
  }),
  removeAccount: defineOperation({
    operationId: "removeAuthorityAccount",
    method: "delete",
    path: "/v1/authorities/{id}/accounts/{account}",
    summary: "Stop an account writing for an authority",
    tags: ["authorities"],
    auth: adminOnly,
    params: authorityAccountParams,
    responses: { 200: { description: "removed", schema: ledgerWrite }, ...writeProblems },
  }),
};

/** Mounts the authority routes. */
export function mountAuthorityRoutes(router: Router, deps: AppDependencies, context: MountContext): void {
  mount(router, authorityOperations.register, context, async ({ body, res }) => {
    const principal = principalOf(res);
    if (principal.role !== "party-admin") throw new CertLedgerError("FORBIDDEN", "party admins register authorities");
    const writer = await writerFor(deps, principal);
    const { name, accounts, scope, validFrom, validUntil } = body.value;
    const result = await writer.registerAuthority({
      party: principal.party,
      name,
      accounts,
      scope: typeSet(...scope),
      validFrom: validFrom ?? (await deps.client.now()),
      validUntil,
    });
    return { status: 201, body: result };
  });

  mount(router, authorityOperations.get, context, async ({ params }) => {
    const authority = await deps.client.getAuthority(params.id);
    if (!authority) throw new CertLedgerError("AUTHORITY_NOT_FOUND", `there is no authority ${params.id}`);
    return { status: 200, body: authorityJson(authority, await deps.client.authorityAccounts(params.id)) };
  });

  mount(router, authorityOperations.update, context, async ({ params, body, res }) => {
    const { scope, validFrom, validUntil } = body.value;
    const result = await (
      await writerFor(deps, principalOf(res))
    ).updateAuthority({
      authorityId: params.id,
      scope: typeSet(...scope),
      validFrom,
      validUntil,
    });
    return { status: 200, body: { ...result, authorityId: params.id } };
  });

  mount(router, authorityOperations.suspend, context, async ({ params, res }) => {
    const result = await (await writerFor(deps, principalOf(res))).suspendAuthority(params.id);
    return { status: 200, body: { ...result, authorityId: params.id } };
  });

  mount(router, authorityOperations.reactivate, context, async ({ params, res }) => {
    const result = await (await writerFor(deps, principalOf(res))).reactivateAuthority(params.id);
    return { status: 200, body: { ...result, authorityId: params.id } };
  });

  mount(router, authorityOperations.addAccount, context, async ({ params, body, res }) => {
    const result = await (await writerFor(deps, principalOf(res))).addAuthorityAccount(params.id, body.value.account);
    return { status: 200, body: { ...result, authorityId: params.id } };
  });

  mount(router, authorityOperations.removeAccount, context, async ({ params, res }) => {
    const result = await (await writerFor(deps, principalOf(res))).removeAuthorityAccount(params.id, params.account);
    return { status: 200, body: { ...result, authorityId: params.id } };
  });
}
