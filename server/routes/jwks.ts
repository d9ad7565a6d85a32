import type { Router } from "express";
import { p256PublicJwk } from "../../src/crypto/keys";
import type { AppDependencies } from "../dependencies";
import { defineOperation, mount, type MountContext } from "../operation";
import { jwks } from "../schemas";

/** The public key this server signs receipts with, for those who keep them. */
export const jwksOperations = {
  jwks: defineOperation({
    operationId: "jwks",
    method: "get",
    path: "/.well-known/jwks.json",
    summary: "The public key verification receipts are signed with (a JWK Set)",
    tags: ["verification"],
    responses: { 200: { description: "the JWK Set", schema: jwks } },
  }),
};

/** Mounts the JWKS route. */
export function mountJwksRoutes(router: Router, deps: AppDependencies, context: MountContext): void {
  const key = { ...p256PublicJwk(deps.receiptKey.publicJwk, "receipt key"), kid: deps.receiptKey.kid, alg: "ES256", use: "sig" };
  mount(router, jwksOperations.jwks, context, async () => ({
    status: 200,
    body: { keys: [key] },
    headers: { "Cache-Control": "public, max-age=3600" },
  }));
}
