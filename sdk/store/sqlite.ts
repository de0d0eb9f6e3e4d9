import Database from "better-sqlite3";
import type { ChannelRecord, VoucherStore } from "./types";
import { lockOwnedBy } from "./types";
import type { QuarantineEntry } from "./types";

export interface SqliteStoreOptions {
  /** Database file; ":memory:" for tests. */
  filename: string;
  /** `FULL` (default) survives power loss; `NORMAL` survives process crashes only (WAL). */
  synchronous?: "FULL" | "NORMAL";
}

interface Row {
  channel_id: string;
  config: string;
  charged: string;
  signed_max: string;
  signature: string;
  claimed: string;
  lock: string;
  lock_until: number;
  payment_id: string;
  last_charge: string;
  request_digest: string;
  response: string;
  responded_at: number;
  cap_nonce: string;
  cap_balance: string;
  version: number;
}

const NAMES = [
  "channel_id", "config", "charged", "signed_max", "signature", "claimed",
  "lock", "lock_until", "payment_id", "last_charge", "request_digest", "response", "responded_at",
  "cap_nonce", "cap_balance", "version", "owed",
]; // prettier-ignore

/** Columns added after the first release, with their definitions: older files get them on open. */
const ADDED_COLUMNS: Array<[string, string]> = [
  ["request_digest", "TEXT NOT NULL DEFAULT ''"],
  ["response", "TEXT NOT NULL DEFAULT ''"],
  ["responded_at", "INTEGER NOT NULL DEFAULT 0"],
  ["cap_nonce", "TEXT NOT NULL DEFAULT '0'"],
  ["cap_balance", "TEXT NOT NULL DEFAULT '0'"],
];

function toRecord(row: Row): ChannelRecord {
  return {
    channelId: row.channel_id,
    config: row.config,
    charged: BigInt(row.charged),
    signedMax: BigInt(row.signed_max),
    signature: row.signature,
    claimed: BigInt(row.claimed),
    lock: row.lock,
    lockUntil: row.lock_until,
    paymentId: row.payment_id,
    lastCharge: BigInt(row.last_charge),
    requestDigest: row.request_digest,
    response: row.response,
    respondedAt: row.responded_at,
    capNonce: BigInt(row.cap_nonce),
    capBalance: BigInt(row.cap_balance),
    version: row.version,
  };
}

/**
 * The row's values in `NAMES` order, bound positionally (cheaper than named parameters on the hot path).
 */
function rowValues(r: ChannelRecord, version: number): unknown[] {
  return [
    r.channelId.toLowerCase(),
    r.config,
    r.charged.toString(),
    r.signedMax.toString(),
    r.signature,
    r.claimed.toString(),
    r.lock,
    r.lockUntil,
    r.paymentId,
    r.lastCharge.toString(),
    r.requestDigest,
    r.response,
    r.respondedAt,
    r.capNonce.toString(),
    r.capBalance.toString(),
    version,
    r.charged > r.claimed ? 1 : 0,
  ];
}

interface PendingWrite {
  record: ChannelRecord;
  expectedVersion: number;
  resolve: (ok: boolean) => void;
  reject: (err: unknown) => void;
}

/**
 * The embedded default store: one SQLite file in WAL mode. Each compare-and-set is one transaction,
 * committed (and, with `synchronous = FULL`, fsynced) before the promise resolves.
 */
export class SqliteVoucherStore implements VoucherStore {
  private readonly db: Database.Database;
  private readonly selectOne: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly update: Database.Statement;
  private readonly selectOwed: Database.Statement;
  private readonly selectLocked: Database.Statement;
  private readonly writeBatch: (batch: PendingWrite[]) => boolean[];
  private queue: PendingWrite[] = [];
  private scheduled = false;

