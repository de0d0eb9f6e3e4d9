/** The Bazaar catalog in SQLite (better-sqlite3), in its own file or in a database the facilitator already uses. */
import { openSqlite } from "../discovery/sqlite-open";
import type { DiscoveryResource } from "@x402/extensions/bazaar";
import type { SqliteDatabase } from "../discovery/sqlite-store";
import { byLastUpdated, type CatalogStore } from "./bazaar-store";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS bazaar_resources (
  key TEXT PRIMARY KEY, updated TEXT NOT NULL, resource TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS bazaar_resources_updated ON bazaar_resources (updated);
`;

/** Pass a path, or a better-sqlite3 `Database` (the table is `bazaar_resources`). */
export class SqliteCatalogStore implements CatalogStore {
  readonly db: SqliteDatabase;
  private readonly owned: boolean;

  constructor(db: SqliteDatabase | string) {
    ({ db: this.db, owned: this.owned } = openSqlite(db));
    this.db.exec(SCHEMA);
  }

  async get(key: string) {
    const row = this.db.prepare("SELECT resource FROM bazaar_resources WHERE key = ?").get(key) as
      { resource: string } | undefined;
    return row ? (JSON.parse(row.resource) as DiscoveryResource) : undefined;
  }

  async put(key: string, resource: DiscoveryResource) {
    this.db
      .prepare(
        "INSERT INTO bazaar_resources (key, updated, resource) VALUES (?, ?, ?) " +
          "ON CONFLICT (key) DO UPDATE SET updated = excluded.updated, resource = excluded.resource",
      )
      .run(key, resource.lastUpdated, JSON.stringify(resource));
  }

  async all() {
    const rows = this.db.prepare("SELECT resource FROM bazaar_resources").all() as { resource: string }[];
    return rows.map((r) => JSON.parse(r.resource) as DiscoveryResource).sort(byLastUpdated);
  }

  async close() {
    if (this.owned) this.db.close();
  }
}
