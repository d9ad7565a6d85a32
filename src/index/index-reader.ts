import type Database from "better-sqlite3";
import type { CertificateEvent } from "../chain/ledger-events";
import type { BatchMember } from "../merkle/batch";
import { ANCHORS_OF_SQL, cidText, type AnchorRow } from "./certificate-state";
import type {
  BatchAnchoredHistoryEvent,
  CertificateHistoryEvent,
  CertificatePage,
  DuplicateCertificate,
  IndexedAnchor,
  IndexedAuthority,
  IndexedBatch,
  IndexedCertificate,
  IndexedPayload,
  IndexedRevocation,
  ListByAuthorityOptions,
  ManifestState,
  RegistryEvent,
  RegistryEventKind,
  RegistryEventValue,
} from "./index-types";

/** Every lookup of the index: SQL on indexed columns, rows turned into the library's plain objects. */

interface CertEventRow {
  block_number: number;
  log_index: number;
  tx_hash: string;
  timestamp: number;
  event: CertificateEvent["event"];
  cert_hash: string;
  number_hash: string | null;
  authority_id: number | null;
  cert_type: number | null;
  valid_until: string | null;
  payload_cid: Uint8Array | null;
  root: string | null;
  reason: number | null;
  effective_at: string | null;
  replacement: string | null;
}

interface BatchRow {
  root: string;
  authority_id: number;
  cert_type: number;
  leaf_count: number;
  manifest_cid: Uint8Array;
  block_number: number;
  log_index: number;
  tx_hash: string;
  timestamp: number;
  manifest_state: ManifestState;
  manifest_attempts: number;
  manifest_error: string | null;
}

interface CertificateRow {
  cert_hash: string;
  authority_id: number;
  cert_type: number;
  valid_until: string;
  number_hash: string;
  payload_cid: string | null;
  anchored_at: number;
  block_number: number;
  tx_hash: string;
  batch_root: string | null;
  status: IndexedCertificate["status"];
  status_changed_at: number | null;
  revocation: string | null;
}

interface MemberRow {
  root: string;
  authority_id: number;
  cert_hash: string;
  number_hash: string;
  valid_until: string;
  proof: Uint8Array;
  payload_cid: Uint8Array | null;
}

interface AuthorityRow {
  id: number;
  party: string;
  name: string;
  status: "Active" | "Suspended";
  scope: string;
  valid_from: string;
  valid_until: string;
  accounts: string;
  registered_at: number;
  block_number: number;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1_000;
const NEWEST_FIRST = "ORDER BY block_number DESC, log_index DESC, leaf_index DESC";

/** The index's read side, on prepared statements. */
export class IndexReader {
  readonly #db: Database.Database;
  readonly #s;
  /** Statements of the few filter combinations of listByAuthority, prepared on first use. */
  readonly #byShape = new Map<string, Database.Statement<[Record<string, string | number>]>>();

