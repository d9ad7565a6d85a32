/**
 * Verification over HTTP with and without verification processes (VERIFY_PROCESSES, server/verification-process.ts),
 * side by side on fresh nodes as `npm start` runs them: each node is sent the same number of stand-in PDFs, then
 * verified by hash cold and hot with autocannon (bench/verify-load.ts). The CPU time per request is the node's plus its
 * verification processes'. `npx ts-node --transpile-only bench/verify-processes.ts`; BENCH_VERIFY_PROCESSES lists the
 * counts to compare (default "0,2"), BENCH_CERTIFICATES how many certificates (default 5,000). Part of `npm run bench`.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort, startNode, verificationProcessesOf } from "../test/e2e/node-process";
import { anchoredCount, CORES, report } from "./report";
import { postStandInPdfs } from "./stand-in-pdfs";
import { benchVerification } from "./verify-load";

const COUNTS = (process.env.BENCH_VERIFY_PROCESSES ?? "0,2").split(",").map(Number);
const N = Number(process.env.BENCH_CERTIFICATES ?? 5000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

/** Runs the comparison and prints its figures. */
export async function benchVerificationProcesses(counts = COUNTS): Promise<void> {
  for (const count of counts) {
    report(`verification with VERIFY_PROCESSES=${count} (${CORES} cores): a fresh node, ${N} certificates`);
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "certledger-bench-"));
    const ports = { CHAIN_PORT: String(await freePort()), PORT: String(await freePort()) };
    const api = `http://127.0.0.1:${ports.PORT}`;
    const node = startNode({ DATA_DIR: dataDir, ...ports, LOG_LEVEL: "error", VERIFY_PROCESSES: String(count) });
    try {
      await node.ready();
      const demo = JSON.parse(await readFile(path.join(dataDir, "demo-credentials.json"), "utf8"));
      const hashes = await postStandInPdfs(api, demo.parties.KG.authorities[0].token as string, N, { label: "verify-processes bench" });
      while ((await anchoredCount(api)) < N) await new Promise((resolve) => setTimeout(resolve, 100));
      for (let i = 0; i < 100 && (await fetch(`${api}/readyz`)).status !== 200; i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const pid = node.child.pid!;
      const processes: Record<string, number> = { node: pid };
      (await verificationProcessesOf(pid)).forEach((child, i) => (processes[`verification ${i + 1}`] = child));
      await benchVerification({ api, hashes, seconds: SECONDS, processes });
    } finally {
      node.child.kill("SIGINT");
      await node.exited;
      await rm(dataDir, { recursive: true, force: true });
    }
  }
}

if (require.main === module) {
  benchVerificationProcesses().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
