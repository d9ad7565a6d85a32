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
