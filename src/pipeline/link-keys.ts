import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import { normalizeCertificateNumber } from "../documents/hashing";
import { CertLedgerError } from "../errors";
import { openSqliteFile } from "../sqlite-file";
import { GroupCommit } from "../sqlite-group-commit";

/** A certificate this server accepted, as the console lists it: who issued it, its number, and whether it was stamped. */
export interface IssuedEntry {
  certHash: string;
  authorityId: number;
  party: string;
  certType: number;
  /** The certificate number as the issuer gave it. */
  number: string;
  /** Whether the document is a PDF that carries the stamp with its party-and-number link. */
  stamped: boolean;
  /** Arrival order: the console's cursor. */
  seq: number;
  /** ISO 8601. */
  createdAt: string;
}

/** What {@link LinkKeyStore.record} keeps. */
export type IssuedRecord = Omit<IssuedEntry, "seq" | "createdAt"> & { linkKey: string };

/** Which entries {@link LinkKeyStore.page} returns, newest first. */
export interface IssuedFilter {
  authorityId?: number;
  party?: string;
  certType?: number;
  /** A certificate number, matched after normalisation, in full or (with `numberPrefix`) as its beginning. */
  number?: string;
  numberPrefix?: boolean;
  /** Only entries older than this `seq` (the previous page's last). */
  before?: number;
  limit: number;
}

