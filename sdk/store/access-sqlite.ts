import Database from "better-sqlite3";
import { accessKey, type AccessStore } from "./access";

export interface SqliteAccessStoreOptions {
  /** Database file (may be the voucher store's: the tables are separate); ":memory:" for tests. */
  filename: string;
}

/**
 * Sign-in-with-x grants and used nonces in SQLite: replicas on one host share the file. Each write is one
 * statement, so two processes racing one nonce see exactly one insert. Expired nonces are pruned as it goes.
 */
export class SqliteAccessStore implements AccessStore {
  private readonly db: Database.Database;
  private readonly upsertGrant: Database.Statement;
  private readonly selectGrant: Database.Statement;
  private readonly claimNonce: Database.Statement;
  private readonly prune: Database.Statement;
  private writes = 0;

  constructor(options: SqliteAccessStoreOptions) {
    this.db = new Database(options.filename);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("busy_timeout = 5000");
    this.db.exec(`CREATE TABLE IF NOT EXISTS z402_access (key TEXT PRIMARY KEY, until INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS z402_siwx_nonces (key TEXT PRIMARY KEY, until INTEGER NOT NULL)`);
    this.upsertGrant = this.db.prepare(
      `INSERT INTO z402_access (key, until) VALUES (?, ?)
       ON CONFLICT(key) DO UPDATE SET until = max(until, excluded.until)`,
    );
    this.selectGrant = this.db.prepare("SELECT until FROM z402_access WHERE key = ?");
    // A remembered nonce past its `until` may be taken again (it can no longer validate anyway).
    this.claimNonce = this.db.prepare(
      `INSERT INTO z402_siwx_nonces (key, until) VALUES (?, ?)
       ON CONFLICT(key) DO UPDATE SET until = excluded.until WHERE z402_siwx_nonces.until <= ?`,
    );
    this.prune = this.db.prepare("DELETE FROM z402_siwx_nonces WHERE until <= ?");
  }

  async grant(route: string, payer: string, until: number): Promise<void> {
    this.upsertGrant.run(accessKey(route, payer), until);
  }

  async accessUntil(route: string, payer: string): Promise<number> {
    const row = this.selectGrant.get(accessKey(route, payer)) as { until: number } | undefined;
    return row?.until ?? 0;
  }

  async useNonce(key: string, until: number): Promise<boolean> {
    const now = Date.now();
    if (++this.writes % 1000 === 0) this.prune.run(now);
    return this.claimNonce.run(key, until, now).changes === 1;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
