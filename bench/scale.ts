/**
 * `npm run bench:scale`: a node as `npm start` runs it, loaded with a million certificates (BENCH_SCALE_CERTIFICATES)
 * through the API, measured as it grows. Prints figures, each with the machine's core count; asserts nothing but that
 * the node anchors and verifies what it was given (speed is not a test). See bench/scale-anchoring.ts for what is
 * anchored and how. At each checkpoint (1k, 10k, 100k, 1M anchored) anchoring pauses until every certificate is
 * anchored and the index has them, a few per thousand are revoked and suspended through the API, and the bench takes:
 * the anchoring rate so far, the node's and anvil's resident memory, the data folder's bytes per certificate, and
 * cold verification by hash (certificates never verified before, 10 connections). At the end the node is stopped, its
 * chain index built again from scratch and reopened in this process (bench/scale-index.ts), and the node restarted.
 *
 * A run keeps its state in BENCH_SCALE_DIR (default: a folder per size in the system's temp folder): stopped, it resumes
 * where it was when started again (BENCH_SCALE_FRESH=1 starts over); finished, the folder is removed unless
 * BENCH_SCALE_KEEP=1. NODE_PROFILE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profiles the node (test/e2e/node-process.ts).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { ownerOnlyFromNowOn } from "../server/data-dir";
import { report } from "./report";
import { changeStatuses, DIRECT_LANE_ISSUERS, submitUntil, type HashLogs, type StatusChange } from "./scale-anchoring";
import { bytesUnder, diskUsage, type DiskPart } from "./scale-disk";
import { buildIndex } from "./scale-index";
import { cpuSecondsOf } from "./process-cpu";
import { anvilPid, indexTotal, memoryOf, outboxCounts, startScaleNode, waitFor, type ScaleNode } from "./scale-node";
import { scaleOptions, type ScaleOptions } from "./scale-options";
import { DIRECT_LANES, directPosition, directRef, HashLog, Progress, type CertRef, type CheckpointFigures } from "./scale-progress";
import { verdictOf, verifyCold, type VerificationFigures } from "./scale-verify";
import { verificationProcessesOf } from "../test/e2e/node-process";

const WARM_UP = 300;
const HOUR_MS = 3_600_000;
const MIB = 1024 * 1024;
const n = (value: number) => Math.round(value).toLocaleString("en-US");
const seconds = (ms: number) => (ms / 1000).toFixed(1);

async function main(): Promise<void> {
  const options = scaleOptions();
  if (options.fresh) rmSync(options.dir, { recursive: true, force: true });
  mkdirSync(options.dir, { recursive: true });
  // As the node does: what this process writes in its data folder (the index build's anvil and Helia) is the owner's alone.
  ownerOnlyFromNowOn();
  const progress = Progress.open(options.dir, options.certificates);
  const dataDir = path.join(options.dir, "data");
  const logs: HashLogs = {
    batch: new HashLog(path.join(options.dir, "hashes-batch.txt")),
    direct: Array.from({ length: DIRECT_LANES }, (_, lane) => new HashLog(path.join(options.dir, `hashes-direct-${lane}.txt`))),
  };
  report(
    `scale bench: ${n(options.certificates)} certificates (stand-in PDFs of ~70 bytes, unstamped, each with its encrypted payload) ` +
      `through POST /v1/certificates/batch, ${options.concurrency} requests of 100 at a time, and ${DIRECT_LANES} issuers sending one at a time; ` +
      `checkpoints at ${options.checkpoints.map(n).join(", ")}; data in ${options.dir}` +
      (progress.state.starts > 1 ? ` (resumed, start ${progress.state.starts}, ${n(progress.submitted)} accepted before)` : ""),
  );
  report(`code: ${codeVersion()}`);
  progress.save();
  try {
    if (!progress.state.final) {
      const node = await startScaleNode(dataDir);
      const nodeStartedAt = progress.submitted;
      // Killed (SIGTERM) or interrupted: the node is stopped cleanly, so that the next start resumes from a saved chain.
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
          console.error(`${signal}: stopping the node; started again, the run resumes`);
          progress.save();
          void node.stop().finally(() => process.exit(1));
        });
      }
      report(`node started in ${seconds(node.readyMs)} s (pid ${node.process.child.pid})`);
      try {
        for (const checkpoint of options.checkpoints) {
          if (progress.state.checkpoints[checkpoint]) continue;
          const direct = await anchorTo(node, progress, logs, options, checkpoint);
          const figures = await measureCheckpoint(node, progress, logs, options, checkpoint);
          progress.state.checkpoints[checkpoint] = { ...direct, ...figures, nodeStartedAt };
          progress.save();
        }
      } finally {
        await node.stop();
      }
      progress.state.final = await measureEnd(dataDir, options, progress);
      progress.save();
    }
    if (options.processes.length > 0 && progress.state.final.processesMeasured === undefined) {
      Object.assign(progress.state.final, await measureProcesses(dataDir, options, progress, logs));
      progress.state.final.processesMeasured = options.processes.join(",");
      progress.save();
    }
    summarise(progress, options);
  } finally {
    logs.batch.close();
    for (const log of logs.direct) log.close();
  }
  if (!options.keep) rmSync(options.dir, { recursive: true, force: true });
}

/**
 * Anchors until `checkpoint` certificates are anchored: submits, then waits until the outbox holds none pending.
 * Returns how long a direct-lane certificate took from its request to anchored in this stretch.
 */
