import { expect } from "chai";
import { Wallet, ZeroHash } from "ethers";
import { AgentError, X402_A2A_EXT_V01, X402_A2A_EXT_V02, X402_META } from "../../../sdk/agents";
import { channelIdOf, signVoucher } from "../../../sdk/client";
import { PRICE, deploy, type Deployment } from "../paid-http/support/fixture";
import { buyer, startSeller, type Seller } from "./support/a2a-fixture";

/** A raw A2A v0.3 JSON-RPC call, as an older peer would send it. */
async function legacySend(
  url: string,
  message: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${url}/a2a`, {
    method: "POST",
    headers: { "content-type": "application/json", "X-A2A-Extensions": X402_A2A_EXT_V01, ...headers },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "message/send",
      params: { message: { kind: "message", role: "user", messageId: crypto.randomUUID(), ...message } },
    }),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw v0.3 JSON, read field by field
  return { res, body: (await res.json()) as { result?: Record<string, any>; error?: { code: number } } };
}

describe("agents/A2A seller and buyer with the a2a-x402 extension", function () {
  let d: Deployment;
  let seller: Seller;
  before(async function () {
    d = await deploy();
    seller = await startSeller(d);
  });
  after(async () => seller.close());

  it("serves the v1.0 card to A2A 1.0 clients and the v0.3 card to older ones", async function () {
    const v1 = await (
      await fetch(`${seller.url}/.well-known/agent-card.json`, { headers: { "A2A-Version": "1.0" } })
    ).json();
    const v03 = await (await fetch(`${seller.url}/.well-known/agent-card.json`)).json();
    expect(v1.supportedInterfaces[0].url).to.equal(`${seller.url}/a2a`);
    expect(v03).to.include({ protocolVersion: "0.3.0", url: `${seller.url}/a2a` });
    expect(v1.capabilities.extensions[0].uri).to.equal(X402_A2A_EXT_V02);
  });

  it("asks for payment, takes a voucher, answers and appends a receipt", async function () {
    const b = buyer(d);
    const conn = await b.connect(seller.url);
    const answer = await b.ask(conn, "hello", { skill: "echo" });
    expect(answer.text).to.equal("echo: hello");
    expect(answer.receipts).to.have.length(1);
    expect(answer.receipts[0]).to.deep.include({ success: true, network: `eip155:${d.chainId}` });
    expect((answer.receipts[0] as { extra: { chargedAmount: string } }).extra.chargedAmount).to.equal(
      PRICE.toString(),
    );
    expect(answer.task.artifacts[0].parts[1].content).to.deep.equal({
      $case: "data",
      value: { payer: await d.payer.getAddress() },
    });
  });

  it("charges a second question on the same channel with a plain voucher", async function () {
    const b = buyer(d);
    const conn = await b.connect(seller.url);
    await b.ask(conn, "one");
    const second = await b.ask(conn, "two");
    const state = (second.receipts[0] as { extra: { channelState: { chargedCumulativeAmount: string } } })
      .extra.channelState;
    expect(state.chargedCumulativeAmount).to.equal((2n * PRICE).toString());
  });

  it("answers a v0.3 client with the payment terms in the task status, echoing both extension headers", async function () {
    const first = await legacySend(seller.url, { parts: [{ kind: "text", text: "old peer" }] });
    expect(first.res.headers.get("a2a-extensions")).to.contain(X402_A2A_EXT_V01);
    expect(first.res.headers.get("x-a2a-extensions")).to.contain(X402_A2A_EXT_V02);
    const task = first.body.result!;
    expect(task.kind).to.equal("task");
    expect(task.status.state).to.equal("input-required");
    const meta = task.status.message.metadata;
    expect(meta[X402_META.status]).to.equal("payment-required");
    expect(meta[X402_META.required].accepts.map((a: { scheme: string }) => a.scheme)).to.deep.equal([
      "batch-settlement",
      "exact",
    ]);
  });

  describe("bad payment metadata", function () {
    let sessionKey: ReturnType<typeof Wallet.createRandom>;
    let channel: { config: Record<string, unknown>; id: string };
    let accepted: Record<string, unknown>;
    before(async function () {
      // Open a channel through a normal paid question, then craft vouchers against it.
      sessionKey = Wallet.createRandom();
      const b = buyer(d, sessionKey);
      await b.ask(await b.connect(seller.url), "open");
      const config = {
        payer: await d.payer.getAddress(),
        payerAuthorizer: sessionKey.address,
        receiver: seller.payTo,
        receiverAuthorizer: d.authorizer.address,
        token: d.tokenAddress,
        withdrawDelay: 900,
        salt: ZeroHash,
      };
      channel = { config, id: channelIdOf(d.chainId, d.escrow, config) };
      const first = await legacySend(seller.url, { parts: [{ kind: "text", text: "x" }] });
      accepted = first.body.result!.status.message.metadata[X402_META.required].accepts[0];
    });

    async function submit(payload: unknown) {
      const first = await legacySend(seller.url, { parts: [{ kind: "text", text: "pay" }] });
      const taskId = first.body.result!.id;
      const metadata = { [X402_META.status]: "payment-submitted", [X402_META.payload]: payload };
      const { body } = await legacySend(seller.url, {
        taskId,
        contextId: first.body.result!.contextId,
        parts: [],
        metadata,
      });
      return body.result!.status.message.metadata as Record<string, unknown>;
    }
    const voucherPayload = (maxClaimable: bigint, signature: string) => ({
      x402Version: 2,
      accepted,
      payload: {
        type: "voucher",
        channelConfig: channel.config,
        voucher: { channelId: channel.id, maxClaimableAmount: maxClaimable.toString(), signature },
      },
    });

    it("lets a v0.3 client pay with a voucher and get a receipt", async function () {
      const sig = await signVoucher(sessionKey, d.chainId, d.escrow, channel.id, 2n * PRICE);
      const meta = await submit(voucherPayload(2n * PRICE, sig));
      expect(meta[X402_META.status]).to.equal("payment-completed");
      expect((meta[X402_META.receipts] as { success: boolean }[])[0].success).to.equal(true);
    });

    it("answers a voucher signed by another key with INVALID_SIGNATURE", async function () {
      const sig = await signVoucher(Wallet.createRandom(), d.chainId, d.escrow, channel.id, 2n * PRICE);
      const meta = await submit(voucherPayload(2n * PRICE, sig));
      expect(meta[X402_META.status]).to.equal("payment-failed");
      expect(meta[X402_META.error]).to.equal("INVALID_SIGNATURE");
    });

    it("answers a voucher for the wrong cumulative amount with INVALID_AMOUNT and the corrected terms", async function () {
      const sig = await signVoucher(sessionKey, d.chainId, d.escrow, channel.id, 5n * PRICE);
      const meta = await submit(voucherPayload(5n * PRICE, sig));
      expect(meta[X402_META.error]).to.equal("INVALID_AMOUNT");
      expect(
        (meta[X402_META.required] as { accepts: { extra: object }[] }).accepts[0].extra,
      ).to.have.property("channelState");
    });

    it("answers a payload that is not an x402 payment with a payment-failed status", async function () {
      const meta = await submit({ hello: "world" });
      expect(meta[X402_META.status]).to.equal("payment-failed");
      expect(meta[X402_META.error]).to.equal("INVALID_SIGNATURE");
      expect(meta["z402.payment.reason"]).to.be.a("string");
      expect(meta[X402_META.required]).to.have.property("accepts");
    });

    it("cancels the task when the client rejects the payment", async function () {
      const first = await legacySend(seller.url, { parts: [{ kind: "text", text: "no" }] });
      const metadata = { [X402_META.status]: "payment-rejected" };
      const { body } = await legacySend(seller.url, {
        taskId: first.body.result!.id,
        contextId: first.body.result!.contextId,
        parts: [],
        metadata,
      });
      expect(body.result!.status.state).to.equal("canceled");
    });
  });

  it("fails the task without charging when the skill fails", async function () {
    const b = buyer(d);
    const conn = await b.connect(seller.url);
    const answer = await b.ask(conn, "x", { skill: "fail" });
    expect(answer.text).to.match(/skill failed: boom/);
    expect(answer.receipts).to.have.length(0);
  });

  it("pays a plain paid HTTP route with the same buyer", async function () {
    const res = await buyer(d).fetch(`${seller.url}/paid/data`);
    expect(res.status).to.equal(200);
    expect(await res.text()).to.equal("paid data");
    expect(res.headers.get("payment-response")).to.be.a("string");
  });

  it("refuses a card that is not an agent card", async function () {
    const err = await buyer(d)
      .connect(`${seller.url}/paid/data.json`)
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AgentError);
  });
});
