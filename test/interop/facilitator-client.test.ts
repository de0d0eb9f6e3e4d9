import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  ExactEip3009Scheme,
  createFacilitator,
  facilitatorClient,
  serveFacilitator,
  type RunningFacilitator,
} from "../../sdk/facilitator";
import { NETWORK } from "./support/chain";
import { exactRequirements, signExact } from "./support/exact-auth";
import { serveStockFacilitator, stockExactFacilitator, type Served } from "./support/stock";
import { startWorld, type World } from "./support/world";

describe("facilitatorClient: delegating to an x402 facilitator over HTTP", function () {
  let world: World;
  let ours: RunningFacilitator;
  let stock: Served;

  before(async function () {
    world = await startWorld();
    ours = await serveFacilitator(
      createFacilitator([new ExactEip3009Scheme({ signer: await world.operator(), networks: [NETWORK] })]),
    );
    stock = await serveStockFacilitator(stockExactFacilitator(world.chain, await world.operator()));
  });
  after(async function () {
    await ours.close();
    await stock.close();
    await world.close();
  });

  for (const which of ["z402", "stock"] as const) {
    const url = () => (which === "z402" ? ours.url : stock.url);

    it(`reads /supported from the ${which} facilitator`, async function () {
      const supported = await facilitatorClient(url()).getSupported();
      expect(supported.kinds.map((k) => `${k.x402Version}:${k.scheme}:${k.network}`)).to.include(
        `2:exact:${NETWORK}`,
      );
    });

    it(`verifies and settles an exact payment through the ${which} facilitator`, async function () {
      const payTo = await world.payee();
      const req = exactRequirements(payTo);
      const payload = await signExact(await world.payer(), req);
      const client = facilitatorClient(url());
      expect((await client.verify(payload, req)).isValid).to.equal(true);
      expect((await client.settle(payload, req)).success).to.equal(true);
      expect(await world.usdc.token.balanceOf(payTo)).to.equal(1000n);
    });

    it(`passes the ${which} facilitator's refusal reason through`, async function () {
      const req = exactRequirements(await world.payee());
      const payload = await signExact(await world.payer(), req, { value: "999" });
      const result = await facilitatorClient(url()).verify(payload, req);
      expect(result.isValid).to.equal(false);
      expect(result.invalidReason).to.match(/^invalid_exact_evm_/);
    });
  }

  describe("when the facilitator cannot be reached or does not answer", function () {
    let silent: http.Server;
    let silentUrl: string;
    before(async function () {
      silent = http.createServer(() => undefined); // accepts, never answers
      await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
      silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    });
    after(async function () {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    });

    it("answers a settle that timed out with settlement_pending, never a plain failure", async function () {
      const req = exactRequirements(await world.payee());
      const result = await facilitatorClient(silentUrl, { timeoutMs: 200 }).settle({ x402Version: 2 }, req);
      expect(result).to.include({ success: false, errorReason: "settlement_pending", network: NETWORK });
    });

    it("answers a verify that could not be made with unexpected_verify_error", async function () {
      const req = exactRequirements(await world.payee());
      const result = await facilitatorClient(silentUrl, { timeoutMs: 200 }).verify({ x402Version: 2 }, req);
      expect(result).to.include({ isValid: false, invalidReason: "unexpected_verify_error" });
    });
  });
});