async function anchorTo(
  node: ScaleNode,
  progress: Progress,
  logs: HashLogs,
  options: ScaleOptions,
  checkpoint: number,
): Promise<CheckpointFigures> {
  const before = progress.submitted;
  const started = performance.now();
  // Where the machine's time goes while anchoring: the node, its anvil, and this bench (the client).
  const processes = { node: node.process.child.pid, anvil: anvilPid(node.dataDir), bench: process.pid };
  const cpu = () => Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuSecondsOf(pid) ?? NaN]));
  const cpuBefore = cpu();
  const ticker = setInterval(() => {
    const rate = (progress.submitted - before) / ((performance.now() - started) / 1000);
    const left = (options.certificates - progress.submitted) / rate / 60;
    report(
      `  … ${n(progress.submitted)} accepted (${n(rate)}/s since ${n(before)}, all of them in ~${left.toFixed(0)} min at that rate), ` +
        `${n(progress.directSubmitted)} of them one at a time`,
    );
  }, 60_000);
  let directMs: number[];
  try {
    ({ directMs } = await submitUntil(node, progress, logs, checkpoint, options.concurrency));
  } finally {
    clearInterval(ticker);
  }
  const acceptedMs = performance.now() - started;
  await waitFor("every certificate anchored", 6 * HOUR_MS, async () => {
    const counts = await outboxCounts(node.api);
    if ((counts.failed ?? 0) > 0) throw new Error(`${counts.failed} anchoring requests failed: see the node's outbox`);
    return (counts.queued ?? 0) + (counts.submitted ?? 0) === 0;
  }).catch(async (error: unknown) => {
    const counts = await outboxCounts(node.api).catch(() => ({}));
    throw new Error(`${(error as Error).message} (outbox: ${JSON.stringify(counts)})`);
  });
  const anchoredMs = performance.now() - started;
  const cpuAfter = cpu();
  const cpuShares = (Object.keys(processes) as (keyof typeof processes)[])
    .map((name) => `${name} ${(((cpuAfter[name] - cpuBefore[name]) / (anchoredMs / 1000)) * 100).toFixed(0)}%`)
    .join(", ");
  const { state } = progress;
  directMs.sort((x, y) => x - y);
  const directAt = (q: number) => Math.round(directMs[Math.min(directMs.length - 1, Math.floor(q * directMs.length))] ?? NaN);
  state.anchorSeconds += anchoredMs / 1000;
  state.anchoredTimed += checkpoint - before;
  progress.save();
  const rate = state.anchoredTimed / state.anchorSeconds;
  const remaining = options.certificates - checkpoint;
  if (checkpoint === before) {
    report(`anchored ${n(checkpoint)} before the run was stopped: nothing left to time up to this checkpoint`);
    return { directAnchoredP50Ms: NaN, directAnchoredP90Ms: NaN, directInStretch: 0 };
  }
  report(
    `anchored ${n(before)} → ${n(checkpoint)}: ${n(checkpoint - before)} in ${seconds(anchoredMs)} s, ` +
      `${n((checkpoint - before) / (anchoredMs / 1000))} certificates/s (accepted at ${n((checkpoint - before) / (acceptedMs / 1000))}/s); ` +
      `${n(progress.directSubmitted)} one at a time so far` +
      (directMs.length > 0 ? ` (request to anchored p50 ${directAt(0.5)} ms, p90 ${directAt(0.9)} ms)` : "") +
      `; CPU (100% = one core) ${cpuShares}` +
      (remaining > 0 ? `; at ${n(rate)}/s the remaining ${n(remaining)} take ~${(remaining / rate / 60).toFixed(0)} min more` : ""),
  );
  return { directAnchoredP50Ms: directAt(0.5), directAnchoredP90Ms: directAt(0.9), directInStretch: directMs.length };
}

