import type Database from "better-sqlite3";
import { CertLedgerError } from "../errors";
import type { AnchorRequest } from "./anchor-request";
import {
  REQUEST_COLUMNS,
  toRequest,
  toSubmission,
  type AnchorPosition,
  type NewSubmission,
  type RecordedError,
  type RequestRow,
  type Submission,
  type SubmissionRow,
} from "./outbox-rows";

/**
 * A change of one submission, written to its row and its members' rows in one transaction. Each field names what
 * changes; nothing else does. `null` clears.
 */
interface SubmissionChange {
  status?: Submission["status"];
  /** Where it is on chain (`null`: nowhere, the chain lost it). */
  position?: AnchorPosition | null;
  error?: RecordedError | null;
  /** One more attempt to send it. */
  countAttempt?: true;
  nextAttemptAt?: number;
  /** Its search for the event starts no later than this block. */
  fromBlockAtMost?: number;
}

type Assignments = { sql: string[]; values: (string | number | null)[] };

/** The SET clauses of `change` for the submissions table and for its members in the requests table. */
function assignments(change: SubmissionChange): { submission: Assignments; requests: Assignments } {
  const submission: Assignments = { sql: [], values: [] };
  const requests: Assignments = { sql: [], values: [] };
  const both = (column: string, value: string | number | null) => {
    submission.sql.push(`${column} = ?`);
    submission.values.push(value);
    requests.sql.push(`${column} = ?`);
    requests.values.push(value);
  };
  if (change.status !== undefined) both("status", change.status);
  if (change.position !== undefined) {
    both("tx_hash", change.position?.txHash ?? null);
    both("block_number", change.position?.blockNumber ?? null);
    // Only the submission names its block by hash (the request repeats transaction and block, for reads without a join).
    submission.sql.push("block_hash = ?");
    submission.values.push(change.position?.blockHash ?? null);
  }
  if (change.error !== undefined) {
    both("error_code", change.error?.code ?? null);
    both("error_message", change.error?.message ?? null);
  }
  if (change.countAttempt) {
    submission.sql.push("attempts = attempts + 1");
    requests.sql.push("attempts = attempts + 1");
  }
  if (change.nextAttemptAt !== undefined) {
    submission.sql.push("next_attempt_at = ?");
    submission.values.push(Math.trunc(change.nextAttemptAt));
  }
  if (change.fromBlockAtMost !== undefined) {
    submission.sql.push("from_block = min(from_block, ?)");
    submission.values.push(Math.max(0, Math.trunc(change.fromBlockAtMost)));
  }
  return { submission, requests };
}

/**
 * The submission log: what the batcher sends (a batch or one certificate), composed and written BEFORE it is sent,
 * and its outcome after (the exactly-once rule is in anchoring-engine.ts). Each change of a submission moves its member
 * requests with it, in one transaction.
 */
export class SubmissionStore {
  readonly #db: Database.Database;
  readonly #check: () => void;

  constructor(db: Database.Database, check: () => void) {
    this.#db = db;
    this.#check = check;
  }

