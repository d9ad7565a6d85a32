/**
 * The accept path of `npm run bench` for the work an issuer sends most: server-signed credentials. Builds `count`
 * distinct conformity certificate credentials (about 1.3 kB of JSON each, the example certificate with its own number),
 * posts them to /v1/certificates/batch 100 per request, 4 requests at a time, as the authority's console or an
 * integration does, and times them: accepted (every answer back: signed, encrypted, stored durably), and anchored
 * (every one in a confirmed transaction, from the outbox's metric). Prints figures; asserts nothing.
 * {@link benchCredentialProfile} does the same on a fresh node run under `node --cpu-prof` and prints where its main
 * thread's time went, per credential (bench/profile-breakdown.ts).
 */
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { cpuCeiling } from "./cpu-ceiling";
import { cpuSecondsOf, mainThreadScheduleOf } from "./process-cpu";
import { withFreshNode } from "./fresh-node";
import { nativeBreakdown, perfUnavailable, readSamples, sampleWhile } from "./native-profile";
import { breakdown } from "./profile-breakdown";
import { anchoredCount, CORES, report } from "./report";
import { postCredentialBodies, postServerSignedCredentials, serverSignedCredentialBodies, SENT_AS } from "./server-signed-credentials";

/** The node to load, the authority that issues, how many credentials. */
export interface CredentialAcceptanceOptions {
  api: string;
  authority: { id: number; name: string; token: string };
  party: string;
  count: number;
  /** The node's and the chain's process ids, to print where the CPU went per credential (Linux /proc). */
  processes?: { node?: number; chain?: number };
  /** Said before the figures, e.g. "again, on the same node": what this round is. */
  round?: string;
  /** Goes into every certificate's number, so that two rounds on one node send different certificates. */
  label?: string;
}

/** Posts the credentials and prints how fast they were accepted and anchored. */
export async function benchCredentialAcceptance(options: CredentialAcceptanceOptions): Promise<void> {
  const { api, authority, party, count, label = "BENCH" } = options;
  const anchoredBefore = await anchoredCount(api);
  // Built before the clock and the CPU meter start: an issuer builds its credentials on its own machine, not on the node's.
  const bodies = serverSignedCredentialBodies(authority, party, count, label);
  const bytes = JSON.stringify((JSON.parse(bodies[0]) as { items: { credential: unknown }[] }).items[0].credential).length;
  const cpu = cpuMeter(options.processes ?? {});
  const started = performance.now();
  const accepted = (await postCredentialBodies(api, authority.token, bodies)).length;
  const acceptedMs = performance.now() - started;
  while ((await anchoredCount(api)) - anchoredBefore < accepted) await new Promise((resolve) => setTimeout(resolve, 50));
  const anchoredMs = performance.now() - started;
  report(
    `server-signed credentials${options.round ? `, ${options.round}` : ""} (${bytes} bytes of JSON each, ${SENT_AS}, built before the clock starts): ` +
      `${accepted} of ${count} accepted in ${(acceptedMs / 1000).toFixed(2)} s (${Math.round(accepted / (acceptedMs / 1000))}/s), ` +
      `all anchored in confirmed transactions after ${(anchoredMs / 1000).toFixed(2)} s: ${Math.round(accepted / (anchoredMs / 1000))} certificates/s`,
  );
  const spent = cpu(accepted, anchoredMs / 1000);
  if (spent) report(`  CPU per credential (/proc, from the first sent to the last anchored): ${spent}`);
}

/**
 * Reads the CPU time of the node, its main thread, the chain and this process now; the function it returns says what
 * each spent since, per credential (µs), or "" where /proc cannot tell. The profile below shows the event loop's time
 * by stage on the wall's clock; this is the CPU of every thread, and how long the event loop waited for a core.
 */
function cpuMeter(processes: { node?: number; chain?: number }): (credentials: number, seconds: number) => string {
  const read = () => ({
    node: cpuSecondsOf(processes.node),
    main: mainThreadScheduleOf(processes.node),
    chain: cpuSecondsOf(processes.chain),
    self: process.cpuUsage(),
  });
  const before = read();
  return (credentials, seconds) => {
    const after = read();
    if (before.node === undefined || after.node === undefined || before.main === undefined || after.main === undefined) return "";
    const us = (s: number) => `${Math.round((s * 1e6) / credentials).toLocaleString("en-US")} µs`;
    const ran = after.main.ran - before.main.ran;
    const waited = after.main.waited - before.main.waited;
    const self = (after.self.user + after.self.system - before.self.user - before.self.system) / 1e6;
    const chainSeconds = before.chain !== undefined && after.chain !== undefined ? after.chain - before.chain : undefined;
    const chain = chainSeconds === undefined ? "" : `, the chain (anvil) ${us(chainSeconds)}`;
    const allSeconds = after.node - before.node + (chainSeconds ?? 0) + self;
    return (
      `the node ${us(after.node - before.node)}: its event loop ran ${us(ran)} and waited ${us(waited)} for a core ` +
      `(idle ${Math.max(0, Math.round((1 - (ran + waited) / seconds) * 100))}% of the time), its other threads ` +
      `(document workers, V8's platform threads: its collector and compiler, SQLite checkpoints, libuv's pool) ${us(after.node - before.node - ran)}` +
      `${chain}, this load generator ${us(self)}; ${cpuCeiling((allSeconds * 1e6) / credentials, CORES)}`
    );
  };
}

