import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  USDC,
  claimRow,
  fundedChannelFixture,
  highS,
  signClaimBatch,
  signRefund,
  signVoucher,
} from "./support/escrow-fixture";

describe("Z402Escrow: claim", function () {
  describe("claim (caller-authorized)", function () {
    it("raises the channel's and the receiver's claimed totals without moving tokens", async function () {
      const { escrow, token, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(5));
      await expect(escrow.connect(receiver).claim([claimRow(config, USDC(5), sig)])).to.changeTokenBalance(
        token,
        escrow,
        0n,
      );
      expect((await escrow.channels(channelId)).totalClaimed).to.equal(USDC(5));
      const r = await escrow.receivers(receiver.address, config.token);
      expect(r.totalClaimed).to.equal(USDC(5));
      expect(r.totalSettled).to.equal(0n);
    });

    it("emits Claimed with the delta and the new total", async function () {
      const { escrow, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const s1 = await signVoucher(payerAuthorizer, escrow, channelId, USDC(5));
      await escrow.connect(receiver).claim([claimRow(config, USDC(5), s1)]);
      const s2 = await signVoucher(payerAuthorizer, escrow, channelId, USDC(8));
      await expect(escrow.connect(receiver).claim([claimRow(config, USDC(8), s2)]))
        .to.emit(escrow, "Claimed")
        .withArgs(channelId, receiver.address, USDC(3), USDC(8));
    });

    it("is allowed to the receiverAuthorizer", async function () {
      const { escrow, receiverAuthorizer, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(5));
      await expect(escrow.connect(receiverAuthorizer).claim([claimRow(config, USDC(5), sig)])).to.emit(
        escrow,
        "Claimed",
      );
    });

    it("claims less than the voucher when totalClaimed < maxClaimableAmount", async function () {
      const { escrow, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(5));
      await escrow.connect(receiver).claim([claimRow(config, USDC(5), sig, USDC(2))]);
      expect((await escrow.channels(channelId)).totalClaimed).to.equal(USDC(2));
    });

    it("accepts a claim of exactly the whole balance", async function () {
      const { escrow, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(100));
      await escrow.connect(receiver).claim([claimRow(config, USDC(100), sig)]);
      expect((await escrow.channels(channelId)).totalClaimed).to.equal(USDC(100));
    });

    it("treats a stale voucher as a no-op, not a revert", async function () {
      const { escrow, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const s5 = await signVoucher(payerAuthorizer, escrow, channelId, USDC(5));
      const s3 = await signVoucher(payerAuthorizer, escrow, channelId, USDC(3));
      await escrow.connect(receiver).claim([claimRow(config, USDC(5), s5)]);
      await expect(escrow.connect(receiver).claim([claimRow(config, USDC(3), s3)])).to.not.emit(
        escrow,
        "Claimed",
      );
      await expect(escrow.connect(receiver).claim([claimRow(config, USDC(5), s5)])).to.not.emit(
        escrow,
        "Claimed",
      );
      expect((await escrow.channels(channelId)).totalClaimed).to.equal(USDC(5));
      expect((await escrow.receivers(receiver.address, config.token)).totalClaimed).to.equal(USDC(5));
    });

    it("claims several channels of several receivers in one call", async function () {
      const f = await loadFixture(fundedChannelFixture);
      const { escrow, payer, payerAuthorizer, receiver, config, channelId } = f;
      const other = { ...config, receiver: f.receiverAuthorizer.address }; // same authorizer, another receiver
      await escrow.connect(payer).deposit(other, USDC(10), ethers.ZeroAddress, "0x");
      const otherId = await escrow.getChannelId(other);
      const third = { ...config, salt: ethers.zeroPadValue("0x03", 32) };
      await escrow.connect(payer).deposit(third, USDC(10), ethers.ZeroAddress, "0x");
      const thirdId = await escrow.getChannelId(third);
      const rows = [
        claimRow(config, USDC(1), await signVoucher(payerAuthorizer, escrow, channelId, USDC(1))),
        claimRow(other, USDC(2), await signVoucher(payerAuthorizer, escrow, otherId, USDC(2))),
        claimRow(third, USDC(4), await signVoucher(payerAuthorizer, escrow, thirdId, USDC(4))),
      ];
      await escrow.connect(f.receiverAuthorizer).claim(rows);
      expect((await escrow.receivers(receiver.address, config.token)).totalClaimed).to.equal(USDC(5));
      expect((await escrow.receivers(f.receiverAuthorizer.address, config.token)).totalClaimed).to.equal(
        USDC(2),
      );
    });

    it("credits consecutive rows of one receiver and token as one sum", async function () {
      const f = await loadFixture(fundedChannelFixture);
      const second = { ...f.config, salt: ethers.zeroPadValue("0x02", 32) };
      await f.escrow.connect(f.payer).deposit(second, USDC(10), ethers.ZeroAddress, "0x");
      const secondId = await f.escrow.getChannelId(second);
      await f.escrow
        .connect(f.receiver)
        .claim([
          claimRow(f.config, USDC(3), await signVoucher(f.payerAuthorizer, f.escrow, f.channelId, USDC(3))),
          claimRow(second, USDC(4), await signVoucher(f.payerAuthorizer, f.escrow, secondId, USDC(4))),
        ]);
      expect((await f.escrow.receivers(f.receiver.address, f.config.token)).totalClaimed).to.equal(USDC(7));
    });

    it("credits each token separately for one receiver", async function () {
      const f = await loadFixture(fundedChannelFixture);
      const usdt = await ethers.deployContract("MockEIP3009Token");
      await usdt.mint(f.payer.address, USDC(10));
      await usdt.connect(f.payer).approve(await f.escrow.getAddress(), USDC(10));
      const other = { ...f.config, token: await usdt.getAddress() };
      await f.escrow.connect(f.payer).deposit(other, USDC(10), ethers.ZeroAddress, "0x");
      const otherId = await f.escrow.getChannelId(other);
      await f.escrow
        .connect(f.receiver)
        .claim([
          claimRow(f.config, USDC(1), await signVoucher(f.payerAuthorizer, f.escrow, f.channelId, USDC(1))),
          claimRow(other, USDC(2), await signVoucher(f.payerAuthorizer, f.escrow, otherId, USDC(2))),
        ]);
      expect((await f.escrow.receivers(f.receiver.address, f.config.token)).totalClaimed).to.equal(USDC(1));
      expect((await f.escrow.receivers(f.receiver.address, other.token)).totalClaimed).to.equal(USDC(2));
    });

    it("rejects an empty batch", async function () {
      const { escrow, receiver } = await loadFixture(fundedChannelFixture);
      await expect(escrow.connect(receiver).claim([])).to.be.revertedWithCustomError(
        escrow,
        "EscrowEmptyBatch",
      );
    });

    it("rejects a claim by a stranger", async function () {
      const { escrow, stranger, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(5));
      await expect(escrow.connect(stranger).claim([claimRow(config, USDC(5), sig)]))
        .to.be.revertedWithCustomError(escrow, "EscrowNotReceiverSide")
        .withArgs(channelId, stranger.address);
    });

    it("rejects a claim above the voucher", async function () {
      const { escrow, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(5));
      await expect(escrow.connect(receiver).claim([claimRow(config, USDC(5), sig, USDC(6))]))
        .to.be.revertedWithCustomError(escrow, "EscrowClaimExceedsVoucher")
        .withArgs(channelId, USDC(6), USDC(5));
    });

    it("rejects a claim above the balance", async function () {
      const { escrow, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(101));
      await expect(escrow.connect(receiver).claim([claimRow(config, USDC(101), sig)]))
        .to.be.revertedWithCustomError(escrow, "EscrowClaimExceedsBalance")
        .withArgs(channelId, USDC(101), USDC(100));
    });

    it("rejects a voucher signed by someone other than the payerAuthorizer", async function () {
      const { escrow, receiver, payer, config, channelId } = await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payer, escrow, channelId, USDC(5));
      await expect(escrow.connect(receiver).claim([claimRow(config, USDC(5), sig)]))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidVoucherSignature")
        .withArgs(channelId);
    });

    it("rejects a voucher signed for another amount", async function () {
      const { escrow, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(5));
      await expect(
        escrow.connect(receiver).claim([claimRow(config, USDC(50), sig)]),
      ).to.be.revertedWithCustomError(escrow, "EscrowInvalidVoucherSignature");
    });

    it("rejects the high-s (malleated) twin of a valid signature", async function () {
      const { escrow, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(5));
      await expect(
        escrow.connect(receiver).claim([claimRow(config, USDC(5), highS(sig))]),
      ).to.be.revertedWithCustomError(escrow, "EscrowInvalidVoucherSignature");
    });

    it("rejects a 64-byte signature on the ABI path", async function () {
      const { escrow, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const sig = ethers.Signature.from(await signVoucher(payerAuthorizer, escrow, channelId, USDC(5)));
      await expect(
        escrow.connect(receiver).claim([claimRow(config, USDC(5), sig.compactSerialized)]),
      ).to.be.revertedWithCustomError(escrow, "EscrowInvalidVoucherSignature");
    });

    it("rejects a Refund signature used as a Voucher (typehash confusion)", async function () {
      const { escrow, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const sig = await signRefund(payerAuthorizer, escrow, channelId, 0, USDC(5));
      await expect(
        escrow.connect(receiver).claim([claimRow(config, USDC(5), sig)]),
      ).to.be.revertedWithCustomError(escrow, "EscrowInvalidVoucherSignature");
    });

    it("reverts the whole batch when one row is invalid", async function () {
      const { escrow, receiver, payerAuthorizer, payer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const good = await signVoucher(payerAuthorizer, escrow, channelId, USDC(5));
      const bad = await signVoucher(payer, escrow, channelId, USDC(6));
      await expect(
        escrow.connect(receiver).claim([claimRow(config, USDC(5), good), claimRow(config, USDC(6), bad)]),
      ).to.be.revertedWithCustomError(escrow, "EscrowInvalidVoucherSignature");
      expect((await escrow.channels(channelId)).totalClaimed).to.equal(0n);
    });
  });

  describe("claimWithSignature (relayed)", function () {
    it("lets anyone relay a batch signed by the receiverAuthorizer", async function () {
      const { escrow, relayer, receiver, receiverAuthorizer, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(7));
      const auth = await signClaimBatch(receiverAuthorizer, escrow, [
        { channelId, maxClaimableAmount: USDC(7), totalClaimed: USDC(7) },
      ]);
      await expect(escrow.connect(relayer).claimWithSignature([claimRow(config, USDC(7), sig)], auth))
        .to.emit(escrow, "Claimed")
        .withArgs(channelId, relayer.address, USDC(7), USDC(7));
      expect((await escrow.receivers(receiver.address, config.token)).totalClaimed).to.equal(USDC(7));
    });

    it("matches getClaimBatchDigest with the typed-data hash", async function () {
      const { escrow, payerAuthorizer, config, channelId } = await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(7));
      const d = await escrow.eip712Domain();
      const expected = ethers.TypedDataEncoder.hash(
        { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract },
        {
          ClaimBatch: [{ name: "claims", type: "ClaimEntry[]" }],
          ClaimEntry: [
            { name: "channelId", type: "bytes32" },
            { name: "maxClaimableAmount", type: "uint128" },
            { name: "totalClaimed", type: "uint128" },
          ],
        },
        { claims: [{ channelId, maxClaimableAmount: USDC(7), totalClaimed: USDC(6) }] },
      );
      expect(await escrow.getClaimBatchDigest([claimRow(config, USDC(7), sig, USDC(6))])).to.equal(expected);
    });

    it("rejects a batch signed by someone other than the receiverAuthorizer", async function () {
      const { escrow, relayer, receiver, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(7));
      const auth = await signClaimBatch(receiver, escrow, [
        { channelId, maxClaimableAmount: USDC(7), totalClaimed: USDC(7) },
      ]);
      await expect(escrow.connect(relayer).claimWithSignature([claimRow(config, USDC(7), sig)], auth))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidAuthorizerSignature")
        .withArgs(config.receiverAuthorizer);
    });

    it("rejects a batch whose signed totals differ from the submitted ones", async function () {
      const { escrow, relayer, receiverAuthorizer, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(7));
      const auth = await signClaimBatch(receiverAuthorizer, escrow, [
        { channelId, maxClaimableAmount: USDC(7), totalClaimed: USDC(3) },
      ]);
      await expect(
        escrow.connect(relayer).claimWithSignature([claimRow(config, USDC(7), sig)], auth),
      ).to.be.revertedWithCustomError(escrow, "EscrowInvalidAuthorizerSignature");
    });

    it("rejects a Voucher signature used as the ClaimBatch authorization", async function () {
      const { escrow, relayer, receiverAuthorizer, payerAuthorizer, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(7));
      const wrong = await signVoucher(receiverAuthorizer, escrow, channelId, USDC(7));
      await expect(
        escrow.connect(relayer).claimWithSignature([claimRow(config, USDC(7), sig)], wrong),
      ).to.be.revertedWithCustomError(escrow, "EscrowInvalidAuthorizerSignature");
    });

    it("rejects rows naming different receiverAuthorizers", async function () {
      const { escrow, relayer, receiverAuthorizer, payerAuthorizer, stranger, config, channelId } =
        await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payerAuthorizer, escrow, channelId, USDC(7));
      const other = { ...config, receiverAuthorizer: stranger.address };
      const auth = await signClaimBatch(receiverAuthorizer, escrow, [
        { channelId, maxClaimableAmount: USDC(7), totalClaimed: USDC(7) },
      ]);
      await expect(
        escrow
          .connect(relayer)
          .claimWithSignature([claimRow(config, USDC(7), sig), claimRow(other, 1n, sig)], auth),
      )
        .to.be.revertedWithCustomError(escrow, "EscrowAuthorizerMismatch")
        .withArgs(config.receiverAuthorizer, stranger.address);
    });

    it("rejects an empty batch", async function () {
      const { escrow, relayer } = await loadFixture(fundedChannelFixture);
      await expect(escrow.connect(relayer).claimWithSignature([], "0x")).to.be.revertedWithCustomError(
        escrow,
        "EscrowEmptyBatch",
      );
    });

    it("accepts an ERC-1271 receiverAuthorizer", async function () {
      const f = await loadFixture(fundedChannelFixture);
      const wallet = await ethers.deployContract("MockERC1271Wallet", [f.receiverAuthorizer.address]);
      const config = { ...f.config, receiverAuthorizer: await wallet.getAddress() };
      await f.escrow.connect(f.payer).deposit(config, USDC(10), ethers.ZeroAddress, "0x");
      const id = await f.escrow.getChannelId(config);
      const sig = await signVoucher(f.payerAuthorizer, f.escrow, id, USDC(2));
      const auth = await signClaimBatch(f.receiverAuthorizer, f.escrow, [
        { channelId: id, maxClaimableAmount: USDC(2), totalClaimed: USDC(2) },
      ]);
      await expect(
        f.escrow.connect(f.relayer).claimWithSignature([claimRow(config, USDC(2), sig)], auth),
      ).to.emit(f.escrow, "Claimed");
    });
  });

  describe("payer signers", function () {
    it("verifies an ERC-1271 payer when payerAuthorizer is zero", async function () {
      const f = await loadFixture(fundedChannelFixture);
      const wallet = await ethers.deployContract("MockERC1271Wallet", [f.payer.address]);
      const walletAddr = await wallet.getAddress();
      await f.token.mint(walletAddr, USDC(10));
      await wallet.approve(f.config.token, await f.escrow.getAddress(), USDC(10));
      const config = { ...f.config, payer: walletAddr, payerAuthorizer: ethers.ZeroAddress };
      const deposit = f.escrow.interface.encodeFunctionData("deposit", [
        config,
        USDC(10),
        ethers.ZeroAddress,
        "0x",
      ]);
      await wallet.execute(await f.escrow.getAddress(), deposit);
      const id = await f.escrow.getChannelId(config);
      const sig = await signVoucher(f.payer, f.escrow, id, USDC(4)); // the wallet owner's key
      await expect(f.escrow.connect(f.receiver).claim([claimRow(config, USDC(4), sig)])).to.emit(
        f.escrow,
        "Claimed",
      );
    });

    it("rejects an ERC-1271 payer whose wallet refuses the signature", async function () {
      const f = await loadFixture(fundedChannelFixture);
      const wallet = await ethers.deployContract("MockERC1271Wallet", [f.payer.address]);
      const walletAddr = await wallet.getAddress();
      await f.token.mint(walletAddr, USDC(10));
      await wallet.approve(f.config.token, await f.escrow.getAddress(), USDC(10));
      const config = { ...f.config, payer: walletAddr, payerAuthorizer: ethers.ZeroAddress };
      const deposit = f.escrow.interface.encodeFunctionData("deposit", [
        config,
        USDC(10),
        ethers.ZeroAddress,
        "0x",
      ]);
      await wallet.execute(await f.escrow.getAddress(), deposit);
      await wallet.setRejectAll(true);
      const id = await f.escrow.getChannelId(config);
      const sig = await signVoucher(f.payer, f.escrow, id, USDC(4));
      await expect(
        f.escrow.connect(f.receiver).claim([claimRow(config, USDC(4), sig)]),
      ).to.be.revertedWithCustomError(f.escrow, "EscrowInvalidVoucherSignature");
    });

    it("verifies an EOA payer by ECDSA when payerAuthorizer is zero", async function () {
      const f = await loadFixture(fundedChannelFixture);
      const config = { ...f.config, payerAuthorizer: ethers.ZeroAddress };
      await f.escrow.connect(f.payer).deposit(config, USDC(10), ethers.ZeroAddress, "0x");
      const id = await f.escrow.getChannelId(config);
      const sig = await signVoucher(f.payer, f.escrow, id, USDC(4));
      await expect(f.escrow.connect(f.receiver).claim([claimRow(config, USDC(4), sig)])).to.emit(
        f.escrow,
        "Claimed",
      );
    });

    it("rejects the payer's own key when a session key (payerAuthorizer) is set", async function () {
      const { escrow, receiver, payer, config, channelId } = await loadFixture(fundedChannelFixture);
      const sig = await signVoucher(payer, escrow, channelId, USDC(4));
      await expect(
        escrow.connect(receiver).claim([claimRow(config, USDC(4), sig)]),
      ).to.be.revertedWithCustomError(escrow, "EscrowInvalidVoucherSignature");
    });
  });
});
