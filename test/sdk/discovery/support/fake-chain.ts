import { Interface, getAddress, zeroPadValue, toBeHex } from "ethers";
import { ESCROW_EVENTS, FACTORY_EVENTS, IDENTITY_EVENTS, REPUTATION_EVENTS } from "../../../../sdk/discovery";
import type { LogSource, RawLog } from "../../../../sdk/discovery";

export const CONTRACTS = {
  identity: "0x00000000000000000000000000000000000000A1",
  factory: "0x00000000000000000000000000000000000000A2",
  reputation: "0x00000000000000000000000000000000000000A3",
  escrow: "0x00000000000000000000000000000000000000A4",
};

const ifaces = {
  identity: new Interface([...IDENTITY_EVENTS]),
  factory: new Interface([...FACTORY_EVENTS]),
  reputation: new Interface([...REPUTATION_EVENTS]),
  escrow: new Interface([...ESCROW_EVENTS]),
};

/** An address derived from a number, for fixtures. */
export const addr = (n: number | bigint, prefix = 0xc0) =>
  getAddress(zeroPadValue(toBeHex((BigInt(prefix) << 152n) + BigInt(n)), 20)).toLowerCase();

/** An in-memory chain of logs: events are appended at the current block; `mine()` advances it. */
export class FakeChain implements LogSource {
  head = 1;
  readonly all: RawLog[] = [];
  getLogsCalls = 0;

  /** An independent chain with the same logs and head. */
  copy(): FakeChain {
    const c = new FakeChain();
    c.head = this.head;
    c.all.push(...this.all);
    return c;
  }

  mine(n = 1): this {
    this.head += n;
    return this;
  }

  private emit(kind: keyof typeof ifaces, name: string, args: unknown[]): this {
    const iface = ifaces[kind];
    const { topics, data } = iface.encodeEventLog(iface.getEvent(name)!, args);
    this.all.push({ address: CONTRACTS[kind], topics, data, blockNumber: this.head, index: this.all.length });
    return this;
  }

  registered(agentId: bigint, uri: string, owner: string) {
    this.emit("identity", "MetadataSet", [agentId, "agentWallet", "agentWallet", owner]);
    return this.emit("identity", "Registered", [agentId, uri, owner]);
  }
  agentCreated(agentId: bigint, account: string, owner: string) {
    return this.emit("factory", "AgentCreated", [agentId, account, owner, zeroPadValue("0x01", 32)]);
  }
  uriUpdated(agentId: bigint, uri: string, by: string) {
    return this.emit("identity", "URIUpdated", [agentId, uri, by]);
  }
  metadataSet(agentId: bigint, key: string, value: string) {
    return this.emit("identity", "MetadataSet", [agentId, key, key, value]);
  }
  transfer(from: string, to: string, agentId: bigint) {
    return this.emit("identity", "Transfer", [from, to, agentId]);
  }
  channel(channelId: string, payer: string, receiver: string, token: string) {
    const config = [payer, payer, receiver, receiver, token, 900, zeroPadValue("0x00", 32)];
    return this.emit("escrow", "ChannelCreated", [channelId, config]);
  }
  claimed(channelId: string, amount: bigint, total: bigint) {
    return this.emit("escrow", "Claimed", [channelId, addr(0, 0xee), amount, total]);
  }
  feedback(agentId: bigint, client: string, index: bigint, value: bigint, decimals = 0, tag1 = "starred") {
    return this.emit("reputation", "NewFeedback", [
      agentId,
      client,
      index,
      value,
      decimals,
      tag1,
      tag1,
      "",
      "",
      "",
      zeroPadValue("0x00", 32),
    ]);
  }
  revoked(agentId: bigint, client: string, index: bigint) {
    return this.emit("reputation", "FeedbackRevoked", [agentId, client, index]);
  }

  async blockNumber(): Promise<number> {
    return this.head;
  }
  async logs(q: {
    addresses: string[];
    topic0s: string[];
    fromBlock: number;
    toBlock: number;
  }): Promise<RawLog[]> {
    this.getLogsCalls++;
    const addrs = new Set(q.addresses.map((a) => a.toLowerCase()));
    const topics = new Set(q.topic0s);
    return this.all.filter(
      (l) =>
        l.blockNumber >= q.fromBlock &&
        l.blockNumber <= q.toBlock &&
        addrs.has(l.address.toLowerCase()) &&
        topics.has(l.topics[0]),
    );
  }
}
