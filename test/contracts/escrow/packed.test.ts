import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { USDC, fundedChannelFixture, packEntry, signVoucher } from "./support/escrow-fixture";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe("Z402Escrow: claimPacked (z402 extension)", function () {
  async function packedArgs(f: Awaited<ReturnType<typeof fundedChannelFixture>>, packed: string) {
    return [f.config.receiver, f.config.receiverAuthorizer, f.config.token, packed] as const;
  }

  it("claims a voucher from its 173-byte packed entry", async function () {
    const f = await loadFixture(fundedChannelFixture);
    const sig = await signVoucher(f.payerAuthorizer, f.escrow, f.channelId, USDC(6));
    const packed = packEntry(f.config, USDC(6), sig);
    expect(ethers.dataLength(packed)).to.equal(173);
    await f.escrow.connect(f.receiverAuthorizer).claimPacked(...(await packedArgs(f, packed)));
    expect((await f.escrow.channels(f.channelId)).totalClaimed).to.equal(USDC(6));
    expect((await f.escrow.receivers(f.receiver.address, f.config.token)).totalClaimed).to.equal(USDC(6));
  });

  it("emits one ClaimedPacked event with channelId(32) totalClaimed(16) per claimed channel", async function () {
    const f = await loadFixture(fundedChannelFixture);
    const sig = await signVoucher(f.payerAuthorizer, f.escrow, f.channelId, USDC(6));
    const record = ethers.solidityPacked(["bytes32", "uint128"], [f.channelId, USDC(6)]);
    const args = await packedArgs(f, packEntry(f.config, USDC(6), sig));
    await expect(f.escrow.connect(f.receiver).claimPacked(...args))
      .to.emit(f.escrow, "ClaimedPacked")
      .withArgs(f.receiver.address, f.config.token, f.receiver.address, record);
  });

  it("leaves stale entries out of the event payload", async function () {
    const f = await loadFixture(fundedChannelFixture);
    const other = { ...f.config, salt: ethers.zeroPadValue("0x02", 32) };
    await f.escrow.connect(f.payer).deposit(other, USDC(10), ethers.ZeroAddress, "0x");
    const otherId = await f.escrow.getChannelId(other);
    const s1 = await signVoucher(f.payerAuthorizer, f.escrow, f.channelId, USDC(6));
    const s2 = await signVoucher(f.payerAuthorizer, f.escrow, otherId, USDC(2));
    await f.escrow
      .connect(f.receiver)
      .claimPacked(...(await packedArgs(f, packEntry(f.config, USDC(6), s1))));
    const both = ethers.concat([packEntry(f.config, USDC(6), s1), packEntry(other, USDC(2), s2)]);
    const record = ethers.solidityPacked(["bytes32", "uint128"], [otherId, USDC(2)]);
    await expect(f.escrow.connect(f.receiver).claimPacked(...(await packedArgs(f, both))))
      .to.emit(f.escrow, "ClaimedPacked")
      .withArgs(f.receiver.address, f.config.token, f.receiver.address, record);
  });

  it("credits only the increment when a claimed channel is claimed again", async function () {
    const f = await loadFixture(fundedChannelFixture);
    const s6 = await signVoucher(f.payerAuthorizer, f.escrow, f.channelId, USDC(6));
    await f.escrow
      .connect(f.receiver)
      .claimPacked(...(await packedArgs(f, packEntry(f.config, USDC(6), s6))));
    const s10 = await signVoucher(f.payerAuthorizer, f.escrow, f.channelId, USDC(10));
    await f.escrow
      .connect(f.receiver)
      .claimPacked(...(await packedArgs(f, packEntry(f.config, USDC(10), s10))));
    expect((await f.escrow.channels(f.channelId)).totalClaimed).to.equal(USDC(10));
    expect((await f.escrow.receivers(f.receiver.address, f.config.token)).totalClaimed).to.equal(USDC(10));
  });

  it("claims many channels in one call", async function () {
    const f = await loadFixture(fundedChannelFixture);
    const entries: string[] = [];
    for (let i = 2; i < 6; i++) {
      const config = { ...f.config, salt: ethers.zeroPadValue(ethers.toBeHex(i), 32) };
      await f.escrow.connect(f.payer).deposit(config, USDC(10), ethers.ZeroAddress, "0x");
      const id = await f.escrow.getChannelId(config);
      entries.push(packEntry(config, USDC(i), await signVoucher(f.payerAuthorizer, f.escrow, id, USDC(i))));
    }
    await f.escrow.connect(f.receiver).claimPacked(...(await packedArgs(f, ethers.concat(entries))));
    expect((await f.escrow.receivers(f.receiver.address, f.config.token)).totalClaimed).to.equal(
      USDC(2 + 3 + 4 + 5),
    );
  });

  it("claims a partial amount below the voucher", async function () {
    const f = await loadFixture(fundedChannelFixture);
    const sig = await signVoucher(f.payerAuthorizer, f.escrow, f.channelId, USDC(6));
    await f.escrow
      .connect(f.receiver)
      .claimPacked(...(await packedArgs(f, packEntry(f.config, USDC(6), sig, USDC(4)))));
    expect((await f.escrow.channels(f.channelId)).totalClaimed).to.equal(USDC(4));
  });

  it("treats a stale entry as a no-op", async function () {
    const f = await loadFixture(fundedChannelFixture);
    const sig = await signVoucher(f.payerAuthorizer, f.escrow, f.channelId, USDC(6));
    const args = await packedArgs(f, packEntry(f.config, USDC(6), sig));
    await f.escrow.connect(f.receiver).claimPacked(...args);
    await expect(f.escrow.connect(f.receiver).claimPacked(...args)).to.not.emit(f.escrow, "ClaimedPacked");
    expect((await f.escrow.receivers(f.receiver.address, f.config.token)).totalClaimed).to.equal(USDC(6));
  });

  it("rejects a caller outside the receiver side", async function () {
    const f = await loadFixture(fundedChannelFixture);
    const sig = await signVoucher(f.payerAuthorizer, f.escrow, f.channelId, USDC(6));
    await expect(
      f.escrow.connect(f.stranger).claimPacked(...(await packedArgs(f, packEntry(f.config, USDC(6), sig)))),
    )
      .to.be.revertedWithCustomError(f.escrow, "EscrowNotReceiverSide")
      .withArgs(ethers.ZeroHash, f.stranger.address);
  });

  it("rejects empty data", async function () {
    const f = await loadFixture(fundedChannelFixture);
    await expect(f.escrow.connect(f.receiver).claimPacked(...(await packedArgs(f, "0x"))))
      .to.be.revertedWithCustomError(f.escrow, "EscrowMalformedPackedClaims")
      .withArgs(0);
  });

  it("rejects data that is not a whole number of entries", async function () {
    const f = await loadFixture(fundedChannelFixture);
    const sig = await signVoucher(f.payerAuthorizer, f.escrow, f.channelId, USDC(6));
    const cut = ethers.dataSlice(packEntry(f.config, USDC(6), sig), 0, 172);
    await expect(f.escrow.connect(f.receiver).claimPacked(...(await packedArgs(f, cut))))
      .to.be.revertedWithCustomError(f.escrow, "EscrowMalformedPackedClaims")
      .withArgs(172);
  });

  it("rejects a claim above the voucher", async function () {
    const f = await loadFixture(fundedChannelFixture);
    const sig = await signVoucher(f.payerAuthorizer, f.escrow, f.channelId, USDC(6));
    await expect(
      f.escrow
        .connect(f.receiver)
        .claimPacked(...(await packedArgs(f, packEntry(f.config, USDC(6), sig, USDC(7))))),
    )
      .to.be.revertedWithCustomError(f.escrow, "EscrowClaimExceedsVoucher")
      .withArgs(f.channelId, USDC(7), USDC(6));
  });

  it("rejects a claim above the balance", async function () {
    const f = await loadFixture(fundedChannelFixture);
    const sig = await signVoucher(f.payerAuthorizer, f.escrow, f.channelId, USDC(200));
    await expect(
      f.escrow.connect(f.receiver).claimPacked(...(await packedArgs(f, packEntry(f.config, USDC(200), sig)))),
    )
      .to.be.revertedWithCustomError(f.escrow, "EscrowClaimExceedsBalance")
      .withArgs(f.channelId, USDC(200), USDC(100));
  });

  it("rejects a voucher from the wrong signer", async function () {
    const f = await loadFixture(fundedChannelFixture);
    const sig = await signVoucher(f.stranger, f.escrow, f.channelId, USDC(6));
    await expect(
      f.escrow.connect(f.receiver).claimPacked(...(await packedArgs(f, packEntry(f.config, USDC(6), sig)))),
    )
      .to.be.revertedWithCustomError(f.escrow, "EscrowInvalidVoucherSignature")
      .withArgs(f.channelId);
  });

  it("rejects a malleated compact signature (s replaced by n - s)", async function () {
    const f = await loadFixture(fundedChannelFixture);
    const sig = ethers.Signature.from(await signVoucher(f.payerAuthorizer, f.escrow, f.channelId, USDC(6)));
    const good = packEntry(f.config, USDC(6), sig.serialized);
    const flipped = (N - BigInt(sig.s)) | (BigInt(sig.yParity ^ 1) << 255n);
    const bad = ethers.concat([ethers.dataSlice(good, 0, 141), ethers.toBeHex(flipped % 2n ** 256n, 32)]);
    await expect(
      f.escrow.connect(f.receiver).claimPacked(...(await packedArgs(f, bad))),
    ).to.be.revertedWithCustomError(f.escrow, "EscrowInvalidVoucherSignature");
  });

  it("rejects a zero compact signature (recovery error)", async function () {
    const f = await loadFixture(fundedChannelFixture);
    const sig = await signVoucher(f.payerAuthorizer, f.escrow, f.channelId, USDC(6));
    const good = packEntry(f.config, USDC(6), sig);
    const zeroed = ethers.concat([ethers.dataSlice(good, 0, 109), ethers.ZeroHash, ethers.ZeroHash]);
    await expect(f.escrow.connect(f.receiver).claimPacked(...(await packedArgs(f, zeroed))))
      .to.be.revertedWithCustomError(f.escrow, "EscrowInvalidVoucherSignature")
      .withArgs(f.channelId);
  });

  it("rejects a channel credited to another receiver's batch (fields bind the channel id)", async function () {
    const f = await loadFixture(fundedChannelFixture);
    const sig = await signVoucher(f.payerAuthorizer, f.escrow, f.channelId, USDC(6));
    const args = [
      f.stranger.address,
      f.config.receiverAuthorizer,
      f.config.token,
      packEntry(f.config, USDC(6), sig),
    ];
    await expect(
      f.escrow.connect(f.stranger).claimPacked(args[0], args[1], args[2], args[3]),
    ).to.be.revertedWithCustomError(f.escrow, "EscrowClaimExceedsBalance");
  });

  it("rejects channels without a payerAuthorizer (ERC-1271 payers use claim)", async function () {
    const f = await loadFixture(fundedChannelFixture);
    const config = { ...f.config, payerAuthorizer: ethers.ZeroAddress };
    await f.escrow.connect(f.payer).deposit(config, USDC(10), ethers.ZeroAddress, "0x");
    const id = await f.escrow.getChannelId(config);
    const sig = await signVoucher(f.payer, f.escrow, id, USDC(6));
    await expect(
      f.escrow.connect(f.receiver).claimPacked(...(await packedArgs(f, packEntry(config, USDC(6), sig)))),
    )
      .to.be.revertedWithCustomError(f.escrow, "EscrowPackedNeedsPayerAuthorizer")
      .withArgs(id);
  });
});
