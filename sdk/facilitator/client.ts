import type { SettleResult, SupportedResponse, VerifyResult } from "./types";
import { Reason } from "./reasons";

export interface FacilitatorClientOptions {
  /** Per-request deadline in ms (default 30 s; settle waits for a receipt on the other side). */
  timeoutMs?: number;
  /** Extra headers per request (e.g. an API key for a hosted facilitator). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

/** Any x402 facilitator reached over HTTP: ours, the stock x402 one, or a hosted one. */
export interface RemoteFacilitator {
  readonly url: string;
  verify(paymentPayload: unknown, paymentRequirements: unknown): Promise<VerifyResult>;
  settle(paymentPayload: unknown, paymentRequirements: unknown): Promise<SettleResult>;
  getSupported(): Promise<SupportedResponse>;
}

function version(payload: unknown): unknown {
  return typeof payload === "object" && payload !== null
    ? (payload as { x402Version?: unknown }).x402Version
    : undefined;
}

/**
 * A client for the x402 facilitator HTTP API, for a server that delegates verification and settlement. Transport
 * failures of verify and settle become answers, not throws: a verify that cannot be made is `unexpected_verify_error`; a settle whose
 * outcome is unknown (timeout, connection lost after sending) is `settlement_pending`, because the facilitator may
 * have broadcast it, and answering with a fresh 402 then would make the payer pay twice.
 */
export function facilitatorClient(url: string, options: FacilitatorClientOptions = {}): RemoteFacilitator {
  const base = url.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 30_000;
  const doFetch = options.fetch ?? fetch;

  async function call(path: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
    const res = await doFetch(`${base}${path}`, {
      ...init,
      headers: { "content-type": "application/json", ...options.headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, body };
  }

  const post = (path: string, paymentPayload: unknown, paymentRequirements: unknown) =>
    call(path, {
      method: "POST",
      body: JSON.stringify({ x402Version: version(paymentPayload), paymentPayload, paymentRequirements }),
    });

  return {
    url: base,
    async verify(paymentPayload, paymentRequirements) {
      try {
        const { body } = await post("/verify", paymentPayload, paymentRequirements);
        if (
          typeof body === "object" &&
          body !== null &&
          typeof (body as VerifyResult).isValid === "boolean"
        ) {
          return body as VerifyResult;
        }
        return {
          isValid: false,
          invalidReason: Reason.unexpectedVerifyError,
          invalidMessage: "malformed answer",
        };
      } catch (e) {
        return {
          isValid: false,
          invalidReason: Reason.unexpectedVerifyError,
          invalidMessage: (e as Error).message,
        };
      }
    },
    async settle(paymentPayload, paymentRequirements) {
      const network = String((paymentRequirements as { network?: unknown } | undefined)?.network ?? "");
      try {
        const { body } = await post("/settle", paymentPayload, paymentRequirements);
        if (
          typeof body === "object" &&
          body !== null &&
          typeof (body as SettleResult).success === "boolean"
        ) {
          return Object.assign({ transaction: "", network }, body as SettleResult);
        }
        return {
          success: false,
          errorReason: Reason.settlementPending,
          errorMessage: "malformed answer",
          transaction: "",
          network,
        };
      } catch (e) {
        return {
          success: false,
          errorReason: Reason.settlementPending,
          errorMessage: (e as Error).message,
          transaction: "",
          network,
        };
      }
    },
    async getSupported() {
      const { status, body } = await call("/supported", { method: "GET" });
      if (
        status !== 200 ||
        typeof body !== "object" ||
        body === null ||
        !Array.isArray((body as SupportedResponse).kinds)
      ) {
        throw new Error(`facilitator ${base} answered /supported with status ${status}`);
      }
      const b = body as Partial<SupportedResponse>;
      return { kinds: b.kinds!, extensions: b.extensions ?? [], signers: b.signers ?? {} };
    },
  };
}
