/**
 * What the scale bench (bench/scale.ts) keeps on disk so that a run stopped half-way resumes: a small progress file,
 * and the certHashes anchored in fixed-width lines (one per certificate, in submission order), read back one at a time
 * by position so the bench never holds a million of them in memory.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";

/**
 * A certificate of the run: a batch-lane certificate by its position (0, 1, …); position m of direct lane k (of
 * {@link DIRECT_LANES}) as -(1 + m × DIRECT_LANES + k). The bench remembers only the few it verified or changed.
 */
export type CertRef = number;

/** How many direct lanes there are (bench/scale-anchoring.ts): one issuer and type each. */
export const DIRECT_LANES = 3;

/** The reference of direct lane `lane`'s certificate `position`. */
export function directRef(lane: number, position: number): CertRef {
  return -1 - (position * DIRECT_LANES + lane);
}

/** The lane and position of a direct lane's certificate. */
export function directPosition(ref: CertRef): { lane: number; position: number } {
  const code = -1 - ref;
  return { lane: code % DIRECT_LANES, position: Math.floor(code / DIRECT_LANES) };
}

/** The figures measured at one checkpoint (a number of certificates anchored). */
export type CheckpointFigures = Record<string, number | string>;

/** Everything a resumed run needs to know. */
export interface ProgressState {
  certificates: number;
  /** Tells this run's documents from another's (their bytes, so their hashes, include it). */
  runId: string;
  /** Every certificate's expiry: a request sent again after a restart must be the same request. */
  validUntil: string;
  /** Batch-lane certificates accepted, all those before this position included. */
  batchSubmitted: number;
  /** Each direct lane's certificates accepted (each anchored before the lane sends its next). */
  direct: number[];
  /** Of them, those the node anchored in a batch after all (another arrived within its wait). */
  directBatched: number;
  /** Seconds spent anchoring (from a segment's first request to its last certificate anchored), summed. */
  anchorSeconds: number;
  /** Certificates anchored when anchorSeconds was last added to (the rate's numerator). */
  anchoredTimed: number;
  revoked: CertRef[];
  suspended: CertRef[];
  /** Verified at a checkpoint, so never "verified for the first time" again. */
  verified: CertRef[];
  checkpoints: Record<string, CheckpointFigures>;
  /** The end's figures (index build, restart, disk), once measured. */
  final?: CheckpointFigures;
  /** How often the run was started on this folder. */
  starts: number;
}

/** The progress file: read at start, written (atomically) whenever something worth resuming from happened. */
export class Progress {
  readonly file: string;
  state: ProgressState;

  private constructor(file: string, state: ProgressState) {
    this.file = file;
    this.state = state;
  }

  /** Opens `dir`'s progress file, or starts one for `certificates` certificates. */
  static open(dir: string, certificates: number): Progress {
    const file = path.join(dir, "progress.json");
    if (existsSync(file)) {
      const state = JSON.parse(readFileSync(file, "utf8")) as ProgressState;
      if (state.certificates !== certificates) {
        throw new Error(`${file} is a run of ${state.certificates} certificates, not ${certificates}: remove it or set BENCH_SCALE_DIR`);
      }
      state.starts++;
      return new Progress(file, state);
    }
    return new Progress(file, {
      certificates,
      runId: Date.now().toString(36),
      validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z"),
      batchSubmitted: 0,
      direct: Array.from({ length: DIRECT_LANES }, () => 0),
      directBatched: 0,
      anchorSeconds: 0,
      anchoredTimed: 0,
      revoked: [],
      suspended: [],
      verified: [],
      checkpoints: {},
      starts: 1,
    });
  }

  /** Certificates accepted so far by the direct lanes. */
  get directSubmitted(): number {
    return this.state.direct.reduce((sum, count) => sum + count, 0);
  }

  /** Certificates accepted so far, all lanes. */
  get submitted(): number {
    return this.state.batchSubmitted + this.directSubmitted;
  }

  save(): void {
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.state));
    renameSync(`${this.file}.tmp`, this.file);
  }
}

const LINE = 67; // "0x" + 64 hex digits + "\n"

/** A file of certHashes, one fixed-width line per position, written and read at any position. */
export class HashLog {
  readonly #fd: number;

  constructor(file: string) {
    this.#fd = openSync(file, existsSync(file) ? "r+" : "w+");
  }

  /** Writes the hash of certificate `position`. */
  write(position: number, certHash: string): void {
    if (!/^0x[0-9a-f]{64}$/.test(certHash)) throw new Error(`not a certHash: ${certHash}`);
    writeSync(this.#fd, `${certHash}\n`, position * LINE, "latin1");
  }

  /** The hash of certificate `position`. */
  read(position: number): string {
    const buffer = Buffer.alloc(LINE - 1);
    readSync(this.#fd, buffer, 0, LINE - 1, position * LINE);
    const hash = buffer.toString("latin1");
    if (!/^0x[0-9a-f]{64}$/.test(hash)) throw new Error(`no certHash recorded at position ${position}`);
    return hash;
  }

  close(): void {
    closeSync(this.#fd);
  }
}
