/**
 * How the scale bench (bench/scale.ts) anchors: through the API, as issuers do, into the node's outbox, batcher and
 * chain. Two lanes run side by side until the run reaches a checkpoint:
 *  - the batch lane: KG's certification body posts conformity certificates to POST /v1/certificates/batch, 100 per
 *    request, `concurrency` requests at a time (bench/api.ts's load); the batcher anchors them in the Merkle batches it
 *    forms under that load (up to BATCH_MAX_SIZE, or what arrived within BATCH_MAX_WAIT_MS);
 *  - three direct lanes: KZ's chamber of commerce (certificates of origin), UZ's plant quarantine inspectorate
 *    (phytosanitary certificates) and KG's certification body (test reports) each post one certificate at a time and
 *    wait until it is anchored before the next — alone in its (authority, type) group when its wait ends, the batcher
 *    anchors it on its own (`anchorCertificate`), as it does a small issuer's certificates. How long that takes under
 *    the batch lane's load is measured too.
 * The documents are stand-in PDFs of ~70 bytes anchored unstamped (`stamp: false`): each still gets its encrypted
 * payload on IPFS and its link key kept, but the figure is the pipeline's, not pdf-lib's or the disk's for big files.
 */
import type { Issuer, ScaleNode } from "./scale-node";
import { DIRECT_LANES, type HashLog, type Progress } from "./scale-progress";

const PER_REQUEST = 100;

/** The lanes' hash logs: the batch lane's, and one per direct lane. */
export interface HashLogs {
  batch: HashLog;
  direct: HashLog[];
}

/** Who sends each direct lane's certificates, and of which type. */
export const DIRECT_LANE_ISSUERS = [
  { party: "kz", type: "certificateOfOrigin" },
  { party: "uz", type: "phytosanitaryCertificate" },
  { party: "kg", type: "testReport" },
] as const satisfies readonly { party: keyof ScaleNode["issuers"]; type: string }[];
if (DIRECT_LANE_ISSUERS.length !== DIRECT_LANES) throw new Error("one issuer per direct lane");

/**
 * Submits certificates in every lane until `progress.submitted` reaches `target`; resolves once every request was
 * answered and every direct-lane certificate anchored (the batch lane's are drained by the caller). Returns how long
 * each direct-lane certificate took from its request to anchored. Positions already accepted are not sent again; a
 * request whose answer was lost is sent again as it was (the same bytes: the node returns the first request).
 */
export async function submitUntil(
  node: ScaleNode,
  progress: Progress,
  logs: HashLogs,
  target: number,
  concurrency: number,
): Promise<{ directMs: number[] }> {
  const { state } = progress;
  const { validUntil } = state;
  const pdf = (lane: string, i: number) =>
    Buffer.from(`%PDF-1.4\n% CertLedger scale bench ${state.runId} ${lane}${i}\n%%EOF\n`).toString("base64");
  let claimed = progress.submitted;
  let claimedBatch = state.batchSubmitted;
  const free = () => target - claimed;
  // Chunks answered out of order: the batch lane's progress is the first position not yet answered.
  const answered = new Map<number, number>();
  let lastSave = Date.now();
  const batchLane = async () => {
    while (free() > 0) {
      const start = claimedBatch;
      const count = Math.min(PER_REQUEST, free());
      claimedBatch += count;
      claimed += count;
      const items = Array.from({ length: count }, (_, k) => ({
        file: { base64: pdf("b", start + k), type: "conformityCertificate", number: `SCALE-${start + k}`, validUntil, stamp: false },
      }));
      const hashes = await submit(node.api, node.issuers.kg, items);
      hashes.forEach((hash, k) => logs.batch.write(start + k, hash));
      answered.set(start, start + count);
      while (answered.has(state.batchSubmitted)) {
        const end = answered.get(state.batchSubmitted)!;
        answered.delete(state.batchSubmitted);
        state.batchSubmitted = end;
      }
      if (Date.now() - lastSave > 2_000) {
        progress.save();
        lastSave = Date.now();
      }
    }
  };
  const directMs: number[] = [];
  const directLane = async (lane: number) => {
    const { party, type } = DIRECT_LANE_ISSUERS[lane];
    const issuer = node.issuers[party];
    while (free() > 0) {
      claimed++;
      const m = state.direct[lane];
      const started = performance.now();
      const item = { file: { base64: pdf(`d${lane}-`, m), type, number: `SCALE-D${lane}-${m}`, validUntil, stamp: false } };
      const [hash] = await submit(node.api, issuer, [item]);
      logs.direct[lane].write(m, hash);
      const anchored = await anchoredAs(node.api, issuer, hash);
      directMs.push(performance.now() - started);
      state.direct[lane] = m + 1;
      if (anchored === "batch") state.directBatched++;
    }
  };
  await Promise.all([
    ...Array.from({ length: concurrency }, batchLane),
    ...Array.from({ length: DIRECT_LANES }, (_, lane) => directLane(lane)),
  ]);
  progress.save();
  return { directMs };
}

/** Posts `items` to /v1/certificates/batch as `issuer` (three attempts) and returns their certHashes in order. */
async function submit(api: string, issuer: Issuer, items: unknown[]): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(`${api}/v1/certificates/batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${issuer.token}`, "content-type": "application/json" },
        body: JSON.stringify({ items }),
      });
      if (response.status !== 200) throw new Error(`POST /v1/certificates/batch: ${response.status} ${await response.text()}`);
      const body = (await response.json()) as { results: { certificate?: { certHash: string }; problem?: { detail?: string } }[] };
      return body.results.map((result, k) => {
        if (!result.certificate) throw new Error(`item ${k} refused: ${result.problem?.detail ?? JSON.stringify(result)}`);
        return result.certificate.certHash;
      });
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
    }
  }
}

/** Waits until `certHash` is anchored (GET /v1/certificates/{certHash}) and says how: on its own or in a batch. */
async function anchoredAs(api: string, issuer: Issuer, certHash: string): Promise<"direct" | "batch"> {
  for (;;) {
    const response = await fetch(`${api}/v1/certificates/${certHash}`, { headers: { authorization: `Bearer ${issuer.token}` } });
    if (response.status === 200) {
      const body = (await response.json()) as { anchoring?: string; request?: { batchRoot?: string; error?: string } };
      if (body.anchoring === "anchored") return body.request?.batchRoot ? "batch" : "direct";
      if (body.anchoring === "failed") throw new Error(`certificate ${certHash} failed to anchor: ${body.request?.error}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A status change the bench makes: the certificate, whose authority may make it, and which. */
export interface StatusChange {
  certHash: string;
  issuer: Issuer;
  action: "revoke" | "suspend";
}

/**
 * Makes `changes` through POST /v1/certificates/{certHash}/revoke and /suspend (the console's calls), `concurrency` at a
 * time; each answers once its transaction is mined. A batched certificate is changed by its Merkle proof.
 */
export async function changeStatuses(api: string, changes: StatusChange[], concurrency = 8): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < changes.length) {
        const { certHash, issuer, action } = changes[next++];
        const response = await fetch(`${api}/v1/certificates/${certHash}/${action}`, {
          method: "POST",
          headers: { authorization: `Bearer ${issuer.token}`, "content-type": "application/json" },
          body: JSON.stringify(action === "revoke" ? { reason: "superseded" } : {}),
        });
        if (response.status !== 200)
          throw new Error(`POST /v1/certificates/${certHash}/${action}: ${response.status} ${await response.text()}`);
      }
    }),
  );
}