/** At a checkpoint: the index caught up, a few status changes, memory, disk, cold verification. */
async function measureCheckpoint(
  node: ScaleNode,
  progress: Progress,
  logs: HashLogs,
  options: ScaleOptions,
  checkpoint: number,
): Promise<CheckpointFigures> {
  const { api, issuers } = node;
  const { state } = progress;
  let started = performance.now();
  const indexHasAll = async () =>
    (await fetch(`${api}/readyz`)).status === 200 &&
    (await indexTotal(api, issuers.kg)) + (await indexTotal(api, issuers.kz)) + (await indexTotal(api, issuers.uz)) === progress.submitted;
  await waitFor("the index holding every certificate", HOUR_MS, indexHasAll);
  const indexLagMs = performance.now() - started;

  // Revocations and suspensions, a few per thousand, one in twenty of a direct anchor (the others by Merkle proof).
  const used = new Set<CertRef>([...state.verified, ...state.revoked, ...state.suspended]);
  const due = (kind: "revoked" | "suspended") => Math.max(0, Math.floor((checkpoint * options.statusPerMille) / 1000) - state[kind].length);
  const changes: (StatusChange & { ref: CertRef })[] = [];
  let directFree = progress.directSubmitted - [...used].filter((ref) => ref < 0).length;
  for (const [kind, action] of [
    ["revoked", "revoke"],
    ["suspended", "suspend"],
  ] as const) {
    for (let i = due(kind); i > 0; i--) {
      const direct = changes.length % 20 === 19 && directFree > 0;
      if (direct) directFree--;
      const ref = pick(progress, used, direct);
      const issuer = ref < 0 ? issuers[DIRECT_LANE_ISSUERS[directPosition(ref).lane].party] : issuers.kg;
      changes.push({ ref, action, certHash: hashOf(logs, ref), issuer });
    }
  }
  started = performance.now();
  await changeStatuses(api, changes);
  const statusMs = performance.now() - started;
  for (const change of changes) state[change.action === "revoke" ? "revoked" : "suspended"].push(change.ref);
  progress.save();
  const indexShows = async (status: "revoked" | "suspended", count: number) =>
    (await indexTotal(api, issuers.kg, status)) +
      (await indexTotal(api, issuers.kz, status)) +
      (await indexTotal(api, issuers.uz, status)) ===
    count;
  await waitFor("the index holding the status changes", HOUR_MS, async () => {
    return (await indexShows("revoked", state.revoked.length)) && (await indexShows("suspended", state.suspended.length));
  });
  if (changes.length > 0) {
    report(
      `  ${changes.length} status changes through the API (${state.revoked.length} revoked, ${state.suspended.length} suspended in all) ` +
        `in ${seconds(statusMs)} s: ${n(changes.length / (statusMs / 1000))}/s, 8 at a time`,
    );
  }

  const nodeMemory = memoryOf(node.process.child.pid);
  const anvil = memoryOf(anvilPid(node.dataDir));
  const disk = diskUsage(node.dataDir);

  const sample = coldSample(progress, used, options);
  const verdict = await verdictOf(api, hashOf(logs, sample.warmUp[0] ?? sample.measured[0]));
  if (verdict !== "VALID") throw new Error(`a certificate anchored by the bench verifies ${verdict}, not VALID`);
  // The CPU time the node and its anvil spend per verification moves much less with the neighbours' load than latency.
  const cpuPids = { node: node.process.child.pid, anvil: anvilPid(node.dataDir) };
  let cpuBefore = { node: NaN, anvil: NaN };
  const verification = await verifyColdSample(api, logs, progress, sample, () => {
    cpuBefore = { node: cpuSecondsOf(cpuPids.node) ?? NaN, anvil: cpuSecondsOf(cpuPids.anvil) ?? NaN };
  });
  const cpuMs = (name: keyof typeof cpuPids) =>
    Math.round((((cpuSecondsOf(cpuPids[name]) ?? NaN) - cpuBefore[name]) * 1000 * 100) / verification.requests) / 100;
  const verifyCpuMs = { node: cpuMs("node"), anvil: cpuMs("anvil") };

  const figures: CheckpointFigures = {
    anchorSeconds: Math.round(state.anchorSeconds * 10) / 10,
    anchoredTimed: state.anchoredTimed,
    direct: progress.directSubmitted - state.directBatched,
    directBatched: state.directBatched,
    revoked: state.revoked.length,
    suspended: state.suspended.length,
    indexLagSeconds: Math.round(indexLagMs / 100) / 10,
    nodeRss: nodeMemory?.rss ?? NaN,
    nodePeakRss: nodeMemory?.peak ?? NaN,
    anvilRss: anvil?.rss ?? NaN,
    verifyRequests: verification.requests,
    verifyP50Ms: verification.p50Ms,
    verifyP99Ms: verification.p99Ms,
    verifyPerSecond: verification.perSecond,
    verifyNodeCpuMs: verifyCpuMs.node,
    verifyAnvilCpuMs: verifyCpuMs.anvil,
    ...Object.fromEntries(Object.entries(disk).map(([part, bytes]) => [`disk.${part}`, bytes])),
  };
  report(
    `checkpoint ${n(checkpoint)}: index caught up ${seconds(indexLagMs)} s after the last anchor; ` +
      `RSS node ${((figures.nodeRss as number) / MIB) | 0} MiB (peak ${((figures.nodePeakRss as number) / MIB) | 0}), anvil ${((figures.anvilRss as number) / MIB) | 0} MiB; ` +
      `disk ${perCertificate(disk, checkpoint)}`,
  );
  report(
    `  verification by hash, ${verification.requests} certificates never verified before, 10 connections: ` +
      `p50 ${verification.p50Ms} ms, p99 ${verification.p99Ms} ms, ${n(verification.perSecond)} requests/s; ` +
      `CPU per verification: node ${verifyCpuMs.node} ms, anvil ${verifyCpuMs.anvil} ms`,
  );
  return figures;
}

