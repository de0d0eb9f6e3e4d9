import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  DiscoveryIndexer,
  MemoryDiscoveryStore,
  SqliteDiscoveryStore,
  paidReputation,
  type DiscoveryStore,
} from "../../../sdk/discovery";
import { CONTRACTS, FakeChain, addr } from "./support/fake-chain";
import { TOKEN, agentBuilder } from "./support/agents";

/**
 * Sybil rings that pay the agent from its own addresses: the money comes straight back to the owner, so each
 * attack below must leave the honest customer's score (100 for 1,000 paid) untouched.
 */
const AGENT = 1n;
const ACCOUNT = addr(1, 0xaa);
const OWNER = addr(1, 0x0b);
const WALLET = addr(7, 0xfe);
const CUSTOMER = addr(1, 0xcc);
const HONEST = { paidClients: 1, totalPaid: 1_000n, feedbackCount: 1, score: 100 };
let channels = 0;

/** `payer` opens a channel to `receiver` and the receiver claims `amount` from it. */
function pay(chain: FakeChain, payer: string, amount: bigint, receiver = ACCOUNT) {
  const id = "0x" + (++channels).toString(16).padStart(64, "0");
  chain.channel(id, payer, receiver, TOKEN);
  chain.claimed(id, amount, amount);
  return chain;
}

/** Agent 1 (owner, AgentAccount, a separate agentWallet) with one honest customer who paid 1,000. */
function agentChain() {
  const chain = new FakeChain()
    .registered(AGENT, agentBuilder(1, ACCOUNT).toDataURI(), OWNER)
    .agentCreated(AGENT, ACCOUNT, OWNER)
    .metadataSet(AGENT, "agentWallet", WALLET);
  return pay(chain, CUSTOMER, 1_000n).feedback(AGENT, CUSTOMER, 1n, 100n);
}

async function indexed(chain: FakeChain, store: DiscoveryStore = new MemoryDiscoveryStore()) {
  await new DiscoveryIndexer({
    source: chain,
    store,
    contracts: CONTRACTS,
    cardHashOf: async () => undefined,
  }).sync();
  return store;
}

describe("discovery/paidReputation: self-payments add nothing", function () {
  it("owner-paid: the owner paying the agent's account a million and giving zero stars", async function () {
    const chain = pay(agentChain(), OWNER, 1_000_000n).feedback(AGENT, OWNER, 1n, 0n);
    const rep = await paidReputation(await indexed(chain), AGENT);
    expect(rep).to.deep.include({ ...HONEST, selfPayers: 1, selfPaid: 1_000_000n });
  });

  it("wallet-paid: the agentWallet paying the agent's account and rating it", async function () {
    const chain = pay(agentChain(), WALLET, 1_000_000n).feedback(AGENT, WALLET, 1n, 0n);
    expect(await paidReputation(await indexed(chain), AGENT)).to.deep.include({ ...HONEST, selfPayers: 1 });
  });

  it("account-paid: the AgentAccount paying the owner and rating the agent", async function () {
    const chain = pay(agentChain(), ACCOUNT, 1_000_000n, OWNER).feedback(AGENT, ACCOUNT, 1n, 0n);
    expect(await paidReputation(await indexed(chain), AGENT)).to.deep.include({ ...HONEST, selfPayers: 1 });
  });

  it("a channel whose payer is its own receiver (the wallet paying the wallet)", async function () {
    const chain = pay(agentChain(), WALLET, 1_000_000n, WALLET).feedback(AGENT, WALLET, 1n, 0n);
    expect(await paidReputation(await indexed(chain), AGENT)).to.deep.include({ ...HONEST, selfPayers: 1 });
  });

  it("a former owner who paid the agent, sold it to itself, then rated it", async function () {
    const next = addr(2, 0x0b);
    const chain = pay(agentChain(), OWNER, 1_000_000n)
      .transfer(OWNER, next, AGENT)
      .feedback(AGENT, OWNER, 1n, 0n);
    expect(await paidReputation(await indexed(chain), AGENT)).to.deep.include({ ...HONEST, selfPayers: 1 });
  });

  it("a former agentWallet, replaced in the same block range, paying and rating", async function () {
    const old = addr(8, 0xfe);
    const chain = agentChain()
      .metadataSet(AGENT, "agentWallet", old)
      .metadataSet(AGENT, "agentWallet", WALLET);
    pay(chain, old, 1_000_000n).feedback(AGENT, old, 1n, 0n);
    expect(await paidReputation(await indexed(chain), AGENT)).to.deep.include({ ...HONEST, selfPayers: 1 });
  });

  it("the AgentAccount of another agent with the same owner", async function () {
    const sibling = addr(2, 0xaa);
    const chain = agentChain()
      .registered(2n, agentBuilder(2, sibling).toDataURI(), OWNER)
      .agentCreated(2n, sibling, OWNER);
    pay(chain, sibling, 1_000_000n).feedback(AGENT, sibling, 1n, 0n);
    expect(await paidReputation(await indexed(chain), AGENT)).to.deep.include({ ...HONEST, selfPayers: 1 });
  });

  it("an address the caller names as the agent's own (`exclude`, e.g. an operator)", async function () {
    const operator = addr(3, 0x0e);
    const chain = pay(agentChain(), operator, 1_000_000n).feedback(AGENT, operator, 1n, 0n);
    const rep = await paidReputation(await indexed(chain), AGENT, { exclude: [operator.toUpperCase()] });
    expect(rep).to.deep.include({ ...HONEST, selfPayers: 1 });
  });

  it("self-payments are excluded by the SQLite store's records too", async function () {
    const chain = pay(agentChain(), WALLET, 1_000_000n).feedback(AGENT, WALLET, 1n, 0n);
    const store = await indexed(chain, new SqliteDiscoveryStore(":memory:"));
    expect(await paidReputation(store, AGENT)).to.deep.include({ ...HONEST, selfPayers: 1 });
  });

  it("a fresh address funded by the owner still counts, weighted by what it put through the escrow", async function () {
    const sybil = addr(9, 0x5b);
    const chain = pay(agentChain(), sybil, 3_000n).feedback(AGENT, sybil, 1n, 0n);
    const rep = await paidReputation(await indexed(chain), AGENT);
    expect(rep).to.deep.include({ paidClients: 2, totalPaid: 4_000n, selfPayers: 0, score: 25 });
  });
});

describe("discovery/paidReputation: operators found on chain (`identity`)", function () {
  async function operatorPaid() {
    const [, owner, operator, customer] = await ethers.getSigners();
    const identity = await ethers.deployContract("IdentityRegistry");
    await identity.connect(owner)["register()"]();
    await identity.connect(owner).setApprovalForAll(operator.address, true);
    const [o, op, c] = [owner, operator, customer].map((s) => s.address.toLowerCase());
    const chain = new FakeChain().registered(AGENT, agentBuilder(1, ACCOUNT).toDataURI(), o);
    pay(chain, c, 1_000n, o).feedback(AGENT, c, 1n, 100n);
    pay(chain, op, 1_000_000n, o).feedback(AGENT, op, 1n, 0n);
    return { identity, store: await indexed(chain) };
  }

  it("an operator of the owner paying the agent and rating it", async function () {
    const { identity, store } = await loadFixture(operatorPaid);
    const rep = await paidReputation(store, AGENT, {
      identity: { address: await identity.getAddress(), runner: ethers.provider },
    });
    expect(rep).to.deep.include({ ...HONEST, selfPayers: 1, selfPaid: 1_000_000n });
  });
});
