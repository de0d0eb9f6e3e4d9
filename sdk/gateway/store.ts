/**
 * Opens the voucher store a gateway config names. Each backend is imported only when asked for, so a gateway on
 * SQLite never loads ioredis or pg (and the reverse: a Redis or Postgres gateway runs without the native SQLite
 * binding). A build without the Postgres store says "postgres store not available in this build".
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { VoucherStore } from "../store/types";
import type { StoreConfig } from "./fields";

/** Why a store could not be opened (one sentence, no secret: URLs are shown without their credentials). */
export class StoreOpenError extends Error {
  override name = "StoreOpenError";
}

/** A URL for messages: user and password replaced by `***`. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = "***";
      u.password = "";
    }
    return u.toString();
  } catch {
    return "<unparsable URL>";
  }
}

async function openPostgres(url: string): Promise<VoucherStore> {
  let mod: typeof import("../store/postgres");
  try {
    mod = await import("../store/postgres");
  } catch {
    throw new StoreOpenError("postgres store not available in this build");
  }
  let store: InstanceType<typeof mod.PostgresVoucherStore> | undefined;
  try {
    store = new mod.PostgresVoucherStore({ connectionString: url });
    await store.init(); // fail now on a wrong URL, a missing pg package or a non-durable pool
    return store;
  } catch (err) {
    await store?.close().catch(() => undefined);
    throw new StoreOpenError(`cannot open the postgres store ${redact(url)}: ${(err as Error).message}`);
  }
}

async function openRedis(url: string, prefix?: string): Promise<VoucherStore> {
  const [{ Redis }, { RedisVoucherStore }] = await Promise.all([import("ioredis"), import("../store/redis")]);
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    client.disconnect();
    throw new StoreOpenError(`cannot reach the redis store ${redact(url)}: ${(err as Error).message}`);
  }
  return new RedisVoucherStore({ client, prefix, ownsClient: true });
}

async function openSqlite(file: string): Promise<VoucherStore> {
  const { SqliteVoucherStore } = await import("../store/sqlite");
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  try {
    return new SqliteVoucherStore({ filename: file });
  } catch (err) {
    throw new StoreOpenError(`cannot open the SQLite store ${file}: ${(err as Error).message}`);
  }
}

/** Opens (and for SQLite creates) the store. */
export function openStore(config: StoreConfig): Promise<VoucherStore> {
  switch (config.kind) {
    case "sqlite":
      return openSqlite(config.file);
    case "redis":
      return openRedis(config.url, config.prefix);
    case "postgres":
      return openPostgres(config.url);
  }
}

/** The store for banners and logs: kind and file, or URL without credentials. */
export function describeStore(config: StoreConfig): string {
  return config.kind === "sqlite" ? `sqlite ${config.file}` : `${config.kind} ${redact(config.url)}`;
}
