import type { Router } from "express";
import { readPayloadHeader } from "../../src/crypto/payload-encryption";
import { parseCid } from "../../src/ipfs/cid";
import type { AppDependencies } from "../dependencies";
import { defineOperation, mount, problems, type MountContext } from "../operation";
import { cidParams } from "../schemas";

/** How long a payload may take to arrive from IPFS before the answer is 404. */
const FETCH_TIMEOUT_MS = 15_000;

/** Encrypted payloads, as stored on IPFS. */
export const payloadOperations = {
  getPayload: defineOperation({
    operationId: "getPayload",
    method: "get",
    path: "/v1/payloads/{cid}",
    summary: "The encrypted payload with this CID",
    description:
      "The bytes on IPFS, checked against the CID: a JWE (General JSON Serialization) that the holder's link key, or a recipient " +
      "party's key, opens. The server never sees the link key; decryption happens where the key is.",
    tags: ["payloads"],
    auth: "optional",
    rateLimited: true,
    params: cidParams,
    responses: {
      200: { description: "the encrypted bytes", contentType: "application/jose+json" },
      ...problems(400, 404, 413, 429, 503),
    },
  }),
};

/** Mounts the payload routes. */
export function mountPayloadRoutes(router: Router, deps: AppDependencies, context: MountContext): void {
  mount(router, payloadOperations.getPayload, context, async ({ params, res }) => {
    const cid = parseCid(params.cid);
    const bytes = await deps.payloads.get(cid, {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      maxBytes: 2 * deps.config.maxFileBytes,
    });
    res
      .status(200)
      .type(isCertLedgerPayload(bytes) ? "application/jose+json" : "application/octet-stream")
      .set("Cache-Control", "public, max-age=31536000, immutable")
      .send(Buffer.from(bytes));
  });
}

function isCertLedgerPayload(bytes: Uint8Array): boolean {
  try {
    readPayloadHeader(bytes);
    return true;
  } catch {
    return false;
  }
}
