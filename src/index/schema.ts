import Database from "better-sqlite3";
import { checkpointInBackground } from "../sqlite-checkpoints";
import { keepTemporaryDataInMemory } from "../sqlite-file";
import { CertLedgerError } from "../errors";

/** The index's SQLite schema, and opening a database file with it. */

/** Bumped with every change of the tables below; a file of a newer version is refused, not misread. */
export const SCHEMA_VERSION = 3;

/*
 * Raw tables hold what the chain said (events, block hashes); derived tables (certificates, authorities, batch
 * members) are recomputed from them, so a rollback only deletes raw rows and refreshes what they touched.
 * Hashes are lower-case 0x hex; uint64 values (validUntil, scope, effective times) are decimal TEXT because they may
 * exceed SQLite's signed 64-bit INTEGER; block numbers and timestamps are INTEGERs.
 */
const DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

-- The hash of each block the index relies on (every block with ledger events, every chunk's last block): a chain
-- that went back is found by comparing these with the node's.
CREATE TABLE blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL) STRICT;

CREATE TABLE cert_events (
  block_number INTEGER NOT NULL, log_index INTEGER NOT NULL, tx_hash TEXT NOT NULL, timestamp INTEGER NOT NULL,
  event TEXT NOT NULL, cert_hash TEXT NOT NULL,
  number_hash TEXT, authority_id INTEGER, cert_type INTEGER, valid_until TEXT, payload_cid BLOB,
  root TEXT,
  reason INTEGER, effective_at TEXT, replacement TEXT,
  PRIMARY KEY (block_number, log_index)
) STRICT, WITHOUT ROWID;
CREATE INDEX cert_events_by_cert ON cert_events (cert_hash, block_number, log_index);
CREATE INDEX cert_events_by_number ON cert_events (number_hash) WHERE event = 'CertificateAnchored';

-- A batch is known by its root and its authority: another authority anchoring the same root makes another batch.
CREATE TABLE batches (
  root TEXT NOT NULL,
  authority_id INTEGER NOT NULL, cert_type INTEGER NOT NULL, leaf_count INTEGER NOT NULL, manifest_cid BLOB NOT NULL,
  block_number INTEGER NOT NULL, log_index INTEGER NOT NULL, tx_hash TEXT NOT NULL, timestamp INTEGER NOT NULL,
  manifest_state TEXT NOT NULL DEFAULT 'pending' CHECK (manifest_state IN ('pending', 'indexed', 'invalid')),
  manifest_attempts INTEGER NOT NULL DEFAULT 0, manifest_error TEXT, next_attempt_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (root, authority_id)
) STRICT;
CREATE INDEX batches_by_block ON batches (block_number);
CREATE INDEX batches_pending ON batches (next_attempt_at) WHERE manifest_state = 'pending';

