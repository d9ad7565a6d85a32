import type Database from "better-sqlite3";
import { CertLedgerError, isCertLedgerError, type CertLedgerErrorCode } from "../errors";
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
import { REQUEST_COLUMNS, toRequest, type RecordedError, type RequestRow } from "./outbox-rows";
import { GroupCommit, type GroupOutcome } from "../sqlite-group-commit";

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

/** A change of queued requests: a transient failure retried at `retryAt`, or a failure for good. */
type QueuedChange = { error: RecordedError } & ({ retryAt: number } | { failed: true });

/** What {@link RequestStore.enqueue} refuses a request for, before writing anything of it. */
const REFUSALS: ReadonlySet<CertLedgerErrorCode> = new Set(["IDEMPOTENCY_KEY_REUSED", "REQUEST_CONFLICT"]);

const DEFAULT_LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 1000;
// SQLite's default limit on host parameters is 32766; updates of many rows go in chunks well below it.
const CHUNK = 500;

/**
 * The request queue: one row per certificate accepted for anchoring, from the moment it is durable (before the API's
 * 202) until the ledger holds it. Accepting is idempotent by certHash and by the authority's idempotency key; the
 * batcher reads payloads to upload and groups of requests ready to anchor. What is sent is the submission log's
 * (submission-store.ts).
 */
export class RequestStore {
  readonly #db: Database.Database;
  readonly #check: () => void;
  readonly #grouped: GroupCommit<ValidAnchorRequestInput, { request: AnchorRequest; created: boolean }>;
  readonly #byCertHash: Database.Statement<[string], RequestRow>;
  readonly #byKey: Database.Statement<[number, string], RequestRow>;
  readonly #insert: Database.Statement<unknown[]>;
  readonly #insertJws: Database.Statement<[number | bigint, string]>;
  readonly #pendingUploadSizes: Database.Statement<[number], { seq: number; cert_hash: string; size: number; attempts: number }>;
  readonly #payloadOf: Database.Statement<[number], { payload: Buffer }>;

  constructor(db: Database.Database, check: () => void) {
    this.#db = db;
    this.#check = check;
    this.#byCertHash = db.prepare(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE cert_hash = ?`);
    this.#byKey = db.prepare(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE authority_id = ? AND idempotency_key = ?`);
    this.#insert = db.prepare(
      `INSERT INTO requests (cert_hash, authority_id, cert_type, valid_until, number_hash, idempotency_key, payload,
        payload_type, status, ready_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
    );
    this.#insertJws = db.prepare("INSERT INTO request_jws (seq, jws) VALUES (?, ?)");
    this.#pendingUploadSizes = db.prepare(
      `SELECT seq, cert_hash, length(payload) AS size, attempts FROM requests
       WHERE status = 'queued' AND payload IS NOT NULL AND next_attempt_at <= ? ORDER BY seq`,
    );
    this.#payloadOf = db.prepare("SELECT payload FROM requests WHERE seq = ?");
    this.#grouped = new GroupCommit(db, (inputs) =>
      inputs.map((input): GroupOutcome<{ request: AnchorRequest; created: boolean }> => {
        try {
          return { ok: this.#enqueueOne(input) };
        } catch (error) {
          // A refusal comes before its request writes anything, so the others of the group stand. Any other failure
          // may come after a write (the row without its JWS): it fails the whole group, whose transaction rolls back.
          // Not a savepoint per request, which cost ~2% of the accept rate (bench/credential-acceptance.ts, warm).
          if (isCertLedgerError(error) && REFUSALS.has(error.code)) return { error };
          throw error;
        }
      }),
    );
  }

  /** Commits the grouped enqueues still waiting for their turn (before the file is closed). */
  flush(): void {
    this.#grouped.flush();
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
   * all of them, made off the event loop (src/sqlite-group-commit.ts), so that concurrent submissions (an HTTP
   * server's) do not each wait for the disk. Resolves once the request is durable; a conflict rejects only its own
   * request.
   */
  enqueueGrouped(input: AnchorRequestInput): Promise<{ request: AnchorRequest; created: boolean }> {
    const valid = parseAnchorRequestInput(input);
    this.#check();
    return this.#grouped.add(valid);
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
    const { lastInsertRowid: seq } = this.#insert.run(
      input.certHash,
      input.authorityId,
      input.certType,
      input.validUntil.toString(),
      input.numberHash,
      input.idempotencyKey ?? null,
      input.payload ? Buffer.from(input.payload.bytes.buffer, input.payload.bytes.byteOffset, input.payload.bytes.byteLength) : null,
      input.payload?.contentType ?? null,
      // Without a payload there is nothing to upload: it can be anchored at once.
      input.payload ? null : now,
      now,
      now,
    );
    // In the same transaction: a request is never durable without its credential.
    if (input.jws !== undefined) this.#insertJws.run(seq, input.jws);
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
      .prepare<[string], { jws: string }>("SELECT j.jws FROM requests r JOIN request_jws j ON j.seq = r.seq WHERE r.cert_hash = ?")
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

  // ---------------------------------------------------------------- the batcher's side of the queue

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
    // Sizes first, payloads after: the rows of uploads in progress (up to a whole upload batch) are passed over
    // without reading their bytes (length() of a blob reads its record's header, not the blob).
    const rows = this.#pendingUploadSizes.iterate(now);
    const chosen: { seq: number; certHash: string; attempts: number }[] = [];
    let bytes = 0;
    for (const row of rows) {
      if (chosen.length >= limit) break;
      if (excluding.has(row.cert_hash)) continue;
      if (chosen.length > 0 && bytes + row.size > maxBytes) break;
      bytes += row.size;
      chosen.push({ seq: row.seq, certHash: row.cert_hash, attempts: row.attempts });
    }
    return chosen.map(({ seq, certHash, attempts }) => ({ certHash, bytes: new Uint8Array(this.#payloadOf.get(seq)!.payload), attempts }));
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
  recordRetry(certHashes: readonly string[], error: RecordedError, nextAttemptAt: number): void {
    this.#updateQueued(certHashes, { error, retryAt: nextAttemptAt });
  }

  /** Fails queued requests for good (e.g. NO_SIGNER). */
  fail(certHashes: readonly string[], error: RecordedError): void {
    this.#updateQueued(certHashes, { error, failed: true });
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
  ready(authorityId: number, certType: number, now: number, limit: number): AnchorRequest[] {
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

  #updateQueued(certHashes: readonly string[], change: QueuedChange): void {
    this.#check();
    const now = Date.now();
    const set =
      "failed" in change
        ? "status = 'failed', payload = NULL, error_code = ?, error_message = ?"
        : "attempts = attempts + 1, next_attempt_at = ?, error_code = ?, error_message = ?";
    const values =
      "failed" in change
        ? [change.error.code, change.error.message]
        : [Math.trunc(change.retryAt), change.error.code, change.error.message];
    this.#db.transaction(() => {
      for (let i = 0; i < certHashes.length; i += CHUNK) {
        const chunk = certHashes.slice(i, i + CHUNK);
        this.#db
          .prepare(
            `UPDATE requests SET ${set}, updated_at = ? WHERE status = 'queued' AND cert_hash IN (${chunk.map(() => "?").join(", ")})`,
          )
          .run(...values, now, ...chunk);
      }
    })();
  }
}
