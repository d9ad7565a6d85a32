import type { Router } from "express";
import { CertLedgerError } from "../../src/errors";
import { principalOf, type Principal } from "../auth";
import type { AppDependencies } from "../dependencies";
import { defineOperation, mount, problems, type MountContext } from "../operation";
import { tokenRevocationRequest, tokenRevoked } from "../schemas";
import { isoSeconds } from "../views";

/** Access tokens: revoking one before it expires. */
export const tokenOperations = {
  revoke: defineOperation({
    operationId: "revokeToken",
    method: "post",
    path: "/v1/tokens/revoke",
    summary: "Revoke an access token of the admin's party before it expires",
    description:
      "A party admin revokes a token of its own party: an issuer token of one of its authorities, or a party-admin token " +
      "(its own included). From then on this server refuses the token with 401 TOKEN_REVOKED. The revocation is kept in " +
      "the data folder until the token would have expired anyway. Revoking a token twice is not an error.",
    tags: ["access tokens"],
    auth: { roles: ["party-admin"] },
    json: tokenRevocationRequest,
    responses: { 200: { description: "revoked", schema: tokenRevoked }, ...problems(400, 401, 403, 415, 503) },
  }),
};

/** Mounts the token routes. */
export function mountTokenRoutes(router: Router, deps: AppDependencies, context: MountContext): void {
  mount(router, tokenOperations.revoke, context, async ({ body, res }) => {
    const admin = principalOf(res);
    if (admin.role !== "party-admin") throw new CertLedgerError("FORBIDDEN", "party admins revoke tokens");
    if (!deps.tokenRevocations) throw new CertLedgerError("INTERNAL_ERROR", "this server keeps no token revocation list");
    const { principal, subject, expiresAt } = await deps.auth.inspectToken(body.value.token);
    const party = await partyOf(deps, principal);
    if (party !== admin.party) {
      throw new CertLedgerError("FORBIDDEN", `the token is ${subject}'s, not a token of party ${admin.party}`);
    }
    deps.tokenRevocations.revoke({ jti: principal.tokenId, subject, expiresAt, revokedBy: `party:${admin.party}` });
    return {
      status: 200,
      body: { jti: principal.tokenId, subject, expiresAt: isoSeconds(expiresAt), revoked: true },
    };
  });
}

/** The party a token acts for: its own for a party admin, its authority's or its agency's (on the ledger) for the others. */
async function partyOf(deps: AppDependencies, principal: Principal): Promise<string | undefined> {
  if (principal.role === "party-admin") return principal.party;
  if (principal.role === "customs") return (await deps.outcomes?.getAgency(principal.agencyId))?.party;
  if (principal.role === "declarant") return (await deps.origin?.getRegistration(principal.registrationId))?.party;
  return (await deps.client.getAuthority(principal.authorityId))?.party;
}
