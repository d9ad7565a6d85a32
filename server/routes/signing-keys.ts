import type { Router } from "express";
import { jwkThumbprintHex, kidToThumbprintHex, p256PublicJwk } from "../../src/crypto/keys";
import { CertLedgerError } from "../../src/errors";
import { principalOf, type Principal } from "../auth";
import type { AppDependencies } from "../dependencies";
import { writerFor } from "../ledger-writers";
import { defineOperation, mount, problems, type MountContext } from "../operation";
import { addKeyRequest, authorityParams, compromiseKeyRequest, ledgerWrite, rotateKeyRequest } from "../schemas";

const keyManagers = { roles: ["issuer" as const, "party-admin" as const] };
const writeProblems = problems(400, 401, 403, 404, 409, 415, 422, 503);

/** An authority's signing keys: registered, rotated and marked compromised by the authority or its party's admin. */
export const signingKeyOperations = {
  add: defineOperation({
    operationId: "addSigningKey",
    method: "post",
    path: "/v1/authorities/{id}/keys",
    summary: "Register a signing key of an authority",
    description:
      "By the authority's own issuer token, or its party's admin. Give the public JWK or its RFC 7638 thumbprint. Keys are scoped to " +
      "their authority: another authority's registration of the same thumbprint neither blocks this one nor counts for it.",
    tags: ["signing keys"],
    auth: keyManagers,
    params: authorityParams,
    json: addKeyRequest,
    responses: { 201: { description: "registered", schema: ledgerWrite }, ...writeProblems },
  }),
  rotate: defineOperation({
    operationId: "rotateSigningKey",
    method: "post",
    path: "/v1/authorities/{id}/keys/rotate",
    summary: "Retire a key now in favour of a new one",
    tags: ["signing keys"],
    auth: keyManagers,
    params: authorityParams,
    json: rotateKeyRequest,
    responses: { 200: { description: "rotated", schema: ledgerWrite }, ...writeProblems },
  }),
  compromise: defineOperation({
    operationId: "compromiseSigningKey",
    method: "post",
    path: "/v1/authorities/{id}/keys/compromise",
    summary: "Mark a key compromised from a time on",
    description: "Signatures made from `compromisedAt` on are invalid; earlier ones stay valid.",
    tags: ["signing keys"],
    auth: keyManagers,
    params: authorityParams,
    json: compromiseKeyRequest,
    responses: { 200: { description: "marked compromised", schema: ledgerWrite }, ...writeProblems },
  }),
};

/** Mounts the signing-key routes. */
export function mountSigningKeyRoutes(router: Router, deps: AppDependencies, context: MountContext): void {
  mount(router, signingKeyOperations.add, context, async ({ params, body, res }) => {
    const principal = ownAuthority(principalOf(res), params.id);
    const { jwk, thumbprint, alg, validFrom, validUntil } = body.value;
    const key = thumbprintOf(jwk, thumbprint);
    const result = await (
      await writerFor(deps, principal)
    ).addSigningKey({ authorityId: params.id, thumbprint: key, alg, validFrom: validFrom ?? (await deps.client.now()), validUntil });
    // The ledger keeps the thumbprint only: the key itself is kept here for the authority's DID document.
    if (jwk !== undefined) deps.views?.rememberKey(params.id, jwk);
    return { status: 201, body: { ...result, authorityId: params.id, thumbprint: key } };
  });

  mount(router, signingKeyOperations.rotate, context, async ({ params, body, res }) => {
    const principal = ownAuthority(principalOf(res), params.id);
    const { oldThumbprint, jwk, thumbprint, alg, validUntil } = body.value;
    const newThumbprint = thumbprintOf(jwk, thumbprint);
    const result = await (
      await writerFor(deps, principal)
    ).rotateSigningKey({ authorityId: params.id, oldThumbprint: thumbprintOf(undefined, oldThumbprint), newThumbprint, alg, validUntil });
    if (jwk !== undefined) deps.views?.rememberKey(params.id, jwk);
    return { status: 200, body: { ...result, authorityId: params.id, thumbprint: newThumbprint } };
  });

  mount(router, signingKeyOperations.compromise, context, async ({ params, body, res }) => {
    const principal = ownAuthority(principalOf(res), params.id);
    const key = thumbprintOf(undefined, body.value.thumbprint);
    // Keys are scoped to their authority: another authority's registration of the same thumbprint is not this one.
    if (!(await deps.client.getSigningKey(params.id, key))) {
      throw new CertLedgerError("KEY_NOT_FOUND", `authority ${params.id} has registered no signing key ${key}`);
    }
    const compromisedAt = body.value.compromisedAt ?? (await deps.client.now());
    const result = await (await writerFor(deps, principal)).compromiseSigningKey(params.id, key, compromisedAt);
    return { status: 200, body: { ...result, authorityId: params.id, thumbprint: key } };
  });
}

/** An issuer token acts for its own authority only; a party admin's reach is the ledger's to judge. */
function ownAuthority(principal: Principal, authorityId: number): Principal {
  if (principal.role === "issuer" && principal.authorityId !== authorityId) {
    throw new CertLedgerError("FORBIDDEN", `this token acts for authority ${principal.authorityId}, not ${authorityId}`);
  }
  return principal;
}

/** The 0x thumbprint of a public JWK, or of a thumbprint given as 0x hex or as a base64url kid. */
function thumbprintOf(jwk: Record<string, unknown> | undefined, thumbprint: string | undefined): string {
  if (jwk !== undefined) return jwkThumbprintHex(p256PublicJwk(jwk, "jwk"));
  const given = thumbprint!;
  return given.startsWith("0x") ? given.toLowerCase() : kidToThumbprintHex(given);
}
