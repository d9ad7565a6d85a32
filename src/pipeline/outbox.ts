import Database from "better-sqlite3";
import { CertLedgerError } from "../errors";
import type { BatchMember } from "../merkle/batch";
import {
  ANCHOR_REQUEST_STATUSES,
  parseAnchorRequestInput,
  type AnchorRequest,
  type AnchorRequestInput,
  type AnchorRequestStatus,
  type ListOptions,
  type ValidAnchorRequestInput,
} from "./anchor-request";
import { MIGRATIONS } from "./outbox-schema";
import { openSqliteFile } from "../sqlite-file";

/** A transaction the batcher sends: a Merkle batch, or one certificate anchored on its own. */
export interface Submission {
  id: number;
  kind: "direct" | "batch";
  authorityId: number;
  certType: number;
  /** The batch's Merkle root (batches only). */
  root?: string;
  leafCount: number;
  /** The batch manifest's CID (batches only). */
  manifestCid?: string;
  /** The chain's height before the first send: its event is at or after this block. */
  fromBlock: number;
  status: "submitted" | "anchored" | "failed";
  txHash?: string;
  blockNumber?: number;
  /** The hash of block `blockNumber` when it was recorded (anchored submissions whose receipt was read). */
  blockHash?: string;
  attempts: number;
  /** When a transient failure may be retried (ms since the epoch). */
  nextAttemptAt: number;
  error?: { code: string; message: string };
}

/** Where a submission is on chain, as far as known. */
export interface AnchorPosition {
  txHash?: string;
  blockNumber?: number;
  blockHash?: string;
}

/** A submission to record: what it anchors, fixed before it is sent. */
export interface NewSubmission {
  kind: "direct" | "batch";
  authorityId: number;
  certType: number;
  root?: string;
  manifestCid?: string;
  fromBlock: number;
  /** The certificates it anchors, each with its Merkle proof in a batch. */
  members: { certHash: string; proof?: string[] }[];
}

/** Queued requests of one authority and type that can be anchored now. */
export interface ReadyGroup {
  authorityId: number;
  certType: number;
  count: number;
  /** When the oldest of them became ready (ms since the epoch). */
  oldestReadyAt: number;
}

/** A payload waiting to go to IPFS. */
export interface PendingUpload {
  certHash: string;
  bytes: Uint8Array;
  attempts: number;
}

/** An error as the outbox records it. */
export interface RecordedError {
  code: string;
  message: string;
}

interface RequestRow {
  seq: number;
  cert_hash: string;
  authority_id: number;
  cert_type: number;
  valid_until: string;
  number_hash: string;
  idempotency_key: string | null;
  payload_cid: string | null;
  status: AnchorRequestStatus;
  batch_root: string | null;
  proof: string | null;
  tx_hash: string | null;
  block_number: number | null;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  updated_at: number;
}

interface SubmissionRow {
  id: number;
  kind: "direct" | "batch";
  authority_id: number;
  cert_type: number;
  root: string | null;
  leaf_count: number;
  manifest_cid: string | null;
  from_block: number;
  status: Submission["status"];
  tx_hash: string | null;
  block_number: number | null;
  block_hash: string | null;
  attempts: number;
  next_attempt_at: number;
  error_code: string | null;
  error_message: string | null;
}

// Every column a request is read with, except the payload bytes, which stay in SQLite until IPFS has them.
const REQUEST_COLUMNS = `seq, cert_hash, authority_id, cert_type, valid_until, number_hash, idempotency_key, payload_cid, status,
  batch_root, proof, tx_hash, block_number, attempts, error_code, error_message, created_at, updated_at`;
const DEFAULT_LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 1000;
// SQLite's default limit on host parameters is 32766; updates of many rows go in chunks well below it.
const CHUNK = 500;

/**
 * The durable queue of anchoring requests: one SQLite file in WAL mode with `synchronous=FULL`, so that a request
 * `enqueue` has returned survives a crash or a power cut. It also records what the batcher does with each request —
 * the transaction that anchors it (composed before it is sent), and the outcome — so that a restart can tell, for
 * every request, whether it still has to be sent and exactly what to send. Writes of many rows go in one transaction.
 */
