import type { Response, Router } from "express";
import type { z } from "zod";
import { qrPng, qrSvg } from "../../src/documents/qr-code";
import { CertLedgerError } from "../../src/errors";
import type { IssuedEntry } from "../../src/pipeline";
import type { Principal } from "../auth";
import type { AppDependencies } from "../dependencies";
import { documentUrl, qrUrl, stampedLink, verificationLink } from "../links";
import { defineOperation, mount, problems, type MountContext } from "../operation";
import { certHashParams, certificateLinkView } from "../schemas";

const issuerOrAdmin = { roles: ["issuer" as const, "party-admin" as const] };

/** How long the document may take to come back from IPFS. */
const FETCH_TIMEOUT_MS = 15_000;

const KEYED =
  "With the token of the certificate's issuing authority (or its party's admin) the link carries the holder's key, " +
  "kept encrypted on this server since the certificate was accepted; without a token it is the keyless link, which " +
  "shows the certificate's status but not its content. Another authority's token is refused (403).";

/** A certificate's verification link and QR codes again, and the exact document anchored, for its issuer's console. */
export const certificateLinkOperations = {
  getDocument: defineOperation({
    operationId: "getCertificateDocument",
    method: "get",
    path: "/v1/certificates/{certHash}/document",
    summary: "The exact document anchored (a stamped PDF as the trader receives it)",
    description:
      "The bytes whose SHA-256 is the certHash, with their media type (application/pdf, application/xml, an image type, or " +
      "application/vc+jwt for a credential). For the certificate's issuing authority or its party's admin; 404 when this " +
      "server did not accept the certificate.",
    tags: ["certificates"],
    auth: issuerOrAdmin,
    params: certHashParams,
    responses: {
      200: { description: "the document's bytes", contentType: "application/octet-stream" },
      ...problems(400, 401, 403, 404, 503),
    },
  }),
  getLink: defineOperation({
    operationId: "getCertificateLink",
    method: "get",
    path: "/v1/certificates/{certHash}/link",
    summary: "The certificate's verification link (with its key, for its issuer) and its QR codes",
    description: KEYED,
    tags: ["certificates"],
    auth: "optional",
    rateLimited: true,
    params: certHashParams,
    responses: { 200: { description: "the link", schema: certificateLinkView }, ...problems(400, 401, 403, 404, 429) },
  }),
  getQrPng: defineOperation({
    operationId: "getCertificateQrPng",
    method: "get",
    path: "/v1/certificates/{certHash}/qr.png",
    summary: "The QR code of the verification link, as PNG",
    description: KEYED,
    tags: ["certificates"],
    auth: "optional",
    rateLimited: true,
    params: certHashParams,
    responses: { 200: { description: "a PNG image", contentType: "image/png" }, ...problems(400, 401, 403, 404, 429) },
  }),
  getQrSvg: defineOperation({
    operationId: "getCertificateQrSvg",
    method: "get",
    path: "/v1/certificates/{certHash}/qr.svg",
    summary: "The QR code of the verification link, as SVG",
    description: KEYED,
    tags: ["certificates"],
    auth: "optional",
    rateLimited: true,
    params: certHashParams,
    responses: { 200: { description: "an SVG image", contentType: "image/svg+xml" }, ...problems(400, 401, 403, 404, 429) },
  }),
};

/** Mounts the link, QR and document routes. */
export function mountCertificateLinkRoutes(router: Router, deps: AppDependencies, context: MountContext): void {
  const { publicUrl } = deps.config;

  /** The link (keyed for the certificate's issuer) and what the answer says about it. */
  const linkOf = (certHash: string, res: Response): z.input<typeof certificateLinkView> => {
    const entry = deps.issued.entry(certHash);
    const principal = res.locals.principal;
    const qr = { png: qrUrl(publicUrl, certHash, "png"), svg: qrUrl(publicUrl, certHash, "svg") };
    if (entry && principal) {
      assertIssuer(principal, entry);
      return {
        certHash,
        link: verificationLink(publicUrl, certHash, entry.linkKey),
        linkKey: entry.linkKey,
        stampedLink: entry.stamped ? stampedLink(publicUrl, entry.party, entry.number, entry.linkKey) : undefined,
        number: entry.number,
        party: entry.party,
        stamped: entry.stamped,
        document: documentUrl(publicUrl, certHash),
        qr,
      };
    }
    // The keyless link says nothing secret, but is given only for a certificate known here or on the ledger.
    if (!entry && !deps.outbox.get(certHash) && !deps.index.certificate(certHash)) {
      throw new CertLedgerError("CERT_NOT_FOUND", `certificate ${certHash} is not known here`);
    }
    return { certHash, link: verificationLink(publicUrl, certHash), qr };
  };

  mount(router, certificateLinkOperations.getDocument, context, async ({ params, res }) => {
    const entry = deps.issued.entry(params.certHash);
    if (!entry) throw new CertLedgerError("CERT_NOT_FOUND", `this server holds no document of certificate ${params.certHash}`);
    assertIssuer(res.locals.principal!, entry);
    const document = await deps.issued.document(params.certHash, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    res
      .status(200)
      .type(document.contentType)
      .set("Cache-Control", "private, no-store")
      .set("Content-Disposition", `attachment; filename="${fileName(entry.number, params.certHash, document.contentType)}"`)
      .send(Buffer.from(document.bytes.buffer, document.bytes.byteOffset, document.bytes.byteLength));
  });

  mount(router, certificateLinkOperations.getLink, context, async ({ params, res }) => {
    const body = linkOf(params.certHash, res);
    res.set("Cache-Control", body.linkKey === undefined ? "public, max-age=300" : "private, no-store");
    return { status: 200, body };
  });

  mount(router, certificateLinkOperations.getQrPng, context, async ({ params, res }) => {
    const { link, linkKey } = linkOf(params.certHash, res);
    const png = await qrPng(link);
    res
      .status(200)
      .type("image/png")
      .set("Cache-Control", linkKey === undefined ? "public, max-age=300" : "private, no-store")
      .send(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  });

  mount(router, certificateLinkOperations.getQrSvg, context, async ({ params, res }) => {
    const { link, linkKey } = linkOf(params.certHash, res);
    res
      .status(200)
      .type("image/svg+xml")
      .set("Cache-Control", linkKey === undefined ? "public, max-age=300" : "private, no-store")
      .send(await qrSvg(link));
  });
}

/** The certificate's issuing authority, or its party's admin; anyone else is FORBIDDEN. */
export function assertIssuer(principal: Principal, entry: Pick<IssuedEntry, "authorityId" | "party" | "certHash">): void {
  if (principal.role === "issuer" && principal.authorityId === entry.authorityId) return;
  if (principal.role === "party-admin" && principal.party === entry.party) return;
  throw new CertLedgerError("FORBIDDEN", `certificate ${entry.certHash} was issued by authority ${entry.authorityId}, not by this token's`);
}

const EXTENSIONS: Record<string, string> = {
  "application/pdf": "pdf",
  "application/xml": "xml",
  "application/vc+jwt": "jwt",
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "image/gif": "gif",
  "image/tiff": "tif",
};

/** A download name from the certificate number (only safe characters kept), or its hash. */
function fileName(number: string, certHash: string, contentType: string): string {
  const base =
    number
      .replace(/[^A-Za-z0-9._-]+/g, "_")
      .replace(/^[._]+/, "")
      .slice(0, 100) || certHash;
  return `${base}.${EXTENSIONS[contentType.split(";")[0].trim()] ?? "bin"}`;
}
