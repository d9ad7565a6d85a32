import type { Router } from "express";
import { typeSet } from "../../src/documents/certificate-types";
import { CertLedgerError } from "../../src/errors";
import { principalOf } from "../auth";
import type { AppDependencies } from "../dependencies";
import { writerFor } from "../ledger-writers";
import { defineOperation, mount, problems, type MountContext } from "../operation";
import { ledgerWrite, recognitionRequest } from "../schemas";

/** Which foreign certificates the admin's party recognises. */
export const recognitionOperations = {
  set: defineOperation({
    operationId: "setRecognition",
    method: "put",
    path: "/v1/recognition",
    summary: "Set which certificate types the admin's party recognises from another party or authority",
    description: "Replaces the recognised set: `types: []` withdraws recognition. The importing party is the token's.",
    tags: ["recognition"],
    auth: { roles: ["party-admin"] },
    json: recognitionRequest,
    responses: { 200: { description: "recorded", schema: ledgerWrite }, ...problems(400, 401, 403, 404, 415, 422, 503) },
  }),
};

/** Mounts the recognition routes. */
export function mountRecognitionRoutes(router: Router, deps: AppDependencies, context: MountContext): void {
  mount(router, recognitionOperations.set, context, async ({ body, res }) => {
    const principal = principalOf(res);
    if (principal.role !== "party-admin") throw new CertLedgerError("FORBIDDEN", "party admins decide recognition");
    const writer = await writerFor(deps, principal);
    const { issuer, authorityId, types } = body.value;
    const result =
      issuer !== undefined
        ? await writer.setPartyRecognition({ importer: principal.party, issuer, types: typeSet(...types) })
        : await writer.setAuthorityRecognition({ importer: principal.party, authorityId: authorityId!, types: typeSet(...types) });
    return { status: 200, body: result };
  });
}