/** The end: disk once the node stopped, the index built from scratch and reopened, the node restarted. */
async function measureEnd(dataDir: string, options: ScaleOptions, progress: Progress): Promise<CheckpointFigures> {
  const total = options.certificates;
  const disk = diskUsage(dataDir);
  report(`disk after the node stopped, ${n(total)} certificates: ${perCertificate(disk, total)}`);
  const file = path.join(options.dir, "index-rebuilt.sqlite");
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  const build = await buildIndex(dataDir, file);
  const rebuiltBytes = bytesUnder(file) + bytesUnder(`${file}-wal`);
  report(
    `chain index from scratch (anvil loaded its state in ${seconds(build.chainLoadMs)} s first): ${n(build.indexed)} certificates ` +
      `(${n(build.direct)} direct, ${n(build.batchedLeaves)} in ${n(build.batches)} batches: ${n(build.batchedLeaves / Math.max(1, build.batches))} ` +
      `a batch on average), ${n(build.blocks)} blocks, in ${seconds(build.fromScratchMs)} s (${n(build.indexed / (build.fromScratchMs / 1000))}/s); ` +
      `file ${n(rebuiltBytes / build.indexed)} bytes/certificate; reopened and caught up in ${(build.reopenMs / 1000).toFixed(2)} s` +
      (build.warnings > 0 ? `; ${build.warnings} warnings` : ""),
  );
  if (build.indexed !== progress.submitted)
    throw new Error(`the rebuilt index holds ${build.indexed} certificates, not ${progress.submitted}`);

  const node = await startScaleNode(dataDir);
  const memory = memoryOf(node.process.child.pid);
  await node.stop();
  report(
    `node restarted on ${n(total)} certificates: "ready" after ${seconds(node.readyMs)} s, /readyz 200 after ${seconds(node.readyzMs)} s; ` +
      `RSS then ${((memory?.rss ?? NaN) / MIB) | 0} MiB`,
  );
  return {
    chainLoadSeconds: build.chainLoadMs / 1000,
    indexFromScratchSeconds: build.fromScratchMs / 1000,
    indexReopenSeconds: build.reopenMs / 1000,
    indexed: build.indexed,
    direct: build.direct,
    batches: build.batches,
    batchedLeaves: build.batchedLeaves,
    rebuiltIndexBytes: rebuiltBytes,
    restartReadySeconds: node.readyMs / 1000,
    restartReadyzSeconds: node.readyzMs / 1000,
    restartRss: memory?.rss ?? NaN,
    ...Object.fromEntries(Object.entries(disk).map(([part, bytes]) => [`disk.${part}`, bytes])),
  };
}

