import { expect } from "chai";
import { decodePaymentResponseHeader } from "@x402/core/http";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { placeEscrow, stockBatchFacilitator } from "./support/batch";
import { serveStockFacilitator, stockExactFacilitator, stockFetch, type Served } from "./support/stock";
import { serveZ402, z402Fetch, type Z402Server } from "./support/z402";
import { startWorld, type World } from "./support/world";

describe("z402 paywall delegating to the stock @x402/core facilitator", function () {
  let world: World;
  let exactFacilitator: Served;
  let batchFacilitator: Served;

  before(async function () {
    world = await startWorld();
    await placeEscrow(world.chain, await world.operator());
    exactFacilitator = await serveStockFacilitator(
      stockExactFacilitator(world.chain, await world.operator()),
    );
    batchFacilitator = await serveStockFacilitator(
      stockBatchFacilitator(world.chain, await world.operator()),
    );
  });
  after(async function () {
    await exactFacilitator.close();
    await batchFacilitator.close();
    await world.close();
  });

  describe("exact, facilitator given as a URL", function () {
    let server: Z402Server;
    let payTo: string;
    before(async function () {
      payTo = await world.payee();
      server = await serveZ402(world, payTo, 1000n, { facilitator: exactFacilitator.url });
    });
    after(async function () {
      await server.close();
    });

    it("is paid by the stock client and settled by the stock facilitator", async function () {
      const res = await stockFetch(world.chain, await world.payer())(`${server.url}/paid`);
      expect([res.status, await world.usdc.token.balanceOf(payTo)]).to.deep.equal([200, 1000n]);
    });

    it("carries the facilitator's transaction in PAYMENT-RESPONSE", async function () {
      const res = await stockFetch(world.chain, await world.payer())(`${server.url}/paid`);
      const { transaction } = decodePaymentResponseHeader(res.headers.get("payment-response")!);
      const receipt = await world.chain.ethersProvider.getTransactionReceipt(transaction);
      expect(receipt?.status).to.equal(1);
    });
  });

  describe("exact, facilitator given as the stock HTTPFacilitatorClient", function () {
    it("passes the stock facilitator's refusal through as a 402", async function () {
      const server = await serveZ402(world, await world.payee(), 1000n, {
        facilitator: new HTTPFacilitatorClient({ url: exactFacilitator.url }),
      });
      try {
        // A payer without USDC signs a valid authorization the facilitator cannot settle.
        const broke = await world.operator();
        const res = await stockFetch(world.chain, broke)(`${server.url}/paid`);
        expect([res.status, (await res.json()).error]).to.deep.equal([
          402,
          "invalid_exact_evm_insufficient_balance",
        ]);
      } finally {
        await server.close();
      }
    });
  });

  describe("batch-settlement", function () {
    let server: Z402Server;
    let payTo: string;
    before(async function () {
      payTo = await world.payee();
      server = await serveZ402(world, payTo, 1000n, { facilitator: batchFacilitator.url });
    });
    after(async function () {
      await server.close();
    });

    it("lands a deposit through the stock facilitator and serves the vouchers after it", async function () {
      const pay = z402Fetch(world, await world.payer());
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await pay(`${server.url}/paid`)).status);
      expect(statuses).to.deep.equal([200, 200, 200]);
    });

    it("claims and settles the served vouchers through the stock facilitator", async function () {
      await server.claimAndSettle();
      expect(await world.usdc.token.balanceOf(payTo)).to.equal(3000n);
    });
  });
});