  constructor(db: Database.Database) {
    this.#db = db;
    this.#s = {
      certEvents: db.prepare<[string], CertEventRow>("SELECT * FROM cert_events WHERE cert_hash = ? ORDER BY block_number, log_index"),
      batchesOf: db.prepare<[string, string], BatchRow>(
        // A join from the certificate's few batches, not an IN over every batch: SQLite may plan the latter as a scan of
        // the batches table, which grows with the certificates.
        `SELECT b.* FROM (
           SELECT root, authority_id FROM batch_members WHERE cert_hash = ?
           UNION SELECT root, authority_id FROM cert_events WHERE cert_hash = ? AND event = 'BatchedCertificateMaterialised'
         ) k JOIN batches b ON b.root = k.root AND b.authority_id = k.authority_id`,
      ),
      batch: db.prepare<[string, number], BatchRow>("SELECT * FROM batches WHERE root = ? AND authority_id = ?"),
      anchorsOf: db.prepare<{ certHash: string }, AnchorRow>(ANCHORS_OF_SQL),
      // A number lives in its party's namespace: only anchorings by that party's authorities answer for it. Another
      // party's authority may anchor under the same number hash (the chain cannot see the number); it is ignored here.
      anchorsByNumber: db.prepare<{ numberHash: string; party: string }, AnchorRow>(
        `SELECT cert_hash, number_hash, authority_id, cert_type, valid_until, payload_cid, timestamp, block_number, log_index,
                0 AS leaf_index, tx_hash, NULL AS root
           FROM cert_events WHERE number_hash = :numberHash AND event = 'CertificateAnchored'
            AND authority_id IN (SELECT id FROM authorities WHERE party = :party)
         UNION ALL
         SELECT m.cert_hash, m.number_hash, b.authority_id, b.cert_type, m.valid_until, m.payload_cid, b.timestamp, b.block_number, b.log_index,
                m.leaf_index, b.tx_hash, b.root
           FROM batch_members m JOIN batches b ON b.root = m.root AND b.authority_id = m.authority_id
          WHERE m.number_hash = :numberHash AND b.authority_id IN (SELECT id FROM authorities WHERE party = :party)
         ORDER BY block_number, log_index, leaf_index`,
      ),
      certificate: db.prepare<[string], CertificateRow>("SELECT * FROM certificates WHERE cert_hash = ?"),
      duplicated: db.prepare<[], { cert_hash: string }>(
        "SELECT cert_hash FROM certificates WHERE anchor_count > 1 ORDER BY block_number, log_index, leaf_index",
      ),
      members: db.prepare<[string], MemberRow>(
        `SELECT m.root, m.authority_id, m.cert_hash, m.number_hash, m.valid_until, m.proof, m.payload_cid
           FROM batch_members m JOIN batches b ON b.root = m.root AND b.authority_id = m.authority_id
          WHERE m.cert_hash = ? ORDER BY b.block_number, b.log_index, m.leaf_index`,
      ),
      events: db.prepare<
        [string, string],
        { block_number: number; log_index: number; tx_hash: string; timestamp: number; event: string; args: string }
      >(
        `SELECT e.* FROM registry_event_keys k
           JOIN registry_events e ON e.block_number = k.block_number AND e.log_index = k.log_index
          WHERE k.kind = ? AND k.key = ? ORDER BY k.block_number, k.log_index`,
      ),
      authority: db.prepare<[number], AuthorityRow>("SELECT * FROM authorities WHERE id = ?"),
      authorities: db.prepare<[], AuthorityRow>("SELECT * FROM authorities ORDER BY id"),
      authoritiesOf: db.prepare<[string], AuthorityRow>("SELECT * FROM authorities WHERE party = ? ORDER BY id"),
      pendingManifests: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM batches WHERE manifest_state = 'pending'"),
      // rowid: the upsert keeps a certificate's row, so a batch member indexed late (its manifest read after the batch's
      // block) still comes after everything handled before it.
      payloadsAfter: db.prepare<[number, number], { seq: number; cert_hash: string; payload_cid: string; party: string | null }>(
        `SELECT c.rowid AS seq, c.cert_hash, c.payload_cid, a.party FROM certificates c LEFT JOIN authorities a ON a.id = c.authority_id
          WHERE c.rowid > ? AND c.payload_cid IS NOT NULL ORDER BY c.rowid LIMIT ?`,
      ),
    };
  }

