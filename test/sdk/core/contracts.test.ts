/**
 * Golden vectors against the contracts: SDK hashing equals the escrow's views, and SDK-signed messages are
 * accepted on chain (deposit through the EIP-3009 collector, claim, packed claim, claimWithSignature, refund).
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  ERC3009DepositCollector__factory,
  MockEIP3009Token__factory,
  Z402Escrow__factory,
} from "../../../typechain-types";
import { escrowAbi, IZ402Escrow__factory } from "../../../sdk/contracts";
import {
  buildChannelConfig,
  channelIdOf,
  encodeCollectorData,
  encodePackedClaims,
  SessionSigner,
  signClaimBatch,
  signDepositAuthorization,
  signRefund,
  signTransferWithAuthorization,
  signVoucher,
  tokenDomain,
} from "../../../sdk/signing";
import { bytesToHex as _bytesToHex } from "../../../sdk/utils";
import {
  CHANNEL_CONFIG_TYPEHASH,
  claimBatchDigest,
  escrowDomain,
  refundDigest,
  voucherDigest,
} from "../../../sdk/eip712";
import type { ChannelConfig } from "../../../sdk/types";

const USDC = (n: number) => BigInt(n) * 1_000_000n;

async function deployFixture() {
  const [deployer, payer, receiver] = await ethers.getSigners();
  const token = await new MockEIP3009Token__factory(deployer).deploy();
  const escrow = await new Z402Escrow__factory(deployer).deploy();
  const collector = await new ERC3009DepositCollector__factory(deployer).deploy(await escrow.getAddress());
  await token.mint(payer.address, USDC(100));
  const { chainId } = await ethers.provider.getNetwork();
  const session = new SessionSigner("0x" + "42".repeat(32));
  const authorizer = new SessionSigner("0x" + "43".repeat(32));
  const escrowAddress = (await escrow.getAddress()) as `0x${string}`;
  const config: ChannelConfig = buildChannelConfig({
    payer: payer.address,
    payerAuthorizer: session.address,
    receiver: receiver.address,
    receiverAuthorizer: authorizer.address,
    token: await token.getAddress(),
    withdrawDelay: 3600,
    salt: ("0x" + "a1".repeat(32)) as `0x${string}`,
  });
  const domain = escrowDomain(Number(chainId), escrowAddress);
  const usdcDomain = tokenDomain(Number(chainId), config.token, "USDC", "2");
  const channelId = channelIdOf(config, Number(chainId), escrowAddress);
  return {
    deployer,
    payer,
    receiver,
    token,
    escrow,
    collector,
    session,
    authorizer,
    config,
    domain,
    usdcDomain,
    channelId,
  };
}

/** The fixture plus a 10 USDC deposit made with an SDK-signed EIP-3009 authorization through the collector. */
async function fundedFixture() {
  const f = await deployFixture();
  const auth = await signDepositAuthorization(f.payer, f.usdcDomain, {
    payer: f.payer.address,
    collector: await f.collector.getAddress(),
    channelId: f.channelId,
    amount: USDC(10),
    validAfter: 0n,
    validBefore: 4_000_000_000n,
  });
  await f.escrow.deposit(f.config, USDC(10), await f.collector.getAddress(), encodeCollectorData(auth));
  return f;
}

const row = (config: ChannelConfig, max: bigint, signature: string, totalClaimed = max) => ({
  voucher: { channel: config, maxClaimableAmount: max },
  signature,
  totalClaimed,
});