interface Row {
  seq: number;
  cert_hash: string;
  authority_id: number;
  party: string;
  cert_type: number;
  number: string;
  stamped: number;
  created_at: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS issued (
  seq          INTEGER PRIMARY KEY,
  cert_hash    TEXT    NOT NULL UNIQUE,
  authority_id INTEGER NOT NULL,
  party        TEXT    NOT NULL,
  cert_type    INTEGER NOT NULL,
  number       TEXT    NOT NULL,
  number_norm  TEXT    NOT NULL,
  stamped      INTEGER NOT NULL,
  link_key     BLOB    NOT NULL,
  created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS issued_by_authority ON issued (authority_id, seq);
CREATE INDEX IF NOT EXISTS issued_by_party ON issued (party, seq);
CREATE INDEX IF NOT EXISTS issued_by_number ON issued (number_norm);
`;
const COLUMNS = "seq, cert_hash, authority_id, party, cert_type, number, stamped, created_at";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const LINK_KEY = /^[A-Za-z0-9_-]{43}$/;

/**
 * The link keys of the certificates this server accepted, kept so that the issuer's console can show a certificate's
 * verification link (and open its document) again: DESIGN.md lets the issuing party's own server keep them, encrypted
 * at rest. One SQLite file beside the outbox; each key is sealed with AES-256-GCM under a key derived from the
 * keyring's data key, bound to its certHash (a row copied onto another certificate does not open). Beside each key it
 * keeps what the console searches by: authority, party, type and the certificate number.
 *
 * It also derives the link key of a PDF to stamp from the PDF, its authority and its number (an HMAC under another key
 * derived from the data key): the same PDF sent again is stamped the same and hashes the same, so a retry is
 * recognised as the first request instead of anchoring the document twice.
 */
export class LinkKeyStore {
  readonly #db: Database.Database;
  readonly #sealKey: Buffer;
  readonly #deriveKey: Buffer;
  readonly #upsert: Database.Statement;
  readonly #insertFirst: Database.Statement;
  readonly #grouped: GroupCommit<{ record: IssuedRecord; replace: boolean }, boolean>;
  #closed = false;

  private constructor(db: Database.Database, dataKey: Uint8Array) {
    this.#db = db;
    this.#sealKey = Buffer.from(hkdfSync("sha256", dataKey, new Uint8Array(0), "certledger link-key seal", 32));
    this.#deriveKey = Buffer.from(hkdfSync("sha256", dataKey, new Uint8Array(0), "certledger stamped link key", 32));
    this.#upsert = db.prepare(
      `INSERT INTO issued (cert_hash, authority_id, party, cert_type, number, number_norm, stamped, link_key, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (cert_hash) DO UPDATE SET link_key = excluded.link_key, stamped = excluded.stamped`,
    );
    this.#insertFirst = db.prepare(
      `INSERT INTO issued (cert_hash, authority_id, party, cert_type, number, number_norm, stamped, link_key, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (cert_hash) DO NOTHING`,
    );
    // A record refused (a malformed key) fails the whole group, as it did when each group was one plain transaction.
    this.#grouped = new GroupCommit(db, (items) => items.map(({ record, replace }) => ({ ok: this.#insert(record, replace) })));
  }

  /** Opens (creating it if needed) the store in SQLite file `file`, sealing with `dataKey` (32 bytes, see Keyring.dataKey). */
  static open(file: string, dataKey: Uint8Array): LinkKeyStore {
    if (!(dataKey instanceof Uint8Array) || dataKey.length !== 32) throw new RangeError("the data key must be 32 bytes");
    // A key is written before its request is acknowledged: it must survive what the request survives.
    const db = openSqliteFile(file, {
      synchronous: "FULL",
      schema: SCHEMA,
      failure: { code: "OUTBOX_UNAVAILABLE", what: "the link-key store" },
    });
    return new LinkKeyStore(db, dataKey);
  }

  /** Closes the file; the store cannot be used afterwards. */
  close(): void {
    if (this.#closed) return;
    this.#grouped.flush();
    this.#closed = true;
    this.#db.close();
  }

  /** The link key for stamping `documentHash` (the unstamped PDF's SHA-256) as `number` of `authorityId`: base64url. */
  stampLinkKey(authorityId: number, number: string, documentHash: string): string {
    const mac = createHmac("sha256", this.#deriveKey);
    mac.update(JSON.stringify([authorityId, normalizeCertificateNumber(number), documentHash.toLowerCase()]));
    return mac.digest().toString("base64url");
  }

  /**
   * Keeps `record` (its link key sealed) unless a key is kept for its certHash already: the first write wins, so a
   * duplicate upload racing the first cannot put a key that opens nothing over the one that opens the payload. Only
   * the submission the outbox accepted may `replace` it (its key is the one its payload was encrypted under). Returns
   * whether this record's key is the one kept.
   */
  record(record: IssuedRecord, options: { replace?: boolean } = {}): boolean {
    this.#check();
    return this.#insert(record, options.replace === true);
  }

  /**
   * What {@link record} does, committed together with the other records of the same event-loop turn: one fsync for all
   * of them (as the outbox's grouped enqueue), so concurrent submissions do not each wait for the disk. Resolves once
   * the key is durable, to whether it is the one kept.
   */
  recordGrouped(record: IssuedRecord, options: { replace?: boolean } = {}): Promise<boolean> {
    this.#check();
    if (!LINK_KEY.test(record.linkKey)) return Promise.reject(new RangeError("a link key is 43 characters of base64url"));
    return this.#grouped.add({ record, replace: options.replace === true });
  }

  #insert(record: IssuedRecord, replace: boolean): boolean {
    if (!LINK_KEY.test(record.linkKey)) throw new RangeError("a link key is 43 characters of base64url");
    const statement = replace ? this.#upsert : this.#insertFirst;
    const { changes } = statement.run(
      record.certHash,
      record.authorityId,
      record.party,
      record.certType,
      record.number,
      normalizeCertificateNumber(record.number),
      record.stamped ? 1 : 0,
      this.#seal(record.certHash, record.linkKey),
      Date.now(),
    );
    return changes > 0;
  }

  /** What is kept for `certHash`, with its link key unsealed, or undefined. */
  get(certHash: string): (IssuedEntry & { linkKey: string }) | undefined {
    this.#check();
    const row = this.#db
      .prepare<[string], Row & { link_key: Buffer }>(`SELECT ${COLUMNS}, link_key FROM issued WHERE cert_hash = ?`)
      .get(certHash.toLowerCase());
    return row && { ...toEntry(row), linkKey: this.#unseal(row.cert_hash, row.link_key) };
  }

  /** Entries matching `filter`, newest first. */
  page(filter: IssuedFilter): IssuedEntry[] {
    this.#check();
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: filter.limit };
    if (filter.authorityId !== undefined) {
      where.push("authority_id = :authorityId");
      params.authorityId = filter.authorityId;
    }
    if (filter.party !== undefined) {
      where.push("party = :party");
      params.party = filter.party;
    }
    if (filter.certType !== undefined) {
      where.push("cert_type = :certType");
      params.certType = filter.certType;
    }
    if (filter.number !== undefined) {
      const number = normalizeCertificateNumber(filter.number);
      // Numbers are stored normalised (upper case), so LIKE's ASCII case folding changes nothing; its wildcards are escaped.
      where.push(filter.numberPrefix ? "number_norm LIKE :number ESCAPE '\\'" : "number_norm = :number");
      params.number = filter.numberPrefix ? number.replace(/[\\%_]/g, (c) => `\\${c}`) + "%" : number;
    }
    if (filter.before !== undefined) {
      where.push("seq < :before");
      params.before = filter.before;
    }
    const sql = `SELECT ${COLUMNS} FROM issued ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq DESC LIMIT :limit`;
    return this.#db.prepare<[Record<string, string | number>], Row>(sql).all(params).map(toEntry);
  }

  #seal(certHash: string, linkKey: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#sealKey, iv);
    cipher.setAAD(Buffer.from(certHash.toLowerCase(), "utf8"));
    const sealed = Buffer.concat([cipher.update(Buffer.from(linkKey, "base64url")), cipher.final()]);
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]);
  }

  #unseal(certHash: string, blob: Buffer): string {
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.#sealKey, blob.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(certHash, "utf8"));
      decipher.setAuthTag(blob.subarray(blob.length - TAG_BYTES));
      return Buffer.concat([decipher.update(blob.subarray(IV_BYTES, blob.length - TAG_BYTES)), decipher.final()]).toString("base64url");
    } catch (error) {
      // The keyring's data key is not the one the key was sealed with, or the row was altered.
      throw new CertLedgerError("INVALID_KEYSTORE", `the link key of ${certHash} does not open with this server's data key`, {
        cause: error,
      });
    }
  }

  #check(): void {
    if (this.#closed) throw new CertLedgerError("OUTBOX_UNAVAILABLE", "the link-key store is closed");
  }
}

function toEntry(row: Row): IssuedEntry {
  return {
    certHash: row.cert_hash,
    authorityId: row.authority_id,
    party: row.party,
    certType: row.cert_type,
    number: row.number,
    stamped: row.stamped === 1,
    seq: row.seq,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
