import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet, ZeroAddress, ZeroHash } from "ethers";
import { AgentsOnchain, type Hex } from "../../../sdk/agents";
import { channelIdOf, signVoucher } from "../../../sdk/client";
import { encodePackedClaims } from "../../../sdk/signing/packed-claims";
import {
  DiscoveryIndexer,
  MemoryDiscoveryStore,
  paidReputation,
  providerLogSource,
} from "../../../sdk/discovery";
import { sampleBuilder } from "../agents/support/sample";

const SYBILS = 1000;
const PER_TX = 125; // ~200k gas per spawned client: stays under the block gas limit

/**
 * Real contracts end to end: an agent created through the factory is paid by one customer through the
 * escrow (deposit, voucher, claim), and 1,000 fresh contract clients give it zero stars.
 */
async function fixture() {
  const [deployer, owner, customer, authorizer] = await ethers.getSigners();
  const identity = await ethers.deployContract("IdentityRegistry");
  const factory = await ethers.deployContract("AgentFactory", [await identity.getAddress()]);
  await identity.setFactory(await factory.getAddress());
  const reputation = await ethers.deployContract("ReputationRegistry", [await identity.getAddress()]);
  const escrow = await ethers.deployContract("Z402Escrow");
  const token = await ethers.deployContract("MockEIP3009Token");
  const spawner = await ethers.deployContract("SybilSpawnerMock");
  const start = await ethers.provider.getBlockNumber();
  const contracts = {
    identity: await identity.getAddress(),
    factory: await factory.getAddress(),
    reputation: await reputation.getAddress(),
    escrow: await escrow.getAddress(),
  };
  const { agentId, account } = await new AgentsOnchain(owner, contracts).createAgent(sampleBuilder(), {
    salt: ethers.id("seller") as Hex,
  });

  // The customer opens a channel to the agent's account and the receiver side claims 250,000 of it.
  const session = Wallet.createRandom();
  const config = {
    payer: customer.address,
    payerAuthorizer: session.address,
    receiver: account,
    receiverAuthorizer: authorizer.address,
    token: await token.getAddress(),
    withdrawDelay: 900,
    salt: ZeroHash,
  };
  await token.mint(customer.address, 1_000_000n);
  await token.connect(customer).approve(contracts.escrow, 1_000_000n);
  await escrow.connect(customer).deposit(config, 1_000_000n, ZeroAddress, "0x");
  const { chainId } = await ethers.provider.getNetwork();
  const channelId = channelIdOf(chainId, contracts.escrow, config);
  const signature = await signVoucher(session, chainId, contracts.escrow, channelId, 250_000n);
  await escrow
    .connect(authorizer)
    .claim([
      { voucher: { channel: config, maxClaimableAmount: 250_000n }, signature, totalClaimed: 250_000n },
    ]);
  await reputation.connect(customer).giveFeedback(agentId, 100, 0, "", "", "", "", ZeroHash);
  for (let n = 0; n < SYBILS; n += PER_TX) await spawner.spawn(contracts.reputation, agentId, PER_TX, 0);

  const store = new MemoryDiscoveryStore();
  await new DiscoveryIndexer({
    source: providerLogSource(ethers.provider),
    provider: ethers.provider,
    store,
    contracts,
    startBlock: start,
  }).sync();
  return {
    deployer,
    customer,
    authorizer,
    reputation,
    escrow,
    token,
    contracts,
    store,
    agentId,
    account,
    start,
  };
}

describe("discovery/paidReputation on the real registries and escrow", function () {
  it("1,000 sybil contracts giving zero stars do not move one paying customer's score", async function () {
    const { store, agentId, reputation, contracts, customer } = await loadFixture(fixture);
    const clients = await reputation.getClients(agentId);
    expect(clients).to.have.length(SYBILS + 1);
    const [, open] = await reputation.getSummary(agentId, [...clients], "", "");
    expect(open).to.equal(0n); // the open average is dragged to zero (integer WAD average, rescaled)
    const paid = await paidReputation(store, agentId, {
      registry: { address: contracts.reputation, runner: ethers.provider },
    });
    expect(paid).to.deep.include({ paidClients: 1, feedbackCount: 1, totalPaid: 250_000n, score: 100 });
    expect(paid.onChain).to.deep.equal({ count: 1n, summaryValue: 100n, summaryValueDecimals: 0 });
    expect(
      (await store.paidBy([(await store.agent(agentId))!.account!])).get(customer.address.toLowerCase()),
    ).to.equal(250_000n);
  });

  it("counts a customer whose vouchers were claimed through the compact claim path", async function () {
    const { authorizer, reputation, escrow, token, contracts, agentId, account, start } =
      await loadFixture(fixture);
    const [, , , , second] = await ethers.getSigners();
    const session = Wallet.createRandom();
    const config = {
      payer: second.address,
      payerAuthorizer: session.address,
      receiver: account,
      receiverAuthorizer: authorizer.address,
      token: await token.getAddress(),
      withdrawDelay: 900,
      salt: ZeroHash,
    };
    await token.mint(second.address, 1_000_000n);
    await token.connect(second).approve(contracts.escrow, 1_000_000n);
    await escrow.connect(second).deposit(config, 1_000_000n, ZeroAddress, "0x");
    const { chainId } = await ethers.provider.getNetwork();
    const id = channelIdOf(chainId, contracts.escrow, config);
    const signature = (await signVoucher(session, chainId, contracts.escrow, id, 750_000n)) as Hex;
    const packed = encodePackedClaims([{ config: config as never, maxClaimableAmount: 750_000n, signature }]);
    await escrow.connect(authorizer).claimPacked(account, authorizer.address, config.token, packed);
    await reputation.connect(second).giveFeedback(agentId, 60, 0, "", "", "", "", ZeroHash);
    const store = new MemoryDiscoveryStore();
    await new DiscoveryIndexer({
      source: providerLogSource(ethers.provider),
      provider: ethers.provider,
      store,
      contracts,
      startBlock: start,
    }).sync();
    const paid = await paidReputation(store, agentId);
    expect(paid).to.deep.include({ paidClients: 2, totalPaid: 1_000_000n });
    expect(paid.score).to.be.closeTo(0.25 * 100 + 0.75 * 60, 1e-9);
  });

  it("ignores the customer's feedback once it is revoked", async function () {
    const { store, agentId, reputation, customer, contracts } = await loadFixture(fixture);
    await reputation.connect(customer).revokeFeedback(agentId, 1);
    const s2 = new MemoryDiscoveryStore();
    await new DiscoveryIndexer({
      source: providerLogSource(ethers.provider),
      store: s2,
      contracts,
      provider: ethers.provider,
    }).sync();
    expect((await paidReputation(s2, agentId)).score).to.equal(undefined);
    expect((await paidReputation(store, agentId)).score).to.equal(100); // the first index predates the revocation
  });
});