/**
 * Side by side on the full folder: the node restarted with each VERIFY_PROCESSES setting of BENCH_SCALE_PROCESSES in
 * turn, its time to /readyz and cold verification of certificates nobody verified before (a warm-up first), so that
 * what verification processes change at this size is measured on the same data, the same hour.
 */
async function measureProcesses(dataDir: string, options: ScaleOptions, progress: Progress, logs: HashLogs): Promise<CheckpointFigures> {
  const { state } = progress;
  const used = new Set<CertRef>([...state.verified, ...state.revoked, ...state.suspended]);
  const figures: CheckpointFigures = {};
  for (const processes of options.processes) {
    const node = await startScaleNode(dataDir, { VERIFY_PROCESSES: String(processes) });
    try {
      const verification = await verifyColdSample(node.api, logs, progress, coldSample(progress, used, options));
      // The node and its verification processes, once they have answered.
      const pid = node.process.child.pid!;
      const rss = [pid, ...(await verificationProcessesOf(pid))].reduce((sum, each) => sum + (memoryOf(each)?.rss ?? 0), 0);
      Object.assign(figures, {
        [`processes.${processes}.readyzSeconds`]: node.readyzMs / 1000,
        [`processes.${processes}.verifyP50Ms`]: verification.p50Ms,
        [`processes.${processes}.verifyP99Ms`]: verification.p99Ms,
        [`processes.${processes}.verifyPerSecond`]: verification.perSecond,
        [`processes.${processes}.rss`]: rss,
      });
      report(
        `VERIFY_PROCESSES=${processes} on ${n(progress.submitted)} certificates: /readyz 200 after ${seconds(node.readyzMs)} s; ` +
          `${verification.requests} certificates never verified before, 10 connections: p50 ${verification.p50Ms} ms, ` +
          `p99 ${verification.p99Ms} ms, ${n(verification.perSecond)} requests/s; RSS of the node and its processes ${(rss / MIB) | 0} MiB`,
      );
    } finally {
      await node.stop();
    }
  }
  progress.save();
  return figures;
}

