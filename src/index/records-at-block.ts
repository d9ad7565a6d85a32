import type Database from "better-sqlite3";
import type { CertificateRecord } from "../chain/ledger-records";
import { verifyBatchMember, type BatchMember } from "../merkle/batch";

/**
 * The ledger's certificate records as `getCertificate` and `getBatchedCertificate` return them at a block, worked out
 * from the events the index stored up to that block — so that a verification needs no chain call for its certificate.
 * The contract's rules, replayed: a record starts Active at its anchoring's time; a suspension or reinstatement sets
 * the status and the time of its block; a revocation is final and sets its effective time. A batched certificate's
 * record is its batch's until its first status change; its proof is folded here as the contract would.
 */

/** What the index cannot answer for alone: the caller asks the chain. */
export const ASK_THE_CHAIN = "ask the chain";

interface EventRow {
  event: string;
  authority_id: number | null;
  cert_type: number | null;
  valid_until: string | null;
  timestamp: number;
  root: string | null;
  reason: number | null;
  effective_at: string | null;
}

interface BatchRow {
  cert_type: number;
  timestamp: number;
  manifest_state: string;
}

interface MemberRow {
  number_hash: string;
  valid_until: string;
  proof: Uint8Array;
}

export class RecordsAtBlock {
  readonly #events: Database.Statement<[string, number], EventRow>;
  readonly #batch: Database.Statement<[string, number, number], BatchRow>;
  readonly #member: Database.Statement<[string, number, string], MemberRow>;

  constructor(db: Database.Database) {
    this.#events = db.prepare(
      `SELECT event, authority_id, cert_type, valid_until, timestamp, root, reason, effective_at
         FROM cert_events WHERE cert_hash = ? AND block_number <= ? ORDER BY block_number, log_index`,
    );
    this.#batch = db.prepare(
      "SELECT cert_type, timestamp, manifest_state FROM batches WHERE root = ? AND authority_id = ? AND block_number <= ?",
    );
    this.#member = db.prepare(
      "SELECT number_hash, valid_until, proof FROM batch_members WHERE root = ? AND authority_id = ? AND cert_hash = ?",
    );
  }

  /** `getCertificate(certHash)` at block `block`: the direct anchoring's record, or undefined. */
  direct(certHash: string, block: number): CertificateRecord | undefined {
    const events = this.#events.all(certHash, block);
    const anchored = events.find((e) => e.event === "CertificateAnchored");
    if (!anchored || anchored.authority_id === null || anchored.cert_type === null || anchored.valid_until === null) return undefined;
    const start = {
      certHash,
      authorityId: anchored.authority_id,
      certType: anchored.cert_type,
      issuedAt: BigInt(anchored.timestamp),
      validUntil: BigInt(anchored.valid_until),
    };
    return replay(
      start,
      events.filter((e) => e.root === null && e.authority_id === anchored.authority_id),
    );
  }

  /**
   * `getBatchedCertificate(member)` at block `block`: the record of a leaf whose proof folds to a batch its authority
   * anchored by then, or undefined. ASK_THE_CHAIN when the index cannot tell this leaf's status events from another's:
   * status events name the certificate, batch and authority but not the leaf, so they are this leaf's only when the
   * index read the batch's manifest (which refuses a certificate twice in a batch) and found this very leaf in it.
   */
  batched(member: BatchMember, block: number): CertificateRecord | undefined | typeof ASK_THE_CHAIN {
    if (typeof member?.root !== "string" || typeof member.certHash !== "string" || typeof member.numberHash !== "string") return undefined;
    const root = member.root.toLowerCase();
    const certHash = member.certHash.toLowerCase();
    const batch = this.#batch.get(root, member.authorityId, block);
    if (!batch) return undefined;
    const indexed = batch.manifest_state === "indexed" ? this.#member.get(root, member.authorityId, certHash) : undefined;
    const sameLeaf =
      indexed !== undefined &&
      indexed.number_hash === member.numberHash.toLowerCase() &&
      typeof member.validUntil === "bigint" &&
      BigInt(indexed.valid_until) === member.validUntil;
    // The index built this leaf's proof from a manifest whose tree it rebuilt to this root: that proof needs no second
    // fold. Any other proof (a bundle's) is folded here, as the contract would.
    if (!(sameLeaf && sameProof(indexed.proof, member.proof)) && !verifyBatchMember(member)) return undefined;
    const events = this.#events
      .all(certHash, block)
      .filter((e) => e.root === root && e.authority_id === member.authorityId && e.event !== "BatchedCertificateMaterialised");
    if (events.length > 0 && !sameLeaf) return ASK_THE_CHAIN;
    const start = {
      certHash,
      authorityId: member.authorityId,
      certType: batch.cert_type,
      issuedAt: BigInt(batch.timestamp),
      validUntil: member.validUntil,
    };
    return replay(start, events);
  }
}

/** Whether `proof` (hex words) is the stored proof (their concatenated bytes). */
function sameProof(stored: Uint8Array, proof: readonly string[]): boolean {
  if (!Array.isArray(proof) || stored.length !== proof.length * 32) return false;
  const hex = Buffer.from(stored).toString("hex");
  return proof.every(
    (node, i) => typeof node === "string" && node.length === 66 && node.slice(2).toLowerCase() === hex.slice(i * 64, i * 64 + 64),
  );
}

/** The record that `events` (one anchoring's status changes, in chain order) leave, from Active at issuance. */
function replay(
  start: Pick<CertificateRecord, "certHash" | "authorityId" | "certType" | "issuedAt" | "validUntil">,
  events: EventRow[],
): CertificateRecord {
  const record: CertificateRecord = { ...start, status: "Active", revocationReason: undefined, statusChangedAt: start.issuedAt };
  for (const e of events) {
    if (record.status === "Revoked") break;
    if (e.event === "CertificateSuspended") Object.assign(record, { status: "Suspended", statusChangedAt: BigInt(e.timestamp) });
    else if (e.event === "CertificateReinstated") Object.assign(record, { status: "Active", statusChangedAt: BigInt(e.timestamp) });
    else if (e.event === "CertificateRevoked") {
      Object.assign(record, { status: "Revoked", revocationReason: e.reason ?? 0, statusChangedAt: BigInt(e.effective_at ?? "0") });
    }
  }
  return record;
}
