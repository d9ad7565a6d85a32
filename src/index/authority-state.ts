import type Database from "better-sqlite3";
import type { RegistryEventValue } from "./index-types";

/** The derived `authorities` row of one authority, replayed from its registry events (like certificate-state.ts). */

interface AuthorityEventRow {
  event: string;
  args: string;
  timestamp: number;
  block_number: number;
}

/** Recomputes `authorities` rows; its statements are prepared once per database. */
export class AuthorityState {
  readonly #events: Database.Statement<[string], AuthorityEventRow>;
  readonly #upsert: Database.Statement<Record<string, unknown>>;
  readonly #delete: Database.Statement<[number]>;

  constructor(db: Database.Database) {
    this.#events = db.prepare<[string], AuthorityEventRow>(
      `SELECT e.event, e.args, e.timestamp, e.block_number
         FROM registry_event_keys k JOIN registry_events e ON e.block_number = k.block_number AND e.log_index = k.log_index
        WHERE k.kind = 'authority' AND k.key = ? AND e.event LIKE 'Authority%'
        ORDER BY k.block_number, k.log_index`,
    );
    this.#upsert = db.prepare<Record<string, unknown>>(
      `INSERT OR REPLACE INTO authorities (id, party, name, status, scope, valid_from, valid_until, accounts, registered_at, block_number)
       VALUES (:id, :party, :name, :status, :scope, :validFrom, :validUntil, :accounts, :registeredAt, :blockNumber)`,
    );
    this.#delete = db.prepare<[number]>("DELETE FROM authorities WHERE id = ?");
  }

  /** Rewrites the row of authority `id` from its events (deleting it when its registration is gone). */
  refresh(id: number): void {
    const events = this.#events.all(String(id));
    const registered = events.find((e) => e.event === "AuthorityRegistered");
    if (!registered) {
      this.#delete.run(id);
      return;
    }
    const row = { id, party: "", name: "", status: "Active", scope: "0", validFrom: "0", validUntil: "0" };
    const accounts: string[] = [];
    for (const e of events) {
      const args = JSON.parse(e.args) as Record<string, RegistryEventValue>;
      switch (e.event) {
        case "AuthorityRegistered":
          Object.assign(row, { party: args.party, name: args.name, status: "Active" });
        // falls through: registration sets scope and validity as an update does
        case "AuthorityUpdated":
          Object.assign(row, { scope: String(args.scope), validFrom: String(args.validFrom), validUntil: String(args.validUntil) });
          break;
        case "AuthoritySuspended":
          row.status = "Suspended";
          break;
        case "AuthorityReactivated":
          row.status = "Active";
          break;
        case "AuthorityAccountAdded":
          accounts.push(String(args.account));
          break;
        case "AuthorityAccountRemoved": {
          const at = accounts.indexOf(String(args.account));
          if (at >= 0) accounts.splice(at, 1);
          break;
        }
      }
    }
    this.#upsert.run({
      ...row,
      accounts: JSON.stringify(accounts),
      registeredAt: registered.timestamp,
      blockNumber: registered.block_number,
    });
  }
}
