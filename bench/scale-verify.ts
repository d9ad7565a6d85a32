/**
 * Cold verification for the scale bench (bench/scale.ts): GET /v1/verify/{certHash} of certificates nobody verified
 * before, each asked once, 10 connections (autocannon, as bench/verify-load.ts). No block arrives meanwhile (anchoring
 * is paused), so every answer is read from the chain and the index, none from the per-block report cache. Latencies
 * are taken from each response (autocannon's own histogram keeps whole milliseconds only).
 */
import autocannon from "autocannon";

/** What a cold verification run measured. */
export interface VerificationFigures {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  perSecond: number;
  non2xx: number;
  errors: number;
}

/** Verifies each of `hashes` once over `connections` connections and returns the latency and throughput. */
export async function verifyCold(api: string, hashes: string[], connections = 10): Promise<VerificationFigures> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: api,
        connections,
        amount: hashes.length,
        timeout: 60,
        // autocannon notices that the requests ran out only at its next sample, a whole second by default, so a run of
        // 500 that took 0.3 s ended after 1 s (reported as ~494/s) and one that took 1.1 s after 2 s (~248/s).
        sampleInt: 50,
        requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: `/v1/verify/${hashes[next++ % hashes.length]}` }) }],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode === 200) latencies.push(responseTime);
    });
  });
  // autocannon's duration is rounded to 10 ms: the rate of a short run is timed here.
  const elapsedSeconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    requests: result.requests.total,
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
    perSecond: Math.round(result.requests.total / elapsedSeconds),
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** The verdict the node gives `certHash` (one GET, which makes it verified before). */
export async function verdictOf(api: string, certHash: string): Promise<string> {
  const response = await fetch(`${api}/v1/verify/${certHash}`);
  if (response.status !== 200) throw new Error(`GET /v1/verify/${certHash}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { report: { verdict: string } }).report.verdict;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
