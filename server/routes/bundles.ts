import type { Router } from "express";
import { verifierEvents } from "../../src/index";
import { createProofBundle } from "../../src/verify";
import type { AppDependencies } from "../dependencies";
import { defineOperation, mount, problems, type MountContext } from "../operation";
import { certHashParams, proofBundle } from "../schemas";

/** Offline proof bundles. */
export const bundleOperations = {
  getBundle: defineOperation({
    operationId: "getCertificateBundle",
    method: "get",
    path: "/v1/certificates/{certHash}/bundle",
    summary: "The certificate's offline proof bundle",
    description:
      "Where the certificate is anchored (with its Merkle proof when it is in a batch), the chain and the ledger: enough to " +
      "verify it later against any node of the chain, without this server.",
    tags: ["certificates"],
    auth: "optional",
    rateLimited: true,
    params: certHashParams,
    responses: { 200: { description: "the proof bundle", schema: proofBundle }, ...problems(400, 404, 429, 503) },
  }),
};

/** Mounts the bundle routes. */
export function mountBundleRoutes(router: Router, deps: AppDependencies, context: MountContext): void {
  mount(router, bundleOperations.getBundle, context, async ({ params }) => {
    // Through the index: the hash is the caller's to choose, so no lookup by it may walk the chain's logs.
    const bundle = await createProofBundle(deps.client, params.certHash, { batches: deps.batches, events: verifierEvents(deps.index) });
    return { status: 200, body: bundle, headers: { "Content-Disposition": `attachment; filename="${params.certHash}.bundle.json"` } };
  });
}
