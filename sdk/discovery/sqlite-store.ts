import type { Erc8004RegistrationFile } from "../agents/types";
import { patchAgent, type DiscoveryStore } from "./store";
import type { AgentRecord, ChangeSet, ChannelRecord, FeedbackRecord, FileStatus } from "./types";
import { openSqlite } from "./sqlite-open";

/** A prepared statement, as far as the store uses one. */
interface SqliteStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}

/**
 * The part of a better-sqlite3 `Database` the store uses, spelled out so that the SDK's types need no
 * `@types/better-sqlite3`; a better-sqlite3 `Database` fits it.
 */
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  pragma(source: string): unknown;
  transaction(fn: () => void): () => void;
  close(): unknown;
}

type Database = SqliteDatabase;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS discovery_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), block INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS discovery_agents (
  agent_id TEXT PRIMARY KEY, account TEXT, wallet TEXT, status TEXT NOT NULL, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS discovery_agents_account ON discovery_agents (account);
CREATE INDEX IF NOT EXISTS discovery_agents_wallet ON discovery_agents (wallet);
CREATE TABLE IF NOT EXISTS discovery_channels (
  channel_id TEXT PRIMARY KEY, payer TEXT NOT NULL, receiver TEXT NOT NULL, token TEXT NOT NULL, claimed TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS discovery_channels_receiver ON discovery_channels (receiver);
CREATE TABLE IF NOT EXISTS discovery_feedback (
  agent_id TEXT NOT NULL, client TEXT NOT NULL, idx TEXT NOT NULL, value TEXT NOT NULL, decimals INTEGER NOT NULL,
  tag1 TEXT NOT NULL, tag2 TEXT NOT NULL, revoked INTEGER NOT NULL, PRIMARY KEY (agent_id, client, idx));
`;

const toJson = (r: AgentRecord) => JSON.stringify({ ...r, agentId: r.agentId.toString() });
const fromJson = (s: string): AgentRecord => {
  const o = JSON.parse(s) as AgentRecord & { agentId: string };
  return { ...o, agentId: BigInt(o.agentId) };
};

/**
 * A DiscoveryStore in SQLite (better-sqlite3). Pass a path, or the Database the voucher store already uses so
 * that vouchers and the discovery index live in one file (tables are prefixed `discovery_`).
 */
export class SqliteDiscoveryStore implements DiscoveryStore {
  readonly db: Database;
  private readonly owned: boolean;

  constructor(db: Database | string) {
    ({ db: this.db, owned: this.owned } = openSqlite(db));
    this.db.exec(SCHEMA);
  }

  async cursor(): Promise<number | undefined> {
    const row = this.db.prepare("SELECT block FROM discovery_cursor WHERE id = 1").get() as
      { block: number } | undefined;
    return row?.block;
  }

  async apply(c: ChangeSet): Promise<void> {
    const getAgent = this.db.prepare("SELECT record FROM discovery_agents WHERE agent_id = ?");
    const putAgent = this.db.prepare(
      "INSERT OR REPLACE INTO discovery_agents (agent_id, account, wallet, status, record) VALUES (?, ?, ?, ?, ?)",
    );
    const putChannel = this.db.prepare(
      "INSERT OR IGNORE INTO discovery_channels (channel_id, payer, receiver, token, claimed) VALUES (?, ?, ?, ?, '0')",
    );
    const getClaimed = this.db.prepare("SELECT claimed FROM discovery_channels WHERE channel_id = ?");
    const setClaimed = this.db.prepare("UPDATE discovery_channels SET claimed = ? WHERE channel_id = ?");
    const putFeedback = this.db.prepare(
      "INSERT OR REPLACE INTO discovery_feedback VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
    );
    const revoke = this.db.prepare(
      "UPDATE discovery_feedback SET revoked = 1 WHERE agent_id = ? AND client = ? AND idx = ?",
    );
    const setCursor = this.db.prepare("INSERT OR REPLACE INTO discovery_cursor (id, block) VALUES (1, ?)");
    this.db.transaction(() => {
      for (const p of c.agents.values()) {
        const row = getAgent.get(p.agentId.toString()) as { record: string } | undefined;
        const next = patchAgent(row ? fromJson(row.record) : undefined, p);
        if (next)
          putAgent.run(
            next.agentId.toString(),
            next.account ?? null,
            next.wallet ?? null,
            next.status,
            toJson(next),
          );
      }
      for (const ch of c.channels) putChannel.run(ch.channelId, ch.payer, ch.receiver, ch.token);
      for (const [id, total] of c.claims) {
        const row = getClaimed.get(id) as { claimed: string } | undefined;
        if (row && total > BigInt(row.claimed)) setClaimed.run(total.toString(), id);
      }
      for (const f of c.feedback)
        putFeedback.run(
          f.agentId.toString(),
          f.client,
          f.index.toString(),
          f.value.toString(),
          f.decimals,
          f.tag1,
          f.tag2,
        );
      for (const r of c.revocations) revoke.run(r.agentId.toString(), r.client, r.index.toString());
      setCursor.run(c.toBlock);
    })();
  }

  async setFile(
    agentId: bigint,
    r: { status: FileStatus; cardHash?: string; file?: Erc8004RegistrationFile; error?: string },
  ): Promise<void> {
    const rec = await this.agent(agentId);
    if (!rec) return;
    const next: AgentRecord = {
      ...rec,
      status: r.status,
      cardHash: r.cardHash,
      file: r.file,
      error: r.error,
    };
    this.db
      .prepare("UPDATE discovery_agents SET status = ?, record = ? WHERE agent_id = ?")
      .run(next.status, toJson(next), agentId.toString());
  }

  async agent(agentId: bigint): Promise<AgentRecord | undefined> {
    const row = this.db
      .prepare("SELECT record FROM discovery_agents WHERE agent_id = ?")
      .get(agentId.toString()) as { record: string } | undefined;
    return row && fromJson(row.record);
  }

  async agentByAddress(address: string): Promise<AgentRecord | undefined> {
    const a = address.toLowerCase();
    const row = this.db
      .prepare("SELECT record FROM discovery_agents WHERE account = ? OR wallet = ? LIMIT 1")
      .get(a, a) as { record: string } | undefined;
    return row && fromJson(row.record);
  }

  async agents(): Promise<AgentRecord[]> {
    const rows = this.db.prepare("SELECT record FROM discovery_agents").all() as { record: string }[];
    return rows.map((r) => fromJson(r.record)).sort((x, y) => (x.agentId < y.agentId ? -1 : 1));
  }

  async pending(): Promise<AgentRecord[]> {
    const rows = this.db.prepare("SELECT record FROM discovery_agents WHERE status = 'pending'").all() as {
      record: string;
    }[];
    return rows.map((r) => fromJson(r.record));
  }

  async channel(channelId: string): Promise<(ChannelRecord & { claimed: bigint }) | undefined> {
    const row = this.db
      .prepare(
        "SELECT channel_id, payer, receiver, token, claimed FROM discovery_channels WHERE channel_id = ?",
      )
      .get(channelId.toLowerCase()) as
      { channel_id: string; payer: string; receiver: string; token: string; claimed: string } | undefined;
    if (!row) return undefined;
    const { channel_id: id, payer, receiver, token, claimed } = row;
    return { channelId: id, payer, receiver, token, claimed: BigInt(claimed) };
  }

  async paidBy(receivers: string[], token?: string): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>();
    if (receivers.length === 0) return out;
    const marks = receivers.map(() => "?").join(",");
    const rows = this.db
      .prepare(`SELECT payer, token, claimed FROM discovery_channels WHERE receiver IN (${marks})`)
      .all(...receivers) as { payer: string; token: string; claimed: string }[];
    for (const r of rows) {
      if (token && r.token !== token) continue;
      const v = BigInt(r.claimed);
      if (v > 0n) out.set(r.payer, (out.get(r.payer) ?? 0n) + v);
    }
    return out;
  }

  async feedback(agentId: bigint, clients: string[]): Promise<FeedbackRecord[]> {
    if (clients.length === 0) return [];
    const out: FeedbackRecord[] = [];
    const stmt = this.db.prepare("SELECT * FROM discovery_feedback WHERE agent_id = ? AND client = ?");
    for (const client of clients) {
      const rows = stmt.all(agentId.toString(), client) as {
        idx: string;
        value: string;
        decimals: number;
        tag1: string;
        tag2: string;
        revoked: number;
      }[];
      for (const r of rows)
        out.push({
          agentId,
          client,
          index: BigInt(r.idx),
          value: BigInt(r.value),
          decimals: r.decimals,
          tag1: r.tag1,
          tag2: r.tag2,
          revoked: r.revoked === 1,
        });
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.owned) this.db.close();
  }
}
