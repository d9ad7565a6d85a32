/**
 * Stand-in PDFs (a few dozen bytes each, distinct) posted to a node's /v1/certificates/batch unstamped, 100 per
 * request and several requests at a time, as bench/api.ts and bench/verify-in-process.ts load a node: the figures
 * they give are the pipeline's and the verifier's, not pdf-lib's.
 */

/** Posts `count` stand-in PDFs as the authority of `token`; the certHashes of those accepted, in no particular order. */
export async function postStandInPdfs(
  api: string,
  token: string,
  count: number,
  options: { label: string; atOnce?: number },
): Promise<string[]> {
  const validUntil = new Date(Date.now() + 90 * 86_400_000).toISOString();
  const requests = Math.ceil(count / 100);
  const hashes: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: options.atOnce ?? 4 }, async () => {
      while (next < requests) {
        const first = next++ * 100;
        const items = Array.from({ length: Math.min(100, count - first) }, (_, k) => ({
          file: {
            base64: Buffer.from(`%PDF-1.4\n% ${options.label} ${first + k} ${Math.random()}\n%%EOF\n`).toString("base64"),
            type: "conformityCertificate",
            number: `${options.label.toUpperCase().replace(/\W+/g, "-")}-${first + k}`,
            validUntil,
            stamp: false,
          },
        }));
        hashes.push(...(await postCertificateBatch(api, token, items)));
      }
    }),
  );
  return hashes;
}

/** Posts `items` to /v1/certificates/batch as the authority of `token`; the certHashes of those accepted, in order. */
export async function postCertificateBatch(api: string, token: string, items: unknown[]): Promise<string[]> {
  return postCertificateBatchBody(api, token, JSON.stringify({ items }));
}

/** {@link postCertificateBatch} of a body already serialised (`{"items": [...]}`). */
export async function postCertificateBatchBody(api: string, token: string, body: string): Promise<string[]> {
  const response = await fetch(`${api}/v1/certificates/batch`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body,
  });
  const answer = (await response.json()) as { results: { certificate?: { certHash: string } }[] };
  if (!response.ok) throw new Error(`POST /v1/certificates/batch answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer.results.flatMap((result) => (result.certificate ? [result.certificate.certHash] : []));
}