/**
 * Accepts `count` credentials on a fresh node profiled with `--cpu-prof`, and prints its main thread's time per
 * credential by stage, from the first credential accepted to the last (the batches and transactions meanwhile
 * included). The profiler slows the node a little: the rate is the unprofiled run's.
 */
export async function benchCredentialProfile(count: number): Promise<void> {
  // Outside the node's folder: the profiles are written as the node exits, and read once it has stopped.
  const profiles = await mkdtemp(path.join(os.tmpdir(), "certledger-bench-profile-"));
  try {
    await withFreshNode({ NODE_PROFILE_ARGS: `--cpu-prof --cpu-prof-dir=${profiles}` }, ({ api, demo }) =>
      benchCredentialAcceptance({ api, authority: demo.parties.KG.authorities[0], party: "KG", count }),
    );
    // The main thread's profile is the largest (workers write their own, smaller ones).
    const files = await Promise.all(
      (await readdir(profiles)).map(async (name) => ({ name, size: (await stat(path.join(profiles, name))).size })),
    );
    const [main, ...workers] = files.sort((a, b) => b.size - a.size);
    const profile = JSON.parse(await readFile(path.join(profiles, main.name), "utf8"));
    report(`  where the node's threads spent their time, per credential (node --cpu-prof, ${count} credentials):`);
    for (const line of breakdown(profile, count)) report(`    ${line}`);
    // The document workers sealed the credentials (signing, hashing, encrypting): each its share, per credential of all.
    let worker = 0;
    for (const file of workers) {
      const text = await readFile(path.join(profiles, file.name), "utf8");
      if (!text.includes('"sealCredentials"')) continue;
      const lines = breakdown(JSON.parse(text), count, "sealCredentials", `document worker ${++worker}`);
      for (const line of lines.filter((line) => !/^\s+0 µs/.test(line))) report(`    ${line}`);
    }
  } finally {
    await rm(profiles, { recursive: true, force: true });
  }
}

/**
 * Accepts `warm` credentials on a fresh node run with `--perf-basic-prof`, then `count` more while `perf` samples every
 * thread of it, and prints where the CPU went per credential, by thread and by part (bench/native-profile.ts): the
 * warm round lets V8 compile the code first, as on a node that has run for a while.
 */
export async function benchCredentialNativeProfile(warm: number, count: number): Promise<void> {
  const unavailable = perfUnavailable();
  if (unavailable) {
    report(`  where the node's CPU went, every thread (perf): not measured, ${unavailable}`);
    return;
  }
  await withFreshNode({ NODE_PROFILE_ARGS: "--perf-basic-prof" }, async ({ node, dataDir, api, demo }) => {
    const pid = node.child.pid!;
    const options = { api, authority: demo.parties.KG.authorities[0], party: "KG" };
    try {
      await acceptAndAnchor(options, warm, "PERF-WARM");
      const samples = path.join(dataDir, "perf.data");
      await sampleWhile(pid, samples, () => acceptAndAnchor(options, count, "PERF"));
      report(`  where the node's CPU went, every thread, per credential (perf, ${count} credentials after ${warm}):`);
      for (const line of nativeBreakdown(await readSamples(samples), pid, count)) report(`    ${line}`);
    } finally {
      // perf's names of the node's compiled functions, written by --perf-basic-prof.
      await rm(path.join(os.tmpdir(), `perf-${pid}.map`), { force: true });
    }
  });
}

/** Posts `count` credentials and waits until all are anchored. */
async function acceptAndAnchor(
  options: { api: string; authority: { id: number; name: string; token: string }; party: string },
  count: number,
  label: string,
): Promise<void> {
  const before = await anchoredCount(options.api);
  const accepted = (await postServerSignedCredentials(options.api, options.authority, options.party, count, label)).length;
  while ((await anchoredCount(options.api)) - before < accepted) await new Promise((resolve) => setTimeout(resolve, 50));
}
