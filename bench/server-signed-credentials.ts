/**
 * Server-signed credentials as an issuer sends them: distinct conformity certificate credentials (about 1.3 kB of JSON
 * each, the example certificate with its own number), posted to /v1/certificates/batch 100 per request, 4 requests at
 * a time, as the authority's console or an integration does. The accept bench times them; the verification benches
 * verify what they anchored.
 */
import { buildCredential } from "../src/documents/credentials";
import { EXAMPLE_INPUTS } from "../test/documents/credential-examples";
import { postCertificateBatch } from "./stand-in-pdfs";

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

/** Posts `count` credentials of `authority` to be signed by the node; the certHashes of those accepted. */
export async function postServerSignedCredentials(
  api: string,
  authority: IssuingAuthority,
  party: string,
  count: number,
  label: string,
): Promise<string[]> {
  const credentialAt = credentialsOf(authority, party, label);
  const requests = Math.ceil(count / PER_REQUEST);
  const hashes: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: AT_ONCE }, async () => {
      while (next < requests) {
        const first = next++ * PER_REQUEST;
        const items = Array.from({ length: Math.min(PER_REQUEST, count - first) }, (_, i) => ({ credential: credentialAt(first + i) }));
        hashes.push(...(await postCertificateBatch(api, authority.token, items)));
      }
    }),
  );
  return hashes;
}

/** How they are sent, for the figures' labels. */
export const SENT_AS = `${PER_REQUEST} per request, ${AT_ONCE} requests at a time`;
