import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type { ChannelRecord, QuarantineEntry, VoucherStore } from "./types";

/** A query as the store sends it: a named (prepared) statement with positional parameters. */
export interface PgQuery {
  name?: string;
  text: string;
  values?: unknown[];
}

/** What a query answers, as far as the store reads it. */
export interface PgResult {
  rows: Array<Record<string, unknown>>;
  rowCount: number | null;
}

/** A connection checked out of a pool (a `pg.PoolClient` fits it). */
export interface PgPoolClient {
  query(query: PgQuery): Promise<PgResult>;
  release(err?: Error | boolean): void;
}

/**
 * The part of a `pg.Pool` the store uses, spelled out so that the SDK's types need no `@types/pg`; a `pg.Pool`
 * fits it.
 */
export interface PgPool {
  query(query: PgQuery): Promise<PgResult>;
  connect(): Promise<PgPoolClient>;
  end(): Promise<void>;
}

export interface PostgresStoreOptions {
  /**
   * A `pg.Pool` (the store does not own it unless `ownsPool`). Its sessions must not run with
   * `synchronous_commit = off`, or a compare-and-set could resolve before it is durable: the store refuses to
   * start on such a pool.
   */
  pool?: PgPool;
  /**
   * A connection string (`postgres://user:pass@host:5432/db`), instead of `pool`: the store opens (and owns) a
   * `pg.Pool` whose sessions run with `synchronous_commit = on`. Needs the optional dependency `pg`.
   */
  connectionString?: string;
  /** Schema of the tables, created if missing; default: the connection's `search_path` (usually `public`). */
  schema?: string;
  /** Prefix of the table names (`<prefix>channels`, `<prefix>quarantine`); default `z402_`. */
  tablePrefix?: string;
  /** End the pool on `close()`; default true for a pool opened from `connectionString`, false for `pool`. */
  ownsPool?: boolean;
  /** Most connections of a pool opened from `connectionString` (pg's default: 10). */
  maxConnections?: number;
}

/** Columns of the channel table, in the order compare-and-set binds them (`$1` .. `$16`). */
const NAMES = [
  "channel_id", "config", "charged", "signed_max", "signature", "claimed",
  "lock", "lock_until", "payment_id", "last_charge", "request_digest", "response", "responded_at",
  "cap_nonce", "cap_balance", "version",
]; // prettier-ignore

/** Columns added after the first release, with their definitions: older tables get them on start. */
const ADDED_COLUMNS: Array<[string, string]> = [
  ["request_digest", "TEXT NOT NULL DEFAULT ''"],
  ["response", "TEXT NOT NULL DEFAULT ''"],
  ["responded_at", "BIGINT NOT NULL DEFAULT 0"],
  ["cap_nonce", "NUMERIC(78,0) NOT NULL DEFAULT 0"],
  ["cap_balance", "NUMERIC(78,0) NOT NULL DEFAULT 0"],
];

/**
 * Every column read back as text: amounts are NUMERIC(78,0) (any uint256, exactly) and a pool's type parsers
 * (an application may map NUMERIC to a float) never see them.
 */
const SELECT = `channel_id, config, charged::text AS charged, signed_max::text AS signed_max, signature,
  claimed::text AS claimed, lock, lock_until::text AS lock_until, payment_id, last_charge::text AS last_charge,
  request_digest, response, responded_at::text AS responded_at, cap_nonce::text AS cap_nonce,
  cap_balance::text AS cap_balance, version::text AS version`;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function identifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name))
    throw new Error(`PostgresVoucherStore: invalid ${what} ${JSON.stringify(name)}`);
  return `"${name}"`;
}

function toRecord(row: Record<string, unknown>): ChannelRecord {
  const s = (k: string) => row[k] as string;
  return {
    channelId: s("channel_id"),
    config: s("config"),
    charged: BigInt(s("charged")),
    signedMax: BigInt(s("signed_max")),
    signature: s("signature"),
    claimed: BigInt(s("claimed")),
    lock: s("lock"),
    lockUntil: Number(s("lock_until")),
    paymentId: s("payment_id"),
    lastCharge: BigInt(s("last_charge")),
    requestDigest: s("request_digest"),
    response: s("response"),
    respondedAt: Number(s("responded_at")),
    capNonce: BigInt(s("cap_nonce")),
    capBalance: BigInt(s("cap_balance")),
    version: Number(s("version")),
  };
}

/** The row's values in `NAMES` order. */
function rowValues(r: ChannelRecord, version: number): unknown[] {
  return [
    r.channelId.toLowerCase(),
    r.config,
    r.charged.toString(),
    r.signedMax.toString(),
    r.signature,
    r.claimed.toString(),
    r.lock,
    String(r.lockUntil),
    r.paymentId,
    r.lastCharge.toString(),
    r.requestDigest,
    r.response,
    String(r.respondedAt),
    r.capNonce.toString(),
    r.capBalance.toString(),
    version,
  ];
}

