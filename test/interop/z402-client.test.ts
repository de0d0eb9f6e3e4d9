import { expect } from "chai";
import { decodePaymentResponseHeader } from "@x402/core/http";
import { ethers } from "ethers";
import {
  BatchSettlementScheme,
  ExactEip3009Scheme,
  createFacilitator,
  serveFacilitator,
} from "../../sdk/facilitator";
import { NETWORK } from "./support/chain";
import { USDC } from "./support/place";
import { placeEscrow, serveStockBatchExpress, stockBatchFacilitator } from "./support/batch";
import {
  serveStockExpress,
  serveStockFacilitator,
  stockExactFacilitator,
  type Served,
} from "./support/stock";
import { z402Fetch } from "./support/z402";
import { startWorld, type World } from "./support/world";

describe("the z402 paying fetch against stock @x402/express servers", function () {
  let world: World;
  const facilitators: Record<"stock" | "z402", Served> = {} as never;

  before(async function () {
    world = await startWorld();
    await placeEscrow(world.chain, await world.operator());
    const stockSigner = await world.operator();
    const stock = stockExactFacilitator(world.chain, stockSigner);
    facilitators.stock = await serveStockFacilitator(stock);
    const signer = await world.operator();
    facilitators.z402 = await serveFacilitator(
      createFacilitator([
        new ExactEip3009Scheme({ signer, networks: [NETWORK] }),
        new BatchSettlementScheme({ signer, networks: [NETWORK] }),
      ]),
    );
  });
  after(async function () {
    await Promise.all(Object.values(facilitators).map((f) => f.close()));
    await world.close();
  });

  for (const which of ["stock", "z402"] as const) {
    it(`pays an exact route through the ${which} facilitator`, async function () {
      const payTo = await world.payee();
      const server = await serveStockExpress(facilitators[which].url, {
        "GET /paid": {
          accepts: {
            scheme: "exact",
            network: NETWORK,
            payTo,
            price: { amount: "1500", asset: USDC, extra: { name: "USDC", version: "2" } },
          },
        },
      });
      try {
        const res = await z402Fetch(world, await world.payer())(`${server.url}/paid`);
        expect(res.status, await res.clone().text()).to.equal(200);
        expect(decodePaymentResponseHeader(res.headers.get("PAYMENT-RESPONSE")!).success).to.equal(true);
        expect(await world.usdc.token.balanceOf(payTo)).to.equal(1500n);
      } finally {
        await server.close();
      }
    });
  }

  it("pays a stock batch-settlement route: deposit on Z402Escrow, then vouchers, then the server's claim and settlement", async function () {
    const batchFacilitator = await serveStockFacilitator(
      stockBatchFacilitator(world.chain, await world.operator()),
    );
    const receiver = await world.payee();
    const server = await serveStockBatchExpress(
      batchFacilitator.url,
      receiver,
      ethers.Wallet.createRandom().privateKey,
      "800",
    );
    try {
      const pay = z402Fetch(world, await world.payer());
      for (let i = 0; i < 3; i++) {
        const res = await pay(`${server.url}/paid`);
        expect(res.status, await res.clone().text()).to.equal(200);
      }
      await server.claimAndSettle();
      expect(await world.usdc.token.balanceOf(receiver)).to.equal(2400n);
    } finally {
      await server.close();
      await batchFacilitator.close();
    }
  });

  /** A stock batch-settlement server charging 500 per request, delegating to the z402 facilitator. */
  async function stockBatchServerOnZ402(receiver: string) {
    return serveStockBatchExpress(
      facilitators.z402.url,
      receiver,
      ethers.Wallet.createRandom().privateKey,
      "500",
    );
  }

  it("pays a stock batch-settlement route whose server delegates to the z402 facilitator", async function () {
    const receiver = await world.payee();
    const server = await stockBatchServerOnZ402(receiver);
    try {
      const pay = z402Fetch(world, await world.payer());
      for (let i = 0; i < 2; i++) {
        const res = await pay(`${server.url}/paid`);
        expect(res.status, await res.clone().text()).to.equal(200);
      }
      await server.claimAndSettle();
      expect(await world.usdc.token.balanceOf(receiver)).to.equal(1000n);
    } finally {
      await server.close();
    }
  });

  it("asks a stock batch-settlement server for a refund: the server claims the 2 charges and returns the rest", async function () {
    const server = await stockBatchServerOnZ402(await world.payee());
    try {
      const payer = await world.payer();
      const pay = z402Fetch(world, payer);
      for (let i = 0; i < 2; i++) expect((await pay(`${server.url}/paid`)).status).to.equal(200);
      const before = (await world.usdc.token.balanceOf(payer.address)) as bigint;
      const result = await pay.refund(`${server.url}/paid`);
      expect(result.amount).to.equal(10_000n - 1000n);
      expect(await world.usdc.token.balanceOf(payer.address)).to.equal(before + result.amount);
    } finally {
      await server.close();
    }
  });
});
