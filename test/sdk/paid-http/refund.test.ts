import { expect } from "chai";
import { ethers } from "hardhat";
import { EthersEscrowChain } from "../../../sdk/server";
import { channelIdOf, type PaymentResponseError } from "../../../sdk/client";
import { decodeJson, encodeJson } from "../../../sdk/client/wire";
import type { PaymentError } from "../../../sdk/errors";
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

const DEPOSIT = 100_000n;

/** Gas of each refund transaction the servers sent, by shape, printed once at the end. */
const gas: Record<string, bigint> = {};

describe("paywall: cooperative refund (payload `refund`) through the paying fetch", function () {
  let d: Deployment;
  let relayed: TestServer;
  let receiverSide: TestServer;
  let escrow: Awaited<ReturnType<typeof ethers.getContractAt>>;

  before(async () => {
    d = await deploy();
    escrow = await ethers.getContractAt("Z402Escrow", d.escrow);
    // One server relays with the receiverAuthorizer's signatures, the other sends as the receiver itself.
    relayed = await startServer(d, { authorizer: d.authorizer });
    const receiver = await ethers.getSigner(d.receiver);
    receiverSide = await startServer(d, { chain: new EthersEscrowChain(d.chainId, d.escrow, receiver) });
  });
  after(async () => {
    await relayed.close();
    await receiverSide.close();
    console.log(
      "      refund gas: " +
        Object.entries(gas)
          .map(([shape, used]) => `${shape} ${used}`)
          .join(", "),
    );
  });

  /** A paying fetch with a fresh channel that has paid `requests` times at `server`. */
  async function paidChannel(server: TestServer, requests: number) {
    const session = freshKey();
    const pay = payingFetch(d, { sessionKey: session, deposit: { amount: DEPOSIT, max: 10n ** 9n } });
    for (let i = 0; i < requests; i++) expect((await pay(`${server.url}/paid/item`)).status).to.equal(200);
    const config = channelConfigFor(d, await d.payer.getAddress(), session.address);
    return { pay, config, channelId: channelIdOf(d.chainId, d.escrow, config) };
  }

  const channel = async (id: string) => {
    const [balance, totalClaimed] = (await escrow.channels(id)) as [bigint, bigint];
    return { balance, totalClaimed };
  };
  const payerTokens = async () => (await d.token.balanceOf(await d.payer.getAddress())) as bigint;
  const receiverClaimed = async () =>
    ((await escrow.receivers(d.receiver, d.tokenAddress)) as [bigint, bigint])[0];
  const gasOf = async (hash: string) => (await ethers.provider.getTransactionReceipt(hash))!.gasUsed;

  it("refunds everything not charged when no amount is given", async () => {
    const { pay, channelId } = await paidChannel(relayed, 1);
    const before = await payerTokens();
    const result = await pay.refund(`${relayed.url}/paid/item`);
    expect(result.amount).to.equal(DEPOSIT - PRICE);
    expect(await payerTokens()).to.equal(before + DEPOSIT - PRICE);
    expect(await channel(channelId)).to.deep.equal({ balance: PRICE, totalClaimed: PRICE });
    gas["claim+refundWithSignature (multicall)"] = await gasOf(result.transaction);
  });

  it("refunds only the amount asked for, and the channel keeps paying afterwards", async () => {
    const { pay, channelId } = await paidChannel(relayed, 1);
    const result = await pay.refund(`${relayed.url}/paid/item`, { amount: 5_000n });
    expect([result.amount, result.balance]).to.deep.equal([5_000n, DEPOSIT - 5_000n]);
    expect((await pay(`${relayed.url}/paid/item`)).status).to.equal(200);
    expect((await channel(channelId)).balance).to.equal(DEPOSIT - 5_000n);
  });

  it("claims every charged voucher first: the receiver gets exactly the charges, the payer the rest", async () => {
    const { pay, channelId } = await paidChannel(relayed, 5);
    const [payerBefore, receiverBefore] = [await payerTokens(), await receiverClaimed()];
    const result = await pay.refund(`${relayed.url}/paid/item`);
    expect(await receiverClaimed()).to.equal(receiverBefore + 5n * PRICE);
    expect(await payerTokens()).to.equal(payerBefore + DEPOSIT - 5n * PRICE);
    expect((await relayed.store.get(channelId))!.claimed).to.equal(5n * PRICE);
    expect(result.amount).to.equal(DEPOSIT - 5n * PRICE);
  });

  it("refunds alone (no multicall) when everything charged is already claimed", async () => {
    const { pay, channelId } = await paidChannel(relayed, 1);
    await pay.refund(`${relayed.url}/paid/item`, { amount: 1_000n });
    const result = await pay.refund(`${relayed.url}/paid/item`, { amount: 1_000n });
    expect(result.amount).to.equal(1_000n);
    expect((await channel(channelId)).balance).to.equal(DEPOSIT - 2_000n);
    gas["refundWithSignature"] = await gasOf(result.transaction);
  });

  it("sends claim and refund itself when its chain signer is the receiver", async () => {
    const { pay, channelId } = await paidChannel(receiverSide, 2);
    const result = await pay.refund(`${receiverSide.url}/paid/item`);
    expect(result.amount).to.equal(DEPOSIT - 2n * PRICE);
    expect(await channel(channelId)).to.deep.equal({ balance: 2n * PRICE, totalClaimed: 2n * PRICE });
    gas["claim+refund as receiver (multicall)"] = await gasOf(result.transaction);
  });

  it("caps an amount above what is refundable to what is refundable", async () => {
    const { pay, channelId } = await paidChannel(relayed, 1);
    const result = await pay.refund(`${relayed.url}/paid/item`, { amount: 10n ** 12n });
    expect(result.amount).to.equal(DEPOSIT - PRICE);
    expect((await channel(channelId)).balance).to.equal(PRICE);
  });

  it("refunds while a withdrawal is pending, and the escrow drops the withdrawal to what is left", async () => {
    const { pay, config, channelId } = await paidChannel(relayed, 1);
    await (await escrow.connect(d.payer).getFunction("initiateWithdraw")(config, DEPOSIT - PRICE)).wait();
    const result = await pay.refund(`${relayed.url}/paid/item`);
    expect(result.amount).to.equal(DEPOSIT - PRICE);
    expect(((await escrow.pendingWithdrawals(channelId)) as [bigint, bigint])[0]).to.equal(0n);
  });
});

