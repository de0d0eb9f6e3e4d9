import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { zeroPadValue } from "ethers";
import { createAgent, deployAgents } from "./support/fixtures";
import { DAY, USDC, claimRow, signVoucher, type ChannelConfig } from "../escrow/support/escrow-fixture";

/** An agent whose AgentAccount is the receiver of a funded escrow channel; the owner's key authorizes claims. */
async function agentChannel() {
  const f = await deployAgents();
  const [, , , , , , payer, session] = await ethers.getSigners();
  const { agentId, account } = await createAgent(f.factory, f.owner);
  const token = await ethers.deployContract("MockEIP3009Token");
  const escrow = await ethers.deployContract("Z402Escrow");
  await token.mint(payer.address, USDC(100));
  await token.connect(payer).approve(await escrow.getAddress(), ethers.MaxUint256);
  const config: ChannelConfig = {
    payer: payer.address,
    payerAuthorizer: session.address,
    receiver: await account.getAddress(),
    receiverAuthorizer: f.owner.address,
    token: await token.getAddress(),
    withdrawDelay: DAY,
    salt: zeroPadValue("0x07", 32),
  };
  await escrow.connect(payer).deposit(config, USDC(10), ethers.ZeroAddress, "0x");
  const channelId = await escrow.getChannelId(config);
  return { ...f, agentId, account, token, escrow, config, channelId, session };
}

describe("AgentAccount as an escrow receiver", function () {
  it("receives settled voucher income and lets its owner withdraw it", async function () {
    const { account, token, escrow, config, channelId, session, owner, recipient } =
      await loadFixture(agentChannel);
    const voucher = await signVoucher(session, escrow, channelId, USDC(3));
    await escrow.connect(owner).claim([claimRow(config, USDC(3), voucher)]);
    await expect(escrow.settle(await account.getAddress(), await token.getAddress())).to.changeTokenBalances(
      token,
      [escrow, account],
      [-USDC(3), USDC(3)],
    );
    await expect(
      account.connect(owner).withdraw(await token.getAddress(), recipient.address, USDC(3)),
    ).to.changeTokenBalances(token, [account, recipient], [-USDC(3), USDC(3)]);
  });

  it("keeps the income out of reach of strangers", async function () {
    const { account, token, escrow, config, channelId, session, owner, stranger } =
      await loadFixture(agentChannel);
    const voucher = await signVoucher(session, escrow, channelId, USDC(1));
    await escrow.connect(owner).claim([claimRow(config, USDC(1), voucher)]);
    await escrow.connect(stranger).settle(await account.getAddress(), await token.getAddress());
    await expect(
      account.connect(stranger).withdraw(await token.getAddress(), stranger.address, USDC(1)),
    ).to.be.revertedWithCustomError(account, "AgentAccountNotOwner");
  });
});
