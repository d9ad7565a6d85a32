/** The links the API hands out, all under PUBLIC_URL. */

/** The certificate's API resource. */
export function certificateUrl(publicUrl: string, certHash: string): string {
  return `${publicUrl}/v1/certificates/${certHash}`;
}

/** The verification link a holder shares (its fragment, with the link key, never reaches a server). */
export function verificationLink(publicUrl: string, certHash: string, linkKey?: string): string {
  return `${publicUrl}/v/${certHash}${linkKey === undefined ? "" : `#k=${linkKey}`}`;
}

/** The certificate's offline proof bundle. */
export function bundleUrl(publicUrl: string, certHash: string): string {
  return `${certificateUrl(publicUrl, certHash)}/bundle`;
}

/**
 * The link stamped on a PDF certificate: it names the certificate by its issuing party and number, because a PDF cannot
 * carry its own SHA-256, and carries the holder's link key in the fragment. The verifier page resolves it with the
 * public number lookup (`GET /v1/certificates?number=…&party=…`) and, when a number was anchored more than once, by
 * the payload the key opens.
 */
export function stampedLink(publicUrl: string, party: string, number: string, linkKey?: string): string {
  return `${publicUrl}/v/${party}/${encodeURIComponent(number)}${linkKey === undefined ? "" : `#k=${linkKey}`}`;
}

/** The exact document anchored, for its issuer. */
export function documentUrl(publicUrl: string, certHash: string): string {
  return `${certificateUrl(publicUrl, certHash)}/document`;
}

/** The certificate's verification link (and its key, for its issuer). */
export function linkUrl(publicUrl: string, certHash: string): string {
  return `${certificateUrl(publicUrl, certHash)}/link`;
}

/** The QR code of the verification link, as PNG or SVG. */
export function qrUrl(publicUrl: string, certHash: string, format: "png" | "svg"): string {
  return `${certificateUrl(publicUrl, certHash)}/qr.${format}`;
}
