import { expect } from "chai";
import fc from "fast-check";
import {
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
  decodePaymentSignatureHeader,
  decodeXPaymentHeader,
  encodePaymentSignatureHeader,
} from "../../../sdk/codec";
import { DecodeError } from "../../../sdk/errors";
import { PAYMENT_PAYLOAD } from "./support/wire";

const decoders = [
  decodePaymentSignatureHeader,
  decodeXPaymentHeader,
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
];

/** Runs every decoder; anything thrown must be a DecodeError. */
function decodeAll(value: string): void {
  for (const decode of decoders) {
    try {
      decode(value);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
    }
  }
}

const GOOD = encodePaymentSignatureHeader(PAYMENT_PAYLOAD);
const GOOD_JSON = JSON.stringify(PAYMENT_PAYLOAD);

describe("sdk/codec fuzzing", function () {
  it("throws only DecodeError on random strings", function () {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => decodeAll(s)),
      { numRuns: 1500 },
    );
  });

  it("throws only DecodeError on random base64 of random JSON", function () {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) =>
        decodeAll(Buffer.from(JSON.stringify(v)).toString("base64")),
      ),
      { numRuns: 1000 },
    );
  });

  it("throws only DecodeError on a valid header with mutated characters", function () {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ ";
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(GOOD.length - 1), fc.constantFrom(...alphabet.split(""))), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          const chars = GOOD.split("");
          for (const [i, c] of edits) chars[i] = c;
          decodeAll(chars.join(""));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("throws only DecodeError on valid base64 of mutated JSON", function () {
    fc.assert(
      fc.property(fc.nat(GOOD_JSON.length - 1), fc.string({ minLength: 1, maxLength: 3 }), (i, s) => {
        const text = GOOD_JSON.slice(0, i) + s + GOOD_JSON.slice(i + 1);
        decodeAll(Buffer.from(text).toString("base64"));
      }),
      { numRuns: 1000 },
    );
  });

  it("throws only DecodeError when a field takes a random JSON value", function () {
    const fields = ["x402Version", "accepted", "payload", "resource", "extensions"] as const;
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 3 }), (field, value) => {
        decodeAll(Buffer.from(JSON.stringify({ ...PAYMENT_PAYLOAD, [field]: value })).toString("base64"));
      }),
      { numRuns: 800 },
    );
  });

  it("throws only DecodeError for an x402Version object that cannot become a string", function () {
    const hostile = Buffer.from(JSON.stringify({ ...PAYMENT_PAYLOAD, x402Version: { toString: false } }));
    expect(() => decodeAll(hostile.toString("base64"))).not.to.throw();
  });

  it("decodes every header it encodes", function () {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (amount) => {
        const payload = {
          ...PAYMENT_PAYLOAD,
          accepted: { ...PAYMENT_PAYLOAD.accepted, amount: amount.toString() },
        };
        expect(decodePaymentSignatureHeader(encodePaymentSignatureHeader(payload)).accepted.amount).to.equal(
          amount.toString(),
        );
      }),
      { numRuns: 300 },
    );
  });
});
