import { expect } from "chai";
import { decodePaymentResponseHeader } from "@x402/core/http";
import { startChain, NETWORK, type InteropChain } from "./support/chain";
import { placeMulticall, placeUsdc, USDC, type PlacedUsdc } from "./support/place";
import {
  serveStockExpress,
  serveStockFacilitator,
  stockExactFacilitator,
  stockFetch,
  type Served,
} from "./support/stock";

describe("interop harness: stock x402 against stock x402 on the interop chain", function () {
  let chain: InteropChain;
  let usdc: PlacedUsdc;
  const servers: Served[] = [];

  before(async function () {
    chain = await startChain();
    const admin = await chain.newAccount();
    await placeMulticall(chain, admin);
    usdc = await placeUsdc(chain, admin);
  });
  after(async function () {
    await Promise.all(servers.map((s) => s.close()));
    await chain.close();
  });

  it("settles an exact payment from @x402/fetch through @x402/express and x402Facilitator", async function () {
    const payer = await chain.newAccount();
    const payTo = (await chain.newAccount()).address;
    await usdc.mint(payer.address, 1_000_000n);
    const facilitator = await serveStockFacilitator(stockExactFacilitator(chain, await chain.newAccount()));
    const server = await serveStockExpress(facilitator.url, {
      "GET /paid": {
        accepts: {
          scheme: "exact",
          network: NETWORK,
          payTo,
          price: { amount: "1000", asset: USDC, extra: { name: "USDC", version: "2" } },
        },
      },
    });
    servers.push(facilitator, server);
    const res = await stockFetch(chain, payer)(`${server.url}/paid`);
    expect(res.status).to.equal(200);
    const receipt = decodePaymentResponseHeader(res.headers.get("PAYMENT-RESPONSE")!);
    expect(receipt.success).to.equal(true);
    expect(await usdc.token.balanceOf(payTo)).to.equal(1000n);
  });
});