  /** Up to `limit` certificates with a payload CID indexed after `seq`, in the order they were indexed. */
  payloadsAfter(seq: number, limit: number): IndexedPayload[] {
    return this.#s.payloadsAfter.all(seq, limit).map((r) => ({
      seq: r.seq,
      certHash: r.cert_hash,
      payloadCid: r.payload_cid,
      ...(r.party === null ? {} : { party: r.party }),
    }));
  }

  /** The certificate's events and the anchoring of each batch that holds it, in chain order. */
  history(certHash: string): CertificateHistoryEvent[] {
    const events: CertificateHistoryEvent[] = this.#s.certEvents.all(certHash).map(toCertificateEvent);
    events.push(...this.#s.batchesOf.all(certHash, certHash).map(toBatchHistoryEvent));
    return events.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
  }

  /** The anchorings of certificate number `numberHash` by authorities of `party` (its namespace), oldest first. */
  byNumberHash(numberHash: string, party: string): IndexedAnchor[] {
    return this.#s.anchorsByNumber.all({ numberHash, party }).map(toAnchor);
  }

  /** Every anchoring of `certHash`, oldest first. */
  anchorings(certHash: string): IndexedAnchor[] {
    return this.#s.anchorsOf.all({ certHash }).map(toAnchor);
  }

  /** The certificate `certHash` as its events describe it, or undefined. */
  certificate(certHash: string): IndexedCertificate | undefined {
    const row = this.#s.certificate.get(certHash);
    return row && toCertificate(row);
  }

  /** A page of an authority's certificates, newest first. */
  listByAuthority(authorityId: number, options: ListByAuthorityOptions): CertificatePage {
    const where = ["authority_id = :authorityId"];
    const params: Record<string, string | number> = { authorityId };
    if (options.status !== undefined) {
      where.push("status = :status");
      params.status = options.status;
    }
    if (options.certType !== undefined) {
      where.push("cert_type = :certType");
      params.certType = options.certType;
    }
    if (options.number !== undefined) {
      where.push("number_hash = :number");
      params.number = options.number;
    }
    // A number matches a handful of certificates: its index beats walking the authority's in order (which the planner,
    // wanting to skip the sort, would otherwise pick).
    const table = options.number === undefined ? "certificates" : "certificates INDEXED BY certificates_by_number";
    const filter = `FROM ${table} WHERE ${where.join(" AND ")}`;
    // Without a number, the total is a sum over certificate_counts (a few rows per authority), not a count of rows.
    const countSql =
      options.number === undefined
        ? `SELECT coalesce(sum(n), 0) AS n FROM certificate_counts WHERE ${where.join(" AND ")}`
        : `SELECT count(*) AS n ${filter}`;
    const total = this.#prepared(countSql).get(params) as { n: number };
    const rows = this.#prepared(`SELECT * ${filter} ${NEWEST_FIRST} LIMIT :limit OFFSET :offset`).all({
      ...params,
      limit: Math.min(MAX_LIMIT, options.limit ?? DEFAULT_LIMIT),
      offset: options.offset ?? 0,
    }) as CertificateRow[];
    return { items: rows.map(toCertificate), total: total.n };
  }

  /** The certHashes of an authority's certificates whose stored status is `status` (its status lists' bits). */
  hashesWithStatus(authorityId: number, status: "Suspended" | "Revoked"): string[] {
    const rows = this.#prepared(
      "SELECT cert_hash FROM certificates INDEXED BY certificates_by_authority_status WHERE authority_id = :authorityId AND status = :status",
    ).all({ authorityId, status }) as { cert_hash: string }[];
    return rows.map((r) => r.cert_hash);
  }

  /** Every certificate anchored more than once, with each anchoring. */
  duplicates(): DuplicateCertificate[] {
    return this.#s.duplicated.all().map(({ cert_hash }) => ({
      certHash: cert_hash,
      anchors: this.#s.anchorsOf.all({ certHash: cert_hash }).map(toAnchor),
    }));
  }

  /**
   * The batch member of `certHash` with its proof: of its earliest anchoring when that is a batch, else of the oldest
   * batch that holds it.
   */
  locate(certHash: string): BatchMember | undefined {
    const members = this.#s.members.all(certHash);
    if (members.length === 0) return undefined;
    // In one batch only (nearly always): that is the member. In several: the senior anchoring's, as the certificate row says.
    const senior = members.length > 1 ? this.#s.certificate.get(certHash) : undefined;
    const row = members.find((m) => m.root === senior?.batch_root && m.authority_id === senior?.authority_id) ?? members[0];
    const proof: string[] = [];
    for (let at = 0; at < row.proof.length; at += 32) proof.push("0x" + Buffer.from(row.proof.subarray(at, at + 32)).toString("hex"));
    const member: BatchMember = {
      root: row.root,
      authorityId: row.authority_id,
      certHash: row.cert_hash,
      numberHash: row.number_hash,
      validUntil: BigInt(row.valid_until),
      proof,
    };
    const payloadCid = cidText(row.payload_cid);
    if (payloadCid !== null) member.payloadCid = payloadCid;
    return member;
  }

  /** The batch anchored with `root` by `authorityId`, or undefined. */
  batch(root: string, authorityId: number): IndexedBatch | undefined {
    const row = this.#s.batch.get(root, authorityId);
    return row && toBatch(row);
  }

  /** The registry events filed under `kind` and `key`, in chain order. */
  events(kind: RegistryEventKind, key: string): RegistryEvent[] {
    return this.#s.events.all(kind, key).map((row) => ({
      blockNumber: row.block_number,
      txHash: row.tx_hash,
      logIndex: row.log_index,
      timestamp: BigInt(row.timestamp),
      event: row.event,
      args: JSON.parse(row.args) as Record<string, RegistryEventValue>,
    }));
  }

  /** Authority `id`, or undefined. */
  authority(id: number): IndexedAuthority | undefined {
    const row = this.#s.authority.get(id);
    return row && toAuthority(row);
  }

  /** Every authority (of `party`, when given), by id. */
  authorities(party?: string): IndexedAuthority[] {
    return (party === undefined ? this.#s.authorities.all() : this.#s.authoritiesOf.all(party)).map(toAuthority);
  }

  #prepared(sql: string): Database.Statement<[Record<string, string | number>]> {
    let statement = this.#byShape.get(sql);
    if (!statement) {
      statement = this.#db.prepare<Record<string, string | number>>(sql);
      this.#byShape.set(sql, statement);
    }
    return statement;
  }

  /** How many batches wait for their manifest. */
  pendingManifests(): number {
    return this.#s.pendingManifests.get()?.n ?? 0;
  }
}