/** Certificates for cold verification, chosen at random among those nobody verified or changed (they join `used`). */
function coldSample(progress: Progress, used: Set<CertRef>, options: ScaleOptions): { warmUp: CertRef[]; measured: CertRef[] } {
  const available = progress.submitted - used.size;
  const sample = (count: number) => Array.from({ length: count }, () => pick(progress, used, false));
  return {
    warmUp: sample(Math.min(WARM_UP, Math.floor(available / 3))),
    measured: sample(Math.min(options.verifications, Math.floor(available / 2))),
  };
}

/**
 * Verifies `sample.warmUp`, then `sample.measured` (the figures returned; `beforeMeasured` is called just before), and
 * records them all as verified; throws on any answer that is not 2xx.
 */
async function verifyColdSample(
  api: string,
  logs: HashLogs,
  progress: Progress,
  sample: { warmUp: CertRef[]; measured: CertRef[] },
  beforeMeasured: () => void = () => undefined,
): Promise<VerificationFigures> {
  await verifyCold(
    api,
    sample.warmUp.map((ref) => hashOf(logs, ref)),
  );
  beforeMeasured();
  const verification = await verifyCold(
    api,
    sample.measured.map((ref) => hashOf(logs, ref)),
  );
  progress.state.verified.push(...sample.warmUp, ...sample.measured);
  if (verification.non2xx + verification.errors > 0) {
    throw new Error(`cold verification: ${verification.non2xx} answers not 2xx, ${verification.errors} errors`);
  }
  return verification;
}

/** Prints the run's figures together, and the verdicts. */
function summarise(progress: Progress, options: ScaleOptions): void {
  const { state } = progress;
  const final = state.final!;
  const total = options.certificates;
  report(`\nsummary of ${n(total)} certificates${state.starts > 1 ? ` (run in ${state.starts} starts)` : ""}:`);
  report(
    `  anchoring: ${n(state.anchoredTimed)}${state.anchoredTimed < total ? " (timed without a stop in between)" : ""} in ` +
      `${(state.anchorSeconds / 60).toFixed(1)} min, ${n(state.anchoredTimed / state.anchorSeconds)} certificates/s; ` +
      `${n(final.batchedLeaves as number)} in ${n(final.batches as number)} Merkle batches, ${n(final.direct as number)} direct; ` +
      `${n(state.revoked.length)} revoked and ${n(state.suspended.length)} suspended afterwards`,
  );
  report(
    `  ${"anchored".padStart(10)} ${"verify p50".padStart(11)} ${"p99".padStart(8)} ${"req/s".padStart(7)} ${"node RSS".padStart(9)} ` +
      `${"anvil RSS".padStart(10)} ${"one-at-a-time p50".padStart(18)} ${"CPU/verify".padStart(10)}`,
  );
  for (const checkpoint of options.checkpoints) {
    const c = state.checkpoints[checkpoint];
    report(
      `  ${n(checkpoint).padStart(10)} ${`${c.verifyP50Ms} ms`.padStart(11)} ${`${c.verifyP99Ms} ms`.padStart(8)} ${n(c.verifyPerSecond as number).padStart(7)} ` +
        `${`${((c.nodeRss as number) / MIB) | 0} MiB`.padStart(9)} ${`${((c.anvilRss as number) / MIB) | 0} MiB`.padStart(10)} ` +
        `${(typeof c.directAnchoredP50Ms === "number" && !Number.isNaN(c.directAnchoredP50Ms) ? `${c.directAnchoredP50Ms} ms` : "–").padStart(18)} ` +
        `${`${c.verifyNodeCpuMs} ms`.padStart(10)}` +
        ((c.nodeStartedAt as number) > 0 ? `  (node restarted at ${n(c.nodeStartedAt as number)})` : ""),
    );
  }
  report(
    `  index: from scratch ${(final.indexFromScratchSeconds as number).toFixed(1)} s, reopened ${(final.indexReopenSeconds as number).toFixed(2)} s; ` +
      `node restart to ready ${(final.restartReadySeconds as number).toFixed(1)} s (/readyz ${(final.restartReadyzSeconds as number).toFixed(1)} s)`,
  );
  const disk = Object.fromEntries(
    Object.entries(final)
      .filter(([key]) => key.startsWith("disk."))
      .map(([key, value]) => [key.slice(5), value as number]),
  ) as Record<DiskPart, number>;
  report(`  disk: ${perCertificate(disk, total)}`);
  const first = state.checkpoints[options.checkpoints[0]];
  const last = state.checkpoints[total];
  const limit = 1.3 * (first.verifyP50Ms as number);
  report(
    `verdict: verify p50 at ${n(total)} ${last.verifyP50Ms} ms ≤ 1.3 × p50 at ${n(options.checkpoints[0])} (${first.verifyP50Ms} ms → ${limit.toFixed(1)} ms): ` +
      `${(last.verifyP50Ms as number) <= limit ? "yes" : "NO"}` +
      ` (the node's CPU per verification ${first.verifyNodeCpuMs} → ${last.verifyNodeCpuMs} ms: latency also moves with the neighbours' load)`,
  );
  const restart = final.restartReadyzSeconds as number;
  report(`verdict: restart to ready (/readyz 200) ${restart.toFixed(1)} s ≤ 10 s: ${restart <= 10 ? "yes" : "NO"}`);
  for (const processes of options.processes) {
    const at = (figure: string) => final[`processes.${processes}.${figure}`] as number | undefined;
    if (at("verifyP50Ms") === undefined) continue;
    report(
      `  side by side, VERIFY_PROCESSES=${processes}: /readyz ${at("readyzSeconds")!.toFixed(1)} s, cold verification p50 ` +
        `${at("verifyP50Ms")} ms, p99 ${at("verifyP99Ms")} ms, ${n(at("verifyPerSecond")!)} requests/s, RSS ${(at("rss")! / MIB) | 0} MiB`,
    );
  }
}

