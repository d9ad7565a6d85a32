/**
 * Verification over HTTP with and without verification processes (VERIFY_PROCESSES, server/verification-process.ts),
 * side by side on fresh nodes as `npm start` runs them: each node is sent the same number of server-signed credentials
 * (bench/server-signed-credentials.ts: the work an issuer sends most, ~1.3 kB each, not stand-ins), then
 * verified by hash cold and hot with autocannon (bench/verify-load.ts). The CPU time per request is the node's plus its
 * verification processes'. `npx ts-node --transpile-only bench/verify-processes.ts`; BENCH_VERIFY_PROCESSES lists the
 * counts to compare (default "0,2"), BENCH_CERTIFICATES how many certificates (default 11,000: 200 hot, 1,000 to warm
 * up, 9,800 cold). Part of `npm run bench`.
 */
import { verificationProcessesOf } from "../test/e2e/node-process";
import { untilReady, withFreshNode } from "./fresh-node";
import { anchoredCount, CORES, report } from "./report";
import { postServerSignedCredentials } from "./server-signed-credentials";
import { benchVerification } from "./verify-load";

const COUNTS = (process.env.BENCH_VERIFY_PROCESSES ?? "0,2").split(",").map(Number);
const N = Number(process.env.BENCH_CERTIFICATES ?? 11_000);
/** Of which, verified cold first to warm the node up (its figures printed apart): BENCH_WARM_UP, default 1,000. */
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

/** Runs the comparison and prints its figures. */
export async function benchVerificationProcesses(counts = COUNTS): Promise<void> {
  for (const count of counts) {
    report(`verification with VERIFY_PROCESSES=${count} (${CORES} cores): a fresh node, ${N} server-signed credentials`);
    await withFreshNode({ VERIFY_PROCESSES: String(count) }, async ({ node, api, demo }) => {
      const hashes = await postServerSignedCredentials(api, demo.parties.KG.authorities[0], "KG", N, "VERIFY-PROCESSES");
      while ((await anchoredCount(api)) < N) await new Promise((resolve) => setTimeout(resolve, 100));
      await untilReady(api);
      const pid = node.child.pid!;
      const processes: Record<string, number> = { node: pid };
      (await verificationProcessesOf(pid)).forEach((child, i) => (processes[`verification ${i + 1}`] = child));
      await benchVerification({ api, hashes, seconds: SECONDS, processes, warmUpCount: WARM_UP });
    });
  }
}

if (require.main === module) {
  benchVerificationProcesses().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
