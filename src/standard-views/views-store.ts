import { randomInt } from "node:crypto";
import type Database from "better-sqlite3";
import { jwkThumbprintHex, p256PublicJwk, type JWK, type P256PublicJwk } from "../crypto/keys";
import { CertLedgerError } from "../errors";
import { openSqliteFile } from "../sqlite-file";
import { GroupCommit, type GroupOutcome } from "../sqlite-group-commit";
import { STATUS_LIST_SIZE } from "./status-list-bits";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS status_entries (
  authority_id INTEGER NOT NULL,
  list         INTEGER NOT NULL,
  list_index   INTEGER NOT NULL,
  cert_hash    TEXT,
  assigned_at  INTEGER NOT NULL,
  PRIMARY KEY (authority_id, list, list_index)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS status_entries_by_cert ON status_entries (cert_hash) WHERE cert_hash IS NOT NULL;
CREATE TABLE IF NOT EXISTS published_keys (
  authority_id INTEGER NOT NULL,
  thumbprint   TEXT    NOT NULL,
  jwk          TEXT    NOT NULL,
  first_seen   INTEGER NOT NULL,
  PRIMARY KEY (authority_id, thumbprint)
) STRICT;
`;

/** A credential's place in its authority's status lists: the list's number and the bit's index in it. */
export interface StatusSlot {
  authorityId: number;
  list: number;
  index: number;
}

/** Lists are filled to this share before the next is opened, so a random free index is found in a few draws. */
const FILL_LIMIT = Math.floor(STATUS_LIST_SIZE * 0.75);
const DRAWS = 64;
/**
 * Slots reserved per write: a reservation is durable (synced) before a slot is handed out, so that no slot is ever
 * handed out twice, even across a power cut; reserving them one write at a time cost two disk syncs per credential.
 * Slots reserved and never bound (those left when the server stops) are wasted, never reused.
 */
const LEASE = 256;

/**
 * What this server keeps to publish the standard views of the ledger (src/standard-views): the status list slot it
 * gave each credential it signed, and the public keys (JWKs) of authorities' signing keys it has seen, since the
 * ledger holds only their thumbprints and a DID document needs the keys themselves. One SQLite file beside the outbox,
 * synced on commit: a slot given to a credential must never be given to another.
 */
export class ViewsStore {
  readonly #db: Database.Database;
  readonly #s: Record<"lastList" | "count" | "insert" | "bind" | "slotOf" | "remember" | "keys", Database.Statement>;
  /** Per authority: slots reserved on disk and not yet handed out. */
  readonly #leased = new Map<number, StatusSlot[]>();
  /** Bindings of slots to certHashes, committed together. */
  readonly #binds: GroupCommit<{ slot: StatusSlot; certHash: string }, void>;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#s = {
      lastList: db.prepare("SELECT coalesce(max(list), -1) AS list FROM status_entries WHERE authority_id = ?"),
      count: db.prepare("SELECT count(*) AS n FROM status_entries WHERE authority_id = ? AND list = ?"),
      insert: db.prepare(
        "INSERT INTO status_entries (authority_id, list, list_index, assigned_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
      ),
      bind: db.prepare(
        "UPDATE status_entries SET cert_hash = ? WHERE authority_id = ? AND list = ? AND list_index = ? AND cert_hash IS NULL",
      ),
      slotOf: db.prepare("SELECT authority_id, list, list_index FROM status_entries WHERE cert_hash = ?"),
      remember: db.prepare(
        "INSERT INTO published_keys (authority_id, thumbprint, jwk, first_seen) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
      ),
      keys: db.prepare("SELECT thumbprint, jwk FROM published_keys WHERE authority_id = ? ORDER BY first_seen, thumbprint"),
    };
    this.#binds = new GroupCommit(db, (binds) => binds.map(({ slot, certHash }) => this.#bind(slot, certHash)));
  }

  /** Opens (creating it if needed) the store's file. */
  static open(file: string): ViewsStore {
    return new ViewsStore(
      openSqliteFile(file, { synchronous: "FULL", schema: SCHEMA, failure: { code: "INVALID_CONFIG", what: "the views store" } }),
    );
  }

  /**
   * Reserves a random free slot in the authority's current list (opening the next when it is three quarters full), to
   * be bound to the credential's certHash once it is signed. A slot reserved and never bound stays unused for good.
   */
  reserveSlot(authorityId: number): StatusSlot {
    let leased = this.#leased.get(authorityId);
    if (!leased?.length) {
      leased = this.#lease(authorityId);
      this.#leased.set(authorityId, leased);
    }
    return leased.pop()!;
  }

  /**
   * Binds a reserved slot to the certHash of the credential that carries it; resolves once the binding is on disk.
   * Bindings made meanwhile are committed together (one disk sync for all), as the outbox commits its requests.
   */
  bindSlot(slot: StatusSlot, certHash: string): Promise<void> {
    return this.#binds.add({ slot, certHash });
  }

  /** Reserves LEASE random free slots in the authority's lists in one synced write, opening lists as they fill. */
  #lease(authorityId: number): StatusSlot[] {
    return this.#db.transaction((): StatusSlot[] => {
      // Counted once a lease (one indexed count per 256 slots), not once a slot.
      const list = Math.max(0, this.lastList(authorityId));
      const fill = { list, reserved: (this.#s.count.get(authorityId, list) as { n: number }).n };
      const slots: StatusSlot[] = [];
      const now = Date.now();
      while (slots.length < LEASE) {
        if (fill.reserved >= FILL_LIMIT) Object.assign(fill, { list: fill.list + 1, reserved: 0 });
        const slot = this.#drawFree(authorityId, fill.list, now);
        fill.reserved++;
        slots.push(slot);
      }
      return slots.reverse();
    })();
  }

  /** A random free slot of list `list`, reserved (inside the caller's transaction). */
  #drawFree(authorityId: number, list: number, now: number): StatusSlot {
    for (let draw = 0; draw < DRAWS; draw++) {
      const index = randomInt(STATUS_LIST_SIZE);
      if (this.#s.insert.run(authorityId, list, index, now).changes === 1) return { authorityId, list, index };
    }
    throw new CertLedgerError("STATUS_LIST_FULL", `no free status list entry found for authority ${authorityId} in list ${list}`);
  }

  /** Binds one slot (inside the group's transaction); a slot already bound, or a certHash already holding one, is refused alone. */
  #bind(slot: StatusSlot, certHash: string): GroupOutcome<void> {
    try {
      if (this.#s.bind.run(certHash, slot.authorityId, slot.list, slot.index).changes === 1) return { ok: undefined };
    } catch (error) {
      // Another credential's certHash already holds a slot: this binding alone is refused.
      if ((error as { code?: unknown }).code !== "SQLITE_CONSTRAINT_UNIQUE") throw error;
    }
    return {
      error: new CertLedgerError(
        "INVALID_STATUS_ENTRY",
        `status list slot ${slot.list}/${slot.index} of authority ${slot.authorityId} is not free`,
      ),
    };
  }

  /** The slot of a credential this server signed, or undefined. */
  slotOf(certHash: string): StatusSlot | undefined {
    const row = this.#s.slotOf.get(certHash) as { authority_id: number; list: number; list_index: number } | undefined;
    return row && { authorityId: row.authority_id, list: row.list, index: row.list_index };
  }

  /** The highest list number of an authority (-1 when it has none yet). */
  lastList(authorityId: number): number {
    return (this.#s.lastList.get(authorityId) as { list: number }).list;
  }

  /** Keeps the public half of an authority's signing key (once), so its DID document can show it. */
  rememberKey(authorityId: number, jwk: JWK): void {
    const key = p256PublicJwk(jwk, "signing key");
    this.#s.remember.run(authorityId, jwkThumbprintHex(key), JSON.stringify(key), Date.now());
  }

  /** The public keys seen for an authority, oldest first, by their thumbprint (0x hex). */
  keysOf(authorityId: number): { thumbprint: string; jwk: P256PublicJwk }[] {
    const rows = this.#s.keys.all(authorityId) as { thumbprint: string; jwk: string }[];
    return rows.map((r) => ({ thumbprint: r.thumbprint, jwk: JSON.parse(r.jwk) as P256PublicJwk }));
  }

  close(): void {
    this.#binds.flush();
    this.#db.close();
  }
}
