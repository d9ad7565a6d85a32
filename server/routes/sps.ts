import type { Response, Router } from "express";
import { credentialToSpsXml, phytosanitaryCredentialOf } from "../../src/documents/sps";
import { verifyCredentialJws } from "../../src/documents/vc-jose";
import { CertLedgerError } from "../../src/errors";
import { submitSpsCertificate } from "../../src/pipeline/sps-submission";
import { ledgerRecipientKeys } from "../../src/pipeline/recipient-keys";
import { principalOf } from "../auth";
import type { AppDependencies } from "../dependencies";
import { certificateUrl } from "../links";
import { defineOperation, mount, problems, type MountContext } from "../operation";
import { certificateAccepted, idempotencyHeaders } from "../schemas";
import { spsExportJson, spsImportQuery } from "../sps-schemas";
import { acceptedCertificate } from "./certificates";

const XML_TYPES = ["application/xml", "text/xml"] as const;

/** UN/CEFACT SPS certificate XML (ePhyto) for phytosanitary certificates: written from a credential, or anchored as one. */
export const spsOperations = {
  export: defineOperation({
    operationId: "exportSpsXml",
    method: "post",
    path: "/v1/sps/export",
    summary: "Write a phytosanitary credential as UN/CEFACT SPS certificate XML (ePhyto)",
    description:
      "The body is a phytosanitary certificate credential secured as VC-JOSE: the compact JWS as `application/vc+jwt`, " +
      'or JSON `{ "jws": … }`. Its signature is checked with the key in its header (whether that key is registered is ' +
      "the verifier's question: POST /v1/verify). The answer is the SPSCertificate document (SPSCertificate:17 with " +
      "RAM/UDT 21, as the IPPC ePhyto Hub exchanges it). Another certificate type is refused with 422 " +
      "NOT_PHYTOSANITARY_CERTIFICATE.",
    tags: ["sps"],
    auth: "optional",
    rateLimited: true,
    json: spsExportJson,
    jsonSize: "document",
    text: { mediaTypes: ["application/vc+jwt"] },
    responses: {
      200: { description: "the SPSCertificate XML", contentType: "application/xml" },
      ...problems(400, 413, 415, 422, 429),
    },
  }),
  import: defineOperation({
    operationId: "importSpsXml",
    method: "post",
    path: "/v1/sps/import",
    summary: "Anchor an SPS certificate XML (ePhyto) as the authority's phytosanitary credential",
    description:
      "The body is an SPSCertificate document (`application/xml`). It is read as a phytosanitary certificate credential " +
      "(strictly: an element the credential cannot hold, or a missing or invalid one, is refused with 422 INVALID_SPS_XML " +
      "naming it in `details.element`), signed with the authority's key and anchored exactly as POST /v1/certificates " +
      "anchors a `credential`. The exporting country must be the authority's party. `validUntil` sets the end of validity " +
      "the XML does not carry; `recipients` names the parties that may open the payload.",
    tags: ["sps", "certificates"],
    auth: { roles: ["issuer"] },
    headers: idempotencyHeaders,
    query: spsImportQuery,
    text: { mediaTypes: XML_TYPES },
    responses: {
      202: { description: "accepted for anchoring (or the earlier request, when repeated)", schema: certificateAccepted },
      ...problems(400, 401, 403, 404, 409, 413, 415, 422, 503),
    },
  }),
};

/** Mounts the SPS routes. */
export function mountSpsRoutes(router: Router, deps: AppDependencies, context: MountContext): void {
  const recipientKeys = deps.recipientKeys ?? ledgerRecipientKeys(deps.client, deps.payloads);

  mount(router, spsOperations.export, context, async ({ body, res }) => {
    const jws = body.kind === "json" ? body.value.jws : new TextDecoder().decode(body.bytes);
    const { credential } = await verifyCredentialJws(jws.trim());
    const xml = credentialToSpsXml(phytosanitaryCredentialOf(credential));
    res.status(200).type("application/xml").send(Buffer.from(xml, "utf8"));
  });

  mount(router, spsOperations.import, context, async ({ body, query, headers, res }) => {
    const outcome = await submitSpsCertificate(deps, {
      authorityId: issuerOf(res),
      xml: body.bytes,
      validUntil: query.validUntil === undefined ? undefined : new Date(query.validUntil),
      recipients: await recipientKeys(query.recipients ?? []),
      idempotencyKey: headers["idempotency-key"],
    });
    const replayed: Record<string, string> = outcome.created ? {} : { "Idempotent-Replayed": "true" };
    return {
      status: 202,
      body: acceptedCertificate(deps, outcome),
      headers: { Location: certificateUrl(deps.config.publicUrl, outcome.request.certHash), ...replayed },
    };
  });
}

/** The authority an issuer token acts for. */
function issuerOf(res: Response): number {
  const principal = principalOf(res);
  if (principal.role !== "issuer") throw new CertLedgerError("FORBIDDEN", "issuer tokens anchor certificates");
  return principal.authorityId;
}
