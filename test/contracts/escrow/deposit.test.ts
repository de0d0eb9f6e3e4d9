import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
  MAX_DELAY,
  MIN_DELAY,
  USDC,
  blockTime,
  collectorData,
  deployEscrowFixture,
  depositNonce,
  signReceiveAuthorization,
} from "./support/escrow-fixture";

const ZERO = ethers.ZeroAddress;

describe("Z402Escrow: deposit", function () {
  describe("plain ERC-20 deposit (collector == 0)", function () {
    it("pulls the amount from the caller and credits the channel", async function () {
      const { escrow, token, payer, config, channelId } = await loadFixture(deployEscrowFixture);
      await expect(escrow.connect(payer).deposit(config, USDC(10), ZERO, "0x")).to.changeTokenBalances(
        token,
        [payer, escrow],
        [-USDC(10), USDC(10)],
      );
      const ch = await escrow.channels(channelId);
      expect(ch.balance).to.equal(USDC(10));
      expect(ch.totalClaimed).to.equal(0n);
    });

    it("emits ChannelCreated with the config on the first funding", async function () {
      const { escrow, payer, config, channelId } = await loadFixture(deployEscrowFixture);
      await expect(escrow.connect(payer).deposit(config, USDC(10), ZERO, "0x"))
        .to.emit(escrow, "ChannelCreated")
        .withArgs(channelId, Object.values(config));
    });

    it("emits Deposited with sender, amount and new balance", async function () {
      const { escrow, payer, config, channelId } = await loadFixture(deployEscrowFixture);
      await expect(escrow.connect(payer).deposit(config, USDC(10), ZERO, "0x"))
        .to.emit(escrow, "Deposited")
        .withArgs(channelId, payer.address, USDC(10), USDC(10));
    });

    it("top-ups add to the balance without a second ChannelCreated", async function () {
      const { escrow, payer, config, channelId } = await loadFixture(deployEscrowFixture);
      await escrow.connect(payer).deposit(config, USDC(10), ZERO, "0x");
      const tx = escrow.connect(payer).deposit(config, USDC(5), ZERO, "0x");
      await expect(tx).to.not.emit(escrow, "ChannelCreated");
      await expect(tx).to.emit(escrow, "Deposited").withArgs(channelId, payer.address, USDC(5), USDC(15));
    });

    it("lets a third party fund someone else's channel", async function () {
      const { escrow, token, stranger, config, channelId } = await loadFixture(deployEscrowFixture);
      await token.mint(stranger.address, USDC(3));
      await token.connect(stranger).approve(await escrow.getAddress(), USDC(3));
      await escrow.connect(stranger).deposit(config, USDC(3), ZERO, "0x");
      expect((await escrow.channels(channelId)).balance).to.equal(USDC(3));
    });

    it("credits the measured delta of a fee-on-transfer token", async function () {
      const { escrow, payer, config } = await loadFixture(deployEscrowFixture);
      const fee = await ethers.deployContract("MockFeeOnTransferToken", [100]); // 1%
      await fee.mint(payer.address, USDC(100));
      await fee.connect(payer).approve(await escrow.getAddress(), USDC(100));
      const feeConfig = { ...config, token: await fee.getAddress() };
      const id = await escrow.getChannelId(feeConfig);
      await expect(escrow.connect(payer).deposit(feeConfig, USDC(100), ZERO, "0x"))
        .to.emit(escrow, "Deposited")
        .withArgs(id, payer.address, USDC(99), USDC(99));
      expect(await fee.balanceOf(await escrow.getAddress())).to.equal(USDC(99));
    });
  });

  describe("config validation", function () {
    for (const field of ["payer", "receiver", "receiverAuthorizer", "token"] as const) {
      it(`rejects a zero ${field}`, async function () {
        const { escrow, payer, config } = await loadFixture(deployEscrowFixture);
        await expect(
          escrow.connect(payer).deposit({ ...config, [field]: ZERO }, USDC(1), ZERO, "0x"),
        ).to.be.revertedWithCustomError(escrow, "EscrowZeroAddress");
      });
    }

    it("accepts a zero payerAuthorizer (ERC-1271/ECDSA payer)", async function () {
      const { escrow, payer, config } = await loadFixture(deployEscrowFixture);
      await expect(
        escrow.connect(payer).deposit({ ...config, payerAuthorizer: ZERO }, USDC(1), ZERO, "0x"),
      ).to.emit(escrow, "Deposited");
    });

    it("rejects withdrawDelay one second below 15 minutes", async function () {
      const { escrow, payer, config } = await loadFixture(deployEscrowFixture);
      await expect(
        escrow.connect(payer).deposit({ ...config, withdrawDelay: MIN_DELAY - 1n }, USDC(1), ZERO, "0x"),
      )
        .to.be.revertedWithCustomError(escrow, "EscrowWithdrawDelayOutOfRange")
        .withArgs(MIN_DELAY - 1n);
    });

    it("rejects withdrawDelay one second above 30 days", async function () {
      const { escrow, payer, config } = await loadFixture(deployEscrowFixture);
      await expect(
        escrow.connect(payer).deposit({ ...config, withdrawDelay: MAX_DELAY + 1n }, USDC(1), ZERO, "0x"),
      )
        .to.be.revertedWithCustomError(escrow, "EscrowWithdrawDelayOutOfRange")
        .withArgs(MAX_DELAY + 1n);
    });

    it("accepts withdrawDelay at exactly 15 minutes and exactly 30 days", async function () {
      const { escrow, payer, config } = await loadFixture(deployEscrowFixture);
      await escrow.connect(payer).deposit({ ...config, withdrawDelay: MIN_DELAY }, USDC(1), ZERO, "0x");
      await escrow.connect(payer).deposit({ ...config, withdrawDelay: MAX_DELAY }, USDC(1), ZERO, "0x");
      expect(await escrow.MIN_WITHDRAW_DELAY()).to.equal(MIN_DELAY);
      expect(await escrow.MAX_WITHDRAW_DELAY()).to.equal(MAX_DELAY);
    });

    it("rejects a zero amount", async function () {
      const { escrow, payer, config } = await loadFixture(deployEscrowFixture);
      await expect(escrow.connect(payer).deposit(config, 0, ZERO, "0x")).to.be.revertedWithCustomError(
        escrow,
        "EscrowZeroAmount",
      );
    });

    it("rejects a deposit that credits nothing (100% fee token)", async function () {
      const { escrow, payer, config } = await loadFixture(deployEscrowFixture);
      const fee = await ethers.deployContract("MockFeeOnTransferToken", [10_000]);
      await fee.mint(payer.address, USDC(1));
      await fee.connect(payer).approve(await escrow.getAddress(), USDC(1));
      const feeConfig = { ...config, token: await fee.getAddress() };
      await expect(escrow.connect(payer).deposit(feeConfig, USDC(1), ZERO, "0x"))
        .to.be.revertedWithCustomError(escrow, "EscrowNothingReceived")
        .withArgs(await escrow.getChannelId(feeConfig));
    });

    it("rejects a balance that would overflow 128 bits", async function () {
      const { escrow, token, payer, config, channelId } = await loadFixture(deployEscrowFixture);
      const max = 2n ** 128n - 1n;
      await token.mint(payer.address, max);
      await escrow.connect(payer).deposit(config, max, ZERO, "0x");
      await expect(escrow.connect(payer).deposit(config, 1n, ZERO, "0x"))
        .to.be.revertedWithCustomError(escrow, "EscrowAmountTooLarge")
        .withArgs(channelId, 1n, max);
    });
  });

  describe("EIP-3009 collector", function () {
    async function authorization(
      f: Awaited<ReturnType<typeof deployEscrowFixture>>,
      amount: bigint,
      salt = 7n,
    ) {
      const now = BigInt(await time.latest());
      const validAfter = 0n;
      const validBefore = now + 3600n;
      const signature = await signReceiveAuthorization(f.payer, f.token, {
        from: f.payer.address,
        to: await f.collector.getAddress(),
        value: amount,
        validAfter,
        validBefore,
        nonce: depositNonce(f.channelId, salt),
      });
      return collectorData(validAfter, validBefore, salt, signature);
    }

    it("funds the channel from a ReceiveWithAuthorization signature", async function () {
      const f = await loadFixture(deployEscrowFixture);
      const data = await authorization(f, USDC(20));
      await expect(
        f.escrow.connect(f.relayer).deposit(f.config, USDC(20), await f.collector.getAddress(), data),
      ).to.changeTokenBalances(f.token, [f.payer, f.escrow, f.collector], [-USDC(20), USDC(20), 0n]);
      expect((await f.escrow.channels(f.channelId)).balance).to.equal(USDC(20));
    });

    it("marks the bound nonce keccak256(channelId, salt) as used", async function () {
      const f = await loadFixture(deployEscrowFixture);
      const data = await authorization(f, USDC(20), 99n);
      await f.escrow.connect(f.relayer).deposit(f.config, USDC(20), await f.collector.getAddress(), data);
      expect(await f.token.authorizationState(f.payer.address, depositNonce(f.channelId, 99n))).to.equal(
        true,
      );
    });

    it("emits Deposited with the relayer as sender", async function () {
      const f = await loadFixture(deployEscrowFixture);
      const data = await authorization(f, USDC(20));
      await expect(
        f.escrow.connect(f.relayer).deposit(f.config, USDC(20), await f.collector.getAddress(), data),
      )
        .to.emit(f.escrow, "Deposited")
        .withArgs(f.channelId, f.relayer.address, USDC(20), USDC(20));
    });

    it("exposes the escrow it serves", async function () {
      const f = await loadFixture(deployEscrowFixture);
      expect(await f.collector.escrow()).to.equal(await f.escrow.getAddress());
    });

    it("rejects calls from anyone but the escrow", async function () {
      const f = await loadFixture(deployEscrowFixture);
      const data = await authorization(f, USDC(20));
      await expect(
        f.collector.connect(f.stranger).collect(f.payer.address, f.config.token, USDC(20), f.channelId, data),
      )
        .to.be.revertedWithCustomError(f.collector, "CollectorOnlyEscrow")
        .withArgs(f.stranger.address);
    });

    it("front-running the deposit only funds the same channel; the original then fails harmlessly", async function () {
      const f = await loadFixture(deployEscrowFixture);
      const data = await authorization(f, USDC(20));
      const collector = await f.collector.getAddress();
      await f.escrow.connect(f.stranger).deposit(f.config, USDC(20), collector, data);
      await expect(
        f.escrow.connect(f.relayer).deposit(f.config, USDC(20), collector, data),
      ).to.be.revertedWithCustomError(f.token, "AuthorizationUsedOrCanceled");
      expect((await f.escrow.channels(f.channelId)).balance).to.equal(USDC(20));
    });

    it("cannot redirect the authorization to another channel", async function () {
      const f = await loadFixture(deployEscrowFixture);
      const data = await authorization(f, USDC(20));
      const other = { ...f.config, receiver: f.stranger.address, receiverAuthorizer: f.stranger.address };
      await expect(
        f.escrow.connect(f.stranger).deposit(other, USDC(20), await f.collector.getAddress(), data),
      ).to.be.revertedWithCustomError(f.token, "InvalidAuthorizationSignature");
    });

    it("cannot change the signed amount", async function () {
      const f = await loadFixture(deployEscrowFixture);
      const data = await authorization(f, USDC(20));
      await expect(
        f.escrow.connect(f.stranger).deposit(f.config, USDC(21), await f.collector.getAddress(), data),
      ).to.be.revertedWithCustomError(f.token, "InvalidAuthorizationSignature");
    });

    it("rejects an expired authorization", async function () {
      const f = await loadFixture(deployEscrowFixture);
      const data = await authorization(f, USDC(20));
      await time.increase(2 * 3600);
      await expect(
        f.escrow.connect(f.relayer).deposit(f.config, USDC(20), await f.collector.getAddress(), data),
      ).to.be.revertedWithCustomError(f.token, "AuthorizationExpired");
    });

    it("deposit timestamp comes from the mined block", async function () {
      const f = await loadFixture(deployEscrowFixture);
      const data = await authorization(f, USDC(1));
      const tx = await f.escrow
        .connect(f.relayer)
        .deposit(f.config, USDC(1), await f.collector.getAddress(), data);
      const mined = await blockTime(tx);
      expect(mined).to.be.greaterThan(0n);
      expect(mined).to.be.lessThan(BigInt(await time.latest()) + DAY);
    });
  });
});
