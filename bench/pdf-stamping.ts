/**
 * `npm run bench` (part), or alone: `npx ts-node --transpile-only bench/pdf-stamping.ts`. PDF stamping through the API
 * as issuers use it: real one-page certificates (test/documents/certificate-pdf.ts: 8-10 kB, each different) posted
 * to /v1/certificates/batch, 100 per request, 4 requests at a time, stamped (the default), timed from the first request
 * to the last certificate anchored in a confirmed transaction. Meanwhile GET /healthz is asked every ~20 ms: its
 * latency says how long the event loop is held up. The node's CPU time over the run is printed too (all its threads).
 *
 * Alone, it starts a node per setting of BENCH_PDF_WORKERS (default "default,0": the pool, one worker per core, then
 * PDF_WORKERS=0, stamping on the main thread as before the pool), so one command gives the before and after figures.
 * BENCH_PDFS sets the number of PDFs (default 2,000). Prints figures; asserts nothing (speed is not a test).
 */
import { randomInt } from "node:crypto";
import http from "node:http";
import { certificatePdf } from "../test/documents/certificate-pdf";
import { withFreshNode } from "./fresh-node";
import { cpuSecondsOf } from "./process-cpu";
import { anchoredCount, CORES, report } from "./report";

const PER_REQUEST = 100;
const CONCURRENT_REQUESTS = 4;
const HEALTH_INTERVAL_MS = 20;

/** The node to load, an issuer's token, and what to say of the node's PDF_WORKERS in the figure. */
export interface PdfStampingBenchOptions {
  api: string;
  token: string;
  count: number;
  /** The node's process id, to read the CPU time it spent (Linux /proc; all its threads). */
  pid?: number;
  /** The chain's JSON-RPC URL, to count the blocks (the embedded chain mines one per transaction) the PDFs took. */
  rpcUrl?: string;
  workers: string;
}

/** Posts `count` real PDFs to be stamped and anchored, samples /healthz meanwhile, and prints the figures. */
export async function benchPdfStamping({ api, token, count, pid, rpcUrl, workers }: PdfStampingBenchOptions): Promise<void> {
  const validUntil = new Date(Date.now() + 90 * 86_400_000).toISOString();
  // Made and serialised before the clock starts: the figure is the node's, not this process's pdf-lib.
  // A new serial range each run: a node benchmarked twice is sent new certificates, not repeats.
  const first = randomInt(1, 1_000_000_000);
  const pdfs = await Promise.all(Array.from({ length: count }, (_, i) => certificatePdf(first + i)));
  const sizes = pdfs.map((pdf) => pdf.length).sort((a, b) => a - b);
  const bodies = Array.from({ length: Math.ceil(count / PER_REQUEST) }, (_, r) =>
    JSON.stringify({
      items: pdfs.slice(r * PER_REQUEST, (r + 1) * PER_REQUEST).map((pdf, i) => ({
        // No `stamp`: stamped, as every issuer's PDF is unless it says stamp: false.
        file: {
          base64: Buffer.from(pdf).toString("base64"),
          type: "conformityCertificate",
          number: `PDF-${first + r * PER_REQUEST + i}`,
          validUntil,
        },
      })),
    }),
  );
  const anchoredBefore = await anchoredCount(api);
  const cpuBefore = cpuSecondsOf(pid);
  const blockBefore = await blockNumber(rpcUrl);

  const health = sampleHealth(api);
  const started = performance.now();
  let refused = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENT_REQUESTS }, async () => {
      while (next < bodies.length) {
        const response = await fetch(`${api}/v1/certificates/batch`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: bodies[next++],
        });
        const body = (await response.json()) as { refused?: number };
        if (!response.ok) throw new Error(`POST /v1/certificates/batch answered ${response.status}: ${JSON.stringify(body)}`);
        refused += body.refused ?? 0;
      }
    }),
  );
  const acceptedMs = performance.now() - started;
  if (refused > 0) throw new Error(`${refused} of ${count} PDFs were refused`);
  while ((await anchoredCount(api)) - anchoredBefore < count) await new Promise((resolve) => setTimeout(resolve, 100));
  const anchoredMs = performance.now() - started;
  const latencies = await health.stop();
  const cpu = cpuSecondsOf(pid);
  const blocks = (await blockNumber(rpcUrl)) - blockBefore;

  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(0);
  const busy =
    cpu !== undefined && cpuBefore !== undefined
      ? `; the node's CPU ${(((cpu - cpuBefore) * 1000) / anchoredMs).toFixed(2)} cores on average`
      : "";
  const transactions = Number.isNaN(blocks) ? "" : ` in ${blocks} transactions`;
  report(
    `PDF stamping (PDF_WORKERS=${workers}): ${count} one-page PDFs (${(sizes[0] / 1000).toFixed(1)}-${(sizes.at(-1)! / 1000).toFixed(1)} kB) ` +
      `stamped and accepted in ${(acceptedMs / 1000).toFixed(2)} s (${Math.round(count / (acceptedMs / 1000))}/s), all anchored${transactions} after ` +
      `${(anchoredMs / 1000).toFixed(2)} s: ${Math.round(count / (anchoredMs / 1000))} certificates/s${busy}`,
  );
  report(
    `PDF stamping (PDF_WORKERS=${workers}): /healthz every ${HEALTH_INTERVAL_MS} ms meanwhile: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, ` +
      `max ${latencies.at(-1)!.toFixed(0)} ms (${latencies.length} samples)`,
  );
}

/** Asks GET /healthz every HEALTH_INTERVAL_MS (one at a time, on one kept-alive connection) until stopped; the latencies, sorted. */
function sampleHealth(api: string): { stop(): Promise<number[]> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        http.get(`${api}/healthz`, { agent }, (response) => response.resume().once("end", resolve)).once("error", reject);
      });
      const took = performance.now() - t0;
      latencies.push(took);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, HEALTH_INTERVAL_MS - took)));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      return latencies.sort((a, b) => a - b);
    },
  };
}

/** The chain's head block number; NaN without a URL. */
async function blockNumber(rpcUrl: string | undefined): Promise<number> {
  if (rpcUrl === undefined) return NaN;
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
  });
  return Number(((await response.json()) as { result: string }).result);
}

/** Alone: a fresh node for each PDF_WORKERS setting of BENCH_PDF_WORKERS, the figures of each. */
async function main(): Promise<void> {
  const count = Number(process.env.BENCH_PDFS ?? 2000);
  const settings = (process.env.BENCH_PDF_WORKERS ?? "default,0").split(",").map((setting) => setting.trim());
  for (const setting of settings) {
    // Empty is unset (the node's default), even when this process was started with PDF_WORKERS.
    await withFreshNode({ PDF_WORKERS: setting === "default" ? "" : setting }, ({ node, api, rpcUrl, demo }) =>
      benchPdfStamping({
        api,
        token: demo.parties.KG.authorities[0].token,
        count,
        pid: node.child.pid,
        rpcUrl,
        workers: setting === "default" ? `${CORES}, the default` : setting,
      }),
    );
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