describe("refund over HTTP, server holding the receiverAuthorizer key", function () {
  let d: Deployment;
  let server: TestServer;
  before(async () => {
    d = await deploy();
    server = await startServer(d, { authorizer: d.authorizer });
  });
  after(async () => server.close());

  describe("paywall: the refund answer on the wire", function () {
    it("is a 200 with the x402 settle response and the new channel state, and the route does not run", async () => {
      const answers: Response[] = [];
      const recording = async (input: string | URL | Request, init?: RequestInit) => {
        const res = await fetch(input, init);
        answers.push(res.clone());
        return res;
      };
      const pay = payingFetch(d, { deposit: { amount: DEPOSIT, max: 10n ** 9n } }, recording);
      expect((await pay(`${server.url}/paid/item`)).status).to.equal(200);
      const result = await pay.refund(`${server.url}/paid/item`);
      const last = answers[answers.length - 1];
      const receipt = decodeJson(last.headers.get("payment-response")!) as Record<string, unknown>;
      expect([last.status, await last.json()]).to.deep.equal([
        200,
        { message: "Refund acknowledged", channelId: result.channelId },
      ]);
      expect(receipt).to.deep.equal({
        success: true,
        transaction: result.transaction,
        network: `eip155:${d.chainId}`,
        payer: await d.payer.getAddress(),
        amount: (DEPOSIT - PRICE).toString(),
        extra: {
          channelState: {
            channelId: result.channelId,
            balance: PRICE.toString(),
            totalClaimed: PRICE.toString(),
            withdrawRequestedAt: 0,
            refundNonce: "1",
            chargedCumulativeAmount: PRICE.toString(),
          },
        },
      });
    });
  });

  describe("paying fetch: refund answers it does not take", function () {
    /** A transport that rewrites the refund's PAYMENT-RESPONSE with `change` (a lying or broken server). */
    const tampering =
      (change: (receipt: Record<string, unknown>) => Record<string, unknown>) =>
      async (input: string | URL | Request, init?: RequestInit) => {
        const res = await fetch(input, init);
        const header = res.headers.get("payment-response");
        const sent = new Headers(init?.headers).get("payment-signature");
        const payload = sent ? (decodeJson(sent) as { payload: { type: string } }).payload : undefined;
        if (!header || payload?.type !== "refund") return res;
        const headers = new Headers(res.headers);
        headers.set("payment-response", encodeJson(change(decodeJson(header) as Record<string, unknown>)));
        return new Response(await res.text(), { status: res.status, headers });
      };

    it("throws when the server says it refunded more than was asked, and stops paying on that channel", async () => {
      const pay = payingFetch(
        d,
        {},
        tampering((r) => ({ ...r, amount: "6000" })),
      );
      expect((await pay(`${server.url}/paid/item`)).status).to.equal(200);
      const refused = await pay
        .refund(`${server.url}/paid/item`, { amount: 5_000n })
        .catch((e: unknown) => e);
      expect((refused as PaymentResponseError).code).to.equal("z402_payment_response_invalid");
      const next = await pay(`${server.url}/paid/item`).catch((e: unknown) => e);
      expect((next as PaymentResponseError).code).to.equal("z402_payment_response_invalid");
    });

    it("throws when the refund's channel state shows a charge it did not make", async () => {
      const pay = payingFetch(
        d,
        {},
        tampering((r) => {
          const extra = r.extra as { channelState: Record<string, unknown> };
          return {
            ...r,
            extra: { channelState: { ...extra.channelState, chargedCumulativeAmount: "5000" } },
          };
        }),
      );
      expect((await pay(`${server.url}/paid/item`)).status).to.equal(200);
      const refused = await pay.refund(`${server.url}/paid/item`).catch((e: unknown) => e);
      expect((refused as PaymentResponseError).code).to.equal("z402_payment_response_invalid");
    });

    it("throws the server's reason when the server refuses the refund", async () => {
      const pay = payingFetch(d);
      expect((await pay(`${server.url}/paid/item`)).status).to.equal(200);
      await pay.refund(`${server.url}/paid/item`);
      const refused = await pay.refund(`${server.url}/paid/item`).catch((e: unknown) => e);
      expect((refused as PaymentError).code).to.equal("invalid_batch_settlement_evm_refund_no_balance");
    });

    it("throws z402_refund_not_offered for a URL that asks for no payment", async () => {
      const refused = await payingFetch(d)
        .refund(`${server.url}/free`)
        .catch((e: unknown) => e);
      expect((refused as PaymentError).code).to.equal("z402_refund_not_offered");
    });
  });
});