function toCertificateEvent(row: CertEventRow): CertificateEvent {
  const at = { blockNumber: row.block_number, txHash: row.tx_hash, logIndex: row.log_index, timestamp: BigInt(row.timestamp) };
  const certHash = row.cert_hash;
  switch (row.event) {
    case "CertificateAnchored":
      return {
        ...at,
        event: row.event,
        args: {
          certHash,
          numberHash: row.number_hash ?? "",
          authorityId: row.authority_id ?? 0,
          certType: row.cert_type ?? 0,
          validUntil: BigInt(row.valid_until ?? 0),
          payloadCid: new Uint8Array(row.payload_cid ?? []),
        },
      };
    case "BatchedCertificateMaterialised":
      return {
        ...at,
        event: row.event,
        args: { certHash, root: row.root ?? "", numberHash: row.number_hash ?? "", authorityId: row.authority_id ?? 0 },
      };
    case "CertificateRevoked":
      return {
        ...at,
        event: row.event,
        args: {
          ...anchoringOf(row),
          reason: row.reason ?? 0,
          effectiveAt: BigInt(row.effective_at ?? 0),
          replacement: row.replacement ?? undefined,
        },
      };
    default:
      return { ...at, event: row.event, args: anchoringOf(row) };
  }
}

/** A status event's certificate and anchoring (its batch root, NULL for the direct anchoring, and its authority). */
function anchoringOf(row: CertEventRow) {
  return { certHash: row.cert_hash, authorityId: row.authority_id ?? 0, root: row.root ?? undefined };
}

function toBatchHistoryEvent(row: BatchRow): BatchAnchoredHistoryEvent {
  return {
    blockNumber: row.block_number,
    txHash: row.tx_hash,
    logIndex: row.log_index,
    timestamp: BigInt(row.timestamp),
    event: "BatchAnchored",
    args: {
      root: row.root,
      authorityId: row.authority_id,
      certType: row.cert_type,
      leafCount: row.leaf_count,
      manifestCid: new Uint8Array(row.manifest_cid),
    },
  };
}

function toBatch(row: BatchRow): IndexedBatch {
  return {
    root: row.root,
    authorityId: row.authority_id,
    certType: row.cert_type,
    leafCount: row.leaf_count,
    manifestCid: new Uint8Array(row.manifest_cid),
    manifestCidText: cidText(row.manifest_cid) ?? undefined,
    anchoredAt: BigInt(row.timestamp),
    blockNumber: row.block_number,
    logIndex: row.log_index,
    txHash: row.tx_hash,
    manifest: row.manifest_state,
    manifestError: row.manifest_error ?? undefined,
    manifestAttempts: row.manifest_attempts,
  };
}

function toAnchor(row: AnchorRow): IndexedAnchor {
  const anchor: IndexedAnchor = {
    certHash: row.cert_hash,
    numberHash: row.number_hash,
    authorityId: row.authority_id,
    certType: row.cert_type,
    validUntil: BigInt(row.valid_until),
    anchoredAt: BigInt(row.timestamp),
    blockNumber: row.block_number,
    txHash: row.tx_hash,
  };
  const payloadCid = cidText(row.payload_cid);
  // Optional fields are absent rather than present and undefined, so that objects compare and serialise cleanly.
  if (payloadCid !== null) anchor.payloadCid = payloadCid;
  if (row.root !== null) anchor.batchRoot = row.root;
  return anchor;
}

function toCertificate(row: CertificateRow): IndexedCertificate {
  const certificate: IndexedCertificate = {
    certHash: row.cert_hash,
    numberHash: row.number_hash,
    authorityId: row.authority_id,
    certType: row.cert_type,
    validUntil: BigInt(row.valid_until),
    anchoredAt: BigInt(row.anchored_at),
    blockNumber: row.block_number,
    txHash: row.tx_hash,
    status: row.status,
  };
  if (row.payload_cid !== null) certificate.payloadCid = row.payload_cid;
  if (row.batch_root !== null) certificate.batchRoot = row.batch_root;
  if (row.status_changed_at !== null) certificate.statusChangedAt = BigInt(row.status_changed_at);
  if (row.revocation !== null) {
    const r = JSON.parse(row.revocation) as {
      reason: number;
      effectiveAt: string;
      replacement?: string;
      revokedAt: number;
      blockNumber: number;
      txHash: string;
    };
    const revocation: IndexedRevocation = {
      reason: r.reason,
      effectiveAt: BigInt(r.effectiveAt),
      revokedAt: BigInt(r.revokedAt),
      blockNumber: r.blockNumber,
      txHash: r.txHash,
    };
    if (r.replacement !== undefined) revocation.replacement = r.replacement;
    certificate.revocation = revocation;
  }
  return certificate;
}

function toAuthority(row: AuthorityRow): IndexedAuthority {
  return {
    id: row.id,
    party: row.party,
    status: row.status,
    name: row.name,
    scope: BigInt(row.scope),
    validFrom: BigInt(row.valid_from),
    validUntil: BigInt(row.valid_until),
    accounts: JSON.parse(row.accounts) as string[],
    registeredAt: BigInt(row.registered_at),
    blockNumber: row.block_number,
  };
}
