import type Database from "better-sqlite3";
import type { BatchAnchoredEvent, CertificateEvent } from "../chain/ledger-events";
import type { RegistryEvent } from "./index-types";
import { AuthorityState } from "./authority-state";
import { CertificateState } from "./certificate-state";
import type { BlockRef, ChunkRead } from "./chain-reader";
import type { RegistryKey } from "./ledger-log";
import type { BatchRef } from "./manifest-members";

/** Rollbacks whose floor is kept (see rewindSince): a reader further behind starts again from the beginning. */
const REWINDS_KEPT = 100;

/** Where the index stopped: the last block indexed and its hash (undefined before the deployment block). */
export interface Cursor {
  block: number;
  hash: string | undefined;
}

/** A batch whose manifest is still to be read. */
export interface PendingManifest {
  root: string;
  /** The authority that anchored it: the leaves name it, so the tree is rebuilt with it. */
  authorityId: number;
  manifestCid: Uint8Array;
  /** The leaf count the event claims (it bounds how many bytes the manifest may have). */
  leafCount: number;
  attempts: number;
}

/**
 * Everything the index writes on the event loop, each change in one SQLite transaction together with the cursor that
 * covers it. A manifest's members are written on the manifest thread (manifest-members.ts): the file has two writers,
 * so every transaction here is IMMEDIATE (see ManifestMembers).
 */
export class IndexWriter {
  readonly #db: Database.Database;
  readonly #certificates: CertificateState;
  readonly #authorities: AuthorityState;
  readonly #statements;

