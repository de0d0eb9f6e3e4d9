import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { id, keccak256, toUtf8Bytes } from "ethers";
import { BASE_SEPOLIA_USDC, freshAccount } from "./support/usdc";
import { erc3009CollectorData, signVoucher } from "./support/channel";
import { DEPOSIT, PRICE, channelFixture } from "./support/channel-fixture";

const AGENT_URI = "data:application/json;base64,eyJuYW1lIjoiZm9yay1hZ2VudCJ9";

describe("fork: agents created through the factory of the System module", function () {
  async function agentFixture() {
    const f = await channelFixture();
    const creator = await freshAccount(hre);
    const salt = id("fork-agent");
    const predicted = await f.agentFactory.predictAgentAccount(creator.address, salt);
    const cardHash = keccak256(toUtf8Bytes(AGENT_URI));
    const create = () => f.agentFactory.connect(creator).createAgent(salt, AGENT_URI, cardHash, []);
    return { ...f, creator, salt, predicted, cardHash, create };
  }

  async function createdFixture() {
    const f = await agentFixture();
    await (await f.create()).wait();
    return f;
  }

  it("creates the agent's account at the predicted address", async function () {
    const f = await loadFixture(agentFixture);
    await expect(f.create())
      .to.emit(f.agentFactory, "AgentCreated")
      .withArgs(1n, f.predicted, f.creator.address, f.salt);
  });

  it("registers the agent identity to its creator", async function () {
    const f = await loadFixture(createdFixture);
    const agentId = await f.agentFactory.agentIdOf(f.predicted);
    expect([
      await f.identityRegistry.ownerOf(agentId),
      await f.identityRegistry.tokenURI(agentId),
    ]).to.deep.equal([f.creator.address, AGENT_URI]);
  });

  it("lets the agent's account receive escrow income in USDC and its owner withdraw it", async function () {
    const f = await loadFixture(createdFixture);
    const account = await hre.ethers.getContractAt("AgentAccount", f.predicted);
    const config = { ...f.config, receiver: f.predicted };
    const channelId = await f.escrow.getChannelId(config);
    const collector = await f.depositCollector.getAddress();
    const auth = await erc3009CollectorData(
      f.payer,
      f.token,
      collector,
      channelId,
      DEPOSIT,
      await time.latest(),
    );
    await (await f.escrow.connect(f.server).deposit(config, DEPOSIT, collector, auth.data)).wait();
    const signature = await signVoucher(f.session, f.domain, channelId, PRICE);
    const claim = { voucher: { channel: config, maxClaimableAmount: PRICE }, signature, totalClaimed: PRICE };
    await (await f.escrow.connect(f.server).claim([claim])).wait();
    await (await f.escrow.settle(f.predicted, BASE_SEPOLIA_USDC)).wait();
    await expect(
      account.connect(f.creator).withdraw(BASE_SEPOLIA_USDC, f.creator.address, PRICE),
    ).to.changeTokenBalances(f.token, [f.predicted, f.creator.address], [-PRICE, PRICE]);
  });
});
