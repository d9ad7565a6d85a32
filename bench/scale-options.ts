/** What `npm run bench:scale` (bench/scale.ts) is told by its environment, read once at start. */
import os from "node:os";
import path from "node:path";

/** The scale bench's settings. */
export interface ScaleOptions {
  /** Certificates to anchor in all (BENCH_SCALE_CERTIFICATES, default 1,000,000). */
  certificates: number;
  /** Where the node's data folder, the hash logs and the progress file live; a run started again resumes from them. */
  dir: string;
  /** Requests of 100 certificates in flight at once (BENCH_SCALE_CONCURRENCY, default 4, as bench/api.ts). */
  concurrency: number;
  /** Certificates verified cold at each checkpoint (BENCH_SCALE_VERIFICATIONS, default 500), after 100 to warm up. */
  verifications: number;
  /** Revocations and suspensions, each, per thousand certificates anchored (BENCH_SCALE_STATUS_PER_MILLE, default 2). */
  statusPerMille: number;
  /** Where the figures are measured besides the end: 1k, 10k, 100k and 1M anchored, those below the total. */
  checkpoints: number[];
  /** Keep the data folder after a finished run (BENCH_SCALE_KEEP=1); by default it is removed, the figures printed. */
  keep: boolean;
  /** Start over even when an unfinished run of the same size is in `dir` (BENCH_SCALE_FRESH=1). */
  fresh: boolean;
  /**
   * VERIFY_PROCESSES settings the node is restarted with at the end, each measured in turn on the full folder
   * (BENCH_SCALE_PROCESSES, default "0,2"; "none" measures none).
   */
  processes: number[];
}

/** Reads the scale bench's settings from `env`, failing on a value that is not a positive whole number. */
export function scaleOptions(env: NodeJS.ProcessEnv = process.env): ScaleOptions {
  const certificates = whole(env, "BENCH_SCALE_CERTIFICATES", 1_000_000);
  return {
    certificates,
    dir: path.resolve(env.BENCH_SCALE_DIR || path.join(os.tmpdir(), `certledger-bench-scale-${certificates}`)),
    concurrency: whole(env, "BENCH_SCALE_CONCURRENCY", 4),
    verifications: whole(env, "BENCH_SCALE_VERIFICATIONS", 500),
    statusPerMille: whole(env, "BENCH_SCALE_STATUS_PER_MILLE", 2),
    checkpoints: [...[1_000, 10_000, 100_000, 1_000_000].filter((c) => c < certificates), certificates],
    keep: env.BENCH_SCALE_KEEP === "1",
    fresh: env.BENCH_SCALE_FRESH === "1",
    processes: processSettings(env.BENCH_SCALE_PROCESSES),
  };
}

function processSettings(raw: string | undefined): number[] {
  if (raw === "none") return [];
  const settings = (raw || "0,2").split(",").map((setting) => setting.trim());
  if (settings.some((setting) => !/^\d{1,2}$/.test(setting))) {
    throw new Error(
      `BENCH_SCALE_PROCESSES: must be VERIFY_PROCESSES settings separated by commas (e.g. 0,2) or none, not ${JSON.stringify(raw)}`,
    );
  }
  return settings.map(Number);
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`${name}: must be a whole number ≥ 1, not ${JSON.stringify(raw)}`);
  return Number(raw);
}
