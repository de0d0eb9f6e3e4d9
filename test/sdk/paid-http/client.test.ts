import { expect } from "chai";
import { ethers } from "hardhat";
import {
  channelConfigFor,
  deploy,
  freshKey,
  payingFetch,
  PRICE,
  startServer,
  type Deployment,
  type TestServer,
} from "./support/fixture";
import { SettlementWorker } from "../../../sdk/settlement";
import { channelIdOf, SpendCapError, SpendCaps, PaymentResponseError } from "../../../sdk/client";
import { decodeJson, encodeJson } from "../../../sdk/client/wire";

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

describe("wrapFetch", function () {
  let d: Deployment;
  let server: TestServer;
  before(async () => {
    d = await deploy();
    server = await startServer(d);
  });
  after(async () => server.close());

  describe("spend caps", function () {
    it("refuses a price above maxPrice before signing anything", async () => {
      const pay = payingFetch(d, { caps: { maxPrice: PRICE - 1n } });
      await expect(pay(server.url + "/paid/a")).to.be.rejectedWith(SpendCapError, "maxPrice");
    });

    it("stops paying an origin at its cap", async () => {
      const pay = payingFetch(d, { caps: { perOrigin: 2n * PRICE } });
      await pay(server.url + "/paid/a");
      await pay(server.url + "/paid/a");
      await expect(pay(server.url + "/paid/a")).to.be.rejectedWith(SpendCapError, "spend cap");
    });

    it("stops paying within a time window at the window cap", async () => {
      const pay = payingFetch(d, { caps: { perWindow: { amount: PRICE, windowMs: 60_000 } } });
      await pay(server.url + "/paid/a");
      await expect(pay(server.url + "/paid/a")).to.be.rejectedWith(SpendCapError, "time window");
    });

    it("frees window budget once the window has passed", () => {
      const caps = new SpendCaps({ perWindow: { amount: PRICE, windowMs: 1000 } });
      caps.reserve("o", PRICE, 0);
      expect(() => caps.reserve("o", PRICE, 1001)).to.not.throw();
    });

    it("never deposits more than the deposit cap", async () => {
      const pay = payingFetch(d, { deposit: { amount: 100_000n, max: PRICE - 1n } });
      await expect(pay(server.url + "/paid/a")).to.be.rejectedWith(SpendCapError, "deposit");
    });

    it("deposits at most the cap when a top-up would exceed it", async () => {
      const pay = payingFetch(d, { deposit: { amount: 100_000n, max: 2n * PRICE } });
      await pay(server.url + "/paid/a");
      await pay(server.url + "/paid/a");
      await expect(pay(server.url + "/paid/a")).to.be.rejectedWith(SpendCapError, "deposit");
    });
  });

  describe("checks on the server's answers", function () {
    it("sends a payment-identifier with every voucher", async () => {
      const ids: string[] = [];
      const spy: FetchLike = async (input, init) => {
        const h = new Headers(init?.headers).get("payment-signature");
        if (h)
          ids.push(
            (decodeJson(h) as { extensions: { "payment-identifier": { info: { id: string } } } }).extensions[
              "payment-identifier"
            ].info.id,
          );
        return fetch(input, init);
      };
      const pay = payingFetch(d, {}, spy);
      await pay(server.url + "/paid/a");
      await pay(server.url + "/paid/a");
      expect(new Set(ids).size).to.equal(2);
    });

    it("rejects a PAYMENT-RESPONSE that charges more than the price", async () => {
      const lying: FetchLike = async (input, init) => {
        const res = await fetch(input, init);
        const h = res.headers.get("payment-response");
        if (!h) return res;
        const pr = decodeJson(h) as { extra: { chargedAmount: string } };
        pr.extra.chargedAmount = (PRICE + 1n).toString();
        const headers = new Headers(res.headers);
        headers.set("payment-response", encodeJson(pr));
        return new Response(await res.text(), { status: res.status, headers });
      };
      await expect(payingFetch(d, {}, lying)(server.url + "/paid/a")).to.be.rejectedWith(
        PaymentResponseError,
      );
    });

    it("does not adopt a corrective 402 whose voucher it did not sign", async () => {
      const signed: bigint[] = [];
      let forged = false;
      const forging: FetchLike = async (input, init) => {
        const h = new Headers(init?.headers).get("payment-signature");
        if (h)
          signed.push(
            BigInt(
              (decodeJson(h) as { payload: { voucher: { maxClaimableAmount: string } } }).payload.voucher
                .maxClaimableAmount,
            ),
          );
        const res = await fetch(input, init);
        if (!h || forged || res.status !== 200) return res;
        forged = true;
        const required = decodeJson((await fetch(input)).headers.get("payment-required")!) as {
          accepts: { extra: Record<string, unknown> }[];
        };
        const channelId = (decodeJson(h) as { payload: { voucher: { channelId: string } } }).payload.voucher
          .channelId;
        const fake = freshKey();
        const { signVoucher } = await import("../../../sdk/client");
        required.accepts[0].extra.channelState = {
          channelId,
          balance: "100000",
          totalClaimed: "0",
          withdrawRequestedAt: 0,
          refundNonce: "0",
          chargedCumulativeAmount: "90000",
        };
        required.accepts[0].extra.voucherState = {
          signedMaxClaimable: "90000",
          signature: await signVoucher(fake, d.chainId, d.escrow, channelId, 90_000n),
        };
        const body = { ...required, error: "invalid_batch_settlement_evm_cumulative_amount_mismatch" };
        return new Response(JSON.stringify(body), {
          status: 402,
          headers: { "payment-required": encodeJson(body) },
        });
      };
      const res = await payingFetch(d, {}, forging)(server.url + "/paid/a");
      expect([res.status, signed.every((m) => m <= PRICE)]).to.deep.equal([402, true]);
    });
  });

  describe("recovery", function () {
    it("resumes after losing its state without paying twice (corrective 402 signed by its own key)", async () => {
      const sessionKey = freshKey();
      const first = payingFetch(d, { sessionKey });
      for (let i = 0; i < 5; i++) await first(server.url + "/paid/a");
      const restarted = payingFetch(d, { sessionKey });
      const res = await restarted(server.url + "/paid/a");
      const pr = decodeJson(res.headers.get("payment-response")!) as {
        extra: { channelState: { chargedCumulativeAmount: string } };
      };
      expect(pr.extra.channelState.chargedCumulativeAmount).to.equal((6n * PRICE).toString());
    });

    it("recovers its baseline from channels(channelId) after a claim", async () => {
      const sessionKey = freshKey();
      const first = payingFetch(d, { sessionKey });
      for (let i = 0; i < 3; i++) await first(server.url + "/paid/a");
      await new SettlementWorker({
        store: server.store,
        chain: server.chain,
        authorizer: d.authorizer,
        settle: false,
      }).run();
      const sent: string[] = [];
      const spy: FetchLike = async (input, init) => {
        const h = new Headers(init?.headers).get("payment-signature");
        if (h)
          sent.push(
            (decodeJson(h) as { payload: { voucher: { maxClaimableAmount: string } } }).payload.voucher
              .maxClaimableAmount,
          );
        return fetch(input, init);
      };
      await payingFetch(d, { sessionKey }, spy)(server.url + "/paid/a");
      expect(sent).to.deep.equal([(4n * PRICE).toString()]);
    });

    it("rereads the channel and tops it up when its balance fell elsewhere (a refund or withdrawal)", async () => {
      const sessionKey = freshKey();
      const types: string[] = [];
      const spy: FetchLike = async (input, init) => {
        const h = new Headers(init?.headers).get("payment-signature");
        if (h) types.push((decodeJson(h) as { payload: { type: string } }).payload.type);
        return fetch(input, init);
      };
      const pay = payingFetch(d, { sessionKey }, spy);
      for (let i = 0; i < 2; i++) await pay(server.url + "/paid/a");
      // The receiver returns everything not charged, outside the paying fetch; the server sees it.
      const escrow = await ethers.getContractAt("Z402Escrow", d.escrow);
      const config = channelConfigFor(d, await d.payer.getAddress(), sessionKey.address);
      const [balance] = (await escrow.channels(channelIdOf(d.chainId, d.escrow, config))) as [bigint];
      await (
        await escrow.connect(await ethers.getSigner(d.receiver)).refund(config, balance - 2n * PRICE)
      ).wait();
      await server.mirror.pollOnce();
      types.length = 0;
      const res = await pay(server.url + "/paid/a");
      expect([res.status, types]).to.deep.equal([200, ["voucher", "deposit"]]);
    });
  });
});
