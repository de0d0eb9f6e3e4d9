import { expect } from "chai";
import {
  DiscoveryIndexer,
  MemoryDiscoveryStore,
  queryAgents,
  type DiscoveryStore,
} from "../../../sdk/discovery";
import { CONTRACTS, FakeChain, addr } from "./support/fake-chain";
import { TOKEN, agentBuilder } from "./support/agents";

/** Agents 1..6: even ids translate, odd ids forecast; price 100+i; agent 5 inactive; agent 6's file mismatches. */
async function fixture(): Promise<{ store: DiscoveryStore; chain: FakeChain }> {
  const chain = new FakeChain();
  const hashes = new Map<string, string>();
  for (let i = 1; i <= 6; i++) {
    const account = addr(i, 0xaa);
    const b = agentBuilder(i, account, { active: i !== 5 });
    hashes.set(account, i === 6 ? "0x" + "00".repeat(32) : b.hash());
    chain.registered(BigInt(i), b.toDataURI(), addr(i, 0x0b)).agentCreated(BigInt(i), account, addr(i, 0x0b));
  }
  // Agent 3 has one paying customer with a good review; agent 1 one with a bad review.
  chain
    .channel("0x" + "01".repeat(32), addr(1, 0xcc), addr(3, 0xaa), TOKEN)
    .claimed("0x" + "01".repeat(32), 500n, 500n);
  chain.feedback(3n, addr(1, 0xcc), 1n, 95n);
  chain
    .channel("0x" + "02".repeat(32), addr(2, 0xcc), addr(1, 0xaa), TOKEN)
    .claimed("0x" + "02".repeat(32), 500n, 500n);
  chain.feedback(1n, addr(2, 0xcc), 1n, 10n);
  const store = new MemoryDiscoveryStore();
  await new DiscoveryIndexer({
    source: chain,
    store,
    contracts: CONTRACTS,
    cardHashOf: async (a) => hashes.get(a),
  }).sync();
  return { store, chain };
}

const ids = (m: { agent: { agentId: bigint } }[]) => m.map((x) => Number(x.agent.agentId));

describe("discovery/queryAgents", function () {
  let store: DiscoveryStore;
  before(async function () {
    ({ store } = await fixture());
  });

  it("finds agents by skill id or name", async function () {
    expect(ids(await queryAgents(store, { skill: "translate" }))).to.deep.equal([2, 4]);
    expect(ids(await queryAgents(store, { skill: "Forecast" }))).to.deep.equal([1, 3]);
  });

  it("finds agents by tag", async function () {
    expect(ids(await queryAgents(store, { tag: "t3" }))).to.deep.equal([3]);
  });

  it("finds agents by free text", async function () {
    expect(ids(await queryAgents(store, { text: "agent number 4" }))).to.deep.equal([4]);
  });

  it("applies a price ceiling and returns the cheapest offer", async function () {
    const m = await queryAgents(store, { maxPrice: 102n });
    expect(ids(m)).to.deep.equal([1, 2]);
    expect(m[0].cheapest!.amount).to.equal("101");
  });

  it("filters offers by network", async function () {
    expect(await queryAgents(store, { network: "eip155:8453" })).to.have.length(0);
  });

  it("never returns a file that failed its hash check, nor inactive agents unless asked", async function () {
    expect(ids(await queryAgents(store))).to.deep.equal([1, 2, 3, 4]);
    expect(ids(await queryAgents(store, { includeInactive: true }))).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it("keeps only agents above a minimum paid reputation", async function () {
    const m = await queryAgents(store, { minPaidReputation: { score: 50 } });
    expect(ids(m)).to.deep.equal([3]);
    expect(m[0].reputation!.totalPaid).to.equal(500n);
  });

  it("ranks by paid reputation first", async function () {
    expect(ids(await queryAgents(store, { minPaidReputation: { paidClients: 1 } }))).to.deep.equal([3, 1]);
  });

  it("drops agents that fail the liveness check", async function () {
    expect(ids(await queryAgents(store, { isLive: async (r) => r.agentId % 2n === 0n }))).to.deep.equal([
      2, 4,
    ]);
  });

  it("returns only verified files when asked", async function () {
    const chain = new FakeChain().registered(9n, agentBuilder(9, addr(9)).toDataURI(), addr(9, 0x0b));
    const s = new MemoryDiscoveryStore();
    await new DiscoveryIndexer({ source: chain, store: s, contracts: CONTRACTS }).sync();
    expect(ids(await queryAgents(s))).to.deep.equal([9]);
    expect(await queryAgents(s, { verifiedOnly: true })).to.have.length(0);
  });

  it("limits the number of results", async function () {
    expect(await queryAgents(store, { limit: 2 })).to.have.length(2);
  });
});