/** A named statement: prepared once per connection (the name is unique to the text, so to the tables). */
function statement(text: string): (values?: unknown[]) => PgQuery {
  const name = "z402_" + createHash("sha256").update(text).digest("hex").slice(0, 24);
  return (values = []) => ({ name, text, values });
}

/**
 * A store on PostgreSQL, shared by several server replicas: each compare-and-set is one statement (an
 * `INSERT ... ON CONFLICT DO NOTHING` to create, an `UPDATE ... WHERE version = expected` to change), committed
 * with `synchronous_commit` on, so it is durable when the promise resolves and two replicas can never both
 * reserve or commit one payment. Tables are created (and columns of later releases added) on first use.
 */
export class PostgresVoucherStore implements VoucherStore {
  private readonly pool: PgPool;
  private readonly ownsPool: boolean;
  private readonly givenPool: boolean;
  private readonly schema?: string;
  private readonly channels: string;
  private readonly quarantined: string;
  private readonly prefix: string;
  private ready?: Promise<void>;
  private readonly sql: {
    get: (v: unknown[]) => PgQuery;
    insert: (v: unknown[]) => PgQuery;
    update: (v: unknown[]) => PgQuery;
    owed: (v?: unknown[]) => PgQuery;
    clearLocks: (v: unknown[]) => PgQuery;
    quarantine: (v: unknown[]) => PgQuery;
    listQuarantined: (v?: unknown[]) => PgQuery;
    release: (v: unknown[]) => PgQuery;
  };

  constructor(options: PostgresStoreOptions) {
    if (!options.pool === !options.connectionString) {
      throw new Error("PostgresVoucherStore: pass either `pool` or `connectionString`");
    }
    this.prefix = options.tablePrefix ?? "z402_";
    const qualify = (table: string) =>
      (options.schema ? identifier(options.schema, "schema") + "." : "") +
      identifier(this.prefix + table, "table prefix");
    this.schema = options.schema;
    this.channels = qualify("channels");
    this.quarantined = qualify("quarantine");
    if (options.pool) {
      this.pool = options.pool;
      this.givenPool = true;
      this.ownsPool = options.ownsPool ?? false;
    } else {
      // Loaded lazily: pg is an optional dependency. A require made for this file, so the ESM build (where
      // `require` is not defined; the build shims `__filename`) loads it too.
      const pg = createRequire(__filename)("pg") as {
        Pool: new (config: Record<string, unknown>) => PgPool & {
          on(event: "error", listener: (err: Error) => void): unknown;
        };
      };
      const pool = new pg.Pool({
        connectionString: options.connectionString,
        // Every session of this pool commits durably, whatever the server's or database's default.
        options: "-c synchronous_commit=on",
        ...(options.maxConnections ? { max: options.maxConnections } : {}),
      });
      // An idle connection the server drops (a restart, a failover) is an `error` event on the pool, which would
      // end the process unheard: the pool discards that connection and the next query opens another.
      pool.on("error", () => undefined);
      this.pool = pool;
      this.givenPool = false;
      this.ownsPool = options.ownsPool ?? true;
    }
    const t = this.channels;
    this.sql = {
      get: statement(`SELECT ${SELECT} FROM ${t} WHERE channel_id = $1`),
      insert: statement(
        `INSERT INTO ${t} (${NAMES.join(", ")}) VALUES (${NAMES.map((_, i) => `$${i + 1}`).join(", ")})
         ON CONFLICT (channel_id) DO NOTHING`,
      ),
      update: statement(
        `UPDATE ${t} SET ${NAMES.slice(1)
          .map((n, i) => `${n} = $${i + 2}`)
          .join(", ")} WHERE channel_id = $1 AND version = $${NAMES.length + 1}`,
      ),
      owed: statement(`SELECT ${SELECT} FROM ${t} WHERE charged > claimed`),
      // One statement: each row is re-checked once its row lock is granted, and its version bumped, so a
      // writer holding the record from before the release fails its compare-and-set.
      clearLocks: statement(
        `UPDATE ${t} SET lock = '', lock_until = 0, version = version + 1
         WHERE lock <> '' AND left(lock, length($1)) = $1`,
      ),
      quarantine: statement(
        `INSERT INTO ${this.quarantined} (channel_id, signed_max, charged, reason, at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (channel_id) DO UPDATE SET signed_max = excluded.signed_max, charged = excluded.charged,
         reason = excluded.reason, at = excluded.at`,
      ),
      listQuarantined: statement(
        `SELECT channel_id, signed_max::text AS signed_max, charged::text AS charged, reason, at::text AS at
         FROM ${this.quarantined} ORDER BY at, channel_id COLLATE "C"`,
      ),
      release: statement(`DELETE FROM ${this.quarantined} WHERE channel_id = $1`),
    };
  }

