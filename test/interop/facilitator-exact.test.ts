import { expect } from "chai";
import { ethers } from "ethers";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { decodePaymentResponseHeader } from "@x402/core/http";
import {
  createFacilitator,
  serveFacilitator,
  ExactEip3009Scheme,
  type RunningFacilitator,
} from "../../sdk/facilitator";
import { NETWORK } from "./support/chain";
import { USDC } from "./support/place";
import { serveStockExpress, stockFetch } from "./support/stock";
import { startWorld, type World } from "./support/world";
import { exactRequirements, signExact } from "./support/exact-auth";

describe("z402 facilitator: exact (EIP-3009)", function () {
  let world: World;
  let service: RunningFacilitator;
  let client: HTTPFacilitatorClient;

  before(async function () {
    world = await startWorld();
    const scheme = new ExactEip3009Scheme({ signer: await world.operator(), networks: [NETWORK] });
    service = await serveFacilitator(createFacilitator([scheme]));
    client = new HTTPFacilitatorClient({ url: service.url });
  });
  after(async function () {
    await service.close();
    await world.close();
  });

  describe("GET /supported", function () {
    it("advertises exact for v2 (CAIP-2) and v1 (network name)", async function () {
      const supported = await client.getSupported();
      expect(supported.kinds).to.deep.include({ x402Version: 2, scheme: "exact", network: NETWORK });
      expect(supported.kinds).to.deep.include({ x402Version: 1, scheme: "exact", network: "base-sepolia" });
    });
  });

  describe("POST /verify through the stock HTTPFacilitatorClient", function () {
    it("accepts a valid authorization and names the payer", async function () {
      const payer = await world.payer();
      const req = exactRequirements(await world.payee());
      const result = await client.verify((await signExact(payer, req)) as never, req as never);
      expect(result).to.include({ isValid: true, payer: payer.address });
    });

    it("rejects a signature by another key", async function () {
      const payer = await world.payer();
      const req = exactRequirements(await world.payee());
      const forged = await signExact(await world.payer(), req);
      (forged.payload.authorization as { from: string }).from = payer.address;
      const result = await client.verify(forged as never, req as never);
      expect(result.invalidReason).to.equal("invalid_exact_evm_signature");
    });

    it("rejects an authorization to another recipient", async function () {
      const req = exactRequirements(await world.payee());
      const payload = await signExact(await world.payer(), req, { to: await world.payee() });
      expect((await client.verify(payload as never, req as never)).invalidReason).to.equal(
        "invalid_exact_evm_recipient_mismatch",
      );
    });

    it("rejects an authorization expiring within the 6 s buffer", async function () {
      const req = exactRequirements(await world.payee());
      const payload = await signExact(await world.payer(), req, {
        validBefore: String(Math.floor(Date.now() / 1000) + 5),
      });
      expect((await client.verify(payload as never, req as never)).invalidReason).to.equal(
        "invalid_exact_evm_payload_authorization_valid_before",
      );
    });

    it("rejects an authorization not yet valid", async function () {
      const req = exactRequirements(await world.payee());
      const payload = await signExact(await world.payer(), req, {
        validAfter: String(Math.floor(Date.now() / 1000) + 60),
      });
      expect((await client.verify(payload as never, req as never)).invalidReason).to.equal(
        "invalid_exact_evm_payload_authorization_valid_after",
      );
    });

    it("rejects a v2 value above the price (v2 requires equality)", async function () {
      const req = exactRequirements(await world.payee());
      const payload = await signExact(await world.payer(), req, { value: "1001" });
      expect((await client.verify(payload as never, req as never)).invalidReason).to.equal(
        "invalid_exact_evm_authorization_value",
      );
    });

    it("rejects a payer without the balance", async function () {
      const req = exactRequirements(await world.payee());
      const payload = await signExact(await world.payer(999n), req);
      expect((await client.verify(payload as never, req as never)).invalidReason).to.equal(
        "invalid_exact_evm_insufficient_balance",
      );
    });

    it("rejects requirements without the token's EIP-712 name and version", async function () {
      const req = exactRequirements(await world.payee());
      const payload = await signExact(await world.payer(), req);
      const bare = { ...req, extra: {} };
      expect((await client.verify(payload as never, bare as never)).invalidReason).to.equal(
        "invalid_exact_evm_missing_eip712_domain",
      );
    });

    it("rejects a scheme it does not serve", async function () {
      const req = { ...exactRequirements(await world.payee()), scheme: "upto" };
      const payload = { x402Version: 2, accepted: req, payload: {} };
      expect((await client.verify(payload as never, req as never)).invalidReason).to.equal(
        "unsupported_scheme",
      );
    });

    it("rejects a network it does not serve", async function () {
      const req = { ...exactRequirements(await world.payee()), network: "eip155:8453" };
      const payload = await signExact(await world.payer(), req as never);
      expect((await client.verify(payload as never, req as never)).invalidReason).to.equal(
        "unsupported_scheme",
      );
    });

    it("accepts a v1 request (network name, maxAmountRequired) with a value at or above the price", async function () {
      const payer = await world.payer();
      const v2 = exactRequirements(await world.payee());
      const signed = await signExact(payer, v2, { value: "1500" });
      const v1Req = {
        ...v2,
        network: "base-sepolia",
        maxAmountRequired: "1000",
        resource: "http://x/",
        description: "",
      };
      const v1Payload = { x402Version: 1, scheme: "exact", network: "base-sepolia", payload: signed.payload };
      const result = await client.verify(v1Payload as never, v1Req as never);
      expect(result).to.include({ isValid: true, payer: payer.address });
    });
  });

  describe("POST /settle", function () {
    it("moves the tokens with transferWithAuthorization and returns the transaction", async function () {
      const payTo = await world.payee();
      const req = exactRequirements(payTo);
      const result = await client.settle((await signExact(await world.payer(), req)) as never, req as never);
      expect(result.success).to.equal(true);
      expect(result.transaction).to.match(/^0x[0-9a-f]{64}$/);
      expect(await world.usdc.token.balanceOf(payTo)).to.equal(1000n);
    });

    it("refuses to settle the same authorization twice", async function () {
      const req = exactRequirements(await world.payee());
      const payload = await signExact(await world.payer(), req);
      await client.settle(payload as never, req as never);
      const again = await client.settle(payload as never, req as never);
      expect(again).to.include({
        success: false,
        errorReason: "invalid_exact_evm_nonce_already_used",
        transaction: "",
      });
    });

    it("settles concurrent payments sent with one relayer key without a nonce race", async function () {
      const payTo = await world.payee();
      const req = exactRequirements(payTo);
      const payloads = [];
      for (let i = 0; i < 4; i++) payloads.push(await signExact(await world.payer(), req)); // minting is sequential
      const results = await Promise.all(payloads.map((p) => client.settle(p as never, req as never)));
      expect(results.map((r: { success: boolean }) => r.success)).to.deep.equal([true, true, true, true]);
      expect(await world.usdc.token.balanceOf(payTo)).to.equal(4000n);
    });

    it("answers two concurrent settles of one authorization with the same transaction, paying once", async function () {
      const payTo = await world.payee();
      const req = exactRequirements(payTo);
      const payload = await signExact(await world.payer(), req);
      const [a, b] = await Promise.all([
        client.settle(payload as never, req as never),
        client.settle(payload as never, req as never),
      ]);
      expect([a.success, b.success]).to.deep.equal([true, true]);
      expect(a.transaction).to.equal(b.transaction);
      expect(await world.usdc.token.balanceOf(payTo)).to.equal(1000n);
    });

    it("answers settlement_pending with the hash when the receipt does not arrive, then reconciles the retry", async function () {
      const scheme = new ExactEip3009Scheme({
        signer: await world.operator(),
        networks: [NETWORK],
        confirmationTimeoutMs: 200,
      });
      const slow = createFacilitator([scheme]);
      const payTo = await world.payee();
      const req = exactRequirements(payTo);
      const payload = await signExact(await world.payer(), req);
      await world.chain.provider.request({ method: "evm_setAutomine", params: [false] });
      let first;
      try {
        first = await slow.settle(payload, req);
      } finally {
        await world.chain.provider.request({ method: "evm_setAutomine", params: [true] });
      }
      expect(first).to.include({ success: false, errorReason: "settlement_pending" });
      await world.chain.provider.request({ method: "evm_mine", params: [] });
      const retry = await slow.settle(payload, req);
      expect(retry).to.include({ success: true, transaction: first.transaction });
      expect(await world.usdc.token.balanceOf(payTo)).to.equal(1000n);
    });
  });

  describe("HTTP edge cases", function () {
    const post = (path: string, body: string) =>
      fetch(`${service.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });

    it("answers a non-JSON body with 200 and invalid_payload", async function () {
      const res = await post("/verify", "{not json");
      expect(res.status).to.equal(200);
      expect(await res.json()).to.include({ isValid: false, invalidReason: "invalid_payload" });
    });

    it("answers an unknown x402Version with invalid_x402_version", async function () {
      const res = await post(
        "/settle",
        JSON.stringify({ paymentPayload: { x402Version: 3, payload: {} }, paymentRequirements: {} }),
      );
      expect(await res.json()).to.include({
        success: false,
        errorReason: "invalid_x402_version",
        transaction: "",
      });
    });

    it("answers requirements with a numeric amount with invalid_payment_requirements", async function () {
      const req = exactRequirements(await world.payee());
      const payload = await signExact(await world.payer(), req);
      const res = await post(
        "/verify",
        JSON.stringify({ paymentPayload: payload, paymentRequirements: { ...req, amount: 1000 } }),
      );
      expect(await res.json()).to.include({ isValid: false, invalidReason: "invalid_payment_requirements" });
    });

    it("answers a null payload with invalid_payload", async function () {
      const req = exactRequirements(await world.payee());
      const res = await post("/settle", JSON.stringify({ paymentPayload: null, paymentRequirements: req }));
      expect(await res.json()).to.include({ success: false, errorReason: "invalid_payload" });
    });

    it("answers an authorization with a malformed address with invalid_payload", async function () {
      const req = exactRequirements(await world.payee());
      const payload = await signExact(await world.payer(), req);
      (payload.payload.authorization as { from: string }).from = "0x1234";
      const res = await post(
        "/verify",
        JSON.stringify({ paymentPayload: payload, paymentRequirements: req }),
      );
      expect(await res.json()).to.include({ isValid: false, invalidReason: "invalid_payload" });
    });

    it("rejects the high-s twin of a valid signature", async function () {
      const req = exactRequirements(await world.payee());
      const payload = await signExact(await world.payer(), req);
      const sig = ethers.Signature.from(payload.payload.signature);
      const n = BigInt("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
      const highS = ethers.concat([
        sig.r,
        ethers.toBeHex(n - BigInt(sig.s), 32),
        sig.v === 27 ? "0x1c" : "0x1b",
      ]);
      payload.payload.signature = highS;
      const res = await post(
        "/verify",
        JSON.stringify({ paymentPayload: payload, paymentRequirements: req }),
      );
      expect(await res.json()).to.include({ isValid: false, invalidReason: "invalid_exact_evm_signature" });
    });

    it("answers a body over the limit with 413", async function () {
      const res = await post("/verify", JSON.stringify({ pad: "x".repeat(70 * 1024) }));
      expect(res.status).to.equal(413);
    });

    it("answers GET /verify with 405 and unknown paths with 404", async function () {
      expect((await fetch(`${service.url}/verify`)).status).to.equal(405);
      expect((await fetch(`${service.url}/nope`)).status).to.equal(404);
    });
  });

  describe("behind a stock @x402/express server, paid by a stock @x402/fetch client", function () {
    it("serves the paid route and settles on-chain", async function () {
      const payTo = await world.payee();
      const server = await serveStockExpress(service.url, {
        "GET /paid": {
          accepts: {
            scheme: "exact",
            network: NETWORK,
            payTo,
            price: { amount: "2500", asset: USDC, extra: { name: "USDC", version: "2" } },
          },
        },
      });
      try {
        const res = await stockFetch(world.chain, await world.payer())(`${server.url}/paid`);
        expect(res.status).to.equal(200);
        expect(decodePaymentResponseHeader(res.headers.get("PAYMENT-RESPONSE")!).success).to.equal(true);
        expect(await world.usdc.token.balanceOf(payTo)).to.equal(2500n);
      } finally {
        await server.close();
      }
    });
  });
});
