import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { decodeJson } from "../../../sdk/client/wire";
import { signDepositAuthorization } from "../../../sdk/client/sign";
import { freshKey, deploy, startServer, type Deployment, type TestServer } from "./support/fixture";
import { b64, openChannel, PRICE, reasonOf } from "./support/kit";

describe("paywall: adversarial payments", function () {
  let d: Deployment;
  let server: TestServer;
  before(async () => {
    d = await deploy();
    server = await startServer(d, {
      routes: [
        { path: "/paid/*", price: PRICE },
        { path: "/other", price: PRICE, payTo: "0x" + "77".repeat(20) },
      ],
      minDeposit: 1_000n,
    });
  });
  after(async () => server.close());

  const reason = async (res: Response) => ({ status: res.status, reason: await reasonOf(res) });

  it("gives a replayed voucher a corrective 402", async () => {
    const kit = await openChannel(d, server);
    const header = b64(kit.body(await kit.voucher(2n * PRICE)));
    expect((await kit.send("/paid/a", header)).status).to.equal(200);
    expect(await reason(await kit.send("/paid/a", header))).to.deep.equal({
      status: 402,
      reason: "invalid_batch_settlement_evm_cumulative_amount_mismatch",
    });
  });

  it("returns the channel state and the last signed voucher in the corrective 402", async () => {
    const kit = await openChannel(d, server);
    const res = await kit.send("/paid/a", b64(kit.body(await kit.voucher(PRICE / 2n))));
    const required = decodeJson(res.headers.get("payment-required")!) as {
      accepts: { extra: { channelState: Record<string, string>; voucherState: Record<string, string> } }[];
    };
    const { channelState, voucherState } = required.accepts[0].extra;
    expect([channelState.chargedCumulativeAmount, voucherState.signedMaxClaimable]).to.deep.equal([
      PRICE.toString(),
      PRICE.toString(),
    ]);
  });

  it("refuses a lowered cumulative amount", async () => {
    const kit = await openChannel(d, server);
    expect((await kit.send("/paid/a", b64(kit.body(await kit.voucher(PRICE - 1n))))).status).to.equal(402);
  });

  it("refuses a voucher above the channel balance", async () => {
    const kit = await openChannel(d, server, 1_500n);
    expect(
      await reason(await kit.send("/paid/a", b64(kit.body(await kit.voucher(2n * PRICE))))),
    ).to.deep.equal({
      status: 402,
      reason: "invalid_batch_settlement_evm_cumulative_exceeds_balance",
    });
  });

  it("refuses a voucher signed by another key", async () => {
    const kit = await openChannel(d, server);
    const res = await kit.send("/paid/a", b64(kit.body(await kit.voucher(2n * PRICE, freshKey()))));
    expect(await reason(res)).to.deep.equal({
      status: 402,
      reason: "invalid_batch_settlement_evm_voucher_signature",
    });
  });

  it("refuses a voucher for another route's payTo", async () => {
    const kit = await openChannel(d, server);
    const res = await kit.send("/other", b64(kit.body(await kit.voucher(2n * PRICE))));
    expect(await reason(res)).to.deep.equal({
      status: 402,
      reason: "invalid_batch_settlement_evm_receiver_mismatch",
    });
  });

  it("refuses a voucher whose channel id names another channel", async () => {
    const kit = await openChannel(d, server);
    const other = await openChannel(d, server);
    const res = await kit.send("/paid/a", b64(kit.body(await other.voucher(2n * PRICE))));
    expect(await reason(res)).to.deep.equal({
      status: 402,
      reason: "invalid_batch_settlement_evm_channel_id_mismatch",
    });
  });

  for (const [name, change, expected] of [
    ["wrong network", { network: "eip155:1" }, "invalid_network"],
    ["wrong asset", { asset: "0x" + "66".repeat(20) }, "invalid_batch_settlement_evm_token_mismatch"],
  ] as const) {
    it(`refuses a payment with the ${name}`, async () => {
      const kit = await openChannel(d, server);
      const body = kit.body(await kit.voucher(2n * PRICE), { accepted: { ...kit.accepted, ...change } });
      expect(await reason(await kit.send("/paid/a", b64(body)))).to.deep.equal({
        status: 402,
        reason: expected,
      });
    });
  }

  for (const [name, change, expected] of [
    [
      "receiverAuthorizer",
      { receiverAuthorizer: "0x" + "55".repeat(20) },
      "invalid_batch_settlement_evm_receiver_authorizer_mismatch",
    ],
    ["withdrawDelay", { withdrawDelay: 86_400 }, "invalid_batch_settlement_evm_withdraw_delay_mismatch"],
    ["token", { token: "0x" + "66".repeat(20) }, "invalid_batch_settlement_evm_token_mismatch"],
    [
      "payerAuthorizer (zero: ERC-1271)",
      { payerAuthorizer: "0x" + "00".repeat(20) },
      "invalid_batch_settlement_evm_payer_authorizer_required",
    ],
  ] as const) {
    it(`refuses a channel config with another ${name}`, async () => {
      const kit = await openChannel(d, server);
      const body = kit.body(await kit.voucher(2n * PRICE));
      (body.payload as { channelConfig: object }).channelConfig = { ...kit.config, ...change };
      expect(await reason(await kit.send("/paid/a", b64(body)))).to.deep.equal({
        status: 402,
        reason: expected,
      });
    });
  }

  it("refuses a channel that was never funded", async () => {
    const kit = await openChannel(d, server);
    const session = freshKey();
    const { channelIdOf, signVoucher } = await import("../../../sdk/client");
    const config = { ...kit.config, payerAuthorizer: session.address };
    const id = channelIdOf(d.chainId, d.escrow, config);
    const voucher = {
      channelId: id,
      maxClaimableAmount: PRICE.toString(),
      signature: await signVoucher(session, d.chainId, d.escrow, id, PRICE),
    };
    const body = {
      x402Version: 2,
      accepted: kit.accepted,
      payload: { type: "voucher", channelConfig: config, voucher },
    };
    expect(await reason(await kit.send("/paid/a", b64(body)))).to.deep.equal({
      status: 402,
      reason: "invalid_batch_settlement_evm_channel_not_found",
    });
  });

  it("stops accepting vouchers when a withdrawal is about to become final", async () => {
    const kit = await openChannel(d, server);
    const escrow = await ethers.getContractAt("Z402Escrow", d.escrow);
    await escrow.connect(d.payer).initiateWithdraw(kit.config as never, 1_000n);
    await time.increase(700);
    await server.mirror.pollOnce();
    const res = await kit.send("/paid/a", b64(kit.body(await kit.voucher(2n * PRICE))));
    expect(await reason(res)).to.deep.equal({ status: 402, reason: "z402_withdraw_pending" });
  });

  it("still accepts vouchers early in a withdrawal's delay", async () => {
    const kit = await openChannel(d, server);
    const escrow = await ethers.getContractAt("Z402Escrow", d.escrow);
    await escrow.connect(d.payer).initiateWithdraw(kit.config as never, 1_000n);
    await server.mirror.pollOnce();
    expect((await kit.send("/paid/a", b64(kit.body(await kit.voucher(2n * PRICE))))).status).to.equal(200);
  });

  describe("deposits", function () {
    async function depositBody(
      over: { amount?: bigint; validBefore?: string; signer?: typeof d.payer } = {},
    ) {
      const kit = await openChannel(d, server);
      const now = BigInt(await time.latest());
      const amount = over.amount ?? 50_000n;
      const token = { address: d.tokenAddress, name: "USDC", version: "2" };
      const auth = await signDepositAuthorization(
        over.signer ?? d.payer,
        token,
        d.chainId,
        d.collector,
        kit.channelId,
        amount,
        now,
      );
      if (over.validBefore) auth.validBefore = over.validBefore;
      const body = kit.body(await kit.voucher(2n * PRICE));
      Object.assign(body.payload as object, {
        type: "deposit",
        deposit: { amount: amount.toString(), authorization: { erc3009Authorization: auth } },
      });
      return { kit, header: b64(body) };
    }

    it("verifies and submits a top-up deposit, then serves", async () => {
      const { kit, header } = await depositBody();
      expect((await kit.send("/paid/a", header)).status).to.equal(200);
    });

    it("serves a deposit retried after a restart (authorization already used, deposit already mined)", async () => {
      const failing = await startServer(d, {
        store: server.store,
        handler: () => ({ status: 500, body: "boom" }),
      });
      const { kit, header } = await depositBody();
      const first = await fetch(failing.url + "/paid/a", { headers: { "payment-signature": header } });
      await failing.close();
      expect([first.status, (await kit.send("/paid/a", header)).status]).to.deep.equal([500, 200]);
    });

    it("refuses a deposit authorization signed by someone else", async () => {
      const { kit, header } = await depositBody({ signer: d.other });
      expect(await reason(await kit.send("/paid/a", header))).to.deep.equal({
        status: 402,
        reason: "invalid_batch_settlement_evm_receive_authorization_signature",
      });
    });

    it("refuses a deposit authorization that expires within 6 s", async () => {
      const { kit, header } = await depositBody({ validBefore: String((await time.latest()) + 3) });
      await server.mirror.pollOnce(); // the mirror's clock follows the head (Hardhat mines ahead of wall time)
      expect(await reason(await kit.send("/paid/a", header))).to.deep.equal({
        status: 402,
        reason: "invalid_batch_settlement_evm_payload_authorization_valid_before",
      });
    });

    it("refuses a deposit below the minimum", async () => {
      const { kit, header } = await depositBody({ amount: 999n });
      expect(await reason(await kit.send("/paid/a", header))).to.deep.equal({
        status: 402,
        reason: "invalid_batch_settlement_evm_deposit_below_min_deposit",
      });
    });
  });
});
