/**
 * Server-signed credentials as an issuer sends them: distinct conformity certificate credentials (about 1.3 kB of JSON
 * each, the example certificate with its own number), posted to /v1/certificates/batch 100 per request, 4 requests at
 * a time, as the authority's console or an integration does. The accept bench times them; the verification benches
 * verify what they anchored.
 */
import { buildCredential } from "../src/documents/credentials";
import { EXAMPLE_INPUTS } from "../test/documents/credential-examples";
import { postCertificateBatchBody } from "./stand-in-pdfs";

/** The authority that issues them. */
export interface IssuingAuthority {
  id: number;
  name: string;
  token: string;
}

const PER_REQUEST = 100;
const AT_ONCE = 4;

/** The `i`th credential of a run: numbers are `{party}-{label}-{run}-{i}`, so runs and benches never collide. */
export function credentialsOf(authority: IssuingAuthority, party: string, label: string): (i: number) => object {
  const validFrom = new Date().toISOString();
  const validUntil = new Date(Date.now() + 365 * 86_400_000).toISOString();
  const run = Date.now().toString(36);
  return (i) =>
    buildCredential({
      ...EXAMPLE_INPUTS.conformityCertificate,
      issuer: { party, authorityId: authority.id, name: authority.name },
      certificateNumber: `${party}-${label}-${run}-${i}`,
      validFrom,
      validUntil,
    });
}

/**
 * The request bodies of `count` credentials of `authority`, `PER_REQUEST` to a body, built (and checked against their
 * schema, as an issuer's own software does) and serialised before anything is sent: the accept bench starts its clock
 * after this, so that on a machine of 2 cores the load generator's building of credentials does not take the cores the
 * node is measured on (an issuer builds them on its own machine). Sending and reading the answers stay on the clock.
 */
export function serverSignedCredentialBodies(authority: IssuingAuthority, party: string, count: number, label: string): string[] {
  const credentialAt = credentialsOf(authority, party, label);
  return Array.from({ length: Math.ceil(count / PER_REQUEST) }, (_, request) => {
    const first = request * PER_REQUEST;
    const items = Array.from({ length: Math.min(PER_REQUEST, count - first) }, (_, i) => ({ credential: credentialAt(first + i) }));
    return JSON.stringify({ items });
  });
}

/** Posts request bodies of credentials to be signed by the node, `AT_ONCE` at a time; the certHashes of those accepted. */
export async function postCredentialBodies(api: string, token: string, bodies: readonly string[]): Promise<string[]> {
  const hashes: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: AT_ONCE }, async () => {
      while (next < bodies.length) hashes.push(...(await postCertificateBatchBody(api, token, bodies[next++])));
    }),
  );
  return hashes;
}

/** Builds `count` credentials of `authority`, then posts them to be signed by the node; the certHashes of those accepted. */
export async function postServerSignedCredentials(
  api: string,
  authority: IssuingAuthority,
  party: string,
  count: number,
  label: string,
): Promise<string[]> {
  return postCredentialBodies(api, authority.token, serverSignedCredentialBodies(authority, party, count, label));
}

/** How they are sent, for the figures' labels. */
export const SENT_AS = `${PER_REQUEST} per request, ${AT_ONCE} requests at a time`;