  constructor(
    db: Database.Database,
    private readonly deploymentBlock: number,
  ) {
    this.#db = db;
    this.#certificates = new CertificateState(db);
    this.#authorities = new AuthorityState(db);
    this.#statements = {
      meta: db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?"),
      setMeta: db.prepare<[string, string]>("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"),
      block: db.prepare<[number, string]>("INSERT OR REPLACE INTO blocks (number, hash) VALUES (?, ?)"),
      blocksUpTo: db.prepare<[number], BlockRef>("SELECT number, hash FROM blocks WHERE number <= ? ORDER BY number"),
      certEvent: db.prepare<Record<string, unknown>>(
        `INSERT INTO cert_events (block_number, log_index, tx_hash, timestamp, event, cert_hash, number_hash, authority_id, cert_type,
           valid_until, payload_cid, root, reason, effective_at, replacement)
         VALUES (:blockNumber, :logIndex, :txHash, :timestamp, :event, :certHash, :numberHash, :authorityId, :certType, :validUntil,
           :payloadCid, :root, :reason, :effectiveAt, :replacement)`,
      ),
      batch: db.prepare<Record<string, unknown>>(
        `INSERT INTO batches (root, authority_id, cert_type, leaf_count, manifest_cid, block_number, log_index, tx_hash, timestamp)
         VALUES (:root, :authorityId, :certType, :leafCount, :manifestCid, :blockNumber, :logIndex, :txHash, :timestamp)
         ON CONFLICT (root, authority_id) DO NOTHING`,
      ),
      registryEvent: db.prepare<[number, number, string, number, string, string]>(
        "INSERT INTO registry_events (block_number, log_index, tx_hash, timestamp, event, args) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      registryKey: db.prepare<[string, string, number, number]>(
        "INSERT OR IGNORE INTO registry_event_keys (kind, key, block_number, log_index) VALUES (?, ?, ?, ?)",
      ),
      // Two queries rather than a UNION, so that each walks only the rows after the block (a UNION scans them all).
      certEventsAfter: db.prepare<[number], { cert_hash: string }>("SELECT cert_hash FROM cert_events WHERE block_number > ?"),
      membersAfter: db.prepare<[number], { cert_hash: string }>(
        "SELECT m.cert_hash FROM batches b JOIN batch_members m ON m.root = b.root AND m.authority_id = b.authority_id WHERE b.block_number > ?",
      ),
      authoritiesAfter: db.prepare<[number], { key: string }>(
        "SELECT DISTINCT key FROM registry_event_keys WHERE kind = 'authority' AND block_number > ?",
      ),
      deleteAfter: [
        "DELETE FROM cert_events WHERE block_number > ?",
        "DELETE FROM batches WHERE block_number > ?",
        "DELETE FROM registry_event_keys WHERE block_number > ?",
        "DELETE FROM registry_events WHERE block_number > ?",
        "DELETE FROM blocks WHERE number > ?",
      ].map((sql) => db.prepare<[number]>(sql)),
      dueManifests: db.prepare<[number, number], PendingManifest>(
        `SELECT root, authority_id AS authorityId, manifest_cid AS manifestCid, leaf_count AS leafCount, manifest_attempts AS attempts FROM batches
          WHERE manifest_state = 'pending' AND next_attempt_at <= ? ORDER BY block_number, log_index LIMIT ?`,
      ),
      manifestState: db.prepare<[string, string | null, number, number, string, number]>(
        `UPDATE batches SET manifest_state = ?, manifest_error = ?, manifest_attempts = manifest_attempts + ?, next_attempt_at = ?
          WHERE root = ? AND authority_id = ?`,
      ),
    };
  }

  /** The index file's path (the manifest thread opens it too). */
  get file(): string {
    return this.#db.name;
  }

  /** Where the index stopped. */
  cursor(): Cursor {
    const block = this.#statements.meta.get("last_block");
    const hash = this.#statements.meta.get("last_hash");
    return {
      block: block ? Number(block.value) : this.deploymentBlock - 1,
      hash: hash?.value || undefined,
    };
  }

  /** The hashes the index stored for blocks up to `number`, ascending. */
  blocksUpTo(number: number): BlockRef[] {
    return this.#statements.blocksUpTo.all(number);
  }

  /** Stores a chunk's events, their derived rows and the cursor at its last block, all or nothing. */
  applyChunk(chunk: ChunkRead): void {
    const write = () => {
      const certificates = new Set<string>();
      const authorities = new Set<number>();
      for (const decoded of chunk.logs) {
        if (decoded.kind === "certificate") {
          this.#insertCertificateEvent(decoded.event);
          certificates.add(decoded.event.args.certHash);
        } else if (decoded.kind === "batch") {
          this.#insertBatch(decoded.event);
        } else {
          this.#insertRegistryEvent(decoded.event, decoded.keys);
          for (const [kind, key] of decoded.keys) if (kind === "authority") authorities.add(Number(key));
        }
      }
      for (const certHash of certificates) this.#certificates.refresh(certHash);
      for (const id of authorities) this.#authorities.refresh(id);
      for (const block of chunk.blocks) this.#statements.block.run(block.number, block.hash);
      this.#setCursor(chunk.end);
    };
    this.#db.transaction(write).immediate();
  }

  /** Forgets everything after block `safe` (everything, when undefined) and moves the cursor back to it. */
  rollbackTo(safe: BlockRef | undefined): void {
    const after = safe?.number ?? this.deploymentBlock - 1;
    const write = () => {
      const certificates = new Set(
        [...this.#statements.certEventsAfter.all(after), ...this.#statements.membersAfter.all(after)].map((r) => r.cert_hash),
      );
      const authorities = this.#statements.authoritiesAfter.all(after).map((r) => Number(r.key));
      for (const statement of this.#statements.deleteAfter) statement.run(after);
      for (const certHash of certificates) this.#certificates.refresh(certHash);
      for (const id of authorities) this.#authorities.refresh(id);
      this.#setCursor(safe ?? { number: after, hash: "" });
      this.#recordRewind();
    };
    this.#db.transaction(write).immediate();
  }

  /**
   * The rollbacks since rollback number `epoch` (0: since ever): the latest one's number, and the lowest `seq` (see
   * payloadsAfter) the certificates kept by any of them reached. A reader of payloadsAfter past that seq must go back to
   * it: the certificates indexed again after a rollback take the seqs of those it removed.
   */
  rewindSince(epoch: number): { epoch: number; floor: number } | undefined {
    const latest = Number(this.#statements.meta.get("rewinds")?.value ?? 0);
    if (latest <= epoch) return undefined;
    let floor = Number.MAX_SAFE_INTEGER;
    for (let n = Math.max(epoch + 1, latest - REWINDS_KEPT + 1); n <= latest; n++) {
      floor = Math.min(floor, Number(this.#statements.meta.get(`rewind_floor:${n}`)?.value ?? 0));
    }
    // Older rollbacks than those kept: back to the start.
    if (latest - epoch > REWINDS_KEPT) floor = 0;
    return { epoch: latest, floor };
  }

  #recordRewind(): void {
    const epoch = Number(this.#statements.meta.get("rewinds")?.value ?? 0) + 1;
    const { floor } = this.#db.prepare<[], { floor: number }>("SELECT coalesce(max(rowid), 0) AS floor FROM certificates").get()!;
    this.#statements.setMeta.run("rewinds", String(epoch));
    this.#statements.setMeta.run(`rewind_floor:${epoch}`, String(floor));
    this.#db.prepare("DELETE FROM meta WHERE key = ?").run(`rewind_floor:${epoch - REWINDS_KEPT}`);
  }

  /** Batches whose manifest is due for a (new) attempt at `now` (ms). */
  dueManifests(now: number, limit: number): PendingManifest[] {
    return this.#statements.dueManifests.all(now, limit);
  }

  /** Records a failed attempt at a batch's manifest, to be tried again from `retryAt` (ms). */
  manifestFailed(batch: BatchRef, message: string, retryAt: number): void {
    this.#statements.manifestState.run("pending", message, 1, retryAt, batch.root, batch.authorityId);
  }

  /** Refuses a batch's manifest for good (malformed, or not the anchored root's). */
  manifestRefused(batch: BatchRef, message: string): void {
    this.#statements.manifestState.run("invalid", message, 1, 0, batch.root, batch.authorityId);
  }

  #setCursor(block: BlockRef): void {
    this.#statements.setMeta.run("last_block", String(block.number));
    this.#statements.setMeta.run("last_hash", block.hash);
  }

  #insertCertificateEvent(e: CertificateEvent): void {
    const row: Record<string, unknown> = {
      blockNumber: e.blockNumber,
      logIndex: e.logIndex,
      txHash: e.txHash,
      timestamp: Number(e.timestamp),
      event: e.event,
      certHash: e.args.certHash,
      numberHash: null,
      authorityId: null,
      certType: null,
      validUntil: null,
      payloadCid: null,
      root: null,
      reason: null,
      effectiveAt: null,
      replacement: null,
    };
    if (e.event === "CertificateAnchored") {
      const { numberHash, authorityId, certType, validUntil, payloadCid } = e.args;
      Object.assign(row, { numberHash, authorityId, certType, validUntil: validUntil.toString(), payloadCid: Buffer.from(payloadCid) });
    } else if (e.event === "BatchedCertificateMaterialised") {
      Object.assign(row, { root: e.args.root, numberHash: e.args.numberHash, authorityId: e.args.authorityId });
    } else {
      // A status change names its anchoring: the batch's root (NULL for the direct anchoring) and its authority.
      Object.assign(row, { root: e.args.root ?? null, authorityId: e.args.authorityId });
      if (e.event === "CertificateRevoked") {
        const { reason, effectiveAt, replacement } = e.args;
        Object.assign(row, { reason, effectiveAt: effectiveAt.toString(), replacement: replacement ?? null });
      }
    }
    this.#statements.certEvent.run(row);
  }

  #insertBatch(e: BatchAnchoredEvent): void {
    this.#statements.batch.run({
      root: e.root,
      authorityId: e.authorityId,
      certType: e.certType,
      leafCount: e.leafCount,
      manifestCid: Buffer.from(e.manifestCid),
      blockNumber: e.blockNumber,
      logIndex: e.logIndex,
      txHash: e.txHash,
      timestamp: Number(e.timestamp),
    });
  }

  #insertRegistryEvent(e: RegistryEvent, keys: RegistryKey[]): void {
    this.#statements.registryEvent.run(e.blockNumber, e.logIndex, e.txHash, Number(e.timestamp), e.event, JSON.stringify(e.args));
    for (const [kind, key] of keys) this.#statements.registryKey.run(kind, key, e.blockNumber, e.logIndex);
  }
}
