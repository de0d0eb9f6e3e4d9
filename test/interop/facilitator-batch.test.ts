import { expect } from "chai";
import { ethers } from "ethers";
import {
  computeChannelId,
  createBatchSettlementEIP3009DepositPayload,
  signVoucher,
} from "@x402/evm/batch-settlement/client";
import { BatchSettlementScheme, createFacilitator, type Facilitator } from "../../sdk/facilitator";
import { loadNativeBackend } from "../../sdk/verify/native";
import { NETWORK } from "./support/chain";
import { USDC } from "./support/place";
import { placeEscrow, WITHDRAW_DELAY } from "./support/batch";
import { stockClientSigner } from "./support/stock";
import { startWorld, type World } from "./support/world";

describe("z402 facilitator: batch-settlement, against payloads made by @x402/evm's client", function () {
  let world: World;
  let facilitator: Facilitator;
  const authorizer = ethers.Wallet.createRandom();

  before(async function () {
    world = await startWorld();
    await placeEscrow(world.chain, await world.operator());
    // The native secp256k1 path, as a production facilitator would run it.
    const recovery = (await loadNativeBackend()) ?? undefined;
    facilitator = createFacilitator([
      new BatchSettlementScheme({ signer: await world.operator(), networks: [NETWORK], recovery }),
    ]);
  });
  after(async function () {
    await world.close();
  });

  async function channel(overrides: { withdrawDelay?: number; receiver?: string } = {}) {
    const payer = await world.payer();
    const receiver = overrides.receiver ?? (await world.payee());
    const requirements = {
      scheme: "batch-settlement",
      network: NETWORK,
      asset: USDC,
      amount: "1000",
      payTo: receiver,
      maxTimeoutSeconds: 60,
      extra: {
        name: "USDC",
        version: "2",
        receiverAuthorizer: authorizer.address,
        withdrawDelay: WITHDRAW_DELAY,
      },
    };
    const config = {
      payer: payer.address as `0x${string}`,
      // The stock client's default: the payer EOA signs vouchers as payerAuthorizer (zero is refused, see docs).
      payerAuthorizer: payer.address as `0x${string}`,
      receiver: receiver as `0x${string}`,
      receiverAuthorizer: authorizer.address as `0x${string}`,
      token: USDC as `0x${string}`,
      withdrawDelay: overrides.withdrawDelay ?? WITHDRAW_DELAY,
      salt: ethers.ZeroHash as `0x${string}`,
    };
    const signer = stockClientSigner(world.chain, payer);
    const deposit = async (amount: string, max: string) => {
      const made = await createBatchSettlementEIP3009DepositPayload(
        signer,
        2,
        requirements as never,
        config,
        amount,
        max,
      );
      return { ...made, accepted: requirements };
    };
    const voucher = async (max: string, by = signer) => ({
      x402Version: 2,
      accepted: requirements,
      payload: {
        type: "voucher",
        channelConfig: config,
        voucher: await signVoucher(by, computeChannelId(config, NETWORK), max, NETWORK),
      },
    });
    return { payer, requirements, config, deposit, voucher };
  }

  it("advertises batch-settlement for v2 only", function () {
    const kinds = facilitator.getSupported().kinds;
    expect(kinds).to.deep.include({ x402Version: 2, scheme: "batch-settlement", network: NETWORK });
    expect(kinds.filter((k) => k.x402Version === 1)).to.deep.equal([]);
  });

  it("advertises its receiverAuthorizer when it holds one", function () {
    const withAuthorizer = createFacilitator([
      new BatchSettlementScheme({
        signer: authorizer.connect(world.chain.ethersProvider),
        networks: [NETWORK],
        authorizer,
      }),
    ]);
    expect(withAuthorizer.getSupported().kinds[0].extra).to.deep.equal({
      receiverAuthorizer: authorizer.address,
    });
  });

  it("verifies a deposit and reports the channel's on-chain state", async function () {
    const c = await channel();
    const result = await facilitator.verify(await c.deposit("5000", "1000"), c.requirements);
    expect(result).to.include({ isValid: true, payer: c.payer.address });
    expect(result.extra).to.include({
      channelId: computeChannelId(c.config, NETWORK),
      balance: "0",
      totalClaimed: "0",
    });
  });

  it("settles a deposit through the collector and returns the new channel state", async function () {
    const c = await channel();
    const result = await facilitator.settle(await c.deposit("5000", "1000"), c.requirements);
    expect(result).to.include({ success: true, amount: "5000" });
    expect((result.extra as { channelState: { balance: string } }).channelState.balance).to.equal("5000");
  });

  it("answers two concurrent settles of one deposit with the same transaction, crediting it once", async function () {
    const c = await channel();
    const payload = await c.deposit("5000", "1000");
    const [a, b] = await Promise.all([
      facilitator.settle(payload, c.requirements),
      facilitator.settle(payload, c.requirements),
    ]);
    expect([a.success, b.success]).to.deep.equal([true, true]);
    expect(a.transaction).to.equal(b.transaction);
    expect((b.extra as { channelState: { balance: string } }).channelState.balance).to.equal("5000");
  });

  it("answers settlement_pending for a deposit whose receipt does not arrive, then reconciles the retry", async function () {
    const slow = createFacilitator([
      new BatchSettlementScheme({
        signer: await world.operator(),
        networks: [NETWORK],
        confirmationTimeoutMs: 200,
      }),
    ]);
    const c = await channel();
    const payload = await c.deposit("5000", "1000");
    const provider = world.chain.provider;
    await provider.request({ method: "evm_setAutomine", params: [false] });
    let first;
    try {
      first = await slow.settle(payload, c.requirements);
    } finally {
      await provider.request({ method: "evm_setAutomine", params: [true] });
    }
    expect(first).to.include({ success: false, errorReason: "settlement_pending" });
    await provider.request({ method: "evm_mine", params: [] });
    const retry = await slow.settle(payload, c.requirements);
    expect(retry).to.include({ success: true, transaction: first.transaction });
    expect((retry.extra as { channelState: { balance: string } }).channelState.balance).to.equal("5000");
  });

  it("rejects a deposit whose channel pays someone other than payTo", async function () {
    const c = await channel();
    const payload = await c.deposit("5000", "1000");
    const other = { ...c.requirements, payTo: await world.payee() };
    expect((await facilitator.verify(payload, other)).invalidReason).to.equal(
      "invalid_batch_settlement_evm_receiver_mismatch",
    );
  });

  it("rejects a channel whose withdraw delay differs from the route's", async function () {
    const c = await channel({ withdrawDelay: 3600 });
    expect(
      (await facilitator.verify(await c.deposit("5000", "1000"), c.requirements)).invalidReason,
    ).to.equal("invalid_batch_settlement_evm_withdraw_delay_mismatch");
  });

  it("rejects a deposit whose amount differs from the one the payer authorized", async function () {
    const c = await channel();
    const payload = await c.deposit("5000", "1000");
    (payload.payload as { deposit: { amount: string } }).deposit.amount = "50000";
    expect((await facilitator.verify(payload, c.requirements)).invalidReason).to.equal(
      "invalid_batch_settlement_evm_receive_authorization_signature",
    );
  });

  it("rejects a deposit authorization that expires within the 6 s buffer", async function () {
    const c = await channel();
    const payload = await c.deposit("5000", "1000");
    const auth = (
      payload.payload as { deposit: { authorization: { erc3009Authorization: { validBefore: string } } } }
    ).deposit.authorization.erc3009Authorization;
    auth.validBefore = String(Math.floor(Date.now() / 1000) + 3);
    expect((await facilitator.verify(payload, c.requirements)).invalidReason).to.equal(
      "invalid_batch_settlement_evm_payload_authorization_valid_before",
    );
  });

  it("rejects a deposit from a payer without the funds", async function () {
    const c = await channel();
    const payload = await c.deposit("2000000", "1000");
    expect((await facilitator.verify(payload, c.requirements)).invalidReason).to.equal(
      "invalid_batch_settlement_evm_insufficient_balance",
    );
  });

  it("rejects a voucher on a channel that was never funded", async function () {
    const c = await channel();
    expect((await facilitator.verify(await c.voucher("1000"), c.requirements)).invalidReason).to.equal(
      "invalid_batch_settlement_evm_channel_not_found",
    );
  });

  it("rejects a voucher signed by a key that is not the payer's", async function () {
    const c = await channel();
    await facilitator.settle(await c.deposit("5000", "1000"), c.requirements);
    const stranger = stockClientSigner(world.chain, await world.chain.newAccount());
    expect(
      (await facilitator.verify(await c.voucher("2000", stranger), c.requirements)).invalidReason,
    ).to.equal("invalid_batch_settlement_evm_voucher_signature");
  });

  it("rejects a voucher above the channel balance", async function () {
    const c = await channel();
    await facilitator.settle(await c.deposit("5000", "1000"), c.requirements);
    expect((await facilitator.verify(await c.voucher("5001"), c.requirements)).invalidReason).to.equal(
      "invalid_batch_settlement_evm_cumulative_exceeds_balance",
    );
  });

  it("accepts a voucher within the balance", async function () {
    const c = await channel();
    await facilitator.settle(await c.deposit("5000", "1000"), c.requirements);
    expect(await facilitator.verify(await c.voucher("2000"), c.requirements)).to.include({ isValid: true });
  });

  it("answers nothing_to_settle for a receiver with nothing claimed", async function () {
    const c = await channel();
    const payload = {
      x402Version: 2,
      accepted: c.requirements,
      payload: { type: "settle", receiver: c.config.receiver, token: USDC },
    };
    expect((await facilitator.settle(payload, c.requirements)).errorReason).to.equal(
      "invalid_batch_settlement_evm_nothing_to_settle",
    );
  });

  it("refuses an unsigned claim batch when it holds no authorizer key", async function () {
    const c = await channel();
    const payload = { x402Version: 2, accepted: c.requirements, payload: { type: "claim", claims: [] } };
    expect((await facilitator.settle(payload, c.requirements)).errorReason).to.equal(
      "invalid_batch_settlement_evm_authorizer_not_configured",
    );
  });

  it("refuses an unknown payload type", async function () {
    const c = await channel();
    const payload = { x402Version: 2, accepted: c.requirements, payload: { type: "teleport" } };
    expect((await facilitator.settle(payload, c.requirements)).errorReason).to.equal(
      "invalid_batch_settlement_evm_payload_type",
    );
  });

  it("refuses batch-settlement over x402 v1", async function () {
    const c = await channel();
    const v1 = { x402Version: 1, scheme: "batch-settlement", network: "base-sepolia", payload: {} };
    const req = { ...c.requirements, network: "base-sepolia", maxAmountRequired: "1000" };
    expect((await facilitator.verify(v1, req)).invalidReason).to.equal("unsupported_scheme");
  });
});
