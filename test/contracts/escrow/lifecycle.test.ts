import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
  USDC,
  blockTime,
  claimRow,
  fundedChannelFixture,
  signClaimBatch,
  signRefund,
  signVoucher,
} from "./support/escrow-fixture";

/** A funded channel with 30 USDC claimed by the receiver. */
async function claimedFixture() {
  const f = await fundedChannelFixture();
  const sig = await signVoucher(f.payerAuthorizer, f.escrow, f.channelId, USDC(30));
  await f.escrow.connect(f.receiver).claim([claimRow(f.config, USDC(30), sig)]);
  return f;
}

describe("Z402Escrow: settle, refund, withdraw", function () {
  describe("settle", function () {
    it("transfers claimed-but-unsettled funds to the receiver", async function () {
      const { escrow, token, receiver, stranger, config } = await loadFixture(claimedFixture);
      await expect(escrow.connect(stranger).settle(receiver.address, config.token)).to.changeTokenBalances(
        token,
        [escrow, receiver],
        [-USDC(30), USDC(30)],
      );
      const r = await escrow.receivers(receiver.address, config.token);
      expect(r.totalSettled).to.equal(USDC(30));
    });

    it("emits Settled(receiver, token, sender, amount)", async function () {
      const { escrow, receiver, stranger, config } = await loadFixture(claimedFixture);
      await expect(escrow.connect(stranger).settle(receiver.address, config.token))
        .to.emit(escrow, "Settled")
        .withArgs(receiver.address, config.token, stranger.address, USDC(30));
    });

    it("is a no-op when nothing is unsettled", async function () {
      const { escrow, token, receiver, config } = await loadFixture(claimedFixture);
      await escrow.settle(receiver.address, config.token);
      const tx = escrow.settle(receiver.address, config.token);
      await expect(tx).to.not.emit(escrow, "Settled");
      await expect(tx).to.changeTokenBalance(token, receiver, 0n);
    });

    it("pays only the increment after later claims", async function () {
      const { escrow, token, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(claimedFixture);
      await escrow.settle(receiver.address, config.token);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(45));
      await escrow.connect(receiver).claim([claimRow(config, USDC(45), sig)]);
      await expect(escrow.settle(receiver.address, config.token)).to.changeTokenBalance(
        token,
        receiver,
        USDC(15),
      );
    });
  });

  describe("initiateWithdraw / finalizeWithdraw", function () {
    it("records the request at the mined block's timestamp", async function () {
      const { escrow, payer, config, channelId } = await loadFixture(fundedChannelFixture);
      const tx = await escrow.connect(payer).initiateWithdraw(config, USDC(40));
      const at = await blockTime(tx);
      await expect(tx).to.emit(escrow, "WithdrawInitiated").withArgs(channelId, USDC(40), at);
      const w = await escrow.pendingWithdrawals(channelId);
      expect(w.amount).to.equal(USDC(40));
      expect(w.initiatedAt).to.equal(at);
    });

    it("is allowed to the payerAuthorizer", async function () {
      const { escrow, payerAuthorizer, config } = await loadFixture(fundedChannelFixture);
      await expect(escrow.connect(payerAuthorizer).initiateWithdraw(config, USDC(1))).to.emit(
        escrow,
        "WithdrawInitiated",
      );
    });

    it("rejects a stranger", async function () {
      const { escrow, stranger, config, channelId } = await loadFixture(fundedChannelFixture);
      await expect(escrow.connect(stranger).initiateWithdraw(config, USDC(1)))
        .to.be.revertedWithCustomError(escrow, "EscrowNotPayerSide")
        .withArgs(channelId, stranger.address);
    });

    it("rejects a zero amount", async function () {
      const { escrow, payer, config } = await loadFixture(fundedChannelFixture);
      await expect(escrow.connect(payer).initiateWithdraw(config, 0)).to.be.revertedWithCustomError(
        escrow,
        "EscrowZeroAmount",
      );
    });

    it("rejects more than the unclaimed remainder", async function () {
      const { escrow, payer, config, channelId } = await loadFixture(claimedFixture);
      await expect(escrow.connect(payer).initiateWithdraw(config, USDC(71)))
        .to.be.revertedWithCustomError(escrow, "EscrowAmountTooLarge")
        .withArgs(channelId, USDC(71), USDC(70));
    });

    it("finalizes exactly at initiatedAt + withdrawDelay and pays the payer", async function () {
      const { escrow, token, payer, config, channelId } = await loadFixture(fundedChannelFixture);
      const at = await blockTime(await escrow.connect(payer).initiateWithdraw(config, USDC(40)));
      await time.setNextBlockTimestamp(at + DAY);
      await expect(escrow.connect(payer).finalizeWithdraw(config)).to.changeTokenBalances(
        token,
        [escrow, payer],
        [-USDC(40), USDC(40)],
      );
      expect((await escrow.channels(channelId)).balance).to.equal(USDC(60));
      expect((await escrow.pendingWithdrawals(channelId)).amount).to.equal(0n);
    });

    it("emits WithdrawFinalized", async function () {
      const { escrow, payer, config, channelId } = await loadFixture(fundedChannelFixture);
      await escrow.connect(payer).initiateWithdraw(config, USDC(40));
      await time.increase(DAY);
      await expect(escrow.connect(payer).finalizeWithdraw(config))
        .to.emit(escrow, "WithdrawFinalized")
        .withArgs(channelId, USDC(40));
    });

    it("emits ChannelClosed when nothing unclaimed is left", async function () {
      const { escrow, payer, config, channelId } = await loadFixture(claimedFixture);
      await escrow.connect(payer).initiateWithdraw(config, USDC(70));
      await time.increase(DAY);
      await expect(escrow.connect(payer).finalizeWithdraw(config))
        .to.emit(escrow, "ChannelClosed")
        .withArgs(channelId);
    });

    it("rejects finalizing one second before the delay has passed", async function () {
      const { escrow, payer, config, channelId } = await loadFixture(fundedChannelFixture);
      const at = await blockTime(await escrow.connect(payer).initiateWithdraw(config, USDC(40)));
      await time.setNextBlockTimestamp(at + DAY - 1n);
      await expect(escrow.connect(payer).finalizeWithdraw(config))
        .to.be.revertedWithCustomError(escrow, "EscrowWithdrawNotReady")
        .withArgs(channelId, at + DAY);
    });

    it("rejects finalizing without a pending request", async function () {
      const { escrow, payer, config, channelId } = await loadFixture(fundedChannelFixture);
      await expect(escrow.connect(payer).finalizeWithdraw(config))
        .to.be.revertedWithCustomError(escrow, "EscrowNoPendingWithdrawal")
        .withArgs(channelId);
    });

    it("rejects finalizing by a stranger", async function () {
      const { escrow, payer, stranger, config } = await loadFixture(fundedChannelFixture);
      await escrow.connect(payer).initiateWithdraw(config, USDC(40));
      await time.increase(DAY);
      await expect(escrow.connect(stranger).finalizeWithdraw(config)).to.be.revertedWithCustomError(
        escrow,
        "EscrowNotPayerSide",
      );
    });

    it("race: claims during the delay succeed; finalize pays only what is still unclaimed", async function () {
      const { escrow, token, payer, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      await escrow.connect(payer).initiateWithdraw(config, USDC(100));
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(35));
      await escrow.connect(receiver).claim([claimRow(config, USDC(35), sig)]);
      await time.increase(DAY);
      await expect(escrow.connect(payer).finalizeWithdraw(config)).to.changeTokenBalance(
        token,
        payer,
        USDC(65),
      );
      await expect(escrow.settle(receiver.address, config.token)).to.changeTokenBalance(
        token,
        receiver,
        USDC(35),
      );
      expect(await token.balanceOf(await escrow.getAddress())).to.equal(0n);
    });

    it("race: after finalize, an older larger voucher can claim only up to the remaining balance", async function () {
      const { escrow, payer, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      await escrow.connect(payer).initiateWithdraw(config, USDC(60));
      await time.increase(DAY);
      await escrow.connect(payer).finalizeWithdraw(config);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(50));
      await expect(escrow.connect(receiver).claim([claimRow(config, USDC(50), sig)]))
        .to.be.revertedWithCustomError(escrow, "EscrowClaimExceedsBalance")
        .withArgs(channelId, USDC(50), USDC(40));
      await escrow.connect(receiver).claim([claimRow(config, USDC(50), sig, USDC(40))]);
      expect((await escrow.channels(channelId)).totalClaimed).to.equal(USDC(40));
    });

    it("finalize after everything was claimed pays nothing and closes the channel", async function () {
      const { escrow, token, payer, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      await escrow.connect(payer).initiateWithdraw(config, USDC(10));
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(100));
      await escrow.connect(receiver).claim([claimRow(config, USDC(100), sig)]);
      await time.increase(DAY);
      const tx = escrow.connect(payer).finalizeWithdraw(config);
      await expect(tx).to.changeTokenBalance(token, payer, 0n);
      await expect(tx).to.emit(escrow, "WithdrawFinalized").withArgs(channelId, 0n);
      await expect(tx).to.emit(escrow, "ChannelClosed").withArgs(channelId);
    });

    it("a second initiate replaces the first and restarts the delay", async function () {
      const { escrow, payer, config, channelId } = await loadFixture(fundedChannelFixture);
      await escrow.connect(payer).initiateWithdraw(config, USDC(10));
      await time.increase(DAY / 2n);
      const at = await blockTime(await escrow.connect(payer).initiateWithdraw(config, USDC(20)));
      const w = await escrow.pendingWithdrawals(channelId);
      expect(w.amount).to.equal(USDC(20));
      expect(w.initiatedAt).to.equal(at);
    });
  });

  describe("refund", function () {
    it("returns the amount to the payer and advances the nonce", async function () {
      const { escrow, token, payer, receiver, config, channelId } = await loadFixture(claimedFixture);
      await expect(escrow.connect(receiver).refund(config, USDC(20))).to.changeTokenBalances(
        token,
        [escrow, payer],
        [-USDC(20), USDC(20)],
      );
      expect(await escrow.refundNonce(channelId)).to.equal(1n);
      expect((await escrow.channels(channelId)).balance).to.equal(USDC(80));
    });

    it("emits Refunded(channelId, sender, amount, nonce)", async function () {
      const { escrow, receiverAuthorizer, config, channelId } = await loadFixture(claimedFixture);
      await expect(escrow.connect(receiverAuthorizer).refund(config, USDC(20)))
        .to.emit(escrow, "Refunded")
        .withArgs(channelId, receiverAuthorizer.address, USDC(20), 0n);
    });

    it("caps the amount to the unclaimed remainder and closes the channel", async function () {
      const { escrow, token, payer, receiver, config, channelId } = await loadFixture(claimedFixture);
      const tx = escrow.connect(receiver).refund(config, 2n ** 128n - 1n);
      await expect(tx).to.changeTokenBalance(token, payer, USDC(70));
      await expect(tx).to.emit(escrow, "ChannelClosed").withArgs(channelId);
      const ch = await escrow.channels(channelId);
      expect(ch.balance).to.equal(ch.totalClaimed);
    });

    it("advances the nonce even when nothing moves", async function () {
      const { escrow, token, payer, receiver, config, channelId } = await loadFixture(claimedFixture);
      await escrow.connect(receiver).refund(config, USDC(70));
      const tx = escrow.connect(receiver).refund(config, USDC(1));
      await expect(tx).to.changeTokenBalance(token, payer, 0n);
      await expect(tx).to.emit(escrow, "Refunded").withArgs(channelId, receiver.address, 0n, 1n);
      expect(await escrow.refundNonce(channelId)).to.equal(2n);
    });

    it("rejects a stranger", async function () {
      const { escrow, stranger, config, channelId } = await loadFixture(claimedFixture);
      await expect(escrow.connect(stranger).refund(config, USDC(1)))
        .to.be.revertedWithCustomError(escrow, "EscrowNotReceiverSide")
        .withArgs(channelId, stranger.address);
    });

    it("lowers a pending withdrawal that no longer fits", async function () {
      const { escrow, payer, receiver, config, channelId } = await loadFixture(claimedFixture);
      await escrow.connect(payer).initiateWithdraw(config, USDC(70));
      await expect(escrow.connect(receiver).refund(config, USDC(50)))
        .to.emit(escrow, "WithdrawReduced")
        .withArgs(channelId, USDC(20));
      expect((await escrow.pendingWithdrawals(channelId)).amount).to.equal(USDC(20));
    });

    it("leaves a pending withdrawal that still fits", async function () {
      const { escrow, payer, receiver, config, channelId } = await loadFixture(claimedFixture);
      await escrow.connect(payer).initiateWithdraw(config, USDC(10));
      await expect(escrow.connect(receiver).refund(config, USDC(50))).to.not.emit(escrow, "WithdrawReduced");
      expect((await escrow.pendingWithdrawals(channelId)).amount).to.equal(USDC(10));
    });
  });

  describe("refundWithSignature", function () {
    it("lets anyone relay a refund signed by the receiverAuthorizer", async function () {
      const { escrow, token, payer, relayer, receiverAuthorizer, config, channelId } =
        await loadFixture(claimedFixture);
      const sig = await signRefund(receiverAuthorizer, escrow, channelId, 0, USDC(25));
      const tx = escrow.connect(relayer).refundWithSignature(config, USDC(25), 0, sig);
      await expect(tx).to.changeTokenBalance(token, payer, USDC(25));
      await expect(tx).to.emit(escrow, "Refunded").withArgs(channelId, relayer.address, USDC(25), 0n);
    });

    it("rejects a used refund signature (nonce advanced)", async function () {
      const { escrow, relayer, receiverAuthorizer, config, channelId } = await loadFixture(claimedFixture);
      const sig = await signRefund(receiverAuthorizer, escrow, channelId, 0, USDC(5));
      await escrow.connect(relayer).refundWithSignature(config, USDC(5), 0, sig);
      await expect(escrow.connect(relayer).refundWithSignature(config, USDC(5), 0, sig))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidRefundNonce")
        .withArgs(channelId, 1n, 0n);
    });

    it("a direct refund invalidates outstanding refund signatures", async function () {
      const { escrow, relayer, receiver, receiverAuthorizer, config, channelId } =
        await loadFixture(claimedFixture);
      const sig = await signRefund(receiverAuthorizer, escrow, channelId, 0, USDC(5));
      await escrow.connect(receiver).refund(config, 0);
      await expect(
        escrow.connect(relayer).refundWithSignature(config, USDC(5), 0, sig),
      ).to.be.revertedWithCustomError(escrow, "EscrowInvalidRefundNonce");
    });

    it("rejects a signature by someone other than the receiverAuthorizer", async function () {
      const { escrow, relayer, receiver, config, channelId } = await loadFixture(claimedFixture);
      const sig = await signRefund(receiver, escrow, channelId, 0, USDC(5));
      await expect(escrow.connect(relayer).refundWithSignature(config, USDC(5), 0, sig))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidAuthorizerSignature")
        .withArgs(config.receiverAuthorizer);
    });

    it("rejects a signature for another amount", async function () {
      const { escrow, relayer, receiverAuthorizer, config, channelId } = await loadFixture(claimedFixture);
      const sig = await signRefund(receiverAuthorizer, escrow, channelId, 0, USDC(5));
      await expect(
        escrow.connect(relayer).refundWithSignature(config, USDC(6), 0, sig),
      ).to.be.revertedWithCustomError(escrow, "EscrowInvalidAuthorizerSignature");
    });

    it("rejects a ClaimBatch signature used as a Refund (typehash confusion)", async function () {
      const { escrow, relayer, receiverAuthorizer, config, channelId } = await loadFixture(claimedFixture);
      const sig = await signClaimBatch(receiverAuthorizer, escrow, [
        { channelId, maxClaimableAmount: 0n, totalClaimed: USDC(5) },
      ]);
      await expect(
        escrow.connect(relayer).refundWithSignature(config, USDC(5), 0, sig),
      ).to.be.revertedWithCustomError(escrow, "EscrowInvalidAuthorizerSignature");
    });

    it("matches getRefundDigest with the typed-data hash", async function () {
      const { escrow, channelId } = await loadFixture(claimedFixture);
      const d = await escrow.eip712Domain();
      const expected = ethers.TypedDataEncoder.hash(
        { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract },
        {
          Refund: [
            { name: "channelId", type: "bytes32" },
            { name: "nonce", type: "uint256" },
            { name: "amount", type: "uint128" },
          ],
        },
        { channelId, nonce: 3n, amount: 9n },
      );
      expect(await escrow.getRefundDigest(channelId, 3n, 9n)).to.equal(expected);
    });
  });

  describe("multicall", function () {
    it("batches claim and settle in one transaction", async function () {
      const { escrow, token, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(9));
      const calls = [
        escrow.interface.encodeFunctionData("claim", [[claimRow(config, USDC(9), sig)]]),
        escrow.interface.encodeFunctionData("settle", [receiver.address, config.token]),
      ];
      await expect(escrow.connect(receiver).multicall(calls)).to.changeTokenBalance(token, receiver, USDC(9));
    });
  });
});
