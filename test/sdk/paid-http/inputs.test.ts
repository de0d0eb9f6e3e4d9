import { expect } from "chai";
import { deploy, startServer, type Deployment, type TestServer } from "./support/fixture";
import { b64, openChannel, PRICE, reasonOf, type Kit } from "./support/kit";

/** Engineering anchors §2d: every malformed payment gets a 400/402 with a stable reason, never a 500. */
describe("paywall: malformed payment headers", function () {
  let d: Deployment;
  let server: TestServer;
  let kit: Kit;
  let good: Record<string, unknown>;
  before(async () => {
    d = await deploy();
    server = await startServer(d);
    kit = await openChannel(d, server);
    good = kit.body(await kit.voucher(2n * PRICE));
  });
  after(async () => server.close());

  const expectReason = async (res: Response, status: number, reason: string) => {
    expect({ status: res.status, reason: await reasonOf(res) }).to.deep.equal({ status, reason });
  };
  const withPayload = (payload: Record<string, unknown>) => ({
    ...good,
    payload: { ...(good.payload as object), ...payload },
  });
  const withVoucher = (voucher: Record<string, unknown>) =>
    withPayload({ voucher: { ...(good.payload as { voucher: object }).voucher, ...voucher } });
  const withConfig = (c: Record<string, unknown>) => withPayload({ channelConfig: { ...kit.config, ...c } });

  describe("size and encoding", function () {
    it("refuses an empty header", async () =>
      expectReason(await kit.send("/paid/a", ""), 400, "z402_header_encoding"));
    it("refuses a header one byte over the 8 KiB cap", async () =>
      expectReason(await kit.send("/paid/a", "A".repeat(8196)), 400, "z402_header_too_large"));
    it("decodes (and refuses as non-JSON) a header exactly at the cap", async () =>
      expectReason(await kit.send("/paid/a", "QUFB".repeat(2048)), 400, "invalid_payload"));
    it("lets Node answer 431 to a 20 KiB header", async () =>
      expect((await kit.send("/paid/a", "A".repeat(20 * 1024))).status).to.equal(431));
    it("answers 431 to a 1 MiB header", async () =>
      expect((await kit.send("/paid/a", "A".repeat(1024 * 1024))).status).to.equal(431));
    it("refuses non-base64 characters", async () =>
      expectReason(await kit.send("/paid/a", "@@@@"), 400, "z402_header_encoding"));
    it("refuses base64url", async () =>
      expectReason(await kit.send("/paid/a", "-_-_"), 400, "z402_header_encoding"));
    it("refuses missing padding", async () =>
      expectReason(await kit.send("/paid/a", "eyJ9"), 400, "invalid_payload"));
    it("refuses a length that is not a multiple of 4", async () =>
      expectReason(await kit.send("/paid/a", "eyJhIjoxfQ="), 400, "z402_header_encoding"));
    it("refuses inner whitespace", async () =>
      expectReason(await kit.send("/paid/a", "eyJh IjoxfQ=="), 400, "z402_header_encoding"));
    it("refuses base64 of bytes that are not UTF-8", async () =>
      expectReason(
        await kit.send("/paid/a", Buffer.from([0xff, 0xfe, 0xfd]).toString("base64")),
        400,
        "z402_header_encoding",
      ));
    it("refuses a duplicated header (joined with a comma)", async () => {
      const headers = new Headers();
      headers.append("payment-signature", b64(good));
      headers.append("payment-signature", b64(good));
      await expectReason(await fetch(server.url + "/paid/a", { headers }), 400, "z402_header_encoding");
    });
  });

  describe("JSON", function () {
    it("refuses text that is not JSON", async () =>
      expectReason(await kit.send("/paid/a", b64("not json")), 400, "invalid_payload"));
    for (const [name, value] of [
      ["null", "null"],
      ["an array", "[1]"],
      ["a number", "7"],
      ["a string", '"x"'],
    ]) {
      it(`refuses JSON ${name}`, async () =>
        expectReason(await kit.send("/paid/a", b64(value)), 400, "invalid_payload"));
    }
    it("refuses a nesting bomb", async () =>
      expectReason(
        await kit.send("/paid/a", b64("[".repeat(2500) + "]".repeat(2500))),
        400,
        "invalid_payload",
      ));
    it("refuses __proto__ keys", async () =>
      expectReason(
        await kit.send("/paid/a", b64(`{"x402Version":2,"__proto__":{"polluted":1}}`)),
        400,
        "invalid_payload",
      ));
    it("refuses an 8 KiB digit string as an amount", async () => {
      const res = await kit.send("/paid/a", b64(withVoucher({ maxClaimableAmount: "9".repeat(5000) })));
      expect(res.status).to.equal(400);
    });
  });

  describe("types", function () {
    for (const [name, amount] of [
      ["a JSON number", 2000],
      ["negative", "-1"],
      ["hex", "0x10"],
      ["exponent notation", "1e21"],
      ["above 2^128-1", (2n ** 128n).toString()],
      ["leading zeros", "02000"],
    ] as const) {
      it(`refuses an amount that is ${name}`, async () =>
        expectReason(
          await kit.send("/paid/a", b64(withVoucher({ maxClaimableAmount: amount }))),
          400,
          "invalid_payload",
        ));
    }
    it("refuses an address with a bad checksum", async () => {
      const bad =
        kit.config.payer.slice(0, 2) + kit.config.payer.slice(2, 3).toLowerCase() ===
        kit.config.payer.slice(0, 3)
          ? "0x" +
            kit.config.payer
              .slice(2)
              .split("")
              .map((c, i) => (i === 0 ? c : c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()))
              .join("")
          : kit.config.payer;
      const res = await kit.send("/paid/a", b64(withConfig({ payer: bad })));
      expect(res.status).to.be.oneOf([400, 402]);
    });
    it("refuses a 19-byte address", async () =>
      expectReason(
        await kit.send("/paid/a", b64(withConfig({ payer: "0x" + "11".repeat(19) }))),
        400,
        "invalid_payload",
      ));
    it("refuses an upper-case 0X prefix", async () =>
      expectReason(
        await kit.send("/paid/a", b64(withConfig({ payer: "0X" + "11".repeat(20) }))),
        400,
        "invalid_payload",
      ));
    it("refuses a 64-byte signature", async () =>
      expectReason(
        await kit.send("/paid/a", b64(withVoucher({ signature: "0x" + "11".repeat(64) }))),
        402,
        "z402_signature_malformed",
      ));
    it("refuses a 66-byte signature", async () =>
      expectReason(
        await kit.send("/paid/a", b64(withVoucher({ signature: "0x" + "11".repeat(66) }))),
        402,
        "z402_signature_malformed",
      ));
    it("refuses an odd-length hex signature", async () =>
      expectReason(
        await kit.send("/paid/a", b64(withVoucher({ signature: "0x" + "1".repeat(131) }))),
        400,
        "invalid_payload",
      ));
    it("refuses a high-s signature", async () => {
      const v = await kit.voucher(2n * PRICE);
      const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      const s = BigInt("0x" + v.signature.slice(66, 130));
      const flipped =
        v.signature.slice(0, 66) +
        (n - s).toString(16).padStart(64, "0") +
        (v.signature.endsWith("1b") ? "1c" : "1b");
      await expectReason(
        await kit.send("/paid/a", b64(withVoucher({ signature: flipped }))),
        402,
        "z402_signature_high_s",
      );
    });
    it("refuses x402Version 3", async () =>
      expectReason(await kit.send("/paid/a", b64({ ...good, x402Version: 3 })), 400, "invalid_x402_version"));
    it("refuses an unknown scheme", async () =>
      expectReason(
        await kit.send("/paid/a", b64({ ...good, accepted: { ...kit.accepted, scheme: "upto" } })),
        402,
        "unsupported_scheme",
      ));
    it("refuses an unknown payload type", async () =>
      expectReason(await kit.send("/paid/a", b64(withPayload({ type: "claim" }))), 400, "invalid_payload"));
  });

  describe("routing", function () {
    for (const path of ["/paid/x%", "/paid/x%c0", "/PAID/A/", "/paid//a", "/paid/a?x=1"]) {
      it(`asks for payment on ${path}`, async () =>
        expect((await fetch(server.url + path)).status).to.equal(402));
    }
    it("asks for payment on HEAD", async () =>
      expect((await fetch(server.url + "/paid/a", { method: "HEAD" })).status).to.equal(402));
    it("asks for payment on OPTIONS", async () =>
      expect((await fetch(server.url + "/paid/a", { method: "OPTIONS" })).status).to.equal(402));
    it("serves a free route without payment", async () =>
      expect((await fetch(server.url + "/free")).status).to.equal(200));
  });

  describe("402 shape", function () {
    it("is not cacheable and exposes the payment headers to browsers", async () => {
      const res = await fetch(server.url + "/paid/a");
      expect([
        res.headers.get("cache-control"),
        res.headers.get("access-control-expose-headers"),
      ]).to.deep.equal(["no-store", "PAYMENT-REQUIRED, PAYMENT-RESPONSE, X-PAYMENT-RESPONSE"]);
    });
    it("answers a v1 client (X-PAYMENT) with a v1 body", async () => {
      const res = await kit.send(
        "/paid/a",
        b64({ x402Version: 1, scheme: "exact", network: "base-sepolia", payload: {} }),
        "x-payment",
      );
      const body = (await res.json()) as { x402Version: number; accepts: { maxAmountRequired: string }[] };
      expect([res.status, body.x402Version, body.accepts[0].maxAmountRequired]).to.deep.equal([
        402,
        1,
        PRICE.toString(),
      ]);
    });
  });
});
