import type { Redis } from "ioredis";
import type { ChannelRecord, VoucherStore } from "./types";
import { lockOwnedBy } from "./types";
import type { QuarantineEntry } from "./types";

/**
 * Atomic compare-and-set of one channel hash. KEYS: channel hash, owed set, locked set.
 * ARGV: expected version, channel id, owed flag, locked flag, then field/value pairs.
 */
const CAS_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if current ~= tonumber(ARGV[1]) then return 0 end
local fields = {}
for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], 'version', tostring(current + 1), unpack(fields))
if ARGV[3] == '1' then redis.call('SADD', KEYS[2], ARGV[2]) else redis.call('SREM', KEYS[2], ARGV[2]) end
if ARGV[4] == '1' then redis.call('SADD', KEYS[3], ARGV[2]) else redis.call('SREM', KEYS[3], ARGV[2]) end
return 1
`;

type Hash = Record<string, string>;

function toRecord(h: Hash): ChannelRecord {
  return {
    channelId: h.channelId,
    config: h.config,
    charged: BigInt(h.charged),
    signedMax: BigInt(h.signedMax),
    signature: h.signature,
    claimed: BigInt(h.claimed),
    lock: h.lock,
    lockUntil: Number(h.lockUntil),
    paymentId: h.paymentId,
    lastCharge: BigInt(h.lastCharge),
    // Fields added after the first release read as their defaults in older hashes.
    requestDigest: h.requestDigest ?? "",
    response: h.response ?? "",
    respondedAt: Number(h.respondedAt ?? 0),
    capNonce: BigInt(h.capNonce ?? 0),
    capBalance: BigInt(h.capBalance ?? 0),
    version: Number(h.version),
  };
}

function fields(r: ChannelRecord): string[] {
  return [
    "channelId", r.channelId.toLowerCase(),
    "config", r.config,
    "charged", r.charged.toString(),
    "signedMax", r.signedMax.toString(),
    "signature", r.signature,
    "claimed", r.claimed.toString(),
    "lock", r.lock,
    "lockUntil", String(r.lockUntil),
    "paymentId", r.paymentId,
    "lastCharge", r.lastCharge.toString(),
    "requestDigest", r.requestDigest,
    "response", r.response,
    "respondedAt", String(r.respondedAt),
    "capNonce", r.capNonce.toString(),
    "capBalance", r.capBalance.toString(),
  ]; // prettier-ignore
}

export interface RedisStoreOptions {
  /** A connected ioredis client (the store does not own it unless `ownsClient`). */
  client: Redis;
  /** Key prefix shared by the replicas of one deployment. */
  prefix?: string;
  /** Close the client on `close()`. */
  ownsClient?: boolean;
}

/**
 * A store shared by several server replicas. Each write is a Lua compare-and-set on the channel's
 * version, so two replicas can never both reserve or commit one payment. Durability is Redis's
 * (configure `appendonly yes` + `appendfsync always` in production for crash-proof vouchers).
 */
export class RedisVoucherStore implements VoucherStore {
  private readonly client: Redis;
  private readonly prefix: string;
  private readonly ownsClient: boolean;

  constructor(options: RedisStoreOptions) {
    this.client = options.client;
    this.prefix = options.prefix ?? "z402";
    this.ownsClient = options.ownsClient ?? false;
  }

  private key(channelId: string): string {
    return `${this.prefix}:ch:${channelId.toLowerCase()}`;
  }

  async get(channelId: string): Promise<ChannelRecord | undefined> {
    const h = (await this.client.hgetall(this.key(channelId))) as Hash;
    return h.version ? toRecord(h) : undefined;
  }

  async compareAndSet(record: ChannelRecord, expectedVersion: number): Promise<boolean> {
    const id = record.channelId.toLowerCase();
    const ok = await this.client.eval(
      CAS_SCRIPT,
      3,
      this.key(id),
      `${this.prefix}:owed`,
      `${this.prefix}:locked`,
      String(expectedVersion),
      id,
      record.charged > record.claimed ? "1" : "0",
      record.lock ? "1" : "0",
      ...fields(record),
    );
    if (ok === 1) record.version = expectedVersion + 1;
    return ok === 1;
  }

  private async members(set: string): Promise<ChannelRecord[]> {
    const ids = await this.client.smembers(`${this.prefix}:${set}`);
    const out: ChannelRecord[] = [];
    for (const id of ids) {
      const r = await this.get(id);
      if (r) out.push(r);
    }
    return out;
  }

  async listOwed(): Promise<ChannelRecord[]> {
    return (await this.members("owed")).filter((r) => r.charged > r.claimed);
  }

  async clearLocks(instance: string): Promise<number> {
    let cleared = 0;
    for (const r of await this.members("locked")) {
      if (!lockOwnedBy(r.lock, instance)) continue;
      if (await this.compareAndSet({ ...r, lock: "", lockUntil: 0 }, r.version)) cleared++;
    }
    return cleared;
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.quit();
  }

  /** A quarantined channel's hash; `${prefix}:quarantined` is the set of their ids. */
  private quarantineKey(channelId: string): string {
    return `${this.prefix}:q:${channelId.toLowerCase()}`;
  }

  async quarantine(entry: QuarantineEntry): Promise<void> {
    const id = entry.channelId.toLowerCase();
    await this.client
      .multi()
      .hset(this.quarantineKey(id), {
        channelId: id,
        signedMax: entry.signedMax.toString(),
        charged: entry.charged.toString(),
        reason: entry.reason,
        at: String(entry.at),
      })
      .sadd(`${this.prefix}:quarantined`, id)
      .exec();
  }

  async listQuarantined(): Promise<QuarantineEntry[]> {
    const ids = await this.client.smembers(`${this.prefix}:quarantined`);
    const out: QuarantineEntry[] = [];
    for (const id of ids) {
      const h = (await this.client.hgetall(this.quarantineKey(id))) as Hash;
      if (!h.channelId) continue;
      out.push({
        channelId: h.channelId,
        signedMax: BigInt(h.signedMax),
        charged: BigInt(h.charged),
        reason: h.reason,
        at: Number(h.at),
      });
    }
    return out.sort((a, b) => a.at - b.at || (a.channelId < b.channelId ? -1 : 1));
  }

  async releaseQuarantine(channelId: string): Promise<void> {
    const id = channelId.toLowerCase();
    await this.client.multi().del(this.quarantineKey(id)).srem(`${this.prefix}:quarantined`, id).exec();
  }
}
