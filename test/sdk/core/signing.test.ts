import { expect } from "chai";
import { AbiCoder, Signature, verifyTypedData, Wallet } from "ethers";
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
import {
  claimBatchTypes,
  collectorNonce,
  escrowDomain,
  receiveWithAuthorizationTypes,
  refundTypes,
  transferWithAuthorizationTypes,
  voucherTypes,
} from "../../../sdk/eip712";
import { ConfigError, PaymentError } from "../../../sdk/errors";
import {
  AUTHORIZER_KEY,
  CONFIG,
  ESCROW,
  payerWallet,
  session,
  SESSION_KEY,
  sessionWallet,
  TOKEN,
} from "./support/fixtures";

const DOMAIN = escrowDomain(84532, ESCROW);
const CHANNEL_ID = channelIdOf(CONFIG, 84532, ESCROW);
const USDC_DOMAIN = tokenDomain(84532, TOKEN, "USDC", "2");

describe("sdk/signing", function () {
  it("derives the session signer's address as ethers does", function () {
    expect(session.address).to.equal(sessionWallet.address);
  });

  it("signs vouchers byte-for-byte like an ethers Wallet (RFC 6979)", async function () {
    const ours = await signVoucher(session, DOMAIN, CHANNEL_ID, 5000n);
    const theirs = await signVoucher(sessionWallet, DOMAIN, CHANNEL_ID, 5000n);
    expect(ours).to.deep.equal(theirs);
    expect(ours.maxClaimableAmount).to.equal("5000");
  });

  it("produces voucher signatures ethers.verifyTypedData attributes to the session key", async function () {
    const v = await signVoucher(session, DOMAIN, CHANNEL_ID, 1n);
    const signer = verifyTypedData(
      DOMAIN,
      voucherTypes,
      { channelId: CHANNEL_ID, maxClaimableAmount: 1n },
      v.signature,
    );
    expect(signer).to.equal(session.address);
  });

  it("signs refunds and claim batches verifiable by ethers", async function () {
    const authorizer = new SessionSigner(AUTHORIZER_KEY);
    const r = await signRefund(authorizer, DOMAIN, CHANNEL_ID, 2n, 300n);
    expect(
      verifyTypedData(DOMAIN, refundTypes, { channelId: CHANNEL_ID, nonce: 2n, amount: 300n }, r),
    ).to.equal(authorizer.address);
    const claims = [{ channelId: CHANNEL_ID, maxClaimableAmount: 9n, totalClaimed: 9n }];
    const c = await signClaimBatch(authorizer, DOMAIN, claims);
    expect(verifyTypedData(DOMAIN, claimBatchTypes, { claims }, c)).to.equal(authorizer.address);
  });

  it("signs TransferWithAuthorization from an ethers wallet", async function () {
    const { authorization, signature } = await signTransferWithAuthorization(payerWallet, USDC_DOMAIN, {
      from: payerWallet.address,
      to: CONFIG.receiver,
      value: 10000n,
      validAfter: 0n,
      validBefore: 2000000000n,
    });
    expect(authorization.nonce).to.match(/^0x[0-9a-f]{64}$/);
    expect(verifyTypedData(USDC_DOMAIN, transferWithAuthorizationTypes, authorization, signature)).to.equal(
      payerWallet.address,
    );
  });

  it("binds the deposit authorization's nonce to the channel and salt", async function () {
    const salt = ("0x" + "05".repeat(32)) as `0x${string}`;
    const collector = "0x4020806089470a89826cB9fB1f4059150b550004";
    const auth = await signDepositAuthorization(payerWallet, USDC_DOMAIN, {
      payer: payerWallet.address,
      collector,
      channelId: CHANNEL_ID,
      amount: 1_000_000n,
      validAfter: 0n,
      validBefore: 2000000000n,
      salt,
    });
    const message = {
      from: payerWallet.address,
      to: collector,
      value: 1_000_000n,
      validAfter: 0n,
      validBefore: 2000000000n,
      nonce: collectorNonce(CHANNEL_ID, salt),
    };
    expect(verifyTypedData(USDC_DOMAIN, receiveWithAuthorizationTypes, message, auth.signature)).to.equal(
      payerWallet.address,
    );
  });

  it("encodes collectorData as abi.encode(uint256, uint256, bytes32, bytes)", async function () {
    const auth = {
      validAfter: "1",
      validBefore: "2",
      salt: ("0x" + "03".repeat(32)) as `0x${string}`,
      signature: (await signVoucher(session, DOMAIN, CHANNEL_ID, 1n)).signature,
    };
    const expected = AbiCoder.defaultAbiCoder().encode(
      ["uint256", "uint256", "bytes32", "bytes"],
      [1n, 2n, auth.salt, auth.signature],
    );
    expect(encodeCollectorData(auth)).to.equal(expected);
  });

  it("packs claims with EIP-2098 compact signatures", async function () {
    const v = await signVoucher(session, DOMAIN, CHANNEL_ID, 77n);
    const packed = encodePackedClaims([{ config: CONFIG, maxClaimableAmount: 77n, signature: v.signature }]);
    const sig = Signature.from(v.signature);
    expect(packed.length).to.equal(2 + 2 * 173);
    expect(packed.slice(2 + 2 * 109)).to.equal(sig.r.slice(2) + sig.yParityAndS.slice(2));
    expect(packed.slice(2, 42)).to.equal(CONFIG.payer.slice(2).toLowerCase());
  });

  it("builds checksummed channel configs with a random salt", function () {
    const a = buildChannelConfig({ ...CONFIG, payer: CONFIG.payer.toLowerCase(), salt: undefined });
    const b = buildChannelConfig({ ...CONFIG, salt: undefined });
    expect(a.payer).to.equal(CONFIG.payer);
    expect(a.salt).to.not.equal(b.salt);
  });

  it("rejects a withdrawDelay outside 15 minutes .. 30 days", function () {
    for (const withdrawDelay of [899, 30 * 86400 + 1]) {
      expect(() => buildChannelConfig({ ...CONFIG, withdrawDelay }))
        .to.throw(PaymentError)
        .with.property("code", "invalid_batch_settlement_evm_withdraw_delay_out_of_range");
    }
  });

  it("rejects invalid private keys", function () {
    expect(() => new SessionSigner("0x" + "00".repeat(32))).to.throw(ConfigError);
    expect(() => new SessionSigner("0x1234")).to.throw(ConfigError);
  });

  it("wraps signer failures in z402_signer_failed", async function () {
    const broken = { getAddress: async () => CONFIG.payer, signTypedData: async () => "0xdead" };
    const err = await signVoucher(broken, DOMAIN, CHANNEL_ID, 1n).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ConfigError).with.property("code", "z402_signer_failed");
  });

  it("round-trips a session key through exportPrivateKey", function () {
    const s = SessionSigner.random();
    expect(new SessionSigner(s.exportPrivateKey()).address).to.equal(s.address);
    expect(new SessionSigner(SESSION_KEY).exportPrivateKey()).to.equal(SESSION_KEY);
    expect(new Wallet(s.exportPrivateKey()).address).to.equal(s.address);
  });
});
