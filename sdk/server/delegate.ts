import { facilitatorClient } from "../facilitator/client";
import type { SettleResult, SupportedResponse, VerifyResult } from "../facilitator/types";
import { parseReason, X402_REASONS } from "../errors/reasons";
import type { OfferedRequirements } from "../types/offer";
import { PaymentRefusal, REASONS } from "./reasons";

/**
 * Any x402 facilitator as the paywall sees it: our `facilitatorClient`, the stock `HTTPFacilitatorClient`, or an
 * in-process facilitator. Failures may be answers (`isValid:false`, `success:false`) or throws.
 */
export interface PaymentFacilitator {
  verify(paymentPayload: never, paymentRequirements: never): Promise<VerifyResult>;
  settle(paymentPayload: never, paymentRequirements: never): Promise<SettleResult>;
  getSupported?(): Promise<SupportedResponse> | SupportedResponse;
}

/** A facilitator URL, a URL with headers (e.g. an API key), or a client object. */
export type FacilitatorOption =
  string | { url: string; headers?: Record<string, string>; timeoutMs?: number } | PaymentFacilitator;

/** A v2 payment payload as a facilitator expects it: the offer it pays, and the scheme's payload. */
export interface DelegatedPayment {
  x402Version: 2;
  accepted: OfferedRequirements;
  payload: unknown;
  /** The resource and the server-declared extensions (Bazaar), for a facilitator that catalogs. */
  resource?: unknown;
  extensions?: Record<string, unknown>;
}

function resolve(option: FacilitatorOption): PaymentFacilitator {
  if (typeof option === "string") return facilitatorClient(option);
  if ("verify" in option) return option;
  return facilitatorClient(option.url, {
    ...(option.headers ? { headers: option.headers } : {}),
    ...(option.timeoutMs !== undefined ? { timeoutMs: option.timeoutMs } : {}),
  });
}

// Answers that say the facilitator (not the payment) failed: the same payment may be retried, so 503.
const FACILITATOR_DOWN = new Set<string>([
  X402_REASONS.unexpectedVerifyError,
  X402_REASONS.unexpectedSettleError,
]);

/** A facilitator's reason as a refusal: its own trouble is 503, a pending settlement 503, anything else 402. */
function refusal(reason: unknown): PaymentRefusal {
  const code = parseReason(reason);
  if (FACILITATOR_DOWN.has(code)) return new PaymentRefusal(REASONS.facilitatorUnavailable, 503);
  if (code === X402_REASONS.settlementPending) return new PaymentRefusal(REASONS.settlementPending, 503);
  return new PaymentRefusal(code);
}

/**
 * The paywall's link to a facilitator: `/verify` then `/settle` (x402 order), with every failure mapped to a
 * refusal. A throw carrying a reason (the stock client's `VerifyError`/`SettleError`) is that reason; a throw
 * without one is a facilitator we could not reach: 503 on verify, `settlement_pending` on settle (it may have
 * broadcast, so the payer must not be told to pay again).
 */
export class FacilitatorDelegate {
  private readonly facilitator: PaymentFacilitator;

  constructor(option: FacilitatorOption) {
    this.facilitator = resolve(option);
  }

  async verifyAndSettle(payment: DelegatedPayment, requirements: OfferedRequirements): Promise<SettleResult> {
    let verdict: VerifyResult;
    try {
      verdict = await this.facilitator.verify(payment as never, requirements as never);
    } catch (err) {
      throw refusal(
        (err as { invalidReason?: unknown } | null)?.invalidReason ?? X402_REASONS.unexpectedVerifyError,
      );
    }
    if (!verdict.isValid) throw refusal(verdict.invalidReason);
    return this.settle(payment, requirements);
  }

  /** `/settle` alone: what server-authored payloads (`claim`, `settle`) use, since there is nothing to verify. */
  async settle(payment: DelegatedPayment, requirements: OfferedRequirements): Promise<SettleResult> {
    let settled: SettleResult;
    try {
      settled = await this.facilitator.settle(payment as never, requirements as never);
    } catch (err) {
      throw refusal((err as { errorReason?: unknown } | null)?.errorReason ?? X402_REASONS.settlementPending);
    }
    if (!settled.success) throw refusal(settled.errorReason);
    return settled;
  }
}
