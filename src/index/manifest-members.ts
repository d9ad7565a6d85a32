import type Database from "better-sqlite3";
import { cidToBytes } from "../ipfs/cid";
import type { BatchMember } from "../merkle/batch";
import { CertificateState } from "./certificate-state";

/** A batch: its root and the authority that anchored it. */
export interface BatchRef {
  root: string;
  authorityId: number;
}

/** Where a slice of a manifest's members starts, and whether it is the manifest's last. */
export interface ManifestSlice {
  from: number;
  last: boolean;
}

/**
 * Stores the members a batch's manifest lists, with the `certificates` rows they change. The manifest thread
 * (manifest-worker.ts) stores through one of these on a connection of its own, so that the event loop answering HTTP
 * requests does not spend ~110 µs of every batched certificate on it (#17's profile of `npm run bench`: 12% of the
 * loop while credentials were accepted).
 *
 * The index file then has two writers: this thread's and the chain follower's on the event loop. SQLite takes them
 * one at a time; each transaction here is IMMEDIATE (the write lock first, waiting for it under busy_timeout) because
 * a transaction that reads first and then writes fails at once, without waiting, when the other writer committed in
 * between.
 */
export class ManifestMembers {
  readonly #db: Database.Database;
  readonly #certificates: CertificateState;
  readonly #statements;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#certificates = new CertificateState(db);
    this.#statements = {
      isPending: db.prepare<[string, number], { root: string }>(
        "SELECT root FROM batches WHERE root = ? AND authority_id = ? AND manifest_state = 'pending'",
      ),
      hasMember: db.prepare<[string, number, number], { leaf_index: number }>(
        "SELECT leaf_index FROM batch_members WHERE root = ? AND authority_id = ? AND leaf_index = ?",
      ),
      member: db.prepare<[string, number, number, string, string, string, Buffer, Buffer | null]>(
        `INSERT OR IGNORE INTO batch_members (root, authority_id, leaf_index, cert_hash, number_hash, valid_until, proof, payload_cid)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      indexed: db.prepare<[string, number]>(
        `UPDATE batches SET manifest_state = 'indexed', manifest_error = NULL, next_attempt_at = 0
          WHERE root = ? AND authority_id = ?`,
      ),
    };
  }

  /**
   * Stores `members` of `batch`; false when the batch is gone or done meanwhile. A large manifest comes in slices
   * (`slice.from`: the first one's leaf index), one transaction each, the last marking it indexed; a slice stored again
   * after a crash between slices is stored once. A slice whose previous one is not there (the batch was rolled back and
   * anchored again while the manifest was being stored: manifests are read beside the chain's synchronisation, not
   * inside it) is not stored: the batch is read again from its first leaf.
   */
  store(batch: BatchRef, members: readonly BatchMember[], slice: ManifestSlice = { from: 0, last: true }): boolean {
    const { root, authorityId } = batch;
    return this.#db
      .transaction(() => {
        if (!this.#statements.isPending.get(root, authorityId)) return false;
        if (slice.from > 0 && !this.#statements.hasMember.get(root, authorityId, slice.from - 1)) return false;
        members.forEach((m, i) => {
          const proof = Buffer.concat(m.proof.map((node) => Buffer.from(node.slice(2), "hex")));
          const payloadCid = m.payloadCid === undefined ? null : Buffer.from(cidToBytes(m.payloadCid));
          this.#statements.member.run(
            root,
            authorityId,
            slice.from + i,
            m.certHash,
            m.numberHash,
            m.validUntil.toString(),
            proof,
            payloadCid,
          );
        });
        for (const m of members) this.#certificates.refresh(m.certHash);
        if (slice.last) this.#statements.indexed.run(root, authorityId);
        return true;
      })
      .immediate();
  }
}
