import { accessKey, type AccessStore } from "./access";
import type { PgPool } from "./postgres";

export interface PostgresAccessStoreOptions {
  /** A `pg.Pool` (not ended by the store unless `ownsPool`). */
  pool: PgPool;
  /** Prefix of the table names (`<prefix>access`, `<prefix>siwx_nonces`); default `z402_`. */
  tablePrefix?: string;
  ownsPool?: boolean;
}

/**
 * Sign-in-with-x grants and used nonces in PostgreSQL, for replicas that already share a Postgres voucher store.
 * A nonce is one `INSERT … ON CONFLICT` (one replica gets the row); a grant keeps the greater `until`. Tables are
 * created on first use.
 */
export class PostgresAccessStore implements AccessStore {
  private readonly pool: PgPool;
  private readonly access: string;
  private readonly nonces: string;
  private readonly ownsPool: boolean;
  private ready: Promise<void> | undefined;
  private writes = 0;

  constructor(options: PostgresAccessStoreOptions) {
    const prefix = options.tablePrefix ?? "z402_";
    if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix))
      throw new Error(`PostgresAccessStore: invalid prefix ${prefix}`);
    this.pool = options.pool;
    this.access = `"${prefix}access"`;
    this.nonces = `"${prefix}siwx_nonces"`;
    this.ownsPool = options.ownsPool ?? false;
  }

  private init(): Promise<void> {
    // Two replicas creating one table at once: the loser's IF NOT EXISTS fails on the catalog (23505/42P07).
    const create = (table: string) =>
      this.pool
        .query({ text: `CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, until BIGINT NOT NULL)` })
        .catch((err: { code?: string }) => {
          if (err?.code !== "23505" && err?.code !== "42P07") throw err;
        });
    return (this.ready ??= (async () => {
      await create(this.access);
      await create(this.nonces);
    })().catch((err) => {
      this.ready = undefined;
      throw err;
    }));
  }

  async grant(route: string, payer: string, until: number): Promise<void> {
    await this.init();
    await this.pool.query({
      text: `INSERT INTO ${this.access} (key, until) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET until = GREATEST(${this.access}.until, EXCLUDED.until)`,
      values: [accessKey(route, payer), until],
    });
  }

  async accessUntil(route: string, payer: string): Promise<number> {
    await this.init();
    const { rows } = await this.pool.query({
      text: `SELECT until FROM ${this.access} WHERE key = $1`,
      values: [accessKey(route, payer)],
    });
    return rows.length ? Number(rows[0].until) : 0;
  }

  async useNonce(key: string, until: number): Promise<boolean> {
    await this.init();
    const now = Date.now();
    if (++this.writes % 1000 === 0) {
      await this.pool.query({ text: `DELETE FROM ${this.nonces} WHERE until <= $1`, values: [now] });
    }
    // A remembered nonce past its `until` may be taken again (it can no longer validate anyway).
    const { rowCount } = await this.pool.query({
      text: `INSERT INTO ${this.nonces} (key, until) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET until = EXCLUDED.until WHERE ${this.nonces}.until <= $3`,
      values: [key, until, now],
    });
    return rowCount === 1;
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}
