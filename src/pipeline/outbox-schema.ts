/**
 * The outbox's SQLite schema, as migrations applied in order: the database's `user_version` says how many have run.
 * A migration is never edited once released; a change of schema is a new migration at the end.
 *
 * - `requests`: one row per certificate (certHash unique). `seq` keeps arrival order. `ready_at` (ms) is when the
 *   request became anchorable (its payload on IPFS, or at once without one); NULL while its payload waits.
 *   `payload` holds the encrypted bytes only until they are on IPFS. `batch_root`, `tx_hash` and `block_number`
 *   repeat the submission's, so that reading a request needs no join.
 * - `submissions`: one row per transaction the batcher sends: a batch (its root, leaf count and manifest CID) or a
 *   direct anchor of one certificate. Its composition is fixed when it is written, before anything is sent, so that
 *   a restart sends the same transaction again rather than a different one. `from_block` is the chain's height
 *   before the first send, where a search for its event starts. `block_hash` is the hash of the block that holds it
 *   once anchored, so that the outbox's belief can be checked against the chain the node has now.
 *
 * A number anchored again while its earlier request is still queued or submitted waits for it: the chain then holds
 * anchorings of one number in the order they were accepted, so "the latest certificate with this number" is the
 * last one the issuer sent, never an accident of a batch's hash order or of which payload reached IPFS first.
 *
 * Times are milliseconds since the epoch; validUntil is decimal text because a uint64 does not fit SQLite's int64.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE submissions (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('direct', 'batch')),
    authority_id    INTEGER NOT NULL,
    cert_type       INTEGER NOT NULL,
    root            TEXT    UNIQUE,
    leaf_count      INTEGER NOT NULL,
    manifest_cid    TEXT,
    from_block      INTEGER NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('submitted', 'anchored', 'failed')),
    tx_hash         TEXT,
    block_number    INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    error_code      TEXT,
    error_message   TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
  );
  CREATE INDEX submissions_due ON submissions (status, next_attempt_at);

  CREATE TABLE requests (
    seq             INTEGER PRIMARY KEY,
    cert_hash       TEXT    NOT NULL UNIQUE,
    authority_id    INTEGER NOT NULL,
    cert_type       INTEGER NOT NULL,
    valid_until     TEXT    NOT NULL,
    number_hash     TEXT    NOT NULL,
    idempotency_key TEXT,
    jws             TEXT,
    payload         BLOB,
    payload_type    TEXT,
    payload_cid     TEXT,
    status          TEXT    NOT NULL CHECK (status IN ('queued', 'submitted', 'anchored', 'failed')),
    ready_at        INTEGER,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    submission_id   INTEGER REFERENCES submissions (id),
    batch_root      TEXT,
    proof           TEXT,
    tx_hash         TEXT,
    block_number    INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    error_code      TEXT,
    error_message   TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX requests_idempotency ON requests (authority_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
  CREATE INDEX requests_ready ON requests (status, authority_id, cert_type, ready_at);
  CREATE INDEX requests_uploads ON requests (status, next_attempt_at) WHERE payload IS NOT NULL;
  CREATE INDEX requests_submission ON requests (submission_id);
  CREATE INDEX requests_authority ON requests (authority_id, status, seq);
  `,
  // Certificates re-issued under one number are anchored in the order they were accepted (see readyRequests).
  `
  CREATE INDEX requests_number_pending ON requests (number_hash, seq) WHERE status IN ('queued', 'submitted');
  `,
  // An anchored submission names its block by hash too: a chain that went back (an embedded node restarted from an
  // older state) or reorganised is found by comparing it with the node's block at that height (src/pipeline/chain-audit).
  `
  ALTER TABLE submissions ADD COLUMN block_hash TEXT;
  CREATE INDEX submissions_anchored ON submissions (status, block_number);
  `,
  // A credential's JWS (1-2 kB) is written once, in a table of its own keyed by its request's seq, instead of in the
  // request's row: that row is rewritten whole at each step (payload uploaded, submitted, sent, anchored), and with the
  // JWS in it each rewrite copied the JWS and filled a page with one or two rows (#17's profile: the outbox's updates
  // were most of a credential's SQLite time). Requests are never deleted, so a seq names one request for good. Requests
  // written before keep their JWS: it is moved here, and their column emptied (requests.jws is no longer written).
  `
  CREATE TABLE request_jws (
    seq INTEGER PRIMARY KEY,
    jws TEXT    NOT NULL
  );
  INSERT INTO request_jws (seq, jws) SELECT seq, jws FROM requests WHERE jws IS NOT NULL;
  UPDATE requests SET jws = NULL WHERE jws IS NOT NULL;
  `,
];
