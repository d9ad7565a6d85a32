import type Database from "better-sqlite3";
import { cidFromBytes } from "../ipfs/cid";

/**
 * The derived `certificates` row of one certificate hash, recomputed from its anchors and its events. Being a pure
 * function of the raw tables, it does not care in which order they arrived: a manifest read after the batched
 * certificate was suspended gives the same row as one read before.
 *
 * Seniority: the earliest anchoring by block order (then log index, then leaf) is the certificate. A later anchoring of
 * the same hash, by another authority or the same, changes nothing in the row (issuer, type, validity, status): only
 * the status events of the earliest anchoring count, and `anchor_count` says the hash was anchored again.
 */

/** An anchoring as the anchors query returns it. */
export interface AnchorRow {
  cert_hash: string;
  number_hash: string;
  authority_id: number;
  cert_type: number;
  valid_until: string;
  payload_cid: Uint8Array | null;
  timestamp: number;
  block_number: number;
  log_index: number;
  leaf_index: number;
  tx_hash: string;
  root: string | null;
}

/** The anchorings of one certificate hash (direct anchors, and leaves of batches whose manifest was read), oldest first. */
export const ANCHORS_OF_SQL = `
  SELECT cert_hash, number_hash, authority_id, cert_type, valid_until, payload_cid, timestamp, block_number, log_index,
         0 AS leaf_index, tx_hash, NULL AS root
    FROM cert_events WHERE cert_hash = :certHash AND event = 'CertificateAnchored'
  UNION ALL
  SELECT m.cert_hash, m.number_hash, b.authority_id, b.cert_type, m.valid_until, m.payload_cid, b.timestamp, b.block_number, b.log_index,
         m.leaf_index, b.tx_hash, b.root
    FROM batch_members m JOIN batches b ON b.root = m.root AND b.authority_id = m.authority_id WHERE m.cert_hash = :certHash
  ORDER BY block_number, log_index, leaf_index`;

interface StatusEventRow {
  event: string;
  authority_id: number | null;
  timestamp: number;
  block_number: number;
  tx_hash: string;
  root: string | null;
  reason: number | null;
  effective_at: string | null;
  replacement: string | null;
}

/** Recomputes `certificates` rows; its statements are prepared once per database. */
export class CertificateState {
  readonly #anchors: Database.Statement<{ certHash: string }, AnchorRow>;
  readonly #events: Database.Statement<[string], StatusEventRow>;
  readonly #upsert: Database.Statement<Record<string, unknown>>;
  readonly #delete: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.#anchors = db.prepare<{ certHash: string }, AnchorRow>(ANCHORS_OF_SQL);
    this.#events = db.prepare<[string], StatusEventRow>(
      `SELECT event, authority_id, timestamp, block_number, tx_hash, root, reason, effective_at, replacement
         FROM cert_events WHERE cert_hash = ? AND event <> 'CertificateAnchored' ORDER BY block_number, log_index`,
    );
    this.#upsert = db.prepare<Record<string, unknown>>(
      // An upsert rather than INSERT OR REPLACE, so that the triggers keeping certificate_counts see an update.
      `INSERT INTO certificates (cert_hash, authority_id, cert_type, valid_until, number_hash, payload_cid, anchored_at,
         block_number, log_index, leaf_index, tx_hash, batch_root, status, status_changed_at, revocation, anchor_count)
       VALUES (:certHash, :authorityId, :certType, :validUntil, :numberHash, :payloadCid, :anchoredAt, :blockNumber, :logIndex,
         :leafIndex, :txHash, :batchRoot, :status, :statusChangedAt, :revocation, :anchorCount)
       ON CONFLICT (cert_hash) DO UPDATE SET authority_id = excluded.authority_id, cert_type = excluded.cert_type,
         valid_until = excluded.valid_until, number_hash = excluded.number_hash, payload_cid = excluded.payload_cid,
         anchored_at = excluded.anchored_at, block_number = excluded.block_number, log_index = excluded.log_index,
         leaf_index = excluded.leaf_index, tx_hash = excluded.tx_hash, batch_root = excluded.batch_root, status = excluded.status,
         status_changed_at = excluded.status_changed_at, revocation = excluded.revocation, anchor_count = excluded.anchor_count`,
    );
    this.#delete = db.prepare<[string]>("DELETE FROM certificates WHERE cert_hash = ?");
  }

  /** Rewrites the row of `certHash` from what the raw tables hold now (deleting it when nothing anchors it). */
  refresh(certHash: string): void {
    const anchors = this.#anchors.all({ certHash });
    if (anchors.length === 0) {
      this.#delete.run(certHash);
      return;
    }
    // The earliest anchoring is the certificate; the others' status events are theirs, not its.
    const anchor = anchors[0];
    const events = this.#events.all(certHash).filter((e) => e.authority_id === anchor.authority_id && e.root === anchor.root);
    let status: "Active" | "Suspended" | "Revoked" = "Active";
    let statusChangedAt: number | null = null;
    let revocation: string | null = null;
    for (const e of events) {
      if (status === "Revoked") break; // final: the contract refuses any later change
      if (e.event === "CertificateSuspended") status = "Suspended";
      else if (e.event === "CertificateReinstated") status = "Active";
      else if (e.event === "CertificateRevoked") {
        status = "Revoked";
        revocation = JSON.stringify({
          reason: e.reason,
          effectiveAt: e.effective_at,
          replacement: e.replacement ?? undefined,
          revokedAt: e.timestamp,
          blockNumber: e.block_number,
          txHash: e.tx_hash,
        });
      } else continue;
      statusChangedAt = e.timestamp;
    }
    this.#upsert.run({
      certHash,
      authorityId: anchor.authority_id,
      certType: anchor.cert_type,
      validUntil: anchor.valid_until,
      numberHash: anchor.number_hash,
      payloadCid: cidText(anchor.payload_cid),
      anchoredAt: anchor.timestamp,
      blockNumber: anchor.block_number,
      logIndex: anchor.log_index,
      leafIndex: anchor.leaf_index,
      txHash: anchor.tx_hash,
      batchRoot: anchor.root,
      status,
      statusChangedAt,
      revocation,
      anchorCount: anchors.length,
    });
  }
}

/** The CID text of a payload CID read from an event; a malformed one (the contract does not check) is left out. */
export function cidText(bytes: Uint8Array | null): string | null {
  if (!bytes || bytes.length === 0) return null;
  try {
    return cidFromBytes(bytes);
  } catch {
    return null;
  }
}
