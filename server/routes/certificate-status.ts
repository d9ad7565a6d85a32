import type { Router } from "express";
import { principalOf } from "../auth";
import type { AppDependencies } from "../dependencies";
import { signerFor } from "../ledger-writers";
import { defineOperation, mount, problems, type MountContext } from "../operation";
import { certHashParams, emptyRequest, revokeRequest, statusChange } from "../schemas";

const managers = { roles: ["issuer" as const, "party-admin" as const] };
const statusProblems = problems(400, 401, 403, 404, 409, 415, 422, 503);

/** Suspension, reinstatement and revocation, by the issuing authority or its party's admin (the ledger checks which). */
export const certificateStatusOperations = {
  suspend: defineOperation({
    operationId: "suspendCertificate",
    method: "post",
    path: "/v1/certificates/{certHash}/suspend",
    summary: "Suspend a certificate",
    description: "By its issuing authority's token or its party's admin; another's certificate is refused (403 NOT_CERTIFICATE_MANAGER).",
    tags: ["certificates"],
    auth: managers,
    params: certHashParams,
    json: emptyRequest,
    bodyOptional: true,
    responses: { 200: { description: "suspended", schema: statusChange }, ...statusProblems },
  }),
  reinstate: defineOperation({
    operationId: "reinstateCertificate",
    method: "post",
    path: "/v1/certificates/{certHash}/reinstate",
    summary: "Reinstate a suspended certificate",
    tags: ["certificates"],
    auth: managers,
    params: certHashParams,
    json: emptyRequest,
    bodyOptional: true,
    responses: { 200: { description: "reinstated", schema: statusChange }, ...statusProblems },
  }),
  revoke: defineOperation({
    operationId: "revokeCertificate",
    method: "post",
    path: "/v1/certificates/{certHash}/revoke",
    summary: "Revoke a certificate for good",
    description:
      "With an RFC 5280 reason, an effective time (default now; it may be back-dated, never before issuance) and an optional replacement.",
    tags: ["certificates"],
    auth: managers,
    params: certHashParams,
    json: revokeRequest,
    responses: { 200: { description: "revoked", schema: statusChange }, ...statusProblems },
  }),
};

/** What each action leaves the certificate as on the ledger. */
const STATUS_AFTER = { suspend: "Suspended", reinstate: "Active", revoke: "Revoked" } as const;

/** The answer to a status change: the certificate, its status now, and the transaction that changed it. */
function statusChanged(action: keyof typeof STATUS_AFTER, result: { certHash: string; txHash: string; blockNumber: number }) {
  const { certHash, txHash, blockNumber } = result;
  return { status: 200, body: { certHash, status: STATUS_AFTER[action], action, txHash, blockNumber } };
}

/** Mounts the status routes. */
export function mountCertificateStatusRoutes(router: Router, deps: AppDependencies, context: MountContext): void {
  mount(router, certificateStatusOperations.suspend, context, async ({ params, res }) =>
    statusChanged("suspend", await deps.status.suspend(params.certHash, await signerFor(deps, principalOf(res)))),
  );

  mount(router, certificateStatusOperations.reinstate, context, async ({ params, res }) =>
    statusChanged("reinstate", await deps.status.reinstate(params.certHash, await signerFor(deps, principalOf(res)))),
  );

  mount(router, certificateStatusOperations.revoke, context, async ({ params, body, res }) => {
    const { reason, effectiveAt, replacement } = body.value;
    const signer = await signerFor(deps, principalOf(res));
    return statusChanged("revoke", await deps.status.revoke(params.certHash, signer, { reason, effectiveAt, replacement }));
  });
}
