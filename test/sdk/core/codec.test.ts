import { expect } from "chai";
import * as x402http from "@x402/core/http";
import {
  decodeBase64Utf8,
  decodePaymentFromHeaders,
  decodePaymentRequiredBody,
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
  decodePaymentSignatureHeader,
  decodeXPaymentHeader,
  encodeBase64Utf8,
  encodePaymentRequiredHeader,
  encodePaymentResponseHeader,
  encodePaymentSignatureHeader,
  encodeXPaymentHeader,
  MAX_HEADER_BYTES,
  parseBatchSettlementExtra,
  parseBatchSettlementPayload,
  parseExactEvmPayload,
  paymentPayloadFromV1,
  paymentRequiredToV1,
  requirementsFromV1,
} from "../../../sdk/codec";
import { DecodeError } from "../../../sdk/errors";
import { PAYMENT_PAYLOAD, PAYMENT_REQUIRED, REQUIREMENTS, SETTLE_RESPONSE } from "./support/wire";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64");
const expectCode = (fn: () => unknown, code: string) =>
  expect(fn).to.throw(DecodeError).with.property("code", code);

describe("sdk/codec", function () {
  describe("interop with @x402/core", function () {
    it("our PAYMENT-REQUIRED decodes with @x402/core, and theirs with ours", function () {
      expect(
        x402http.decodePaymentRequiredHeader(encodePaymentRequiredHeader(PAYMENT_REQUIRED)),
      ).to.deep.equal(PAYMENT_REQUIRED);
      expect(
        decodePaymentRequiredHeader(x402http.encodePaymentRequiredHeader(PAYMENT_REQUIRED)),
      ).to.deep.equal(PAYMENT_REQUIRED);
    });

    it("our PAYMENT-SIGNATURE decodes with @x402/core, and theirs with ours", function () {
      expect(
        x402http.decodePaymentSignatureHeader(encodePaymentSignatureHeader(PAYMENT_PAYLOAD)),
      ).to.deep.equal(PAYMENT_PAYLOAD);
      expect(
        decodePaymentSignatureHeader(x402http.encodePaymentSignatureHeader(PAYMENT_PAYLOAD)),
      ).to.deep.equal(PAYMENT_PAYLOAD);
    });

    it("our PAYMENT-RESPONSE decodes with @x402/core, and theirs with ours", function () {
      expect(
        x402http.decodePaymentResponseHeader(encodePaymentResponseHeader(SETTLE_RESPONSE)),
      ).to.deep.equal(SETTLE_RESPONSE);
      expect(
        decodePaymentResponseHeader(x402http.encodePaymentResponseHeader(SETTLE_RESPONSE)),
      ).to.deep.equal(SETTLE_RESPONSE);
    });

    it("encodes byte-for-byte what @x402/core encodes", function () {
      expect(encodePaymentSignatureHeader(PAYMENT_PAYLOAD)).to.equal(
        x402http.encodePaymentSignatureHeader(PAYMENT_PAYLOAD),
      );
    });
  });

  describe("v1", function () {
    const v1 = {
      x402Version: 1,
      scheme: "exact",
      network: "base-sepolia",
      payload: { signature: "0x" },
    } as const;

    it("round-trips X-PAYMENT", function () {
      expect(decodeXPaymentHeader(encodeXPaymentHeader(v1))).to.deep.equal(v1);
    });

    it("decodes X-PAYMENT when PAYMENT-SIGNATURE is absent, case-insensitively", function () {
      const got = decodePaymentFromHeaders({ "x-payment": encodeXPaymentHeader(v1) });
      expect(got?.version).to.equal(1);
    });

    it("prefers PAYMENT-SIGNATURE over X-PAYMENT", function () {
      const got = decodePaymentFromHeaders(
        new Headers({
          "payment-signature": encodePaymentSignatureHeader(PAYMENT_PAYLOAD),
          "x-payment": "junk",
        }),
      );
      expect(got?.version).to.equal(2);
    });

    it("returns undefined when no payment header is present", function () {
      expect(decodePaymentFromHeaders({})).to.equal(undefined);
    });

    it("converts a v2 PaymentRequired into the v1 body and back", function () {
      const body = paymentRequiredToV1(PAYMENT_REQUIRED);
      expect(body.accepts[0]).to.include({ network: "base-sepolia", maxAmountRequired: "1000" });
      expect(body.accepts[0].resource).to.equal("https://api.example/weather");
      const decoded = decodePaymentRequiredBody(JSON.stringify(body));
      expect(decoded.version).to.equal(1);
      const back = requirementsFromV1(body.accepts[0]);
      expect(back.requirements).to.deep.equal(PAYMENT_REQUIRED.accepts[0]);
    });

    it("leaves out entries on chains v1 cannot name", function () {
      const local = {
        ...PAYMENT_REQUIRED,
        accepts: [{ ...REQUIREMENTS, network: "eip155:31337" as const, extra: {} }],
      };
      expect(paymentRequiredToV1(local).accepts).to.have.length(0);
    });

    it("lifts a v1 payment to v2 only against a matching requirement", function () {
      const accepted = { ...REQUIREMENTS, scheme: "exact", extra: {} };
      expect(paymentPayloadFromV1(v1, accepted).accepted).to.equal(accepted);
      expectCode(() => paymentPayloadFromV1({ ...v1, network: "base" }, accepted), "invalid_payload");
    });

    it("decodes a v2 402 body and rejects other versions", function () {
      expect(decodePaymentRequiredBody(PAYMENT_REQUIRED).version).to.equal(2);
      expectCode(() => decodePaymentRequiredBody({ x402Version: 3, accepts: [] }), "invalid_x402_version");
    });
  });

  describe("scheme payloads", function () {
    it("parses the batch-settlement voucher payload and extra", function () {
      expect(parseBatchSettlementPayload(PAYMENT_PAYLOAD.payload).type).to.equal("voucher");
      expect(parseBatchSettlementExtra(REQUIREMENTS.extra).withdrawDelay).to.equal(3600);
    });

    it("rejects an unknown payload type", function () {
      expectCode(
        () => parseBatchSettlementPayload({ ...PAYMENT_PAYLOAD.payload, type: "steal" }),
        "invalid_payload",
      );
    });

    it("rejects an exact payload with a negative value", function () {
      const auth = {
        from: REQUIREMENTS.payTo,
        to: REQUIREMENTS.payTo,
        value: "-1",
        validAfter: "0",
        validBefore: "1",
        nonce: "0x" + "00".repeat(32),
      };
      expectCode(
        () => parseExactEvmPayload({ signature: "0x" + "11".repeat(65), authorization: auth }),
        "invalid_payload",
      );
    });

    it("rejects a batch-settlement extra without receiverAuthorizer", function () {
      const { receiverAuthorizer: _r, ...rest } = REQUIREMENTS.extra;
      expectCode(() => parseBatchSettlementExtra(rest), "invalid_payment_requirements");
    });
  });

  describe("bad headers get a typed error", function () {
    const good = encodePaymentSignatureHeader(PAYMENT_PAYLOAD);
    const cases: Array<[string, string, string]> = [
      ["empty", "", "z402_header_encoding"],
      ["non-base64 characters", "!!!!", "z402_header_encoding"],
      ["base64url alphabet", good.replace(/[+/]/g, "-") + "-_", "z402_header_encoding"],
      ["missing padding", "eyJhIjoxfQ", "z402_header_encoding"],
      ["truncated", good.slice(0, good.length - 5), "z402_header_encoding"],
      ["whitespace inside", good.slice(0, 8) + " " + good.slice(8), "z402_header_encoding"],
      ["non-canonical trailing bits", "eR==", "z402_header_encoding"],
      ["padding in the middle", "eQ==eQ==", "z402_header_encoding"],
      ["invalid UTF-8", Buffer.from([0xc3, 0x28, 0x7b]).toString("base64"), "z402_header_encoding"],
      ["two values joined by a comma", `${good}, ${good}`, "z402_header_encoding"],
      ["not JSON", Buffer.from("hello").toString("base64"), "invalid_payload"],
      ["JSON null", b64(null), "invalid_payload"],
      ["JSON array", b64([1]), "invalid_payload"],
      ["JSON string", b64("x"), "invalid_payload"],
      [
        "a __proto__ key",
        Buffer.from('{"__proto__":{"x":1},"x402Version":2}').toString("base64"),
        "invalid_payload",
      ],
      [
        "a __proto__ key spelled with unicode escapes",
        Buffer.from(String.raw`{"\u005f_proto__":{"x":1},"x402Version":2}`).toString("base64"),
        "invalid_payload",
      ],
      ["a constructor key", b64({ x402Version: 2, constructor: { prototype: 1 } }), "invalid_payload"],
      [
        "a nesting bomb",
        Buffer.from("[".repeat(3000) + "]".repeat(3000)).toString("base64"),
        "invalid_payload",
      ],
      ["wrong version", b64({ ...PAYMENT_PAYLOAD, x402Version: 1 }), "invalid_x402_version"],
      ["missing accepted", b64({ ...PAYMENT_PAYLOAD, accepted: undefined }), "invalid_payload"],
      [
        "amount as a number",
        b64({ ...PAYMENT_PAYLOAD, accepted: { ...REQUIREMENTS, amount: 1000 } }),
        "invalid_payload",
      ],
      [
        "amount beyond uint256",
        b64({ ...PAYMENT_PAYLOAD, accepted: { ...REQUIREMENTS, amount: "1" + "0".repeat(78) } }),
        "invalid_payload",
      ],
      [
        "a v1 network name",
        b64({ ...PAYMENT_PAYLOAD, accepted: { ...REQUIREMENTS, network: "base" } }),
        "invalid_payload",
      ],
      [
        "an upper-case scheme",
        b64({ ...PAYMENT_PAYLOAD, accepted: { ...REQUIREMENTS, scheme: "EXACT" } }),
        "invalid_payload",
      ],
    ];
    for (const [label, value, code] of cases) {
      it(`rejects ${label} with ${code}`, function () {
        expectCode(() => decodePaymentSignatureHeader(value), code);
      });
    }

    it("refuses a header one byte over 8 KiB before decoding it", function () {
      expectCode(
        () => decodePaymentSignatureHeader("A".repeat(MAX_HEADER_BYTES + 4)),
        "z402_header_too_large",
      );
    });

    it("decodes a header of exactly 8 KiB as far as its content allows", function () {
      const text = "A".repeat(MAX_HEADER_BYTES);
      expectCode(() => decodePaymentSignatureHeader(text), "invalid_payload");
    });

    it("rejects a duplicated header delivered as an array", function () {
      expectCode(() => decodePaymentFromHeaders({ "payment-signature": [good, good] }), "invalid_payload");
    });
  });

  it("round-trips non-ASCII text through base64", function () {
    expect(decodeBase64Utf8(encodeBase64Utf8("café ☕"))).to.equal("café ☕");
  });
});
