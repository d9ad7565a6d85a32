import os from "node:os";

/** The cores this machine gives a benchmark: every figure depends on them, so each is printed beside them. */
export const CORES = os.availableParallelism();

/** Prints a benchmark's figure with the machine's core count beside it. */
export function report(line: string): void {
  console.log(`${line}  [${CORES} cores]`);
}

/**
 * Runs `request(0..count-1)`, `concurrency` at a time, and says how long it took: the whole run and its requests' p50
 * and p99 latency (ms, rounded), as the HTTP benchmarks print them.
 */
export async function timedRequests(
  count: number,
  concurrency: number,
  request: (i: number) => Promise<unknown>,
): Promise<{ seconds: number; perSecond: number; p50: string; p99: string }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        await request(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(0);
  return { seconds, perSecond: Math.round(count / seconds), p50: at(0.5), p99: at(0.99) };
}

/**
 * How many certificates the node at `api` has anchored (its outbox metric). Asked again once when the request fails:
 * a poll may reuse a kept-alive connection just as the server closes it, which is no sign of the node's health.
 */
export async function anchoredCount(api: string): Promise<number> {
  const read = async () => (await fetch(`${api}/metrics`)).text();
  const metrics = await read().catch(read);
  return Number(/certledger_outbox_requests\{status="anchored"\} (\d+)/.exec(metrics)?.[1] ?? 0);
}