export class Outbox {
  readonly file: string;
  readonly #db: Database.Database;
  #closed = false;
  readonly #grouped: {
    input: ValidAnchorRequestInput;
    resolve: (result: { request: AnchorRequest; created: boolean }) => void;
    reject: (error: unknown) => void;
  }[] = [];
  readonly #byCertHash: Database.Statement<[string], RequestRow>;
  readonly #byKey: Database.Statement<[number, string], RequestRow>;
  readonly #insert: Database.Statement<unknown[]>;
  // Made once: a transaction function nested in another runs as a savepoint (see #commitGrouped).
  readonly #enqueueSavepoint: (input: ValidAnchorRequestInput) => { request: AnchorRequest; created: boolean };

  private constructor(file: string, db: Database.Database) {
    this.file = file;
    this.#db = db;
    this.#byCertHash = db.prepare(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE cert_hash = ?`);
    this.#byKey = db.prepare(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE authority_id = ? AND idempotency_key = ?`);
    this.#insert = db.prepare(
      `INSERT INTO requests (cert_hash, authority_id, cert_type, valid_until, number_hash, idempotency_key, jws, payload,
        payload_type, status, ready_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
    );
    this.#enqueueSavepoint = db.transaction((input: ValidAnchorRequestInput) => this.#enqueueOne(input));
  }

  /** Opens (creating it if needed) the outbox in SQLite file `file`, bringing its schema up to date. */
  static open(file: string): Outbox {
    // FULL syncs the WAL on every commit: an acknowledged request survives a power cut, not only a crash.
    const db = openSqliteFile(file, {
      synchronous: "FULL",
      foreignKeys: true,
      failure: { code: "OUTBOX_UNAVAILABLE", what: "the outbox" },
    });
    try {
      migrate(db, file);
    } catch (error) {
      db.close();
      throw error;
    }
    return new Outbox(file, db);
  }

  /** Closes the file (committing grouped enqueues still waiting for their turn); the outbox cannot be used afterwards. */
  close(): void {
    if (this.#closed) return;
    if (this.#grouped.length > 0) this.#commitGrouped();
    this.#closed = true;
    this.#db.close();
  }

  // ---------------------------------------------------------------- accepting requests

  /**
   * Records `input` durably, or returns the request already recorded for its certHash (`created: false`). The same
   * certHash with another authority, type, validUntil or numberHash is REQUEST_CONFLICT; an idempotency key already
   * used by the authority for another certHash is IDEMPOTENCY_KEY_REUSED.
   */
  enqueue(input: AnchorRequestInput): { request: AnchorRequest; created: boolean } {
    const valid = parseAnchorRequestInput(input);
    this.#check();
    return this.#db.transaction(() => this.#enqueueOne(valid)).immediate();
  }

  /**
   * What {@link enqueue} does, committed together with the other enqueues of the same event-loop turn: one fsync for
   * all of them, so that concurrent submissions (an HTTP server's) do not each wait for the disk. Resolves once the
   * request is durable; a conflict rejects only its own request.
   */
  enqueueGrouped(input: AnchorRequestInput): Promise<{ request: AnchorRequest; created: boolean }> {
    const valid = parseAnchorRequestInput(input);
    this.#check();
    return new Promise((resolve, reject) => {
      this.#grouped.push({ input: valid, resolve, reject });
      if (this.#grouped.length === 1) setImmediate(() => this.#commitGrouped());
    });
  }

  #commitGrouped(): void {
    const group = this.#grouped.splice(0);
    const outcomes: ({ ok: { request: AnchorRequest; created: boolean } } | { error: unknown })[] = [];
    try {
      this.#check();
      this.#db
        .transaction(() => {
          for (const { input } of group) {
            try {
              // A nested transaction is a savepoint: a request refused leaves the others of the group untouched.
              outcomes.push({ ok: this.#enqueueSavepoint(input) });
            } catch (error) {
              outcomes.push({ error });
            }
          }
        })
        .immediate();
    } catch (error) {
      for (const item of group) item.reject(error);
      return;
    }
    group.forEach((item, i) => {
      const outcome = outcomes[i];
      if ("ok" in outcome) item.resolve(outcome.ok);
      else item.reject(outcome.error);
    });
  }

  #enqueueOne(input: ValidAnchorRequestInput): { request: AnchorRequest; created: boolean } {
    if (input.idempotencyKey !== undefined) {
      const keyed = this.#byKey.get(input.authorityId, input.idempotencyKey);
      if (keyed && keyed.cert_hash !== input.certHash) {
        throw new CertLedgerError(
          "IDEMPOTENCY_KEY_REUSED",
          `idempotency key ${JSON.stringify(input.idempotencyKey)} was used for certificate ${keyed.cert_hash}, not ${input.certHash}`,
          { details: { idempotencyKey: input.idempotencyKey, certHash: keyed.cert_hash } },
        );
      }
    }
    const existing = this.#byCertHash.get(input.certHash);
    if (existing) {
      const differ = [
        existing.authority_id !== input.authorityId && "authorityId",
        existing.cert_type !== input.certType && "certType",
        existing.valid_until !== input.validUntil.toString() && "validUntil",
        existing.number_hash !== input.numberHash && "numberHash",
      ].filter((field): field is string => field !== false);
      if (differ.length > 0) {
        throw new CertLedgerError(
          "REQUEST_CONFLICT",
          `certificate ${input.certHash} was already submitted with another ${differ.join(", ")}`,
          { details: { certHash: input.certHash, fields: differ } },
        );
      }
      return { request: toRequest(existing), created: false };
    }
    const now = Date.now();
    this.#insert.run(
      input.certHash,
      input.authorityId,
      input.certType,
      input.validUntil.toString(),
      input.numberHash,
      input.idempotencyKey ?? null,
      input.jws ?? null,
      input.payload ? Buffer.from(input.payload.bytes.buffer, input.payload.bytes.byteOffset, input.payload.bytes.byteLength) : null,
      input.payload?.contentType ?? null,
      // Without a payload there is nothing to upload: it can be anchored at once.
      input.payload ? null : now,
      now,
      now,
    );
    // The row just written, as toRequest would read it back.
    const request: AnchorRequest = {
      certHash: input.certHash,
      authorityId: input.authorityId,
      certType: input.certType,
      validUntil: input.validUntil,
      numberHash: input.numberHash,
      status: "queued",
      attempts: 0,
      createdAt: new Date(now).toISOString(),
      updatedAt: new Date(now).toISOString(),
    };
    return { request, created: true };
  }

  // ---------------------------------------------------------------- reading requests

  /** The request for `certHash`, or undefined. */
  get(certHash: string): AnchorRequest | undefined {
    this.#check();
    const row = this.#byCertHash.get(typeof certHash === "string" ? certHash.toLowerCase() : "");
    return row ? toRequest(row) : undefined;
  }

  /** The request that `authorityId` (or, when left out, any authority) submitted with idempotency key `key`. */
  getByIdempotencyKey(key: string, authorityId?: number): AnchorRequest | undefined {
    this.#check();
    const row =
      authorityId === undefined
        ? this.#db
            .prepare<[string], RequestRow>(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE idempotency_key = ? ORDER BY seq LIMIT 1`)
            .get(key)
        : this.#byKey.get(authorityId, key);
    return row ? toRequest(row) : undefined;
  }

  /** The signed credential kept with the request for `certHash` (credentials only). */
  jwsOf(certHash: string): string | undefined {
    this.#check();
    const row = this.#db
      .prepare<[string], { jws: string | null }>("SELECT jws FROM requests WHERE cert_hash = ?")
      .get(certHash.toLowerCase());
    return row?.jws ?? undefined;
  }

  /** The encrypted payload of `certHash` while it waits for IPFS (afterwards it is there, under the request's payloadCid). */
  pendingPayload(certHash: string): Uint8Array | undefined {
    this.#check();
    const row = this.#db
      .prepare<[string], { payload: Buffer | null }>("SELECT payload FROM requests WHERE cert_hash = ?")
      .get(certHash.toLowerCase());
    return row?.payload ? new Uint8Array(row.payload) : undefined;
  }

  /** Requests, newest first, optionally of one authority and/or status. */
  list(options: ListOptions = {}): AnchorRequest[] {
    this.#check();
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_LIST_LIMIT), 0), MAX_LIST_LIMIT);
    const offset = Math.max(Math.trunc(options.offset ?? 0), 0);
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (options.authorityId !== undefined) {
      where.push("authority_id = ?");
      params.push(options.authorityId);
    }
    if (options.status !== undefined) {
      where.push("status = ?");
      params.push(options.status);
    }
    const sql = `SELECT ${REQUEST_COLUMNS} FROM requests ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq DESC LIMIT ? OFFSET ?`;
    return this.#db
      .prepare<(string | number)[], RequestRow>(sql)
      .all(...params, limit, offset)
      .map(toRequest);
  }

  /** How many requests are in each status. */
  counts(): Record<AnchorRequestStatus, number> {
    this.#check();
    const counts = Object.fromEntries(ANCHOR_REQUEST_STATUSES.map((status) => [status, 0])) as Record<AnchorRequestStatus, number>;
    const rows = this.#db
      .prepare<[], { status: AnchorRequestStatus; n: number }>("SELECT status, count(*) AS n FROM requests GROUP BY status")
      .all();
    for (const { status, n } of rows) counts[status] = n;
    return counts;
  }

  /** How many requests are queued and submitted (cheaper than {@link counts}: it does not count the anchored). */
  pendingCounts(): { queued: number; submitted: number } {
    this.#check();
    const count = this.#db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM requests WHERE status = ?");
    return { queued: count.get("queued")!.n, submitted: count.get("submitted")!.n };
  }

  /** The batched certificate `certHash` with its stored Merkle proof (and payload CID), once its batch is anchored. */
  member(certHash: string): BatchMember | undefined {
    const request = this.get(certHash);
    if (request?.status !== "anchored" || request.batchRoot === undefined || request.proof === undefined) return undefined;
    const { batchRoot: root, numberHash, validUntil, proof, payloadCid } = request;
    const member: BatchMember = { root, authorityId: request.authorityId, certHash: request.certHash, numberHash, validUntil, proof };
    if (payloadCid !== undefined) member.payloadCid = payloadCid;
    return member;
  }

  // ---------------------------------------------------------------- the batcher's bookkeeping

  /**
   * Up to `limit` payloads due for upload to IPFS, oldest first, leaving out `excluding` (uploads in progress), and
   * no more than `maxBytes` of them together (but always one, however large).
   */
  pendingUploads(
    now: number,
    limit: number,
    excluding: ReadonlySet<string> = new Set(),
    maxBytes = Number.POSITIVE_INFINITY,
  ): PendingUpload[] {
    this.#check();
    const rows = this.#db
      .prepare<[number], { cert_hash: string; payload: Buffer; attempts: number }>(
        `SELECT cert_hash, payload, attempts FROM requests
         WHERE status = 'queued' AND payload IS NOT NULL AND next_attempt_at <= ? ORDER BY seq`,
      )
      .iterate(now);
    const uploads: PendingUpload[] = [];
    let bytes = 0;
    // Rows are read one at a time: leaving the loop early reads no further payloads.
    for (const row of rows) {
      if (uploads.length >= limit) break;
      if (excluding.has(row.cert_hash)) continue;
      if (uploads.length > 0 && bytes + row.payload.byteLength > maxBytes) break;
      bytes += row.payload.byteLength;
      uploads.push({ certHash: row.cert_hash, bytes: new Uint8Array(row.payload), attempts: row.attempts });
    }
    return uploads;
  }

  /** Records payload CIDs: each request drops its bytes and becomes ready to anchor. */
  recordPayloads(results: readonly { certHash: string; cid: string }[]): void {
    this.#check();
    const now = Date.now();
    const update = this.#db.prepare(
      `UPDATE requests SET payload_cid = ?, payload = NULL, ready_at = ?, attempts = attempts + 1, error_code = NULL,
         error_message = NULL, updated_at = ? WHERE cert_hash = ? AND status = 'queued' AND payload IS NOT NULL`,
    );
    this.#db.transaction(() => {
      for (const { certHash, cid } of results) update.run(cid, now, now, certHash);
    })();
  }

  /** Records a transient failure of queued requests: they stay queued and are retried at `nextAttemptAt`. */
  recordRequestRetry(certHashes: readonly string[], error: RecordedError, nextAttemptAt: number): void {
    this.#updateQueued(
      certHashes,
      `attempts = attempts + 1, next_attempt_at = ${Math.trunc(nextAttemptAt)}, error_code = ?, error_message = ?`,
      error,
    );
  }

  /** Fails queued requests for good (e.g. NO_SIGNER). */
  failRequests(certHashes: readonly string[], error: RecordedError): void {
    this.#updateQueued(certHashes, "status = 'failed', payload = NULL, error_code = ?, error_message = ?", error);
  }

  /** The queued requests' groups by (authority, type) that are ready to anchor now. */
  readyGroups(now: number): ReadyGroup[] {
    this.#check();
    return this.#db
      .prepare<[number], ReadyGroup>(
        `SELECT authority_id AS authorityId, cert_type AS certType, count(*) AS count, min(ready_at) AS oldestReadyAt
         FROM requests WHERE status = 'queued' AND ready_at IS NOT NULL AND next_attempt_at <= ?
         GROUP BY authority_id, cert_type ORDER BY oldestReadyAt`,
      )
      .all(now);
  }

  /**
   * Up to `limit` ready requests of one group, oldest first. A request whose number an earlier request (of any
   * authority or type) still waits to anchor is left for later, so that one number's anchorings reach the chain in
   * the order they were accepted (two of them in one batch would be ordered by their hashes).
   */
  readyRequests(authorityId: number, certType: number, now: number, limit: number): AnchorRequest[] {
    this.#check();
    return this.#db
      .prepare<[number, number, number, number], RequestRow>(
        `SELECT ${REQUEST_COLUMNS} FROM requests r
         WHERE status = 'queued' AND authority_id = ? AND cert_type = ? AND ready_at IS NOT NULL AND next_attempt_at <= ?
           AND NOT EXISTS (SELECT 1 FROM requests earlier
                           WHERE earlier.number_hash = r.number_hash AND earlier.seq < r.seq
                             AND earlier.status IN ('queued', 'submitted'))
         ORDER BY ready_at, seq LIMIT ?`,
      )
      .all(authorityId, certType, now, limit)
      .map(toRequest);
  }

  /**
   * Records a submission and moves its members from queued to submitted, in one transaction, before it is sent.
   * Refuses (INVALID_ANCHOR_REQUEST) a member that is not queued: a request is never in two submissions.
   */
  recordSubmission(submission: NewSubmission): Submission {
    this.#check();
    const now = Date.now();
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
            submission.root ?? null,
            submission.members.length,
            submission.manifestCid ?? null,
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
          const { changes } = update.run(
            id,
            submission.root ?? null,
            proof,
            now,
            member.certHash,
            submission.authorityId,
            submission.certType,
          );
          if (changes !== 1) {
            throw new CertLedgerError(
              "INVALID_ANCHOR_REQUEST",
              `certificate ${member.certHash} is not a queued request of authority ${submission.authorityId}, type ${submission.certType}`,
            );
          }
        }
        return this.#submission(id)!;
      })
      .immediate();
  }

  /** Submitted submissions due for another attempt (all of them with `now` = Infinity), leaving out `excluding`. */
  dueSubmissions(now: number, limit: number, excluding: ReadonlySet<number> = new Set()): Submission[] {
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
  submissionMembers(id: number): AnchorRequest[] {
    this.#check();
    return this.#db
      .prepare<[number], RequestRow>(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE submission_id = ? ORDER BY seq`)
      .all(id)
      .map(toRequest);
  }

  /** Counts one more attempt to send submission `id`. */
  recordSendAttempt(id: number): void {
    this.#updateSubmission(id, "attempts = attempts + 1", "attempts = attempts + 1", []);
  }

  /** Records that submission `id` is on chain (in transaction `txHash` of block `blockHash`, when known): its requests are anchored. */
  recordAnchored(id: number, position: AnchorPosition = {}): void {
    const values = [position.txHash ?? null, position.blockNumber ?? null];
    const set = "status = 'anchored', tx_hash = ?, block_number = ?, error_code = NULL, error_message = NULL";
    this.#updateSubmission(id, `${set}, block_hash = ?`, set, [...values, position.blockHash ?? null], values);
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
  reopenSubmission(id: number, fromBlock: number): void {
    this.#updateSubmission(
      id,
      `status = 'submitted', tx_hash = NULL, block_number = NULL, block_hash = NULL, next_attempt_at = 0, from_block = min(from_block, ?)`,
      "status = 'submitted', tx_hash = NULL, block_number = NULL",
      [Math.max(0, Math.trunc(fromBlock))],
      [],
    );
  }

  /** Records that the chain refused submission `id` for good: its requests fail with `error`. */
  recordSubmissionFailed(id: number, error: RecordedError): void {
    const set = "status = 'failed', error_code = ?, error_message = ?";
    this.#updateSubmission(id, set, set, [error.code, error.message]);
  }

  /** Records a transient failure of submission `id`: it is sent again (the same transaction) at `nextAttemptAt`. */
  recordSubmissionRetry(id: number, error: RecordedError, nextAttemptAt: number): void {
    this.#updateSubmission(
      id,
      "next_attempt_at = ?, error_code = ?, error_message = ?",
      "error_code = ?, error_message = ?",
      [Math.trunc(nextAttemptAt), error.code, error.message],
      [error.code, error.message],
    );
  }

  // ---------------------------------------------------------------- internals

  #submission(id: number): Submission | undefined {
    const row = this.#db.prepare<[number], SubmissionRow>("SELECT * FROM submissions WHERE id = ?").get(id);
    return row ? toSubmission(row) : undefined;
  }

  /** One submission's row and its members' rows, changed in one transaction. */
  #updateSubmission(
    id: number,
    submissionSet: string,
    requestSet: string,
    submissionValues: (string | number | null)[],
    requestValues: (string | number | null)[] = submissionValues,
  ): void {
    this.#check();
    const now = Date.now();
    this.#db.transaction(() => {
      this.#db.prepare(`UPDATE submissions SET ${submissionSet}, updated_at = ? WHERE id = ?`).run(...submissionValues, now, id);
      this.#db.prepare(`UPDATE requests SET ${requestSet}, updated_at = ? WHERE submission_id = ?`).run(...requestValues, now, id);
    })();
  }

  #updateQueued(certHashes: readonly string[], set: string, error: RecordedError): void {
    this.#check();
    const now = Date.now();
    this.#db.transaction(() => {
      for (let i = 0; i < certHashes.length; i += CHUNK) {
        const chunk = certHashes.slice(i, i + CHUNK);
        this.#db
          .prepare(
            `UPDATE requests SET ${set}, updated_at = ? WHERE status = 'queued' AND cert_hash IN (${chunk.map(() => "?").join(", ")})`,
          )
          .run(error.code, error.message, now, ...chunk);
      }
    })();
  }

  #check(): void {
    if (this.#closed) throw new CertLedgerError("OUTBOX_UNAVAILABLE", `the outbox ${this.file} is closed`);
  }
}

/** Applies the migrations the file has not had yet; refuses a file written by a newer version. */
function migrate(db: Database.Database, file: string): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new CertLedgerError(
      "OUTBOX_UNAVAILABLE",
      `the outbox ${file} has schema version ${version}; this version of CertLedger knows only up to ${MIGRATIONS.length}`,
    );
  }
  for (let next = version; next < MIGRATIONS.length; next++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[next]);
      db.pragma(`user_version = ${next + 1}`);
    }).immediate();
  }
}

function toRequest(row: RequestRow): AnchorRequest {
  const request: AnchorRequest = {
    certHash: row.cert_hash,
    authorityId: row.authority_id,
    certType: row.cert_type,
    validUntil: BigInt(row.valid_until),
    numberHash: row.number_hash,
    status: row.status,
    attempts: row.attempts,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
  if (row.payload_cid !== null) request.payloadCid = row.payload_cid;
  if (row.batch_root !== null) request.batchRoot = row.batch_root;
  if (row.proof !== null) request.proof = JSON.parse(row.proof) as string[];
  if (row.tx_hash !== null) request.txHash = row.tx_hash;
  if (row.block_number !== null) request.blockNumber = row.block_number;
  if (row.error_code !== null) request.error = { code: row.error_code, message: row.error_message ?? "" };
  return request;
}

function toSubmission(row: SubmissionRow): Submission {
  const submission: Submission = {
    id: row.id,
    kind: row.kind,
    authorityId: row.authority_id,
    certType: row.cert_type,
    leafCount: row.leaf_count,
    fromBlock: row.from_block,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
  };
  if (row.root !== null) submission.root = row.root;
  if (row.manifest_cid !== null) submission.manifestCid = row.manifest_cid;
  if (row.tx_hash !== null) submission.txHash = row.tx_hash;
  if (row.block_number !== null) submission.blockNumber = row.block_number;
  if (row.block_hash !== null) submission.blockHash = row.block_hash;
  if (row.error_code !== null) submission.error = { code: row.error_code, message: row.error_message ?? "" };
  return submission;
}
