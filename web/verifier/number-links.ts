/**
 * A stamped PDF's link names its certificate by party and number (server/links.ts stampedLink). A number is usually
 * anchored once; when it was anchored more than once (a certificate re-issued under the same number), the link's key
 * tells which one is meant: it opens only that certificate's payload.
 */
import { api } from "../shared/api";
import { openPayload } from "./payload";

interface NumberLookup {
  certificates: { certHash: string; payloadCid?: string; anchoredAt: string }[];
}

/** The certificate `linkKey` opens among those anchored as `number` by `party`; undefined when that does not single one out. */
export async function certificateOpenedBy(party: string, number: string, linkKey: string): Promise<string | undefined> {
  const query = new URLSearchParams({ number, party });
  const { certificates } = await api<NumberLookup>(`/v1/certificates?${query}`);
  if (certificates.length < 2) return undefined;
  const newestFirst = [...certificates].sort((a, b) => b.anchoredAt.localeCompare(a.anchoredAt));
  for (const candidate of newestFirst) {
    if (!candidate.payloadCid) continue;
    try {
      if ((await openPayload(candidate.payloadCid, candidate.certHash, linkKey)).matches) return candidate.certHash;
    } catch {
      // Not this one: the key opens only its own certificate's payload.
    }
  }
  return undefined;
}
