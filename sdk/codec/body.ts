/** The JSON body of a 402 response: v1 (`{x402Version:1, error, accepts[]}`) or v2 (the `PaymentRequired` object). */
import type { PaymentRequired } from "../types/x402";
import { DecodeError } from "../errors/classes";
import { X402_REASONS } from "../errors/reasons";
import { parseOrThrow } from "../schemas/parse";
import { PaymentRequiredSchema, PaymentRequiredV1Schema } from "../schemas/x402";
import { parseJsonObject } from "./json";
import type { PaymentRequiredV1Wire } from "./convert";

/** Largest 402 body this SDK parses (64 KiB). */
export const MAX_BODY_BYTES = 65536;

export type DecodedPaymentRequired =
  { version: 2; paymentRequired: PaymentRequired } | { version: 1; paymentRequired: PaymentRequiredV1Wire };

/** Parses a 402 body (text or already-parsed JSON) into a v1 or v2 payment-required object. */
export function decodePaymentRequiredBody(body: string | unknown): DecodedPaymentRequired {
  let obj: Record<string, unknown>;
  if (typeof body === "string") {
    if (body.length > MAX_BODY_BYTES) {
      throw new DecodeError(X402_REASONS.invalidPayload, "402 body exceeds the size limit", {
        details: { length: body.length, limit: MAX_BODY_BYTES },
      });
    }
    obj = parseJsonObject(body, "402 body");
  } else if (body !== null && typeof body === "object" && !Array.isArray(body)) {
    obj = body as Record<string, unknown>;
  } else {
    throw new DecodeError(X402_REASONS.invalidPayload, "402 body is not a JSON object");
  }
  if (obj.x402Version === 1) {
    return {
      version: 1,
      paymentRequired: parseOrThrow(PaymentRequiredV1Schema, obj, "402 body") as PaymentRequiredV1Wire,
    };
  }
  if (obj.x402Version === 2) {
    return {
      version: 2,
      paymentRequired: parseOrThrow(PaymentRequiredSchema, obj, "402 body") as PaymentRequired,
    };
  }
  throw new DecodeError(X402_REASONS.invalidX402Version, "402 body has an unsupported x402Version");
}

/** The v1 402 body as JSON text. */
export function encodePaymentRequiredV1Body(value: PaymentRequiredV1Wire): string {
  return JSON.stringify(value);
}
