import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { TypedDataEncoder } from "ethers";
import { EIP712_TYPES, deployEscrowFixture } from "./support/escrow-fixture";

const TYPE_STRINGS = [
  "ChannelConfig(address payer,address payerAuthorizer,address receiver,address receiverAuthorizer,address token," +
    "uint40 withdrawDelay,bytes32 salt)",
  "Voucher(bytes32 channelId,uint128 maxClaimableAmount)",
  "Refund(bytes32 channelId,uint256 nonce,uint128 amount)",
  "ClaimEntry(bytes32 channelId,uint128 maxClaimableAmount,uint128 totalClaimed)",
  "ClaimBatch(ClaimEntry[] claims)ClaimEntry(bytes32 channelId,uint128 maxClaimableAmount,uint128 totalClaimed)",
];

async function hashFixture() {
  const base = await deployEscrowFixture();
  const harness = await ethers.deployContract("EscrowHashHarness");
  return { ...base, harness };
}

describe("EscrowHash", function () {
  it("declares exactly the x402 batch-settlement type strings", async function () {
    const { harness } = await loadFixture(hashFixture);
    expect(await harness.typeStrings()).to.deep.equal(TYPE_STRINGS);
  });

  it("typehashes are keccak256 of the type strings", async function () {
    const { harness } = await loadFixture(hashFixture);
    expect(await harness.typehashes()).to.deep.equal(TYPE_STRINGS.map((t) => ethers.id(t)));
  });

  it("hashConfig (both forms) equals ethers' hashStruct", async function () {
    const { harness, config } = await loadFixture(hashFixture);
    const expected = TypedDataEncoder.hashStruct(
      "ChannelConfig",
      { ChannelConfig: EIP712_TYPES.ChannelConfig },
      config,
    );
    expect(await harness.hashConfig(config)).to.equal(expected);
    expect(await harness.hashConfigFields(config)).to.equal(expected);
  });

  it("hashVoucher and hashRefund equal ethers' hashStruct", async function () {
    const { harness, channelId } = await loadFixture(hashFixture);
    expect(await harness.hashVoucher(channelId, 77n)).to.equal(
      TypedDataEncoder.hashStruct(
        "Voucher",
        { Voucher: EIP712_TYPES.Voucher },
        { channelId, maxClaimableAmount: 77n },
      ),
    );
    expect(await harness.hashRefund(channelId, 2n, 9n)).to.equal(
      TypedDataEncoder.hashStruct(
        "Refund",
        { Refund: EIP712_TYPES.Refund },
        { channelId, nonce: 2n, amount: 9n },
      ),
    );
  });

  it("hashClaimBatch equals ethers' hashStruct for 0, 1 and 3 entries", async function () {
    const { harness } = await loadFixture(hashFixture);
    const types = { ClaimBatch: EIP712_TYPES.ClaimBatch, ClaimEntry: EIP712_TYPES.ClaimEntry };
    for (const n of [0, 1, 3]) {
      const claims = Array.from({ length: n }, (_, i) => ({
        channelId: ethers.zeroPadValue(ethers.toBeHex(i + 1), 32),
        maxClaimableAmount: BigInt(10 * (i + 1)),
        totalClaimed: BigInt(5 * (i + 1)),
      }));
      const got = await harness.hashClaimBatch(
        claims.map((c) => c.channelId),
        claims.map((c) => c.maxClaimableAmount),
        claims.map((c) => c.totalClaimed),
      );
      expect(got).to.equal(TypedDataEncoder.hashStruct("ClaimBatch", types, { claims }));
    }
  });
});
