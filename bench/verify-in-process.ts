/**
 * `npm run bench` (part): what a verification by hash costs the node itself, without HTTP. A node is started in this
 * process as `npm start` runs it (embedded anvil, Helia, index), given BENCH_VERIFY_CERTIFICATES certificates through
 * its API (stand-in PDFs, unstamped, each with its encrypted payload), and its verifier is called directly, 10 at a
 * time, on certificates never verified before: from the chain index (the default), then from the node
 * (`source: "chain"`), then again on the first set (answered from the report cache); then on BENCH_VERIFY_SCANNED
 * scanned certificates of 100 kB and of 1 MB (stamped PDFs: a cold verification reads the whole payload). Prints
 * verifications/s and the process's CPU time per verification (all threads); asserts nothing but the verdicts.
 */
import "../src/ipfs/polyfills";
import { randomInt, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../server/config";
import { startLedger, type RunningLedger } from "../server/runtime";
import type { VerificationSource } from "../src/verify";
import { scannedCertificatePdf } from "../test/documents/certificate-pdf";
import { freePort } from "../test/e2e/node-process";
import { anchoredCount, report } from "./report";
import { postCertificateBatch, postStandInPdfs } from "./stand-in-pdfs";

const N = Number(process.env.BENCH_VERIFY_CERTIFICATES ?? 4000);
const SCANNED = Number(process.env.BENCH_VERIFY_SCANNED ?? 100);

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "certledger-bench-verify-"));
  const env = { DATA_DIR: dataDir, PORT: String(await freePort()), CHAIN_PORT: String(await freePort()), LOG_LEVEL: "error" };
  const ledger = await startLedger(loadConfig({ ...process.env, ...env, RATE_LIMIT_PER_MINUTE: "1000000" }));
  try {
    const demo = JSON.parse(await readFile(path.join(dataDir, "demo-credentials.json"), "utf8"));
    const token = demo.parties.KG.authorities[0].token as string;
    const hashes = await anchoredAndIndexed(ledger, () => postStandInPdfs(ledger.url, token, N, { label: "verify bench" }));
    const third = Math.floor(hashes.length / 3);
    await run(ledger, hashes.slice(0, third), "cold, from the chain index");
    await run(ledger, hashes.slice(third, 2 * third), "cold, from the node (source chain)", "chain");
    await run(ledger, hashes.slice(0, third), "hot (verified before at this block)");
    // What a cold verification costs grows with the document: its encrypted payload is read, hashed against its CID
    // and its clear header parsed. Certificates signed on paper come as scans.
    for (const scanBytes of [100_000, 1_000_000]) {
      const pdfs = await scannedPdfs(SCANNED, scanBytes);
      const scanned = await anchoredAndIndexed(ledger, () => postScannedPdfs(ledger.url, token, pdfs));
      const sizes = pdfs.map((pdf) => pdf.length).sort((a, b) => a - b);
      await run(ledger, scanned, `cold, scanned certificates (stamped PDFs of ${Math.round(sizes[sizes.length >> 1] / 1000)} kB)`);
    }
  } finally {
    await ledger.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Verifies `hashes` 10 at a time and prints the rate and the CPU time per verification. */
async function run(ledger: RunningLedger, hashes: string[], label: string, source?: VerificationSource): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const verdicts = new Map<string, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < hashes.length) {
        const { report: answer } = await ledger.verifier.verify({ kind: "hash", certHash: hashes[next++] }, { source });
        const key = `${answer.verdict} from ${answer.chain.source}`;
        verdicts.set(key, (verdicts.get(key) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  report(
    `verification in process, ${label}: ${hashes.length} certificates, 10 at a time: ${Math.round(hashes.length / seconds)}/s, ` +
      `${((used.user + used.system) / 1000 / hashes.length).toFixed(3)} ms of CPU each (${[...verdicts].map(([v, n]) => `${n} ${v}`).join(", ")})`,
  );
}

/** Scanned certificates (PDFs with a scan of about `scanBytes`), made before any clock starts. */
async function scannedPdfs(count: number, scanBytes: number): Promise<Uint8Array[]> {
  const first = randomInt(1, 1_000_000_000);
  const pdfs: Uint8Array[] = [];
  for (let i = 0; i < count; i++) pdfs.push(await scannedCertificatePdf(first + i, scanBytes));
  return pdfs;
}

/** Posts `pdfs` to be stamped and anchored as issuers' PDFs are, 10 to a request (a scan is large); their certHashes. */
async function postScannedPdfs(api: string, token: string, pdfs: Uint8Array[]): Promise<string[]> {
  const validUntil = new Date(Date.now() + 90 * 86_400_000).toISOString();
  const hashes: string[] = [];
  for (let at = 0; at < pdfs.length; at += 10) {
    const items = pdfs.slice(at, at + 10).map((pdf) => ({
      file: { base64: Buffer.from(pdf).toString("base64"), type: "conformityCertificate", number: `SCAN-${randomUUID()}`, validUntil },
    }));
    hashes.push(...(await postCertificateBatch(api, token, items)));
  }
  return hashes;
}

/** The certHashes `post` submits, once all are anchored and the index has read them (their manifests included). */
async function anchoredAndIndexed(ledger: RunningLedger, post: () => Promise<string[]>): Promise<string[]> {
  const before = await anchoredCount(ledger.url);
  const hashes = await post();
  while ((await anchoredCount(ledger.url)) < before + hashes.length || ledger.index.status().pendingManifests > 0) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await ledger.index.syncOnce();
  return hashes;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
