/**
 * Where a node's CPU went, on every thread, from Linux's `perf` sampling the whole process: the event loop, the
 * document workers, the manifest and IPFS writer threads, SQLite's checkpoint thread, V8's platform threads (its
 * collector and compiler) and libuv's pool, each split by what it ran: SQLite's statements and commits (native code
 * and the system calls under them), garbage collection, OpenSSL, JSON, the kernel, and JavaScript by file.
 *
 * V8's own profile (profile-breakdown.ts) sees only JavaScript on one thread, on the wall's clock: a SQLite commit
 * waiting for a core counts as SQLite there, and the collector's threads are not seen at all. This is CPU time only.
 * The node must run with `--perf-basic-prof`, so that perf can name its JIT-compiled functions (/tmp/perf-<pid>.map).
 * Where perf cannot sample (another system, no permission), it says so and the bench goes on.
 */
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { STAGES } from "./profile-breakdown";

/** perf's sampling rate (Hz): a prime, away from the kernel's and V8's timers. */
const SAMPLE_HZ = 997;

/** One sample: the thread it hit and its call stack, leaf first (each frame its symbol and its file: binary or map). */
export interface Sample {
  tid: number;
  frames: { symbol: string; file: string }[];
}

/** Why perf cannot sample processes here, or undefined when it can. */
export function perfUnavailable(): string | undefined {
  const probe = spawnSync("perf", ["record", "-q", "-F", String(SAMPLE_HZ), "-o", "/dev/null", "--", "true"], { encoding: "utf8" });
  if (probe.error) return `perf is not installed (${probe.error.message})`;
  if (probe.status !== 0) return `perf cannot sample here: ${(probe.stderr || "").trim().split("\n")[0]}`;
  return undefined;
}

/** Samples process `pid` (every thread, with call stacks) into `file` while `work` runs; returns what `work` returned. */
export async function sampleWhile<T>(pid: number, file: string, work: () => Promise<T>): Promise<T> {
  const perf = spawn("perf", ["record", "-q", "-F", String(SAMPLE_HZ), "-g", "-o", file, "-p", String(pid)], { stdio: "ignore" });
  const exited = new Promise<number | null>((resolve) => perf.once("exit", resolve));
  // perf attaches to each thread in turn: what ran before it had would be missed, so it gets a moment.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  try {
    return await work();
  } finally {
    perf.kill("SIGINT");
    await exited;
  }
}

/** Reads perf's samples from `file`. */
export async function readSamples(file: string): Promise<Sample[]> {
  const script = spawn("perf", ["script", "-i", file, "-F", "tid,ip,sym,dso"], { stdio: ["ignore", "pipe", "ignore"] });
  return parseSamples(createInterface({ input: script.stdout }));
}

/**
 * The samples in `perf script -F tid,ip,sym,dso`'s lines: each sample a line with its thread's id, then one line per
 * frame, leaf first ("<address> <symbol> (<file>)"), then an empty line.
 */
export async function parseSamples(lines: AsyncIterable<string> | Iterable<string>): Promise<Sample[]> {
  const samples: Sample[] = [];
  let current: Sample | undefined;
  for await (const line of lines) {
    if (line.trim() === "") {
      if (current) samples.push(current);
      current = undefined;
    } else if (!/^\s/.test(line) || /^\s+\d+\s*$/.test(line)) {
      current = { tid: Number(line.trim().split(/\s+/)[0]), frames: [] };
    } else if (current) {
      // "\t<address> <symbol> (<file>)"
      const match = /^\s*[0-9a-f]+\s+(.*?)(?:\s+\((.*)\))?$/.exec(line);
      if (match) current.frames.push({ symbol: match[1], file: match[2] ?? "" });
    }
  }
  if (current) samples.push(current);
  return samples;
}

/** What a thread of the node is, told by the code it runs. */
const THREAD_ROLES: [role: string, pattern: RegExp][] = [
  ["document workers (sealing, composing batches)", /documents\/|piscina/],
  ["manifest thread (index's batch members)", /index\/manifest-/],
  ["IPFS writer thread (blocks and pins)", /pinned-dags/],
  ["SQLite checkpoint thread", /sqlite-checkpoint-worker/],
  ["chain state dump thread", /state-dump/],
];

