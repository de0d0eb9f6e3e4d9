export type { ChannelRecord, QuarantineEntry, VoucherStore } from "./types";
export { emptyRecord, lockOwnedBy } from "./types";
export { SqliteVoucherStore, type SqliteStoreOptions } from "./sqlite";
export { RedisVoucherStore, type RedisStoreOptions } from "./redis";
export { PostgresVoucherStore, type PostgresStoreOptions, type PgPool } from "./postgres";
export { MemoryAccessStore, accessKey, type AccessStore } from "./access";
export { SqliteAccessStore, type SqliteAccessStoreOptions } from "./access-sqlite";
export { RedisAccessStore, type RedisAccessStoreOptions } from "./access-redis";
export { PostgresAccessStore, type PostgresAccessStoreOptions } from "./access-postgres";
