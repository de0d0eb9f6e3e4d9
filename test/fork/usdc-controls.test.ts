import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { BASE_SEPOLIA_USDC } from "./support/usdc";
import { signVoucher } from "./support/channel";
import { DEPOSIT, PRICE, channelFixture, openChannelFixture } from "./support/channel-fixture";

const BLACKLISTED = "Blacklistable: account is blacklisted";
const PAUSED = "Pausable: paused";

describe("fork: USDC blacklisting and pausing against the escrow", function () {
  /** A channel with PRICE * 10 claimed but not yet settled. */
  async function claimedFixture() {
    const f = await openChannelFixture();
    const total = PRICE * 10n;
    const signature = await signVoucher(f.session, f.domain, f.channelId, total);
    const claim = {
      voucher: { channel: f.config, maxClaimableAmount: total },
      signature,
      totalClaimed: total,
    };
    await (await f.escrow.connect(f.server).claim([claim])).wait();
    return { ...f, total };
  }

  const blacklist = async (f: Awaited<ReturnType<typeof channelFixture>>, account: string, on: boolean) => {
    const token = f.token.connect(await f.usdc.blacklister());
    await (await token.getFunction(on ? "blacklist" : "unBlacklist")(account)).wait();
  };
  const pause = async (f: Awaited<ReturnType<typeof channelFixture>>, on: boolean) => {
    const token = f.token.connect(await f.usdc.pauser());
    await (await token.getFunction(on ? "pause" : "unpause")()).wait();
  };

  describe("blacklisted payer", function () {
    it("makes the deposit revert with USDC's reason", async function () {
      const f = await loadFixture(channelFixture);
      await blacklist(f, f.payer.address, true);
      await expect((await f.deposit(DEPOSIT)).tx).to.be.revertedWith(BLACKLISTED);
    });

    it("leaves the channel empty and the authorization unused after the failed deposit", async function () {
      const f = await loadFixture(channelFixture);
      await blacklist(f, f.payer.address, true);
      const { tx, nonce } = await f.deposit(DEPOSIT);
      await expect(tx).to.be.reverted;
      expect([
        (await f.escrow.channels(f.channelId)).balance,
        await f.token.getFunction("authorizationState")(f.payer.address, nonce),
      ]).to.deep.equal([0n, false]);
    });

    it("deposits again once unblacklisted", async function () {
      const f = await loadFixture(channelFixture);
      await blacklist(f, f.payer.address, true);
      await blacklist(f, f.payer.address, false);
      await expect((await f.deposit(DEPOSIT)).tx).to.changeTokenBalance(f.token, f.escrow, DEPOSIT);
    });
  });

  describe("blacklisted receiver", function () {
    it("makes settle revert while the claimed funds stay owed", async function () {
      const f = await loadFixture(claimedFixture);
      await blacklist(f, f.receiver.address, true);
      await expect(f.escrow.settle(f.receiver.address, BASE_SEPOLIA_USDC)).to.be.revertedWith(BLACKLISTED);
      expect((await f.escrow.receivers(f.receiver.address, BASE_SEPOLIA_USDC)).totalSettled).to.equal(0n);
    });

    it("settles the owed funds once unblacklisted", async function () {
      const f = await loadFixture(claimedFixture);
      await blacklist(f, f.receiver.address, true);
      await blacklist(f, f.receiver.address, false);
      await expect(f.escrow.settle(f.receiver.address, BASE_SEPOLIA_USDC)).to.changeTokenBalance(
        f.token,
        f.receiver,
        f.total,
      );
    });
  });

  describe("paused USDC", function () {
    it("makes deposits revert with USDC's reason", async function () {
      const f = await loadFixture(channelFixture);
      await pause(f, true);
      await expect((await f.deposit(DEPOSIT)).tx).to.be.revertedWith(PAUSED);
    });

    it("makes settle revert while the claimed funds stay owed", async function () {
      const f = await loadFixture(claimedFixture);
      await pause(f, true);
      await expect(f.escrow.settle(f.receiver.address, BASE_SEPOLIA_USDC)).to.be.revertedWith(PAUSED);
      expect((await f.escrow.receivers(f.receiver.address, BASE_SEPOLIA_USDC)).totalSettled).to.equal(0n);
    });

    it("makes the payer's withdrawal revert at finalization", async function () {
      const f = await loadFixture(claimedFixture);
      await (await f.escrow.connect(f.payer).initiateWithdraw(f.config, DEPOSIT - f.total)).wait();
      await time.increase(f.config.withdrawDelay);
      await pause(f, true);
      await expect(f.escrow.connect(f.payer).finalizeWithdraw(f.config)).to.be.revertedWith(PAUSED);
    });

    it("lets receiver and payer recover every unit after unpausing", async function () {
      const f = await loadFixture(claimedFixture);
      await (await f.escrow.connect(f.payer).initiateWithdraw(f.config, DEPOSIT - f.total)).wait();
      await time.increase(f.config.withdrawDelay);
      await pause(f, true);
      await pause(f, false);
      await (await f.escrow.settle(f.receiver.address, BASE_SEPOLIA_USDC)).wait();
      await expect(f.escrow.connect(f.payer).finalizeWithdraw(f.config)).to.changeTokenBalances(
        f.token,
        [f.escrow, f.payer],
        [-(DEPOSIT - f.total), DEPOSIT - f.total],
      );
      expect(await f.token.getFunction("balanceOf")(await f.escrow.getAddress())).to.equal(0n);
    });
  });
});
