import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
  EIP712_TYPES,
  USDC,
  claimRow,
  escrowDomain,
  fundedChannelFixture,
  signVoucher,
} from "./support/escrow-fixture";

describe("Z402Escrow: attacks", function () {
  describe("replay", function () {
    it("a channel id differs on another chain id", async function () {
      const { escrow, config, channelId } = await loadFixture(fundedChannelFixture);
      const domain = { ...(await escrowDomain(escrow)), chainId: 8453n };
      const elsewhere = ethers.TypedDataEncoder.hash(
        domain,
        { ChannelConfig: EIP712_TYPES.ChannelConfig },
        config,
      );
      expect(elsewhere).to.not.equal(channelId);
    });

    it("a voucher signed for another chain id is rejected (cross-chain replay)", async function () {
      const { escrow, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const domain = { ...(await escrowDomain(escrow)), chainId: 8453n };
      const sig = await payerAuthorizer.signTypedData(
        domain,
        { Voucher: EIP712_TYPES.Voucher },
        { channelId, maxClaimableAmount: USDC(5) },
      );
      await expect(
        escrow.connect(receiver).claim([claimRow(config, USDC(5), sig)]),
      ).to.be.revertedWithCustomError(escrow, "EscrowInvalidVoucherSignature");
    });

    it("a voucher for one escrow cannot be claimed in another (cross-contract replay)", async function () {
      const { escrow, payer, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const other = await ethers.deployContract("Z402Escrow");
      await escrow.connect(payer).deposit(config, 1n, ethers.ZeroAddress, "0x"); // keep the first one warm
      const tokenAddr = config.token;
      const token = await ethers.getContractAt("MockEIP3009Token", tokenAddr);
      await token.connect(payer).approve(await other.getAddress(), USDC(100));
      await other.connect(payer).deposit(config, USDC(100), ethers.ZeroAddress, "0x");
      const otherId = await other.getChannelId(config);
      expect(otherId).to.not.equal(channelId);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(5));
      await expect(other.connect(receiver).claim([claimRow(config, USDC(5), sig)]))
        .to.be.revertedWithCustomError(other, "EscrowInvalidVoucherSignature")
        .withArgs(otherId);
    });

    it("replaying the same voucher twice pays once", async function () {
      const { escrow, token, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(5));
      await escrow.connect(receiver).claim([claimRow(config, USDC(5), sig), claimRow(config, USDC(5), sig)]);
      await escrow.connect(receiver).claim([claimRow(config, USDC(5), sig)]);
      await expect(escrow.settle(receiver.address, config.token)).to.changeTokenBalance(
        token,
        receiver,
        USDC(5),
      );
    });
  });

  describe("reentrancy through the token", function () {
    async function reentrantFixture() {
      const f = await fundedChannelFixture();
      const evil = await ethers.deployContract("MockReentrantToken");
      const config = { ...f.config, token: await evil.getAddress() };
      await evil.mint(f.payer.address, USDC(100));
      await evil.connect(f.payer).approve(await f.escrow.getAddress(), ethers.MaxUint256);
      await f.escrow.connect(f.payer).deposit(config, USDC(100), ethers.ZeroAddress, "0x");
      const id = await f.escrow.getChannelId(config);
      const sig = await signVoucher(f.payerAuthorizer, f.escrow, id, USDC(40));
      await f.escrow.connect(f.receiver).claim([claimRow(config, USDC(40), sig)]);
      return { ...f, evil, evilConfig: config, evilId: id };
    }

    it("settle cannot be re-entered from the token transfer", async function () {
      const { escrow, evil, receiver, evilConfig } = await loadFixture(reentrantFixture);
      const again = escrow.interface.encodeFunctionData("settle", [receiver.address, evilConfig.token]);
      await evil.arm(await escrow.getAddress(), again);
      await expect(escrow.settle(receiver.address, evilConfig.token)).to.be.revertedWithCustomError(
        escrow,
        "ReentrancyGuardReentrantCall",
      );
      expect((await escrow.receivers(receiver.address, evilConfig.token)).totalSettled).to.equal(0n);
    });

    it("refund cannot re-enter finalizeWithdraw", async function () {
      const { escrow, evil, receiver, evilConfig, evilId } = await loadFixture(reentrantFixture);
      const call = escrow.interface.encodeFunctionData("finalizeWithdraw", [evilConfig]);
      await evil.arm(await escrow.getAddress(), call);
      await expect(escrow.connect(receiver).refund(evilConfig, USDC(10))).to.be.revertedWithCustomError(
        escrow,
        "ReentrancyGuardReentrantCall",
      );
      expect((await escrow.channels(evilId)).balance).to.equal(USDC(100));
    });

    it("finalizeWithdraw cannot re-enter refund", async function () {
      const { escrow, evil, payer, evilConfig } = await loadFixture(reentrantFixture);
      await escrow.connect(payer).initiateWithdraw(evilConfig, USDC(60));
      await time.increase(DAY);
      await evil.arm(
        await escrow.getAddress(),
        escrow.interface.encodeFunctionData("refund", [evilConfig, 1n]),
      );
      await expect(escrow.connect(payer).finalizeWithdraw(evilConfig)).to.be.revertedWithCustomError(
        escrow,
        "ReentrancyGuardReentrantCall",
      );
    });

    it("settle cannot re-enter claimWithSignature, claimPacked, deposit or refundWithSignature", async function () {
      const { escrow, evil, receiver, evilConfig } = await loadFixture(reentrantFixture);
      const calls = [
        escrow.interface.encodeFunctionData("claimWithSignature", [[], "0x"]),
        escrow.interface.encodeFunctionData("claimPacked", [
          receiver.address,
          receiver.address,
          evilConfig.token,
          "0x",
        ]),
        escrow.interface.encodeFunctionData("deposit", [evilConfig, 1n, ethers.ZeroAddress, "0x"]),
        escrow.interface.encodeFunctionData("refundWithSignature", [evilConfig, 1n, 0n, "0x"]),
      ];
      for (const call of calls) {
        await evil.arm(await escrow.getAddress(), call);
        await expect(escrow.settle(receiver.address, evilConfig.token)).to.be.revertedWithCustomError(
          escrow,
          "ReentrancyGuardReentrantCall",
        );
      }
    });

    it("deposit cannot re-enter claim from transferFrom", async function () {
      const { escrow, evil, payer, payerAuthorizer, evilConfig, evilId } =
        await loadFixture(reentrantFixture);
      const sig = await signVoucher(payerAuthorizer, escrow, evilId, USDC(50));
      const call = escrow.interface.encodeFunctionData("claim", [[claimRow(evilConfig, USDC(50), sig)]]);
      await evil.mint(payer.address, USDC(1));
      await evil.arm(await escrow.getAddress(), call);
      await expect(
        escrow.connect(payer).deposit(evilConfig, USDC(1), ethers.ZeroAddress, "0x"),
      ).to.be.revertedWithCustomError(escrow, "ReentrancyGuardReentrantCall");
    });
  });

  describe("fee-on-transfer tokens", function () {
    it("payouts debit the escrow by the booked amount and keep the books balanced", async function () {
      const f = await loadFixture(fundedChannelFixture);
      const fee = await ethers.deployContract("MockFeeOnTransferToken", [100]);
      const escrowAddr = await f.escrow.getAddress();
      await fee.mint(f.payer.address, USDC(100));
      await fee.connect(f.payer).approve(escrowAddr, USDC(100));
      const config = { ...f.config, token: await fee.getAddress() };
      await f.escrow.connect(f.payer).deposit(config, USDC(100), ethers.ZeroAddress, "0x");
      const id = await f.escrow.getChannelId(config);
      const sig = await signVoucher(f.payerAuthorizer, f.escrow, id, USDC(50));
      await f.escrow.connect(f.receiver).claim([claimRow(config, USDC(50), sig)]);
      await f.escrow.settle(f.receiver.address, config.token);
      const ch = await f.escrow.channels(id);
      const r = await f.escrow.receivers(f.receiver.address, config.token);
      expect(await fee.balanceOf(escrowAddr)).to.equal(ch.balance - r.totalSettled);
      expect(await fee.balanceOf(f.receiver.address)).to.equal(USDC(50) - USDC(50) / 100n);
    });
  });
});
