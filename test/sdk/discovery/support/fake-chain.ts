import { Interface, getAddress, getBytes, toBeHex, toUtf8Bytes, zeroPadValue, ethers } from "ethers";
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

const word = (n: number | bigint) => BigInt(n).toString(16).padStart(64, "0");
/** ABI tail of a dynamic `bytes`/`string`: length word, then the data right-padded to 32 bytes. */
function abiBytes(b: Uint8Array): string {
  const hex = Buffer.from(b).toString("hex");
  return word(b.length) + hex.padEnd(Math.ceil(hex.length / 64) * 64, "0");
}

const feedbackCache = new Map<string, RawLog>();

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

  // Registered and the agentWallet MetadataSet are encoded by hand too (1,000-agent fixtures).
  registered(agentId: bigint, uri: string, owner: string) {
    const id = zeroPadValue(toBeHex(agentId), 32);
    const key = ifaces.identity.getEvent("MetadataSet")!;
    const walletTopics = [key.topicHash, id, ethers.id("agentWallet")];
    const walletData =
      "0x" + word(64) + word(128) + abiBytes(toUtf8Bytes("agentWallet")) + abiBytes(getBytes(owner));
    this.all.push({
      address: CONTRACTS.identity,
      topics: walletTopics,
      data: walletData,
      blockNumber: this.head,
      index: this.all.length,
    });
    const topics = [ifaces.identity.getEvent("Registered")!.topicHash, id, zeroPadValue(owner, 32)];
    const data = "0x" + word(32) + abiBytes(toUtf8Bytes(uri));
    this.all.push({
      address: CONTRACTS.identity,
      topics,
      data,
      blockNumber: this.head,
      index: this.all.length,
    });
    return this;
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
  // The escrow events have static layouts: encoded by hand (ethers' encoder is the fixtures' bottleneck).
  channel(channelId: string, payer: string, receiver: string, token: string) {
    const words = [payer, payer, receiver, receiver, token, toBeHex(900), "0x00"].map((w) =>
      zeroPadValue(w, 32).slice(2),
    );
    const topics = [ifaces.escrow.getEvent("ChannelCreated")!.topicHash, channelId];
    this.all.push({
      address: CONTRACTS.escrow,
      topics,
      data: "0x" + words.join(""),
      blockNumber: this.head,
      index: this.all.length,
    });
    return this;
  }
  claimed(channelId: string, amount: bigint, total: bigint) {
    const topics = [ifaces.escrow.getEvent("Claimed")!.topicHash, channelId, zeroPadValue(addr(0, 0xee), 32)];
    const data = "0x" + [amount, total].map((v) => zeroPadValue(toBeHex(v), 32).slice(2)).join("");
    this.all.push({
      address: CONTRACTS.escrow,
      topics,
      data,
      blockNumber: this.head,
      index: this.all.length,
    });
    return this;
  }
  feedback(agentId: bigint, client: string, index: bigint, value: bigint, decimals = 0, tag1 = "starred") {
    // Encoding is slow; entries that differ only in indexed agent and client reuse one encoding.
    const key = `${index}:${value}:${decimals}:${tag1}`;
    const cached = feedbackCache.get(key);
    if (cached) {
      const topics = [
        cached.topics[0],
        zeroPadValue(toBeHex(agentId), 32),
        zeroPadValue(client, 32),
        cached.topics[3],
      ];
      this.all.push({
        address: CONTRACTS.reputation,
        topics,
        data: cached.data,
        blockNumber: this.head,
        index: this.all.length,
      });
      return this;
    }
    this.emit("reputation", "NewFeedback", [
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
    feedbackCache.set(key, this.all[this.all.length - 1]);
    return this;
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
