import type { Redis } from "ioredis";
import { accessKey, type AccessStore } from "./access";

/** Keeps the later of the stored and the new `until`, and lets the key expire with it. KEYS: grant. ARGV: until. */
const GRANT_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local u = tonumber(ARGV[1])
if u > current then redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[1]) end
return 1
`;

export interface RedisAccessStoreOptions {
  /** A connected ioredis client (not closed by the store unless `ownsClient`). */
  client: Redis;
  /** Key prefix shared by the replicas of one deployment. Default `z402`. */
  prefix?: string;
  ownsClient?: boolean;
}

/**
 * Sign-in-with-x grants and used nonces in Redis, for replicas on several hosts: a nonce is taken with
 * `SET NX PXAT` (one replica wins), a grant is a Lua max; both expire on their own.
 */
export class RedisAccessStore implements AccessStore {
  private readonly client: Redis;
  private readonly prefix: string;
  private readonly ownsClient: boolean;

  constructor(options: RedisAccessStoreOptions) {
    this.client = options.client;
    this.prefix = options.prefix ?? "z402";
    this.ownsClient = options.ownsClient ?? false;
  }

  private grantKey(route: string, payer: string): string {
    return `${this.prefix}:access:${accessKey(route, payer)}`;
  }

  async grant(route: string, payer: string, until: number): Promise<void> {
    if (until <= Date.now()) return;
    await this.client.eval(GRANT_SCRIPT, 1, this.grantKey(route, payer), String(until));
  }

  async accessUntil(route: string, payer: string): Promise<number> {
    return Number((await this.client.get(this.grantKey(route, payer))) ?? 0);
  }

  async useNonce(key: string, until: number): Promise<boolean> {
    if (until <= Date.now()) return true;
    const set = await this.client.set(`${this.prefix}:siwx-nonce:${key}`, "1", "PXAT", until, "NX");
    return set === "OK";
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.quit();
  }
}
