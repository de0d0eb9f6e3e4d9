import type { Erc8004RegistrationFile } from "../agents/types";
import { patchAgent, type DiscoveryStore } from "./store";
import type { AgentRecord, ChangeSet, ChannelRecord, FeedbackRecord, FileStatus } from "./types";

const fbKey = (agentId: bigint, client: string, index: bigint) => `${agentId}:${client}:${index}`;

/** A DiscoveryStore in memory (tests, short-lived processes). */
export class MemoryDiscoveryStore implements DiscoveryStore {
  private last: number | undefined;
  private readonly byId = new Map<string, AgentRecord>();
  private readonly channels = new Map<string, ChannelRecord & { claimed: bigint }>();
  private readonly fb = new Map<string, FeedbackRecord>();

  async cursor(): Promise<number | undefined> {
    return this.last;
  }

  async apply(c: ChangeSet): Promise<void> {
    for (const p of c.agents.values()) {
      const key = p.agentId.toString();
      const next = patchAgent(this.byId.has(key) ? structuredClone(this.byId.get(key)) : undefined, p);
      if (next) this.byId.set(key, next);
    }
    for (const ch of c.channels)
      if (!this.channels.has(ch.channelId)) this.channels.set(ch.channelId, { ...ch, claimed: 0n });
    for (const [id, total] of c.claims) {
      const ch = this.channels.get(id);
      if (ch && total > ch.claimed) ch.claimed = total;
    }
    for (const f of c.feedback) this.fb.set(fbKey(f.agentId, f.client, f.index), { ...f });
    for (const r of c.revocations) {
      const f = this.fb.get(fbKey(r.agentId, r.client, r.index));
      if (f) f.revoked = true;
    }
    this.last = c.toBlock;
  }

  async setFile(
    agentId: bigint,
    r: { status: FileStatus; cardHash?: string; file?: Erc8004RegistrationFile; error?: string },
  ): Promise<void> {
    const rec = this.byId.get(agentId.toString());
    if (!rec) return;
    rec.status = r.status;
    rec.cardHash = r.cardHash;
    rec.file = r.file;
    rec.error = r.error;
  }

  async agent(agentId: bigint): Promise<AgentRecord | undefined> {
    const r = this.byId.get(agentId.toString());
    return r && structuredClone(r);
  }

  async agentByAddress(address: string): Promise<AgentRecord | undefined> {
    const a = address.toLowerCase();
    for (const r of this.byId.values()) if (r.account === a || r.wallet === a) return structuredClone(r);
    return undefined;
  }

  async agents(): Promise<AgentRecord[]> {
    return [...this.byId.values()]
      .sort((x, y) => (x.agentId < y.agentId ? -1 : 1))
      .map((r) => structuredClone(r));
  }

  async pending(): Promise<AgentRecord[]> {
    return (await this.agents()).filter((r) => r.status === "pending");
  }

  async channel(channelId: string): Promise<(ChannelRecord & { claimed: bigint }) | undefined> {
    const ch = this.channels.get(channelId.toLowerCase());
    return ch ? { ...ch } : undefined;
  }

  async paidBy(receivers: string[], token?: string): Promise<Map<string, bigint>> {
    const set = new Set(receivers);
    const out = new Map<string, bigint>();
    for (const ch of this.channels.values()) {
      if (!set.has(ch.receiver) || (token && ch.token !== token) || ch.claimed === 0n) continue;
      out.set(ch.payer, (out.get(ch.payer) ?? 0n) + ch.claimed);
    }
    return out;
  }

  async feedback(agentId: bigint, clients: string[]): Promise<FeedbackRecord[]> {
    const set = new Set(clients);
    return [...this.fb.values()]
      .filter((f) => f.agentId === agentId && set.has(f.client))
      .map((f) => ({ ...f }));
  }

  async close(): Promise<void> {}
}
