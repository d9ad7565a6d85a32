import type { Router } from "express";
import { z } from "zod";
import { CertLedgerError } from "../../src/errors";
import type { AppDependencies } from "../dependencies";
import { defineOperation, mount, problems, type MountContext } from "../operation";
import { authorityParams } from "../schemas";

const didDocument = z.object({ id: z.string() }).loose().meta({ description: "a DID document (W3C DID Core)" });
const partyParams = z.object({ code: z.string().regex(/^[A-Z]{2}$/, "must be a party's ISO 3166-1 alpha-2 code, e.g. KG") });
const statusListParams = authorityParams.extend({
  purpose: z.enum(["revocation", "suspension"], { error: "must be revocation or suspension" }),
  list: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,5})$/, "must be a list number (0, 1, …)")
    .transform(Number),
});
const NO_VIEWS = "this server publishes no standard views (no PUBLIC_URL-derived did:web)";

/**
 * The standard views of the ledger (src/standard-views): did:web DID documents of the party and its authorities, and
 * each authority's W3C Bitstring Status Lists. All public and unauthenticated, as did:web and status lists must be.
 */
export const standardViewOperations = {
  partyDid: defineOperation({
    operationId: "getPartyDidDocument",
    method: "get",
    path: "/.well-known/did.json",
    summary: "The party's DID document (did:web:<host>)",
    description:
      "Its ledger identifier in `alsoKnownAs`, its registered encryption key (`keyAgreement`) and its verification API (`service`).",
    tags: ["standard views"],
    rateLimited: true,
    responses: { 200: { description: "the DID document", schema: didDocument }, ...problems(404, 503) },
  }),
  otherPartyDid: defineOperation({
    operationId: "getAdministeredPartyDidDocument",
    method: "get",
    path: "/parties/{code}/did.json",
    summary: "The DID document of another party this server administers (did:web:<host>:parties:<code>)",
    description: "For a server administering several parties, as the embedded demo does; the first is `did:web:<host>`.",
    tags: ["standard views"],
    rateLimited: true,
    params: partyParams,
    responses: { 200: { description: "the DID document", schema: didDocument }, ...problems(400, 404, 503) },
  }),
  authorityDid: defineOperation({
    operationId: "getAuthorityDidDocument",
    method: "get",
    path: "/authorities/{id}/did.json",
    summary: "An issuing authority's DID document (did:web:<host>:authorities:<id>)",
    description:
      "Its signing keys the ledger registers for it (JsonWebKey, id = the key's thumbprint): rotated keys stay, with `expires` " +
      "(the ledger's validUntil), so older credentials still verify; a compromised key carries `revoked` (its compromise time) " +
      "until then and is left out from then on. `alsoKnownAs` is its ledger identifier did:certledger:<party>:<id>.",
    tags: ["standard views"],
    rateLimited: true,
    params: authorityParams,
    responses: { 200: { description: "the DID document", schema: didDocument }, ...problems(400, 404, 503) },
  }),
  statusList: defineOperation({
    operationId: "getStatusList",
    method: "get",
    path: "/v1/authorities/{id}/status-lists/{purpose}/{list}",
    summary: "An authority's W3C Bitstring Status List credential (revocation or suspension)",
    description:
      "A BitstringStatusListCredential (VC 2.0) secured as VC-JOSE (`application/vc+jwt`), signed with the authority's key the " +
      "ledger registers; 131,072 entries, GZIP + base64url multibase; `ttl` 60 s. Regenerated from the chain index as soon as " +
      "the index has read a new block. Answers for a suspended authority too.",
    tags: ["standard views"],
    rateLimited: true,
    params: statusListParams,
    responses: {
      200: { description: "the status list credential (compact JWS)", contentType: "application/vc+jwt" },
      ...problems(400, 404, 503),
    },
  }),
};

/** Mounts the standard views' routes. */
export function mountStandardViewRoutes(router: Router, deps: AppDependencies, context: MountContext): void {
  const views = () => {
    if (!deps.views) throw new CertLedgerError("DID_NOT_FOUND", NO_VIEWS);
    return deps.views;
  };
  const document = (body: unknown) => ({ status: 200, body, headers: { "Cache-Control": "public, max-age=60" } });
  mount(router, standardViewOperations.partyDid, context, async () => document(await views().partyDocument()));
  mount(router, standardViewOperations.otherPartyDid, context, async ({ params }) => document(await views().partyDocument(params.code)));
  mount(router, standardViewOperations.authorityDid, context, async ({ params }) => document(await views().authorityDocument(params.id)));
  mount(router, standardViewOperations.statusList, context, async ({ params, res }) => {
    const list = await views().statusList(params.id, params.purpose, params.list);
    // A few seconds' caching at most: the list follows the ledger within seconds, well inside its ttl.
    res.status(200).type("application/vc+jwt").set("Cache-Control", "public, max-age=5").send(Buffer.from(list.jws));
  });
}
