import Database from "better-sqlite3";
import { openSqliteFile } from "../src/sqlite-file";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS revoked_tokens (
  jti TEXT PRIMARY KEY,
  subject TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER NOT NULL,
  revoked_by TEXT NOT NULL
) STRICT;
`;

/** A revoked token as recorded. */
export interface TokenRevocation {
  jti: string;
  /** The token's `sub`: `authority:<id>` or `party:<code>`. */
  subject: string;
  /** When the token would have expired anyway (seconds); the record is dropped after it. */
  expiresAt: number;
  /** Who revoked it: `party:<code>` of the admin. */
  revokedBy: string;
}

/**
 * The access tokens revoked before they expire, by `jti`, in SQLite in the data folder (`token-revocations.sqlite`):
 * a token leaked, or one handed to someone who left, stops working at once, the demo's 365-day tokens included. A
 * record is kept until its token would have expired anyway, then dropped at the next start.
 */
export class TokenRevocations {
  readonly #db: Database.Database;
  readonly #has: Database.Statement<[string], { jti: string }>;
  readonly #insert: Database.Statement<[string, string, number, number, string]>;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#has = db.prepare("SELECT jti FROM revoked_tokens WHERE jti = ?");
    this.#insert = db.prepare(
      "INSERT OR IGNORE INTO revoked_tokens (jti, subject, expires_at, revoked_at, revoked_by) VALUES (?, ?, ?, ?, ?)",
    );
  }

  /** Opens (creating it if needed) the list in SQLite file `file`, dropping the records of tokens expired since. */
  static open(file: string): TokenRevocations {
    // A revocation answered must hold after a power cut: the token it names must not come back.
    const db = openSqliteFile(file, {
      synchronous: "FULL",
      schema: SCHEMA,
      failure: { code: "INTERNAL_ERROR", what: "the token revocation list" },
    });
    db.prepare("DELETE FROM revoked_tokens WHERE expires_at < ?").run(Math.floor(Date.now() / 1000));
    return new TokenRevocations(db);
  }

  /** Whether the token `jti` was revoked. */
  isRevoked(jti: string): boolean {
    return this.#has.get(jti) !== undefined;
  }

  /** Records `revocation` (a second revocation of the same token changes nothing). */
  revoke(revocation: TokenRevocation): void {
    const { jti, subject, expiresAt, revokedBy } = revocation;
    this.#insert.run(jti, subject, expiresAt, Math.floor(Date.now() / 1000), revokedBy);
  }

  close(): void {
    this.#db.close();
  }
}