  /**
   * Records a submission and moves its members from queued to submitted, in one transaction, before it is sent.
   * Refuses (INVALID_ANCHOR_REQUEST) a member that is not queued: a request is never in two submissions.
   */
  record(submission: NewSubmission): Submission {
    this.#check();
    const now = Date.now();
    const root = submission.kind === "batch" ? submission.root : null;
    const manifestCid = submission.kind === "batch" ? submission.manifestCid : null;
    return this.#db
      .transaction(() => {
        const { lastInsertRowid } = this.#db
          .prepare(
            `INSERT INTO submissions (kind, authority_id, cert_type, root, leaf_count, manifest_cid, from_block, status,
               created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'submitted', ?, ?)`,
          )
          .run(
            submission.kind,
            submission.authorityId,
            submission.certType,
            root,
            submission.members.length,
            manifestCid,
            submission.fromBlock,
            now,
            now,
          );
        const id = Number(lastInsertRowid);
        const update = this.#db.prepare(
          `UPDATE requests SET status = 'submitted', submission_id = ?, batch_root = ?, proof = ?, error_code = NULL,
             error_message = NULL, updated_at = ? WHERE cert_hash = ? AND status = 'queued' AND authority_id = ? AND cert_type = ?`,
        );
        for (const member of submission.members) {
          const proof = member.proof === undefined ? null : JSON.stringify(member.proof);
          const { changes } = update.run(id, root, proof, now, member.certHash, submission.authorityId, submission.certType);
          if (changes !== 1) {
            throw new CertLedgerError(
              "INVALID_ANCHOR_REQUEST",
              `certificate ${member.certHash} is not a queued request of authority ${submission.authorityId}, type ${submission.certType}`,
            );
          }
        }
        return this.#get(id)!;
      })
      .immediate();
  }

  /** Submitted submissions due for another attempt (all of them with `now` = Infinity), leaving out `excluding`. */
  due(now: number, limit: number, excluding: ReadonlySet<number> = new Set()): Submission[] {
    this.#check();
    const rows = this.#db
      .prepare<[number, number], SubmissionRow>(
        `SELECT * FROM submissions WHERE status = 'submitted' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
      )
      .all(Number.isFinite(now) ? now : Number.MAX_SAFE_INTEGER, limit + excluding.size);
    return rows
      .filter((row) => !excluding.has(row.id))
      .slice(0, limit)
      .map(toSubmission);
  }

  /** The requests a submission anchors. */
  members(id: number): AnchorRequest[] {
    this.#check();
    return this.#db
      .prepare<[number], RequestRow>(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE submission_id = ? ORDER BY seq`)
      .all(id)
      .map(toRequest);
  }

  /** Counts one more attempt to send submission `id`. */
  recordSendAttempt(id: number): void {
    this.#update(id, { countAttempt: true });
  }

  /** Records that submission `id` is on chain (in transaction `txHash` of block `blockHash`, when known): its requests are anchored. */
  recordAnchored(id: number, position: AnchorPosition = {}): void {
    this.#update(id, { status: "anchored", position, error: null });
  }

  /**
   * The blocks that hold anchored submissions, below block `below`, highest first (up to `limit`): where a check of the
   * outbox against the chain starts, since a block whose hash still matches vouches for every block under it.
   */
  anchoredBlocks(below: number, limit: number): { blockNumber: number; blockHash: string }[] {
    this.#check();
    return this.#db
      .prepare<[number, number], { blockNumber: number; blockHash: string }>(
        `SELECT DISTINCT block_number AS blockNumber, block_hash AS blockHash FROM submissions
         WHERE status = 'anchored' AND block_hash IS NOT NULL AND block_number < ? ORDER BY block_number DESC LIMIT ?`,
      )
      .all(Math.min(below, Number.MAX_SAFE_INTEGER), limit);
  }

  /** Anchored submissions in a block above `blockNumber`, and those whose block (hash) is not known: the ones to re-check. */
  anchoredAbove(blockNumber: number): Submission[] {
    this.#check();
    return this.#db
      .prepare<[number], SubmissionRow>(
        `SELECT * FROM submissions WHERE status = 'anchored' AND (block_number > ? OR block_hash IS NULL) ORDER BY id`,
      )
      .all(blockNumber)
      .map(toSubmission);
  }

  /**
   * Undoes the anchoring of submission `id`, which the chain no longer holds: it is submitted again (the same
   * transaction, sent at once), its search for the event starting no later than `fromBlock`.
   */
  reopen(id: number, fromBlock: number): void {
    this.#update(id, { status: "submitted", position: null, nextAttemptAt: 0, fromBlockAtMost: fromBlock });
  }

  /** Records that the chain refused submission `id` for good: its requests fail with `error`. */
  recordFailed(id: number, error: RecordedError): void {
    this.#update(id, { status: "failed", error });
  }

  /** Records a transient failure of submission `id`: it is sent again (the same transaction) at `nextAttemptAt`. */
  recordRetry(id: number, error: RecordedError, nextAttemptAt: number): void {
    this.#update(id, { error, nextAttemptAt });
  }

  #get(id: number): Submission | undefined {
    const row = this.#db.prepare<[number], SubmissionRow>("SELECT * FROM submissions WHERE id = ?").get(id);
    return row ? toSubmission(row) : undefined;
  }

  /** Submission `id`'s row and its members' rows, changed as `change` says, in one transaction. */
  #update(id: number, change: SubmissionChange): void {
    this.#check();
    const now = Date.now();
    const { submission, requests } = assignments(change);
    this.#db.transaction(() => {
      this.#db
        .prepare(`UPDATE submissions SET ${submission.sql.join(", ")}, updated_at = ? WHERE id = ?`)
        .run(...submission.values, now, id);
      if (requests.sql.length > 0)
        this.#db
          .prepare(`UPDATE requests SET ${requests.sql.join(", ")}, updated_at = ? WHERE submission_id = ?`)
          .run(...requests.values, now, id);
    })();
  }
}
