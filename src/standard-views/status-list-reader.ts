/**
 * How a verifier reads the status list credentials a credential names: this server's own lists straight from its
 * publisher, another party's over HTTP(S) — a GET with a short timeout, no redirects and a size cap, since the URL
 * comes from a credential (checkStatusLists only follows URLs at the issuer's own did:web host).
 */
import { CertLedgerError } from "../errors";
import type { StandardViewsPublisher } from "./publisher";

const TIMEOUT_MS = 3_000;
const MAX_BYTES = 256 * 1024;

/** How long another server's list is reused: its servers let it be cached this long (a few seconds, far inside its ttl). */
const REUSE_MS = 5_000;
const MAX_REMEMBERED = 1_000;

/**
 * A reader of status list credentials by URL, serving `own` lists locally. Another server's list is reused for a few
 * seconds, so that verifying many of one authority's credentials fetches its list once, not once per credential.
 */
export function statusListReader(own: Pick<StandardViewsPublisher, "ownsStatusList" | "statusList"> | undefined) {
  const recent = new Map<string, { jws: string; at: number }>();
  return async (url: string): Promise<string> => {
    const local = own?.ownsStatusList(url);
    if (local) return (await own!.statusList(local.authorityId, local.purpose, local.list)).jws;
    const kept = recent.get(url);
    if (kept && performance.now() - kept.at < REUSE_MS) return kept.jws;
    const jws = await fetchList(url);
    if (recent.size >= MAX_REMEMBERED) recent.delete(recent.keys().next().value as string);
    recent.set(url, { jws, at: performance.now() });
    return jws;
  };
}

async function fetchList(url: string): Promise<string> {
  const response = await fetch(url, {
    redirect: "error",
    signal: AbortSignal.timeout(TIMEOUT_MS),
    headers: { accept: "application/vc+jwt" },
  });
  if (!response.ok) throw new CertLedgerError("STATUS_LIST_NOT_FOUND", `${url} answered HTTP ${response.status}`);
  // Read to the cap and no further: a hostile server's endless answer is cut off, not buffered.
  const tooLarge = () => new CertLedgerError("INVALID_STATUS_ENTRY", `${url} answered more than ${MAX_BYTES} bytes`);
  if (Number(response.headers.get("content-length") ?? 0) > MAX_BYTES) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    // Leaving the loop cancels the stream.
    if (size > MAX_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
