import type Database from "better-sqlite3";
import { CertLedgerError } from "../errors";
import type { BatchMember } from "../merkle/batch";
import type { AnchorRequest, AnchorRequestInput, AnchorRequestStatus, ListOptions } from "./anchor-request";
import { MIGRATIONS } from "./outbox-schema";
import { RequestStore } from "./request-store";
import { SubmissionStore } from "./submission-store";
import { openSqliteFile } from "../sqlite-file";

export type { AnchorPosition, NewSubmission, RecordedError, Submission } from "./outbox-rows";
export type { PendingUpload, ReadyGroup } from "./request-store";

/**
 * The durable outbox of anchoring: one SQLite file in WAL mode with `synchronous=FULL`, so that a request `enqueue`
 * has returned survives a crash or a power cut. Two stores share it, as the chain index's reader and writer share its
 * file:
 * - {@link RequestStore} `requests`: the queue of certificates accepted for anchoring (request-store.ts);
 * - {@link SubmissionStore} `submissions`: the log of what the batcher sends, written before it is sent, and its
 *   outcome (submission-store.ts), so that a restart can tell, for every request, whether it still has to be sent
 *   and exactly what to send. The rule that makes it exactly once is anchoring-engine.ts's.
 * The schema and its migrations are outbox-schema.ts's. The reads the API and the console make are here too.
 */
export class Outbox {
  readonly file: string;
  readonly requests: RequestStore;
  readonly submissions: SubmissionStore;
  readonly #db: Database.Database;
  #closed = false;

  private constructor(file: string, db: Database.Database) {
    this.file = file;
    this.#db = db;
    const check = () => {
      if (this.#closed) throw new CertLedgerError("OUTBOX_UNAVAILABLE", `the outbox ${this.file} is closed`);
    };
    this.requests = new RequestStore(db, check);
    this.submissions = new SubmissionStore(db, check);
  }

  /** Opens (creating it if needed) the outbox in SQLite file `file`, bringing its schema up to date. */
  static open(file: string): Outbox {
    // FULL syncs the WAL on every commit: an acknowledged request survives a power cut, not only a crash.
    const db = openSqliteFile(file, {
      synchronous: "FULL",
      foreignKeys: true,
      schema: (db) => migrate(db, file),
      failure: { code: "OUTBOX_UNAVAILABLE", what: "the outbox" },
    });
    return new Outbox(file, db);
  }

  /** Closes the file (committing grouped enqueues still waiting for their turn); the outbox cannot be used afterwards. */
  close(): void {
    if (this.#closed) return;
    this.requests.flush();
    this.#closed = true;
    this.#db.close();
  }

  // ---------------------------------------------------------------- what the API and the console use

  /** See {@link RequestStore.enqueue}. */
  enqueue(input: AnchorRequestInput): { request: AnchorRequest; created: boolean } {
    return this.requests.enqueue(input);
  }

  /** See {@link RequestStore.enqueueGrouped}. */
  enqueueGrouped(input: AnchorRequestInput): Promise<{ request: AnchorRequest; created: boolean }> {
    return this.requests.enqueueGrouped(input);
  }

  /** The request for `certHash`, or undefined. */
  get(certHash: string): AnchorRequest | undefined {
    return this.requests.get(certHash);
  }

  /** The request that `authorityId` (or, when left out, any authority) submitted with idempotency key `key`. */
  getByIdempotencyKey(key: string, authorityId?: number): AnchorRequest | undefined {
    return this.requests.getByIdempotencyKey(key, authorityId);
  }

  /** The signed credential kept with the request for `certHash` (credentials only). */
  jwsOf(certHash: string): string | undefined {
    return this.requests.jwsOf(certHash);
  }

  /** The encrypted payload of `certHash` while it waits for IPFS. */
  pendingPayload(certHash: string): Uint8Array | undefined {
    return this.requests.pendingPayload(certHash);
  }

  /** Requests, newest first, optionally of one authority and/or status. */
  list(options: ListOptions = {}): AnchorRequest[] {
    return this.requests.list(options);
  }

  /** How many requests are in each status. */
  counts(): Record<AnchorRequestStatus, number> {
    return this.requests.counts();
  }

  /** How many requests are queued and submitted. */
  pendingCounts(): { queued: number; submitted: number } {
    return this.requests.pendingCounts();
  }

  /** The batched certificate `certHash` with its stored Merkle proof (and payload CID), once its batch is anchored. */
  member(certHash: string): BatchMember | undefined {
    return this.requests.member(certHash);
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
