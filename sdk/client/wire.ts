import { decodeBase64Utf8, encodeBase64Utf8 } from "../codec/base64";
import { stringifyWire } from "../codec/json";
import type { OfferedRequirements } from "../types/offer";
import { extensionsOf } from "./extensions";

/** One `accepts[]` entry as the client reads it (v1 entries are mapped to the v2 shape). */
export type Offer = OfferedRequirements;

export interface Required {
  error?: string;
  resource?: unknown;
  accepts: Offer[];
  /** The server-declared extensions (v2), to echo in the payment payload. */
  extensions?: Record<string, unknown>;
}

/** Standard padded base64 of UTF-8 JSON, bigint-safe (browser-safe: no Buffer). */
export function encodeJson(value: unknown): string {
  return encodeBase64Utf8(stringifyWire(value));
}

/** The JSON in a header, or undefined when it is not canonical base64 of UTF-8 JSON. */
export function decodeJson(value: string): unknown {
  try {
    return JSON.parse(decodeBase64Utf8(value, 64 * 1024));
  } catch {
    return undefined;
  }
}

function validOffer(o: unknown): o is Offer {
  const x = o as Offer;
  return (
    typeof x === "object" && x !== null && typeof x.scheme === "string" && typeof x.amount === "string" &&
    /^[0-9]{1,78}$/.test(x.amount) && typeof x.payTo === "string" && typeof x.asset === "string" &&
    typeof x.extra === "object" && x.extra !== null
  ); // prettier-ignore
}

/** The 402's requirements: the v2 `PAYMENT-REQUIRED` header first, else a v1 body. */
export function paymentRequiredOf(headers: Headers, body: string | undefined): Required | undefined {
  const header = headers.get("payment-required");
  let parsed: unknown = header ? decodeJson(header) : undefined;
  if (!parsed && body) {
    try {
      const v1 = JSON.parse(body) as {
        x402Version?: number;
        error?: string;
        accepts?: Array<Record<string, unknown>>;
      };
      if (v1.x402Version === 1 && Array.isArray(v1.accepts)) {
        parsed = {
          error: v1.error,
          resource: { url: v1.accepts[0]?.resource },
          accepts: v1.accepts.map((a) => ({ ...a, amount: a.maxAmountRequired, extra: a.extra ?? {} })),
        };
      }
    } catch {
      return undefined;
    }
  }
  const r = parsed as Required | undefined;
  if (!r || !Array.isArray(r.accepts)) return undefined;
  const extensions = extensionsOf(r.extensions);
  return {
    error: r.error,
    resource: r.resource,
    accepts: r.accepts.filter(validOffer),
    ...(extensions ? { extensions } : {}),
  };
}