-- A batch's leaves with their proofs (concatenated 32-byte nodes) and payload CIDs (binary, when the manifest lists
-- them: version 2), written once its manifest is read.
CREATE TABLE batch_members (
  root TEXT NOT NULL, authority_id INTEGER NOT NULL, leaf_index INTEGER NOT NULL,
  cert_hash TEXT NOT NULL, number_hash TEXT NOT NULL, valid_until TEXT NOT NULL, proof BLOB NOT NULL, payload_cid BLOB,
  PRIMARY KEY (root, authority_id, leaf_index),
  FOREIGN KEY (root, authority_id) REFERENCES batches (root, authority_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX batch_members_by_cert ON batch_members (cert_hash);
CREATE INDEX batch_members_by_number ON batch_members (number_hash);

-- Derived: one row per certificate hash: its earliest anchoring (block order: the certificate) and that anchoring's
-- status events; anchor_count > 1 marks a hash anchored again later (a conflict, listed by the index).
CREATE TABLE certificates (
  cert_hash TEXT PRIMARY KEY,
  authority_id INTEGER NOT NULL, cert_type INTEGER NOT NULL, valid_until TEXT NOT NULL, number_hash TEXT NOT NULL,
  payload_cid TEXT, anchored_at INTEGER NOT NULL, block_number INTEGER NOT NULL, log_index INTEGER NOT NULL,
  leaf_index INTEGER NOT NULL, tx_hash TEXT NOT NULL, batch_root TEXT,
  status TEXT NOT NULL CHECK (status IN ('Active', 'Suspended', 'Revoked')), status_changed_at INTEGER,
  revocation TEXT,
  anchor_count INTEGER NOT NULL
) STRICT;
CREATE INDEX certificates_by_authority ON certificates (authority_id, block_number, log_index, leaf_index);
CREATE INDEX certificates_by_authority_status ON certificates (authority_id, status, block_number, log_index, leaf_index);
CREATE INDEX certificates_by_authority_type ON certificates (authority_id, cert_type, block_number, log_index, leaf_index);
CREATE INDEX certificates_by_number ON certificates (number_hash, authority_id);
CREATE INDEX certificates_duplicated ON certificates (block_number, log_index, leaf_index) WHERE anchor_count > 1;

-- How many certificates each authority has per type and status, kept by triggers, so that a listing's total is a
-- sum of a few rows rather than a count of every certificate of the authority.
CREATE TABLE certificate_counts (
  authority_id INTEGER NOT NULL, cert_type INTEGER NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (authority_id, cert_type, status)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER certificates_insert_counted AFTER INSERT ON certificates BEGIN
  INSERT INTO certificate_counts VALUES (NEW.authority_id, NEW.cert_type, NEW.status, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER certificates_delete_counted AFTER DELETE ON certificates BEGIN
  UPDATE certificate_counts SET n = n - 1
   WHERE authority_id = OLD.authority_id AND cert_type = OLD.cert_type AND status = OLD.status;
END;
CREATE TRIGGER certificates_update_counted AFTER UPDATE OF authority_id, cert_type, status ON certificates
  WHEN OLD.authority_id <> NEW.authority_id OR OLD.cert_type <> NEW.cert_type OR OLD.status <> NEW.status
BEGIN
  UPDATE certificate_counts SET n = n - 1
   WHERE authority_id = OLD.authority_id AND cert_type = OLD.cert_type AND status = OLD.status;
  INSERT INTO certificate_counts VALUES (NEW.authority_id, NEW.cert_type, NEW.status, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TABLE registry_events (
  block_number INTEGER NOT NULL, log_index INTEGER NOT NULL, tx_hash TEXT NOT NULL, timestamp INTEGER NOT NULL,
  event TEXT NOT NULL, args TEXT NOT NULL,
  PRIMARY KEY (block_number, log_index)
) STRICT, WITHOUT ROWID;
-- What each registry event is filed under: an event about a key of an authority is found from either.
CREATE TABLE registry_event_keys (
  kind TEXT NOT NULL, key TEXT NOT NULL, block_number INTEGER NOT NULL, log_index INTEGER NOT NULL,
  PRIMARY KEY (kind, key, block_number, log_index)
) STRICT, WITHOUT ROWID;
CREATE INDEX registry_event_keys_by_block ON registry_event_keys (block_number);

-- Derived: each authority's current state, from its events.
CREATE TABLE authorities (
  id INTEGER PRIMARY KEY, party TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
  scope TEXT NOT NULL, valid_from TEXT NOT NULL, valid_until TEXT NOT NULL, accounts TEXT NOT NULL,
  registered_at INTEGER NOT NULL, block_number INTEGER NOT NULL
) STRICT;
CREATE INDEX authorities_by_party ON authorities (party, id);
`;

/**
 * Schema versions before 3 described a ledger whose batches were keyed by root alone and whose status events did not
 * name their anchoring: such an index cannot be upgraded in place (its ledger is not this library's), so it is emptied
 * and read again from the chain, as the index always can be.
 */
const REBUILT_BELOW = 3;

const DROP_ALL = `
DROP TABLE IF EXISTS certificate_counts; DROP TABLE IF EXISTS certificates; DROP TABLE IF EXISTS batch_members;
DROP TABLE IF EXISTS batches; DROP TABLE IF EXISTS cert_events; DROP TABLE IF EXISTS registry_event_keys;
DROP TABLE IF EXISTS registry_events; DROP TABLE IF EXISTS authorities; DROP TABLE IF EXISTS blocks; DROP TABLE IF EXISTS meta;`;

/** Opens (creating if needed) the index database at `file`, in WAL mode with foreign keys on. */
export function openIndexDatabase(file: string): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (cause) {
    throw new CertLedgerError("INDEX_UNAVAILABLE", `cannot open the index database ${file}`, { cause });
  }
  try {
    // WAL lets lookups read while a chunk is written; NORMAL is atomic and consistent (a crash may lose the last
    // chunks, together with the cursor that covers them, so they are read again: never skipped, never doubled).
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    const version = Number(db.pragma("user_version", { simple: true }));
    if (version === 0) {
      db.transaction(() => {
        db.exec(DDL);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })();
    } else if (version < REBUILT_BELOW) {
      db.transaction(() => {
        db.exec(DROP_ALL);
        db.exec(DDL);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })();
    } else if (version !== SCHEMA_VERSION) {
      throw new CertLedgerError("INDEX_MISMATCH", `${file} is an index of schema version ${version}; this library reads ${SCHEMA_VERSION}`);
    }
    keepTemporaryDataInMemory(db);
    checkpointInBackground(db);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof CertLedgerError) throw error;
    throw new CertLedgerError("INDEX_UNAVAILABLE", `cannot use ${file} as an index database`, { cause: error });
  }
}
