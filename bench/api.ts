/**
 * `npm run bench` (part): the node as `npm start` runs it — embedded anvil, Helia, outbox, batcher, index, API —
 * measured over HTTP. Prints figures; asserts nothing (speed is not a test).
 *  1. Anchoring throughput: N PDFs posted to /v1/certificates/batch (100 per request, 4 requests at a time), timed
 *     from the first request to the last certificate anchored in a confirmed transaction.
 *  2. PDF stamping: real one-page PDFs posted to be stamped (as issuers send them), timed to all anchored, with
 *     /healthz latency meanwhile (bench/pdf-stamping.ts; alone, it compares PDF_WORKERS settings on fresh nodes).
 *  3. Verification by hash: GET /v1/verify/{certHash} under load (autocannon) over the anchored certificates, cold
 *     (never verified before) and hot (verified before): latency p50/p99 and requests/s (see bench/verify-load.ts).
 *  4. The importing side: certificates of origin accepted and written off by a border agency (bench/outcomes-load.ts).
 *  5. Origin declarations: an exporter's declarations, then their verification for the importing party (bench/origin-load.ts).
 *  6. Status lists: a status event's block to the updated list served, and a list's regeneration (bench/status-lists.ts).
 *  7. Server-signed credentials: accepted and anchored through /v1/certificates/batch, twice (the second round warm: the
 *     code compiled), then on a fresh profiled node where each credential's microseconds go (bench/credential-acceptance.ts):
 *     its event loop's by V8's profiler, and every thread's CPU by Linux's perf (bench/native-profile.ts).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { chainStateSize } from "./chain-state-size";
import { benchCredentialAcceptance, benchCredentialNativeProfile, benchCredentialProfile } from "./credential-acceptance";
import { untilReady, withFreshNode } from "./fresh-node";
import { benchDeclarations } from "./origin-load";
import { benchPdfStamping } from "./pdf-stamping";
import { benchOutcomes } from "./outcomes-load";
import { benchStatusListLag, benchStatusListRegeneration } from "./status-lists";
import { postStandInPdfs } from "./stand-in-pdfs";
import { benchVerification } from "./verify-load";
import { anchoredCount, CORES, report } from "./report";

const N = Number(process.env.BENCH_CERTIFICATES ?? 5000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const OUTCOMES = Number(process.env.BENCH_OUTCOMES ?? 300);
const DECLARATIONS = Number(process.env.BENCH_DECLARATIONS ?? 300);
const STATUS_EVENTS = Number(process.env.BENCH_STATUS_EVENTS ?? 20);
const PDFS = Number(process.env.BENCH_PDFS ?? 2000);
const CREDENTIALS = Number(process.env.BENCH_CREDENTIALS ?? 10000);

async function main(): Promise<void> {
  await withFreshNode({}, async ({ node, dataDir, api, rpcUrl, demo }) => {
    const token = demo.parties.KG.authorities[0].token;
    const started = performance.now();
    const hashes = await postStandInPdfs(api, token, N, { label: "bench certificate" });
    const acceptedMs = performance.now() - started;
    while ((await anchoredCount(api)) < N) await new Promise((resolve) => setTimeout(resolve, 100));
    const anchoredMs = performance.now() - started;
    report(
      `anchoring: ${N} certificates accepted in ${(acceptedMs / 1000).toFixed(2)} s (${Math.round(N / (acceptedMs / 1000))}/s), ` +
        `all anchored in confirmed transactions after ${(anchoredMs / 1000).toFixed(2)} s: ${Math.round(N / (anchoredMs / 1000))} certificates/s`,
    );

    await benchPdfStamping({
      api,
      token,
      count: PDFS,
      pid: node.child.pid,
      rpcUrl,
      workers: process.env.PDF_WORKERS || `${CORES}, the default`,
    });

    await untilReady(api);
    const anvilPid = Number(await readFile(path.join(dataDir, "chain", "anvil.pid"), "utf8").catch(() => NaN));
    await benchVerification({
      api,
      hashes,
      seconds: SECONDS,
      processes: { node: node.child.pid, chain: Number.isInteger(anvilPid) ? anvilPid : undefined },
    });
    await benchOutcomes({ api, demo, count: OUTCOMES, concurrency: 8 });
    await benchDeclarations({ api, demo, count: DECLARATIONS, concurrency: 8 });
    await benchStatusListLag({ api, demo, count: STATUS_EVENTS });
    await benchStatusListRegeneration();
    const credentials = {
      api,
      authority: demo.parties.KG.authorities[0],
      party: "KG",
      count: CREDENTIALS,
      processes: { node: node.child.pid, chain: Number.isInteger(anvilPid) ? anvilPid : undefined },
    };
    // The chain this node's anvil dumps whole for each durable write: what its CPU per credential below follows.
    const state = await chainStateSize(path.join(dataDir, "chain", "state.json"));
    if (state) report(`the embedded chain's state file before the credentials: ${state}`);
    await benchCredentialAcceptance({ ...credentials, round: "the first on this node" });
    // A server accepts credentials for months: the second round runs the code V8 compiled during the first. On a fresh
    // node V8's platform threads (its optimising compiler's and collector's) took ~290 µs a credential of CPU in a first
    // round of 10,000 and ~95 in a second (/proc, by thread; 9e109a8).
    await benchCredentialAcceptance({ ...credentials, round: "as many again on the same node, warm", label: "BENCH-WARM" });
  });
  await benchCredentialProfile(Math.min(CREDENTIALS, 5000));
  await benchCredentialNativeProfile(Math.min(CREDENTIALS, 5000), CREDENTIALS);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