describe("sdk against the contracts (golden vectors)", function () {
  it("reads the same EIP-712 domain from eip712()", async function () {
    const { escrow, domain } = await loadFixture(deployFixture);
    const d = await escrow.eip712Domain();
    expect({
      name: d.name,
      version: d.version,
      chainId: Number(d.chainId),
      verifyingContract: d.verifyingContract,
    }).to.deep.equal(domain);
  });

  it("has the escrow's CHANNEL_CONFIG_TYPEHASH", async function () {
    const { escrow } = await loadFixture(deployFixture);
    expect(await escrow.CHANNEL_CONFIG_TYPEHASH()).to.equal(_bytesToHex(CHANNEL_CONFIG_TYPEHASH));
  });

  it("computes getChannelId", async function () {
    const { escrow, config, channelId } = await loadFixture(deployFixture);
    expect(await escrow.getChannelId(config)).to.equal(channelId);
  });

  it("computes getVoucherDigest, getRefundDigest and getClaimBatchDigest", async function () {
    const { escrow, config, domain, channelId } = await loadFixture(deployFixture);
    const max = (1n << 128n) - 1n;
    expect(await escrow.getVoucherDigest(channelId, max)).to.equal(voucherDigest(domain, channelId, max));
    expect(await escrow.getRefundDigest(channelId, 3n, 77n)).to.equal(
      refundDigest(domain, channelId, 3n, 77n),
    );
    const claims = [
      row(config, 50n, "0x", 40n),
      row({ ...config, salt: ("0x" + "b2".repeat(32)) as `0x${string}` }, 9n, "0x"),
    ];
    const entries = claims.map((c) => ({
      channelId: channelIdOf(c.voucher.channel, domain.chainId, domain.verifyingContract),
      maxClaimableAmount: c.voucher.maxClaimableAmount,
      totalClaimed: c.totalClaimed,
    }));
    expect(await escrow.getClaimBatchDigest(claims)).to.equal(claimBatchDigest(domain, entries));
  });

  it("funds a channel with an SDK-signed ReceiveWithAuthorization through the collector", async function () {
    const { escrow, channelId } = await loadFixture(fundedFixture);
    expect((await escrow.channels(channelId)).balance).to.equal(USDC(10));
  });

  it("claims an SDK session-key voucher with claim()", async function () {
    const { escrow, receiver, config, domain, session, channelId } = await loadFixture(fundedFixture);
    const v = await signVoucher(session, domain, channelId, USDC(2));
    await escrow.connect(receiver).claim([row(config, USDC(2), v.signature)]);
    expect((await escrow.channels(channelId)).totalClaimed).to.equal(USDC(2));
  });

  it("claims SDK-packed vouchers with claimPacked()", async function () {
    const { escrow, receiver, config, domain, session, channelId } = await loadFixture(fundedFixture);
    const v = await signVoucher(session, domain, channelId, USDC(3));
    const packed = encodePackedClaims([{ config, maxClaimableAmount: USDC(3), signature: v.signature }]);
    await escrow
      .connect(receiver)
      .claimPacked(config.receiver, config.receiverAuthorizer, config.token, packed);
    expect((await escrow.channels(channelId)).totalClaimed).to.equal(USDC(3));
  });

  it("accepts an SDK-signed claim batch in claimWithSignature()", async function () {
    const { escrow, deployer, config, domain, session, authorizer, channelId } =
      await loadFixture(fundedFixture);
    const v = await signVoucher(session, domain, channelId, USDC(4));
    const sig = await signClaimBatch(authorizer, domain, [
      { channelId, maxClaimableAmount: USDC(4), totalClaimed: USDC(4) },
    ]);
    await escrow.connect(deployer).claimWithSignature([row(config, USDC(4), v.signature)], sig);
    expect((await escrow.channels(channelId)).totalClaimed).to.equal(USDC(4));
  });

  it("accepts an SDK-signed refund in refundWithSignature()", async function () {
    const { escrow, token, payer, config, domain, authorizer, channelId } = await loadFixture(fundedFixture);
    const sig = await signRefund(authorizer, domain, channelId, 0n, USDC(1));
    await expect(escrow.refundWithSignature(config, USDC(1), 0n, sig)).to.changeTokenBalance(
      token,
      payer,
      USDC(1),
    );
  });

  it("has an SDK-signed TransferWithAuthorization accepted by the EIP-3009 token", async function () {
    const { token, payer, receiver, usdcDomain } = await loadFixture(deployFixture);
    const { authorization, signature } = await signTransferWithAuthorization(payer, usdcDomain, {
      from: payer.address,
      to: receiver.address,
      value: USDC(1),
      validAfter: 0n,
      validBefore: 4_000_000_000n,
    });
    const a = authorization;
    await expect(
      token["transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)"](
        a.from,
        a.to,
        a.value,
        a.validAfter,
        a.validBefore,
        a.nonce,
        signature,
      ),
    ).to.changeTokenBalance(token, receiver, USDC(1));
  });

  it("exports the escrow ABI with the x402 batch-settlement functions", function () {
    const names = escrowAbi.filter((f) => f.type === "function").map((f) => (f as { name: string }).name);
    for (const fn of [
      "deposit",
      "claim",
      "claimWithSignature",
      "settle",
      "refundWithSignature",
      "getChannelId",
    ]) {
      expect(names).to.include(fn);
    }
    expect(IZ402Escrow__factory.abi).to.equal(escrowAbi);
  });
});
