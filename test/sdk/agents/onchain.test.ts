import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet } from "ethers";
import { AgentError, AgentsOnchain, decodeJsonDataUri, type Address, type Hex } from "../../../sdk/agents";
import {
  DiscoveryIndexer,
  MemoryDiscoveryStore,
  accountLiveness,
  providerLogSource,
  queryAgents,
} from "../../../sdk/discovery";
import { sampleBuilder } from "./support/sample";

async function fixture() {
  const [deployer, owner, other] = await ethers.getSigners();
  const identity = await ethers.deployContract("IdentityRegistry");
  const factory = await ethers.deployContract("AgentFactory", [await identity.getAddress()]);
  await identity.setFactory(await factory.getAddress());
  const contracts = { identity: await identity.getAddress(), factory: await factory.getAddress() };
  const start = await ethers.provider.getBlockNumber();
  return {
    deployer,
    owner,
    other,
    identity,
    factory,
    contracts,
    start,
    agents: new AgentsOnchain(owner, contracts),
  };
}

const SALT = ethers.id("agent-salt") as Hex;

describe("agents/AgentsOnchain", function () {
  it("creates the agent at its predicted account, with the card hash and a data: URI naming its id", async function () {
    const { agents, owner, contracts } = await loadFixture(fixture);
    const predicted = await agents.predictAccount(owner.address, SALT);
    const b = sampleBuilder();
    const created = await agents.createAgent(b, { salt: SALT });
    expect(created.account).to.equal(predicted);
    const onchain = await agents.byId(created.agentId);
    expect(onchain).to.deep.include({ owner: owner.address, account: predicted, cardHash: b.hash() });
    const file = JSON.parse(decodeJsonDataUri(onchain.uri));
    expect(file.registrations).to.deep.equal([
      { agentId: Number(created.agentId), agentRegistry: `eip155:31337:${contracts.identity}` },
    ]);
  });

  it("fixes the registration when another agent took the predicted id first", async function () {
    const { owner, identity, other, contracts } = await loadFixture(fixture);
    const agents = new AgentsOnchain(owner, contracts);
    const b = sampleBuilder();
    // Another registration lands between the prediction and the creation.
    const real = agents.identity;
    const racing = Object.create(real);
    racing.totalAgents = async () => {
      const n = await real.totalAgents();
      await identity.connect(other)["register(string)"]("https://other.example/agent.json");
      return n;
    };
    Object.defineProperty(agents, "identity", { value: racing });
    const created = await agents.createAgent(b, { salt: SALT });
    const onchain = await agents.byId(created.agentId);
    expect(JSON.parse(decodeJsonDataUri(onchain.uri)).registrations[0].agentId).to.equal(
      Number(created.agentId),
    );
    expect(onchain.cardHash).to.equal(b.hash());
  });

  it("updates the card and its hash together, and the indexer re-verifies it", async function () {
    const { agents, contracts, start } = await loadFixture(fixture);
    const { agentId } = await agents.createAgent(sampleBuilder(), { salt: SALT });
    const next = sampleBuilder().active(false);
    await agents.updateCard(agentId, next);
    const store = new MemoryDiscoveryStore();
    await new DiscoveryIndexer({
      source: providerLogSource(ethers.provider),
      provider: ethers.provider,
      store,
      contracts,
      startBlock: start,
    }).sync();
    const rec = (await store.agent(agentId))!;
    expect(rec.status).to.equal("verified");
    expect(rec.file!.active).to.equal(false);
    expect((await agents.byId(agentId)).cardHash).to.equal(next.hash());
  });

  it("lets the indexer reject a URI changed without its hash", async function () {
    const { agents, identity, owner, contracts, start } = await loadFixture(fixture);
    const { agentId } = await agents.createAgent(sampleBuilder(), { salt: SALT });
    await identity.connect(owner).setAgentURI(agentId, sampleBuilder().active(false).toDataURI());
    const store = new MemoryDiscoveryStore();
    await new DiscoveryIndexer({
      source: providerLogSource(ethers.provider),
      provider: ethers.provider,
      store,
      contracts,
      startBlock: start,
    }).sync();
    expect((await store.agent(agentId))!.status).to.equal("mismatch");
  });

  it("sets an EOA agentWallet signed by that wallet", async function () {
    const { agents } = await loadFixture(fixture);
    const { agentId } = await agents.createAgent(sampleBuilder(), { salt: SALT });
    const wallet = Wallet.createRandom();
    await agents.setAgentWallet(agentId, wallet.address, wallet);
    expect((await agents.byId(agentId)).wallet).to.equal(wallet.address);
    expect((await agents.byWallet(wallet.address))!.agentId).to.equal(agentId);
  });

  it("sets the AgentAccount as agentWallet with the owner's signature (ERC-1271)", async function () {
    const { agents, owner } = await loadFixture(fixture);
    const { agentId, account } = await agents.createAgent(sampleBuilder(), { salt: SALT });
    await agents.setAgentWallet(agentId, account, owner);
    expect((await agents.byId(agentId)).wallet).to.equal(account);
  });

  it("refuses a wallet signature from another key", async function () {
    const { agents, identity } = await loadFixture(fixture);
    const { agentId } = await agents.createAgent(sampleBuilder(), { salt: SALT });
    await expect(
      agents.setAgentWallet(agentId, Wallet.createRandom().address, Wallet.createRandom()),
    ).to.be.revertedWithCustomError(identity, "IdentityInvalidWalletSignature");
  });

  it("records a heartbeat that liveness queries see", async function () {
    const { agents, contracts, start } = await loadFixture(fixture);
    const { agentId } = await agents.createAgent(sampleBuilder(), { salt: SALT });
    await time.increase(3600);
    const store = new MemoryDiscoveryStore();
    await new DiscoveryIndexer({
      source: providerLogSource(ethers.provider),
      provider: ethers.provider,
      store,
      contracts,
      startBlock: start,
    }).sync();
    const live = accountLiveness(ethers.provider, 600);
    expect(await queryAgents(store, { isLive: live })).to.have.length(0);
    await agents.heartbeat(agentId);
    expect(await queryAgents(store, { isLive: live })).to.have.length(1);
    expect((await agents.byId(agentId)).lastHeartbeat).to.be.greaterThan(0n);
  });

  it("reads an agent by its account, and refuses unknown ids and accounts", async function () {
    const { agents, other } = await loadFixture(fixture);
    const { agentId, account } = await agents.createAgent(sampleBuilder(), { salt: SALT });
    expect((await agents.byAccount(account)).agentId).to.equal(agentId);
    await expect(agents.byAccount(other.address)).to.be.rejectedWith(AgentError);
    await expect(agents.byId(99n)).to.be.rejectedWith(/no agent 99/);
    expect(await agents.byWallet(other.address as Address)).to.equal(undefined);
  });

  it("refuses to write with a read-only runner", async function () {
    const { contracts } = await loadFixture(fixture);
    const ro = new AgentsOnchain(ethers.provider, contracts);
    await expect(ro.createAgent(sampleBuilder())).to.be.rejectedWith(/Signer/);
  });
});
