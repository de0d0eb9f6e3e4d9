import { expect } from "chai";
import { TypedDataEncoder, id } from "ethers";
import { hashTypedData } from "viem";
import * as x402evm from "@x402/evm";
import {
  CHANNEL_CONFIG_TYPE,
  CHANNEL_CONFIG_TYPEHASH,
  channelConfigTypes,
  channelIdFor,
  claimBatchDigest,
  claimBatchTypes,
  CLAIM_BATCH_TYPE,
  collectorNonce,
  escrowDomain,
  hashDomain,
  receiveWithAuthorizationDigest,
  refundDigest,
  refundTypes,
  transferWithAuthorizationDigest,
  transferWithAuthorizationTypes,
  receiveWithAuthorizationTypes,
  voucherDigest,
  voucherTypes,
  VOUCHER_TYPEHASH,
  REFUND_TYPEHASH,
  CLAIM_BATCH_TYPEHASH,
} from "../../../sdk/eip712";
import { bytesToHex } from "../../../sdk/utils";
import { AbiCoder, keccak256 } from "ethers";
import { CONFIG, ESCROW, TOKEN } from "./support/fixtures";

const DOMAIN = escrowDomain(84532, ESCROW);
const CHANNEL_ID = channelIdFor(CONFIG, DOMAIN);

describe("sdk/eip712", function () {
  it("type strings hash to the typehashes ethers derives from the type definitions", function () {
    expect(bytesToHex(CHANNEL_CONFIG_TYPEHASH)).to.equal(
      id(TypedDataEncoder.from(channelConfigTypes).encodeType("ChannelConfig")),
    );
    expect(bytesToHex(VOUCHER_TYPEHASH)).to.equal(
      id(TypedDataEncoder.from(voucherTypes).encodeType("Voucher")),
    );
    expect(bytesToHex(REFUND_TYPEHASH)).to.equal(id(TypedDataEncoder.from(refundTypes).encodeType("Refund")));
    expect(bytesToHex(CLAIM_BATCH_TYPEHASH)).to.equal(
      id(TypedDataEncoder.from(claimBatchTypes).encodeType("ClaimBatch")),
    );
    expect(CHANNEL_CONFIG_TYPE).to.equal(
      TypedDataEncoder.from(channelConfigTypes).encodeType("ChannelConfig"),
    );
    expect(CLAIM_BATCH_TYPE).to.equal(TypedDataEncoder.from(claimBatchTypes).encodeType("ClaimBatch"));
  });

  it("uses @x402/evm's voucher, refund and claim-batch type definitions and domain name", function () {
    expect(voucherTypes).to.deep.equal(x402evm.voucherTypes);
    expect(refundTypes).to.deep.equal(x402evm.refundTypes);
    expect(claimBatchTypes).to.deep.equal(x402evm.claimBatchTypes);
    expect(DOMAIN.name).to.equal(x402evm.BATCH_SETTLEMENT_DOMAIN.name);
    expect(DOMAIN.version).to.equal(x402evm.BATCH_SETTLEMENT_DOMAIN.version);
    expect(transferWithAuthorizationTypes).to.deep.equal(x402evm.authorizationTypes);
  });

  it("computes the domain separator ethers computes", function () {
    expect(bytesToHex(hashDomain(DOMAIN))).to.equal(TypedDataEncoder.hashDomain(DOMAIN));
  });

  it("computes the channel id as @x402/evm does (EIP-712 hash of the config, bound to chain and escrow)", function () {
    const viaViem = hashTypedData({
      domain: DOMAIN,
      types: channelConfigTypes,
      primaryType: "ChannelConfig",
      message: { ...CONFIG },
    });
    expect(CHANNEL_ID).to.equal(viaViem);
  });

  it("binds the channel id to the chain", function () {
    expect(channelIdFor(CONFIG, escrowDomain(8453, ESCROW))).to.not.equal(CHANNEL_ID);
  });

  it("computes voucher, refund and claim-batch digests as ethers does", function () {
    const enc = (types: Record<string, { name: string; type: string }[]>, value: Record<string, unknown>) =>
      TypedDataEncoder.hash(DOMAIN, types, value);
    expect(voucherDigest(DOMAIN, CHANNEL_ID, 12345n)).to.equal(
      enc(voucherTypes, { channelId: CHANNEL_ID, maxClaimableAmount: 12345n }),
    );
    expect(refundDigest(DOMAIN, CHANNEL_ID, 7n, 99n)).to.equal(
      enc(refundTypes, { channelId: CHANNEL_ID, nonce: 7n, amount: 99n }),
    );
    const claims = [
      { channelId: CHANNEL_ID, maxClaimableAmount: 10n, totalClaimed: 5n },
      { channelId: "0x" + "ab".repeat(32), maxClaimableAmount: 3n, totalClaimed: 3n },
    ] as const;
    expect(
      claimBatchDigest(
        DOMAIN,
        claims.map((c) => ({ ...c }) as never),
      ),
    ).to.equal(enc(claimBatchTypes, { claims }));
    expect(claimBatchDigest(DOMAIN, [])).to.equal(enc(claimBatchTypes, { claims: [] }));
  });

  it("computes EIP-3009 digests as ethers does", function () {
    const tokenDomain = { name: "USDC", version: "2", chainId: 84532, verifyingContract: TOKEN };
    const auth = {
      from: CONFIG.payer,
      to: CONFIG.receiver,
      value: 10000n,
      validAfter: 1740672089n,
      validBefore: 1740672154n,
      nonce: "0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480",
    } as const;
    expect(transferWithAuthorizationDigest(tokenDomain, auth)).to.equal(
      TypedDataEncoder.hash(tokenDomain, transferWithAuthorizationTypes, auth),
    );
    expect(receiveWithAuthorizationDigest(tokenDomain, auth)).to.equal(
      TypedDataEncoder.hash(tokenDomain, receiveWithAuthorizationTypes, auth),
    );
  });

  it("derives the collector nonce as keccak256(abi.encode(channelId, salt))", function () {
    const salt = "0x" + "07".repeat(32);
    const expected = keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes32"], [CHANNEL_ID, salt]));
    expect(collectorNonce(CHANNEL_ID, salt as `0x${string}`)).to.equal(expected);
  });

  it("refuses amounts beyond uint128 instead of hashing them", function () {
    expect(() => voucherDigest(DOMAIN, CHANNEL_ID, 1n << 128n)).to.throw(
      /maxClaimableAmount is out of range/,
    );
    expect(() => voucherDigest(DOMAIN, CHANNEL_ID, -1n)).to.throw(/out of range/);
  });

  it("refuses a withdrawDelay beyond uint40 and a malformed salt", function () {
    expect(() => channelIdFor({ ...CONFIG, withdrawDelay: 2 ** 40 }, DOMAIN)).to.throw(/withdrawDelay/);
    expect(() => channelIdFor({ ...CONFIG, salt: "0x1234" }, DOMAIN)).to.throw(/salt/);
  });
});
