import { expect } from "chai";
import { Wallet } from "ethers";
import {
  isSignedBy,
  nobleBackend,
  parseSignature,
  recoverAddress,
  VoucherVerifier,
} from "../../../sdk/verify";
import { createVoucherVerifier, loadNativeBackend } from "../../../sdk/verify/native";
import { channelIdOf, signVoucher } from "../../../sdk/signing";
import { escrowDomain, voucherDigest } from "../../../sdk/eip712";
import { SignatureError, PaymentError } from "../../../sdk/errors";
import { ZERO_ADDRESS } from "../../../sdk/utils";
import type { RecoveryBackend } from "../../../sdk/verify";
import { CONFIG, ESCROW, payerWallet, session, toHighS } from "./support/fixtures";

const DOMAIN = escrowDomain(84532, ESCROW);
const CHANNEL_ID = channelIdOf(CONFIG, 84532, ESCROW);

describe("sdk/verify", function () {
  let native: RecoveryBackend | null;

  before(async function () {
    native = await loadNativeBackend();
  });

  it("loads the native libsecp256k1 backend in Node", function () {
    expect(native?.name).to.equal("native");
  });

  it("builds verifiers on the native backend by default in Node", async function () {
    const verifier = await createVoucherVerifier({ chainId: 84532, escrow: ESCROW });
    expect(verifier.backend.name).to.equal("native");
  });

  for (const which of ["native", "noble"] as const) {
    describe(`${which} backend`, function () {
      const backend = () => (which === "native" ? native! : nobleBackend);

      it("accepts a voucher signed by the session key", async function () {
        const verifier = new VoucherVerifier({ chainId: 84532, escrow: ESCROW, backend: backend() });
        const v = await signVoucher(session, DOMAIN, CHANNEL_ID, 100n);
        expect(verifier.verifyVoucher(CONFIG, v).channelId).to.equal(CHANNEL_ID);
      });

      it("accepts later vouchers through the cached public key", async function () {
        const verifier = new VoucherVerifier({ chainId: 84532, escrow: ESCROW, backend: backend() });
        const ctx = verifier.channel(CONFIG);
        verifier.verify(ctx, await signVoucher(session, DOMAIN, CHANNEL_ID, 1n));
        expect(ctx.authorizerKey).to.have.length(65);
        verifier.verify(ctx, await signVoucher(session, DOMAIN, CHANNEL_ID, 2n));
      });

      it("rejects a voucher signed by another key", async function () {
        const verifier = new VoucherVerifier({ chainId: 84532, escrow: ESCROW, backend: backend() });
        const v = await signVoucher(payerWallet, DOMAIN, CHANNEL_ID, 100n);
        expect(() => verifier.verifyVoucher(CONFIG, v))
          .to.throw(SignatureError)
          .with.property("code", "invalid_batch_settlement_evm_voucher_signature");
      });

      it("rejects a signature over a different amount", async function () {
        const verifier = new VoucherVerifier({ chainId: 84532, escrow: ESCROW, backend: backend() });
        const ctx = verifier.channel(CONFIG);
        verifier.verify(ctx, await signVoucher(session, DOMAIN, CHANNEL_ID, 100n));
        const v = await signVoucher(session, DOMAIN, CHANNEL_ID, 100n);
        expect(() => verifier.verify(ctx, { ...v, maxClaimableAmount: "101" })).to.throw(SignatureError);
      });
    });
  }

  it("rejects the high-s twin of a valid signature", async function () {
    const verifier = new VoucherVerifier({ chainId: 84532, escrow: ESCROW });
    const v = await signVoucher(session, DOMAIN, CHANNEL_ID, 100n);
    expect(() => verifier.verifyVoucher(CONFIG, { ...v, signature: toHighS(v.signature) }))
      .to.throw(SignatureError)
      .with.property("code", "z402_signature_high_s");
  });

  for (const [label, sig] of [
    ["64 bytes", "0x" + "11".repeat(64)],
    ["66 bytes", "0x" + "11".repeat(66)],
    ["odd hex", "0x" + "1".repeat(129)],
    ["v = 29", "0x" + "11".repeat(64) + "1d"],
    ["r = 0", "0x" + "00".repeat(32) + "11".repeat(32) + "1b"],
    ["r = n", "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141" + "11".repeat(32) + "1b"],
  ] as const) {
    it(`rejects a malformed signature (${label})`, function () {
      expect(() => parseSignature(sig))
        .to.throw(SignatureError)
        .with.property("code", "z402_signature_malformed");
    });
  }

  it("rejects a voucher for another channel before recovering", async function () {
    const verifier = new VoucherVerifier({ chainId: 84532, escrow: ESCROW });
    const v = await signVoucher(session, DOMAIN, CHANNEL_ID, 1n);
    expect(() => verifier.verifyVoucher({ ...CONFIG, salt: ("0x" + "99".repeat(32)) as `0x${string}` }, v))
      .to.throw(PaymentError)
      .with.property("code", "invalid_batch_settlement_evm_channel_id_mismatch");
  });

  it("rejects a voucher verified under another chain's escrow domain", async function () {
    const verifier = new VoucherVerifier({ chainId: 8453, escrow: ESCROW });
    const v = await signVoucher(session, DOMAIN, CHANNEL_ID, 1n);
    expect(() => verifier.verifyVoucher(CONFIG, v)).to.throw(PaymentError);
  });

  it("refuses to verify ERC-1271 channels locally", async function () {
    const config = { ...CONFIG, payerAuthorizer: ZERO_ADDRESS };
    const verifier = new VoucherVerifier({ chainId: 84532, escrow: ESCROW });
    const id = channelIdOf(config, 84532, ESCROW);
    const v = await signVoucher(payerWallet, DOMAIN, id, 1n);
    const ctx = verifier.channel(config);
    expect(ctx.contractSigned).to.equal(true);
    expect(() => verifier.verify(ctx, v)).to.throw(SignatureError);
  });

  it("recovers the signer of a digest and checks it", async function () {
    const digest = voucherDigest(DOMAIN, CHANNEL_ID, 5n);
    const sig = new Wallet(payerWallet.privateKey).signingKey.sign(digest).serialized;
    expect(recoverAddress(digest, sig)).to.equal(payerWallet.address);
    expect(isSignedBy(digest, sig, payerWallet.address.toLowerCase(), native!)).to.equal(true);
    expect(isSignedBy(digest, sig, session.address)).to.equal(false);
  });

  it("evicts the oldest channel context beyond maxChannels", function () {
    const verifier = new VoucherVerifier({ chainId: 84532, escrow: ESCROW, maxChannels: 1 });
    const a = verifier.channel(CONFIG);
    verifier.channel({ ...CONFIG, salt: ("0x" + "98".repeat(32)) as `0x${string}` });
    expect(verifier.channel(CONFIG)).to.not.equal(a);
  });
});
