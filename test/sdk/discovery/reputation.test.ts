import { expect } from "chai";
import { DiscoveryIndexer, MemoryDiscoveryStore, paidReputation } from "../../../sdk/discovery";
import { CONTRACTS, FakeChain, addr } from "./support/fake-chain";
import { TOKEN, agentBuilder } from "./support/agents";

const AGENT = 1n;
const ACCOUNT = addr(1, 0xaa);
const OWNER = addr(1, 0x0b);
let channels = 0;

/** `payer` opens a channel to `receiver` and the receiver claims `amount` from it. */
function pay(chain: FakeChain, payer: string, amount: bigint, receiver = ACCOUNT, token = TOKEN) {
  const id = "0x" + (++channels).toString(16).padStart(64, "0");
  chain.channel(id, payer, receiver, token);
  if (amount > 0n) chain.claimed(id, amount, amount);
  return chain;
}

async function indexed(chain: FakeChain) {
  const store = new MemoryDiscoveryStore();
  await new DiscoveryIndexer({
    source: chain,
    store,
    contracts: CONTRACTS,
    cardHashOf: async () => undefined,
  }).sync();
  return store;
}

function agentChain() {
  return new FakeChain()
    .registered(AGENT, agentBuilder(1, ACCOUNT).toDataURI(), OWNER)
    .agentCreated(AGENT, ACCOUNT, OWNER);
}

describe("discovery/paidReputation", function () {
  it("1,000 sybil addresses giving zero stars cannot outweigh one paying customer", async function () {
    const chain = agentChain();
    const customer = addr(1, 0xcc);
    pay(chain, customer, 1_000_000n).feedback(AGENT, customer, 1n, 100n);
    for (let i = 0; i < 1000; i++) chain.feedback(AGENT, addr(i, 0x5b), 1n, 0n);
    const rep = await paidReputation(await indexed(chain), AGENT);
    expect(rep).to.deep.include({ paidClients: 1, feedbackCount: 1, totalPaid: 1_000_000n, score: 100 });
  });

  it("sybils that each paid dust weigh only the dust they paid", async function () {
    const chain = agentChain();
    const customer = addr(1, 0xcc);
    pay(chain, customer, 1_000_000n).feedback(AGENT, customer, 1n, 100n);
    for (let i = 0; i < 1000; i++) pay(chain, addr(i, 0x5b), 1n).feedback(AGENT, addr(i, 0x5b), 1n, 0n);
    const rep = await paidReputation(await indexed(chain), AGENT);
    expect(rep.paidClients).to.equal(1001);
    expect(rep.score).to.be.closeTo(100 * (1_000_000 / 1_001_000), 1e-9);
    expect(rep.score!).to.be.greaterThan(99);
  });

  it("ignores feedback from clients whose channels claimed nothing", async function () {
    const chain = agentChain();
    pay(chain, addr(2, 0xcc), 0n).feedback(AGENT, addr(2, 0xcc), 1n, 0n);
    pay(chain, addr(3, 0xcc), 50n).feedback(AGENT, addr(3, 0xcc), 1n, 80n);
    const rep = await paidReputation(await indexed(chain), AGENT);
    expect(rep).to.deep.include({ paidClients: 1, score: 80 });
  });

  it("ignores revoked feedback", async function () {
    const chain = agentChain();
    const c = addr(2, 0xcc);
    pay(chain, c, 50n).feedback(AGENT, c, 1n, 0n).feedback(AGENT, c, 2n, 90n).revoked(AGENT, c, 1n);
    const rep = await paidReputation(await indexed(chain), AGENT);
    expect(rep).to.deep.include({ feedbackCount: 1, score: 90 });
  });

  it("weights each paying client by what it paid, averaging its own entries first", async function () {
    const chain = agentChain();
    const [a, b] = [addr(2, 0xcc), addr(3, 0xcc)];
    pay(chain, a, 300n).feedback(AGENT, a, 1n, 100n).feedback(AGENT, a, 2n, 60n);
    pay(chain, b, 100n).feedback(AGENT, b, 1n, 0n);
    const rep = await paidReputation(await indexed(chain), AGENT);
    expect(rep.score).to.be.closeTo(0.75 * 80 + 0.25 * 0, 1e-9);
    expect(rep.totalPaid).to.equal(400n);
  });

  it("normalizes value decimals (99.77 with 2 decimals)", async function () {
    const chain = agentChain();
    pay(chain, addr(2, 0xcc), 1n).feedback(AGENT, addr(2, 0xcc), 1n, 9977n, 2, "uptime");
    const rep = await paidReputation(await indexed(chain), AGENT, { tag1: "uptime" });
    expect(rep.score).to.be.closeTo(99.77, 1e-9);
  });

  it("counts payments to the agent's wallet and owner, not to other receivers", async function () {
    const chain = agentChain().metadataSet(AGENT, "agentWallet", addr(7, 0xfe));
    pay(chain, addr(2, 0xcc), 10n, addr(7, 0xfe)).feedback(AGENT, addr(2, 0xcc), 1n, 70n);
    pay(chain, addr(3, 0xcc), 10n, OWNER).feedback(AGENT, addr(3, 0xcc), 1n, 90n);
    pay(chain, addr(4, 0xcc), 10n, addr(8, 0xfe)).feedback(AGENT, addr(4, 0xcc), 1n, 0n);
    const rep = await paidReputation(await indexed(chain), AGENT);
    expect(rep).to.deep.include({ paidClients: 2, score: 80 });
  });

  it("counts only the given token when asked", async function () {
    const chain = agentChain();
    pay(chain, addr(2, 0xcc), 10n, ACCOUNT, addr(1, 0xdd)).feedback(AGENT, addr(2, 0xcc), 1n, 10n);
    pay(chain, addr(3, 0xcc), 10n).feedback(AGENT, addr(3, 0xcc), 1n, 90n);
    const rep = await paidReputation(await indexed(chain), AGENT, { token: TOKEN });
    expect(rep).to.deep.include({ paidClients: 1, score: 90 });
  });

  it("reports no score for an unknown agent or one without paid feedback", async function () {
    const store = await indexed(agentChain());
    expect((await paidReputation(store, AGENT)).score).to.equal(undefined);
    expect((await paidReputation(store, 99n)).paidClients).to.equal(0);
  });
});
