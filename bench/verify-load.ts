/**
 * The verification half of `npm run bench` (bench/api.ts): GET /v1/verify/{certHash} over HTTP against a running node,
 * with autocannon. Prints figures; asserts nothing but that the answers are reports (speed is not a test).
 *  - cold: certificates never verified before, each asked once (10 connections): every check is read from the chain
 *    at the head block (records, authority, key, recognition by eth_call; history from the index), so this is what
 *    a stream of distinct certificates costs.
 *  - one client, first time: the hot set's certificates verified one after the other, each for the first time — the
 *    latency a single customs officer sees for a certificate nobody asked about yet.
 *  - hot: the same set of already verified certificates asked again and again (10 connections, then 1): answered from
 *    the per-block report cache after the head block is known (no RPC per request), so this measures the HTTP layer,
 *    the cache and the head tracker. The embedded chain mines only on transactions, so no block arrives during the
 *    run; on a chain with a block every few seconds each certificate is verified cold once per block, then hot.
 * The head block before and after is printed: a block in between would mix cold answers into the hot figures. On a
 * shared machine latency and requests/s move with the neighbours' load; the CPU time the node and the chain spent per
 * request (from /proc, on Linux) moves much less, so it is printed too.
 */
import autocannon from "autocannon";
import { cpuSecondsOf } from "./process-cpu";
import { report } from "./report";

/** What to load: the node's URL, anchored certificates, how long each timed phase may last. */
export interface VerificationBenchOptions {
  api: string;
  hashes: string[];
  seconds: number;
  /** Certificates in the hot set (default 200, at most a fifth of `hashes`); the rest are verified cold. */
  hotCount?: number;
  /**
   * Of the cold certificates, how many are verified first, cold as well, to warm the node up (default 0): a node just
   * started compiles its code as it answers, so a short run straight after the start measures V8's compiler as much as
   * the verification. Its figures are printed apart, and the certificates measured next are still asked for the first time.
   */
  warmUpCount?: number;
  /** The processes whose CPU time per request to print (e.g. `{ node: pid, chain: anvilPid }`). */
  processes?: Record<string, number | undefined>;
}

interface Report {
  verdict: string;
  chain: { blockNumber: number };
}

/** Runs the cold, first-time and hot verification phases against `options.api` and prints their figures. */
export async function benchVerification(options: VerificationBenchOptions): Promise<void> {
  const { api, hashes, seconds } = options;
  const cpu = cpuMeter(options.processes ?? {});
  const hotCount = Math.max(1, Math.min(options.hotCount ?? 200, Math.floor(hashes.length / 5)));
  const hot = hashes.slice(0, hotCount);
  const warmUp = hashes.slice(hotCount, hotCount + (options.warmUpCount ?? 0));
  const cold = hashes.slice(hotCount + warmUp.length);
  // The sample is a warm-up certificate when there are some, so every certificate measured cold is asked for the first time.
  const before = await verifyOnce(api, warmUp[0] ?? cold[0] ?? hot[0]);
  report(
    `verification: ${hashes.length} certificates, ${warmUp.length ? `${warmUp.length} cold to warm up, ` : ""}${cold.length} cold and ${hot.length} hot; a sample verifies ${before.report.verdict}`,
  );

  if (warmUp.length >= 10) {
    const started = cpu();
    const result = await verifyEachOnce(api, warmUp);
    print(`warm-up, cold (${warmUp.length} certificates never verified before, 10 connections, just after the start)`, result, started);
  }
  if (cold.length >= 10) {
    const started = cpu();
    const result = await verifyEachOnce(api, cold);
    print(
      `cold (${cold.length} certificates never verified before, 10 connections${warmUp.length ? ", after the warm-up" : ""})`,
      result,
      started,
    );
  }

  const latencies: number[] = [];
  for (const hash of hot) {
    const started = performance.now();
    await verifyOnce(api, hash);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
  report(`  first time, one client (${hot.length} certificates in turn): p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`);

  const requests = hot.map((hash) => ({ method: "GET" as const, path: `/v1/verify/${hash}` }));
  let started = cpu();
  const many = await autocannon({ url: api, connections: 10, duration: seconds, requests });
  print(`hot (${hot.length} certificates verified before, 10 connections, ${seconds} s)`, many, started);
  started = cpu();
  const one = await autocannon({ url: api, connections: 1, duration: Math.min(seconds, 3), requests });
  print(`hot, one client (${Math.min(seconds, 3)} s)`, one, started);

  const after = await verifyOnce(api, hot[0]);
  const blocks = `${before.report.chain.blockNumber} → ${after.report.chain.blockNumber}`;
  report(
    `  head block during the runs: ${blocks}${before.report.chain.blockNumber === after.report.chain.blockNumber ? "" : " (blocks arrived: some hot answers were cold)"}`,
  );
}

/** Asks for each of `hashes` once, 10 connections at a time, each request the next certificate (for at most 60 s). */
function verifyEachOnce(api: string, hashes: string[]): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url: api,
    connections: 10,
    duration: 60,
    maxOverallRequests: hashes.length,
    // autocannon notices that the requests ran out only at its next sample, a whole second by default: a run that took
    // 4.1 s was reported over 5 s. Every 50 ms the duration, and so requests/s, is within a few percent.
    sampleInt: 50,
    requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: `/v1/verify/${hashes[next++ % hashes.length]}` }) }],
  });
}

async function verifyOnce(api: string, hash: string): Promise<{ report: Report }> {
  const response = await fetch(`${api}/v1/verify/${hash}`);
  if (response.status !== 200) throw new Error(`GET /v1/verify/${hash}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { report: Report };
}

/** The CPU time each measured process spends from now on, per request: a snapshot to compare with later. */
type CpuSnapshot = (requests: number) => string;

function print(what: string, result: autocannon.Result, since: CpuSnapshot): void {
  const perSecond = Math.round(result.requests.total / result.duration);
  const cpu = since(result.requests.total);
  report(
    `  ${what}: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${perSecond} requests/s ` +
      `(${result["2xx"]} answered 2xx, ${result.non2xx} other, ${result.errors} errors)${cpu && `; CPU per request: ${cpu}`}`,
  );
}

/** Takes snapshots of the CPU time (user + system, from /proc) of the named processes; empty where /proc is not. */
function cpuMeter(processes: Record<string, number | undefined>): () => CpuSnapshot {
  const read = (pid: number | undefined) => {
    const seconds = cpuSecondsOf(pid);
    return seconds === undefined ? undefined : seconds * 1000;
  };
  return () => {
    const before = Object.entries(processes).map(([name, pid]) => ({ name, pid, ms: read(pid) }));
    return (requests) =>
      before
        .flatMap(({ name, pid, ms }) => {
          const now = read(pid);
          return ms === undefined || now === undefined || requests === 0 ? [] : [`${name} ${((now - ms) / requests).toFixed(2)} ms`];
        })
        .join(", ");
  };
}
