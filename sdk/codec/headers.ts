/** Header names and the encode/decode of every x402 header, v2 and v1. */
import type { PaymentPayload, PaymentPayloadV1, PaymentRequired, SettleResponse } from "../types/x402";
import { DecodeError } from "../errors/classes";
import { X402_REASONS } from "../errors/reasons";
import { parseOrThrow } from "../schemas/parse";
import {
  PaymentPayloadSchema,
  PaymentPayloadV1Schema,
  PaymentRequiredSchema,
  SettleResponseSchema,
} from "../schemas/x402";
import { decodeBase64Utf8, encodeBase64Utf8, MAX_HEADER_BYTES } from "./base64";
import { parseJsonObject, stringifyWire } from "./json";

export const HEADERS = Object.freeze({
  paymentRequired: "PAYMENT-REQUIRED",
  paymentSignature: "PAYMENT-SIGNATURE",
  paymentResponse: "PAYMENT-RESPONSE",
  xPayment: "X-PAYMENT",
  xPaymentResponse: "X-PAYMENT-RESPONSE",
});

/** Headers a browser must be allowed to read on 402 and paid responses. */
export const EXPOSED_HEADERS = [
  HEADERS.paymentRequired,
  HEADERS.paymentResponse,
  HEADERS.xPaymentResponse,
] as const;

function decodeHeaderJson(value: string, what: string, maxLength: number): Record<string, unknown> {
  return parseJsonObject(decodeBase64Utf8(value, maxLength), what);
}

function requireVersion(obj: Record<string, unknown>, expected: 1 | 2, what: string): void {
  if (obj.x402Version !== expected) {
    throw new DecodeError(X402_REASONS.invalidX402Version, `${what} has an unsupported x402Version`, {
      details: {
        // Never String() an attacker's object: `{"toString": false}` would throw a TypeError here.
        x402Version: typeof obj.x402Version === "number" ? obj.x402Version : typeof obj.x402Version,
      },
    });
  }
}

/** `PAYMENT-REQUIRED` header value (v2). */
export function encodePaymentRequiredHeader(value: PaymentRequired): string {
  return encodeBase64Utf8(stringifyWire(value));
}

export function decodePaymentRequiredHeader(value: string, maxLength = MAX_HEADER_BYTES): PaymentRequired {
  const obj = decodeHeaderJson(value, "PAYMENT-REQUIRED", maxLength);
  requireVersion(obj, 2, "PAYMENT-REQUIRED");
  return parseOrThrow(PaymentRequiredSchema, obj, "PAYMENT-REQUIRED") as PaymentRequired;
}

/** `PAYMENT-SIGNATURE` header value (v2 payment). */
export function encodePaymentSignatureHeader(value: PaymentPayload): string {
  return encodeBase64Utf8(stringifyWire(value));
}

export function decodePaymentSignatureHeader(value: string, maxLength = MAX_HEADER_BYTES): PaymentPayload {
  const obj = decodeHeaderJson(value, "PAYMENT-SIGNATURE", maxLength);
  requireVersion(obj, 2, "PAYMENT-SIGNATURE");
  return parseOrThrow(PaymentPayloadSchema, obj, "PAYMENT-SIGNATURE") as PaymentPayload;
}

/** v1 payload with its network as a plain name (`base-sepolia`). */
export type PaymentPayloadV1Wire = Omit<PaymentPayloadV1, "network"> & { network: string };

/** `X-PAYMENT` header value (v1 payment). */
export function encodeXPaymentHeader(value: PaymentPayloadV1Wire): string {
  return encodeBase64Utf8(stringifyWire(value));
}

export function decodeXPaymentHeader(value: string, maxLength = MAX_HEADER_BYTES): PaymentPayloadV1Wire {
  const obj = decodeHeaderJson(value, "X-PAYMENT", maxLength);
  requireVersion(obj, 1, "X-PAYMENT");
  return parseOrThrow(PaymentPayloadV1Schema, obj, "X-PAYMENT") as PaymentPayloadV1Wire;
}

/** `PAYMENT-RESPONSE` (v2) or `X-PAYMENT-RESPONSE` (v1) header value. `extensionResponses` is never sent. */
export function encodePaymentResponseHeader(value: SettleResponse): string {
  const { extensionResponses: _omit, ...rest } = value;
  return encodeBase64Utf8(stringifyWire(rest));
}

export function decodePaymentResponseHeader(value: string, maxLength = MAX_HEADER_BYTES): SettleResponse {
  const obj = decodeHeaderJson(value, "PAYMENT-RESPONSE", maxLength);
  return parseOrThrow(SettleResponseSchema, obj, "PAYMENT-RESPONSE") as SettleResponse;
}

/** A decoded payment from either header, tagged with its version. */
export type DecodedPayment =
  { version: 2; payload: PaymentPayload } | { version: 1; payload: PaymentPayloadV1Wire };

/** Looks a header up case-insensitively in a plain record or a `Headers`-like object. */
export function getHeader(
  headers: Record<string, string | string[] | undefined> | { get(name: string): string | null },
  name: string,
): string | undefined {
  if (typeof (headers as { get?: unknown }).get === "function") {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (k.toLowerCase() !== lower || v === undefined) continue;
    if (Array.isArray(v)) {
      if (v.length !== 1) throw new DecodeError(X402_REASONS.invalidPayload, `duplicate ${name} header`);
      return v[0];
    }
    return v;
  }
  return undefined;
}

/**
 * Reads the payment of a request: `PAYMENT-SIGNATURE` (v2) first, then `X-PAYMENT` (v1). Returns `undefined` when
 * neither is present; throws `DecodeError` when one is present but bad (two values joined by a comma included).
 */
export function decodePaymentFromHeaders(
  headers: Parameters<typeof getHeader>[0],
  maxLength = MAX_HEADER_BYTES,
): DecodedPayment | undefined {
  const v2 = getHeader(headers, HEADERS.paymentSignature);
  if (v2 !== undefined) return { version: 2, payload: decodePaymentSignatureHeader(v2.trim(), maxLength) };
  const v1 = getHeader(headers, HEADERS.xPayment);
  if (v1 !== undefined) return { version: 1, payload: decodeXPaymentHeader(v1.trim(), maxLength) };
  return undefined;
}