  /**
   * Creates the schema, tables and indexes if missing and adds the columns of later releases (under an
   * advisory lock, so replicas starting together do not race on the catalog), and checks that commits are
   * durable. Called by every method on first use; call it to fail early on a bad connection.
   */
  init(): Promise<void> {
    this.ready ??= this.createTables().catch((err) => {
      this.ready = undefined; // the next call tries again
      throw err;
    });
    return this.ready;
  }

  private async createTables(): Promise<void> {
    const client = await this.pool.connect();
    const run = (text: string, values: unknown[] = []) => client.query({ text, values });
    try {
      if (this.givenPool) {
        const { rows } = await run("SELECT current_setting('synchronous_commit') AS setting");
        if (rows[0]?.setting === "off") {
          throw new Error(
            "PostgresVoucherStore: the pool's sessions run with synchronous_commit = off, so a voucher could be " +
              "lost after it was served; open the pool with options: '-c synchronous_commit=on'",
          );
        }
      }
      await run("BEGIN");
      await run("SELECT pg_advisory_xact_lock(hashtext($1))", [this.channels]);
      if (this.schema) await run(`CREATE SCHEMA IF NOT EXISTS ${identifier(this.schema, "schema")}`);
      await run(`CREATE TABLE IF NOT EXISTS ${this.channels} (
        channel_id TEXT PRIMARY KEY, config TEXT NOT NULL, charged NUMERIC(78,0) NOT NULL,
        signed_max NUMERIC(78,0) NOT NULL, signature TEXT NOT NULL, claimed NUMERIC(78,0) NOT NULL,
        lock TEXT NOT NULL, lock_until BIGINT NOT NULL, payment_id TEXT NOT NULL, last_charge NUMERIC(78,0) NOT NULL,
        version INTEGER NOT NULL)`);
      for (const [name, definition] of ADDED_COLUMNS) {
        await run(`ALTER TABLE ${this.channels} ADD COLUMN IF NOT EXISTS ${name} ${definition}`);
      }
      // Partial indexes: the settlement worker's list, and the locks a restarting instance releases.
      await run(
        `CREATE INDEX IF NOT EXISTS ${identifier(this.prefix + "channels_owed", "table prefix")}
         ON ${this.channels} (channel_id) WHERE charged > claimed`,
      );
      await run(
        `CREATE INDEX IF NOT EXISTS ${identifier(this.prefix + "channels_locked", "table prefix")}
         ON ${this.channels} (channel_id) WHERE lock <> ''`,
      );
      await run(`CREATE TABLE IF NOT EXISTS ${this.quarantined} (
        channel_id TEXT PRIMARY KEY, signed_max NUMERIC(78,0) NOT NULL, charged NUMERIC(78,0) NOT NULL,
        reason TEXT NOT NULL, at BIGINT NOT NULL)`);
      await run("COMMIT");
      client.release();
    } catch (err) {
      await run("ROLLBACK").catch(() => undefined);
      client.release(true);
      throw err;
    }
  }

  private async query(q: PgQuery): Promise<PgResult> {
    await this.init();
    return this.pool.query(q);
  }

  async get(channelId: string): Promise<ChannelRecord | undefined> {
    const { rows } = await this.query(this.sql.get([channelId.toLowerCase()]));
    return rows.length ? toRecord(rows[0]) : undefined;
  }

  async compareAndSet(record: ChannelRecord, expectedVersion: number): Promise<boolean> {
    const values = rowValues(record, expectedVersion + 1);
    const { rowCount } = await this.query(
      expectedVersion === 0 ? this.sql.insert(values) : this.sql.update([...values, expectedVersion]),
    );
    if (rowCount === 1) record.version = expectedVersion + 1;
    return rowCount === 1;
  }

  async listOwed(): Promise<ChannelRecord[]> {
    return (await this.query(this.sql.owed())).rows.map(toRecord);
  }

  async clearLocks(instance: string): Promise<number> {
    return (await this.query(this.sql.clearLocks([instance + ":"]))).rowCount ?? 0;
  }

  async close(): Promise<void> {
    await this.ready?.catch(() => undefined);
    if (this.ownsPool) await this.pool.end();
  }

  async quarantine(entry: QuarantineEntry): Promise<void> {
    await this.query(
      this.sql.quarantine([
        entry.channelId.toLowerCase(),
        entry.signedMax.toString(),
        entry.charged.toString(),
        entry.reason,
        String(entry.at),
      ]),
    );
  }

  async listQuarantined(): Promise<QuarantineEntry[]> {
    const { rows } = await this.query(this.sql.listQuarantined());
    return rows.map((r) => ({
      channelId: r.channel_id as string,
      signedMax: BigInt(r.signed_max as string),
      charged: BigInt(r.charged as string),
      reason: r.reason as string,
      at: Number(r.at as string),
    }));
  }

  async releaseQuarantine(channelId: string): Promise<void> {
    await this.query(this.sql.release([channelId.toLowerCase()]));
  }
}