/** What a sample ran, first match wins, each a test on its whole stack (symbols joined) or on its leaf. */
const NATIVE_PARTS: [part: string, test: (stack: string, leaf: string) => boolean][] = [
  [
    "garbage collection",
    (s) => /Scaveng|ConcurrentMarking|MarkCompact|Sweeper|Heap::CollectGarbage|ArrayBufferSweeper|MinorMark|IncrementalMarking/.test(s),
  ],
  [
    "SQLite: commits (WAL frames, checkpoints, syncs)",
    (s) =>
      /better_sqlite3/.test(s) &&
      /sqlite3WalFrames|pagerWalFrames|walWriteOneFrame|walCheckpoint|PagerCommitPhase|sqlite3PagerSync|fdatasync|fsync/.test(s),
  ],
  ["SQLite: statements", (s) => /better_sqlite3/.test(s)],
  ["V8 compiling", (s) => /compiler::|Maglev|Turbofan|Compiler::Compile|BytecodeGenerator|v8::internal::Parser::|BaselineCompiler/.test(s)],
  ["JSON parse and stringify", (s) => /JsonParser|JsonStringifier/.test(s)],
  ["messages between threads (structured clone)", (s) => /ValueSerializer|ValueDeserializer/.test(s)],
  [
    "OpenSSL (ECDSA, AES-GCM, SHA-256, random)",
    (_, leaf) => /nistz256|ecdsa|ECDSA|BN_|bn_|ossl_ec|ec_GFp|sha256_block|aes|gcm_|GCM|EVP_|RAND_|CRYPTO_|OPENSSL_/.test(leaf),
  ],
  [
    "memory allocation (malloc, free)",
    (_, leaf) => /^(_int_malloc|_int_free|malloc|cfree|free|unlink_chunk|malloc_consolidate|__libc_malloc)/.test(leaf),
  ],
];

/** The breakdown of `samples` of process `pid` per unit of work (µs of CPU per unit, by thread and part). */
export function nativeBreakdown(samples: readonly Sample[], pid: number, units: number): string[] {
  const roleOf = threadRoles(samples, pid);
  const byRole = new Map<string, Map<string, number>>();
  for (const sample of samples) {
    const role = roleOf.get(sample.tid)!;
    const parts = byRole.get(role) ?? new Map<string, number>();
    byRole.set(role, parts);
    const part = partOf(sample);
    parts.set(part, (parts.get(part) ?? 0) + 1);
  }
  const us = (n: number) => (n * 1e6) / SAMPLE_HZ / units;
  const total = samples.length;
  const lines = [`all threads: ${us(total).toFixed(0)} µs of CPU per unit (${units} units, ${total} samples at ${SAMPLE_HZ} Hz)`];
  const roles = [...byRole].map(([role, parts]) => ({ role, parts, n: [...parts.values()].reduce((a, b) => a + b, 0) }));
  for (const { role, parts, n } of roles.sort((a, b) => b.n - a.n)) {
    if (us(n) < 1) continue;
    lines.push(`${us(n).toFixed(0).padStart(6)} µs  ${role}`);
    for (const [part, m] of [...parts].sort((a, b) => b[1] - a[1]))
      if (us(m) >= 2) lines.push(`    ${us(m).toFixed(0).padStart(6)} µs  ${part}`);
  }
  return lines;
}

/** Each thread's role: the event loop is the process's own id; a worker is told by its code, a native thread by its stacks. */
function threadRoles(samples: readonly Sample[], pid: number): Map<number, string> {
  const symbolsOf = new Map<number, string[]>();
  for (const { tid, frames } of samples) {
    const symbols = symbolsOf.get(tid) ?? [];
    symbolsOf.set(tid, symbols);
    for (const frame of frames) symbols.push(frame.symbol);
  }
  const roles = new Map<number, string>();
  for (const [tid, symbols] of symbolsOf) roles.set(tid, tid === pid ? "event loop (main thread)" : roleOf(symbols));
  return roles;
}

/** A thread's role from the symbols of all its samples: its JavaScript's files first, then its native stacks. */
function roleOf(symbols: string[]): string {
  const files = symbols.filter((symbol) => symbol.startsWith("JS:"));
  const coded = THREAD_ROLES.find(([, pattern]) => files.some((file) => pattern.test(file)))?.[0];
  if (coded) return coded;
  if (symbols.some((symbol) => /PlatformWorkerThread/.test(symbol))) return "V8's platform threads (collector, compiler)";
  if (symbols.some((symbol) => symbol === "worker" || /uv__work|uv__fs_work|ThreadPoolWork/.test(symbol))) {
    return "libuv's thread pool (file syncs, crypto jobs)";
  }
  return "other threads";
}

/** What `sample` ran: a native part, or the first JavaScript frame's stage (profile-breakdown.ts), or the kernel's. */
function partOf(sample: Sample): string {
  const stack = sample.frames.map((f) => `${f.symbol} ${f.file}`).join(" ");
  const leaf = sample.frames[0]?.symbol ?? "";
  const native = NATIVE_PARTS.find(([, test]) => test(stack, leaf));
  if (native) return native[0];
  const js = sample.frames.find((f) => f.symbol.startsWith("JS:"));
  if (js) {
    const where = /(\/\S+?\.[cm]?[jt]s|node:\S+)/.exec(js.symbol)?.[1] ?? js.symbol;
    return `JavaScript: ${STAGES.find(([, pattern]) => pattern.test(where))?.[0] ?? "other (Node, libraries)"}`;
  }
  if (sample.frames[0]?.file.includes("kernel")) return "kernel (system calls, page faults) outside SQLite";
  return "other native code (V8's runtime, Node, libuv)";
}
