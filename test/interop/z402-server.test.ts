import { expect } from "chai";
import { decodePaymentRequiredHeader, decodePaymentResponseHeader } from "@x402/core/http";
import { ExactEvmSchemeV1 } from "@x402/evm/exact/v1/client";
import { ethers } from "ethers";
import { NETWORK, V1_NETWORK } from "./support/chain";
import { BATCH_SETTLEMENT } from "./support/place";
import { placeEscrow, stockBatchFetch } from "./support/batch";
import { stockClientSigner, stockFetch } from "./support/stock";
import { serveZ402, type Z402Server } from "./support/z402";
import { startWorld, type World } from "./support/world";

const b64json = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64");

describe("stock x402 clients against the z402 paywall", function () {
  let world: World;
  let server: Z402Server;
  let receiver: string;

  before(async function () {
    world = await startWorld();
    await placeEscrow(world.chain, await world.operator());
  });
  beforeEach(async function () {
    receiver = await world.payee();
    server = await serveZ402(world, receiver);
  });
  afterEach(async function () {
    await server.close();
  });
  after(async function () {
    await world.close();
  });

  it("is paid with exact by @x402/fetch (v2, PAYMENT-SIGNATURE), settled before the answer", async function () {
    const res = await stockFetch(world.chain, await world.payer())(`${server.url}/paid`);
    expect(res.status).to.equal(200);
    expect(decodePaymentResponseHeader(res.headers.get("PAYMENT-RESPONSE")!).success).to.equal(true);
    expect(await world.usdc.token.balanceOf(receiver)).to.equal(1000n);
  });

  it("offers both schemes in the v2 PAYMENT-REQUIRED header, in the shape @x402/core decodes", async function () {
    const res = await fetch(`${server.url}/paid`);
    expect(res.status).to.equal(402);
    const required = decodePaymentRequiredHeader(res.headers.get("PAYMENT-REQUIRED")!);
    expect(required.x402Version).to.equal(2);
    expect(required.accepts.map((a: { scheme: string }) => a.scheme)).to.have.members([
      "exact",
      "batch-settlement",
    ]);
    expect(required.accepts.every((a: { network: string }) => a.network === NETWORK)).to.equal(true);
  });

  it("is paid by a v1 client (stock ExactEvmSchemeV1 payload in X-PAYMENT) on the same route, answered in X-PAYMENT-RESPONSE", async function () {
    const payer = await world.payer();
    // The v1 requirements a v1 client works from: the route's exact offer with the v1 network name and
    // maxAmountRequired (see docs/compatibility.md: the paywall's first 402 body is v2-shaped today).
    const first = await fetch(`${server.url}/paid`);
    const offer = decodePaymentRequiredHeader(first.headers.get("PAYMENT-REQUIRED")!).accepts.find(
      (a: { scheme: string }) => a.scheme === "exact",
    )!;
    const v1Requirements = {
      ...offer,
      network: V1_NETWORK,
      maxAmountRequired: offer.amount,
      resource: `${server.url}/paid`,
      description: "",
    };
    const payload = await new ExactEvmSchemeV1(stockClientSigner(world.chain, payer)).createPaymentPayload(
      1,
      v1Requirements as never,
    );
    const res = await fetch(`${server.url}/paid`, { headers: { "X-PAYMENT": b64json(payload) } });
    expect(res.status, await res.clone().text()).to.equal(200);
    const receipt = JSON.parse(
      Buffer.from(res.headers.get("X-PAYMENT-RESPONSE")!, "base64").toString("utf8"),
    );
    expect(receipt.success).to.equal(true);
    expect(await world.usdc.token.balanceOf(receiver)).to.equal(1000n);
  });

  it("is paid with batch-settlement by the stock client: one deposit, then vouchers; the claim and settlement land on Z402Escrow", async function () {
    const payer = await world.payer();
    const { fetch: pay } = stockBatchFetch(world.chain, payer, {
      payerAuthorizer: ethers.Wallet.createRandom() as never,
    });
    for (let i = 0; i < 3; i++) {
      const res = await pay(`${server.url}/paid`);
      expect(res.status, await res.clone().text()).to.equal(200);
      const receipt = decodePaymentResponseHeader(res.headers.get("PAYMENT-RESPONSE")!);
      expect(receipt.success).to.equal(true);
    }
    await server.claimAndSettle();
    expect(await world.usdc.token.balanceOf(receiver)).to.equal(3000n);
  });

  it("is asked for a refund by the stock client's refund(): claims the 3 charges, returns the rest, answers in the stock shape", async function () {
    const payer = await world.payer();
    const { fetch: pay, scheme } = stockBatchFetch(world.chain, payer, {
      payerAuthorizer: ethers.Wallet.createRandom() as never,
    });
    for (let i = 0; i < 3; i++) expect((await pay(`${server.url}/paid`)).status).to.equal(200);
    const before = (await world.usdc.token.balanceOf(payer.address)) as bigint;
    const receipt = await scheme.refund(`${server.url}/paid`);
    const refunded = BigInt(receipt.amount!);
    expect([receipt.success, refunded > 0n]).to.deep.equal([true, true]);
    expect(await world.usdc.token.balanceOf(payer.address)).to.equal(before + refunded);
    const channelId = (receipt.extra as { channelState: { channelId: string } }).channelState.channelId;
    const escrow = new ethers.Contract(
      BATCH_SETTLEMENT,
      ["function channels(bytes32) view returns (uint128 balance, uint128 totalClaimed)"],
      world.chain.ethersProvider,
    );
    expect(await escrow.channels(channelId)).to.deep.equal([3000n, 3000n]);
  });

  it("refunds part of a stock client's channel when its refund() names an amount", async function () {
    const payer = await world.payer();
    const { fetch: pay, scheme } = stockBatchFetch(world.chain, payer, {
      payerAuthorizer: ethers.Wallet.createRandom() as never,
    });
    expect((await pay(`${server.url}/paid`)).status).to.equal(200);
    const receipt = await scheme.refund(`${server.url}/paid`, { amount: "1000" });
    expect([receipt.success, receipt.amount]).to.deep.equal([true, "1000"]);
  });
});