/** A random certificate of the run not in `used` (which it joins); of a direct lane when `direct`. */
function pick(progress: Progress, used: Set<CertRef>, direct: boolean): CertRef {
  const { batchSubmitted } = progress.state;
  const directs = progress.directSubmitted;
  for (;;) {
    let r = direct ? batchSubmitted + Math.floor(Math.random() * directs) : Math.floor(Math.random() * (batchSubmitted + directs));
    let ref: CertRef = r;
    if (r >= batchSubmitted) {
      r -= batchSubmitted;
      const lane = progress.state.direct.findIndex((count) => (r -= count) < 0);
      ref = directRef(lane, r + progress.state.direct[lane]);
    }
    if (!used.has(ref)) {
      used.add(ref);
      return ref;
    }
  }
}

function hashOf(logs: HashLogs, ref: CertRef): string {
  if (ref >= 0) return logs.batch.read(ref);
  const { lane, position } = directPosition(ref);
  return logs.direct[lane].read(position);
}

/** The commit the node runs, and the files of src/ and server/ changed since (the figures are theirs too). */
function codeVersion(): string {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: path.resolve(__dirname, ".."), encoding: "utf8" });
    // Porcelain lines are "XY path": the status takes two columns and a space, the first of which may be a space.
    const changed = git("status", "--porcelain", "--", "src", "server").split("\n").filter(Boolean);
    return `commit ${git("rev-parse", "--short", "HEAD").trim()}${changed.length > 0 ? ` with uncommitted changes to ${changed.map((line) => line.slice(3)).join(", ")}` : ""}`;
  } catch {
    return "unknown (no git)";
  }
}

function perCertificate(disk: Record<DiskPart, number>, certificates: number): string {
  const each = (part: DiskPart) => `${part} ${n(disk[part] / certificates)}`;
  return (
    `${each("chain")}, ${each("index")}, ${each("outbox")}, ${each("ipfs")}, ${each("linkKeys")} bytes/certificate; ` +
    `whole folder ${(disk.total / MIB).toFixed(0)} MiB (${n(disk.total / certificates)} bytes/certificate)`
  );
}

main().catch((error: unknown) => {
  console.error(error);
  console.error("the run stopped; started again with the same settings, it resumes where it was");
  process.exitCode = 1;
});