  constructor(options: SqliteStoreOptions) {
    this.db = new Database(options.filename);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma(`synchronous = ${options.synchronous ?? "FULL"}`);
    this.db.exec(`CREATE TABLE IF NOT EXISTS z402_channels (
      channel_id TEXT PRIMARY KEY, config TEXT NOT NULL, charged TEXT NOT NULL, signed_max TEXT NOT NULL,
      signature TEXT NOT NULL, claimed TEXT NOT NULL, lock TEXT NOT NULL, lock_until INTEGER NOT NULL,
      payment_id TEXT NOT NULL, last_charge TEXT NOT NULL, version INTEGER NOT NULL, owed INTEGER NOT NULL)`);
    const present = new Set(
      (this.db.prepare("PRAGMA table_info(z402_channels)").all() as Array<{ name: string }>).map(
        (c) => c.name,
      ),
    );
    for (const [name, definition] of ADDED_COLUMNS) {
      if (!present.has(name)) this.db.exec(`ALTER TABLE z402_channels ADD COLUMN ${name} ${definition}`);
    }
    this.db.exec("CREATE INDEX IF NOT EXISTS z402_channels_owed ON z402_channels (owed)");
    this.selectOne = this.db.prepare("SELECT * FROM z402_channels WHERE channel_id = ?");
    this.insert = this.db.prepare(
      `INSERT INTO z402_channels (${NAMES.join(",")}) VALUES (${NAMES.map(() => "?").join(",")})
       ON CONFLICT(channel_id) DO NOTHING`,
    );
    this.update = this.db.prepare(
      `UPDATE z402_channels SET ${NAMES.slice(1)
        .map((n) => `${n}=?`)
        .join(",")} WHERE channel_id=? AND version=?`,
    );
    this.selectOwed = this.db.prepare("SELECT * FROM z402_channels WHERE owed = 1");
    this.selectLocked = this.db.prepare("SELECT * FROM z402_channels WHERE lock != ''");
    // Built once: better-sqlite3 wraps a transaction function in four variants per call to `transaction`.
    this.writeBatch = this.db.transaction((batch: PendingWrite[]) =>
      batch.map((op) => this.casSync(op.record, op.expectedVersion)),
    );
  }

  async get(channelId: string): Promise<ChannelRecord | undefined> {
    const row = this.selectOne.get(channelId.toLowerCase()) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  /**
   * Group commit: every compare-and-set issued in the same event-loop turn runs in one transaction (one
   * fsync), each still checked against its own expected version; promises resolve after the commit.
   */
  compareAndSet(record: ChannelRecord, expectedVersion: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, expectedVersion, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    let results: boolean[];
    try {
      results = this.writeBatch(batch);
    } catch (err) {
      for (const op of batch) op.reject(err);
      return;
    }
    batch.forEach((op, i) => op.resolve(results[i]));
  }

  private casSync(record: ChannelRecord, expectedVersion: number): boolean {
    const [channelId, ...columns] = rowValues(record, expectedVersion + 1);
    const changes =
      expectedVersion === 0
        ? this.insert.run(channelId, ...columns).changes
        : this.update.run(...columns, channelId, expectedVersion).changes;
    if (changes === 1) record.version = expectedVersion + 1;
    return changes === 1;
  }

  async listOwed(): Promise<ChannelRecord[]> {
    return (this.selectOwed.all() as Row[]).map(toRecord);
  }

  async clearLocks(instance: string): Promise<number> {
    let cleared = 0;
    for (const record of (this.selectLocked.all() as Row[]).map(toRecord)) {
      if (!lockOwnedBy(record.lock, instance)) continue;
      if (this.casSync({ ...record, lock: "", lockUntil: 0 }, record.version)) cleared++;
    }
    return cleared;
  }

  async close(): Promise<void> {
    if (this.queue.length > 0) this.flush();
    if (this.db.open) this.db.close();
  }

  /** Statements of the `z402_quarantine` table, created on first use (each write is its own durable commit). */
  private quarantineSql?: { upsert: Database.Statement; all: Database.Statement; remove: Database.Statement };

  private quarantineTable() {
    if (!this.quarantineSql) {
      this.db.exec(`CREATE TABLE IF NOT EXISTS z402_quarantine (
        channel_id TEXT PRIMARY KEY, signed_max TEXT NOT NULL, charged TEXT NOT NULL, reason TEXT NOT NULL,
        at INTEGER NOT NULL)`);
      this.quarantineSql = {
        upsert: this.db.prepare(
          `INSERT INTO z402_quarantine (channel_id, signed_max, charged, reason, at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(channel_id) DO UPDATE SET signed_max = excluded.signed_max, charged = excluded.charged,
           reason = excluded.reason, at = excluded.at`,
        ),
        all: this.db.prepare("SELECT * FROM z402_quarantine ORDER BY at, channel_id"),
        remove: this.db.prepare("DELETE FROM z402_quarantine WHERE channel_id = ?"),
      };
    }
    return this.quarantineSql;
  }

  async quarantine(entry: QuarantineEntry): Promise<void> {
    this.quarantineTable().upsert.run(
      entry.channelId.toLowerCase(),
      entry.signedMax.toString(),
      entry.charged.toString(),
      entry.reason,
      entry.at,
    );
  }

  async listQuarantined(): Promise<QuarantineEntry[]> {
    const rows = this.quarantineTable().all.all() as Array<{
      channel_id: string;
      signed_max: string;
      charged: string;
      reason: string;
      at: number;
    }>;
    return rows.map((r) => ({
      channelId: r.channel_id,
      signedMax: BigInt(r.signed_max),
      charged: BigInt(r.charged),
      reason: r.reason,
      at: r.at,
    }));
  }

  async releaseQuarantine(channelId: string): Promise<void> {
    this.quarantineTable().remove.run(channelId.toLowerCase());
  }
}
