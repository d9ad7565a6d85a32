/**
 * How a verifier reads the status list credentials a credential names: this server's own lists straight from its
 * publisher, another party's over HTTP(S) — a GET with a short timeout, no redirects and a size cap, since the URL
 * comes from a credential (checkStatusLists only follows URLs at the issuer's own did:web host).
 */
import { CertLedgerError } from "../errors";
import type { StandardViewsPublisher } from "./publisher";

const TIMEOUT_MS = 3_000;
const MAX_BYTES = 256 * 1024;

/** A reader of status list credentials by URL, serving `own` lists locally. */
export function statusListReader(own: Pick<StandardViewsPublisher, "ownsStatusList" | "statusList"> | undefined) {
  return async (url: string): Promise<string> => {
    const local = own?.ownsStatusList(url);
    if (local) return (await own!.statusList(local.authorityId, local.purpose, local.list)).jws;
    const response = await fetch(url, {
      redirect: "error",
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: { accept: "application/vc+jwt" },
    });
    if (!response.ok) throw new CertLedgerError("STATUS_LIST_NOT_FOUND", `${url} answered HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > MAX_BYTES) throw new CertLedgerError("INVALID_STATUS_ENTRY", `${url} answered more than ${MAX_BYTES} bytes`);
    return new TextDecoder().decode(bytes);
  };
}
