/**
 * The x402 facilitator contract (request and response shapes of `POST /verify`, `POST /settle`, `GET /supported`),
 * as `@x402/core` 2.27 defines them. Amounts are decimal strings; networks are CAIP-2 inside the facilitator.
 */

import type { OfferedRequirements } from "../types/offer";

/** Payment requirements in the v2 shape; v1 requirements are normalized to it on the way in. */
export type Requirements = OfferedRequirements;

/** A payment payload, v1 (`scheme`/`network` at the top) or v2 (`accepted`). */
export interface Payload {
  x402Version: number;
  payload: Record<string, unknown>;
  accepted?: Requirements;
  scheme?: string;
  network?: string;
  resource?: unknown;
  extensions?: Record<string, unknown>;
}

export interface VerifyResult {
  isValid: boolean;
  invalidReason?: string;
  invalidMessage?: string;
  payer?: string;
  extra?: Record<string, unknown>;
}

export interface SettleResult {
  success: boolean;
  errorReason?: string;
  errorMessage?: string;
  payer?: string;
  /** The transaction hash; `""` when nothing was broadcast. */
  transaction: string;
  network: string;
  amount?: string;
  extra?: Record<string, unknown>;
}

export interface SupportedKind {
  x402Version: number;
  scheme: string;
  network: string;
  extra?: Record<string, unknown>;
}

export interface SupportedResponse {
  kinds: SupportedKind[];
  extensions: string[];
  signers: Record<string, string[]>;
}

/** What a scheme sees: the payload, the requirements normalized to v2, and the wire version they came in. */
export interface SchemeRequest {
  x402Version: 1 | 2;
  payload: Payload;
  requirements: Requirements;
  /** The chain id of `requirements.network`. */
  chainId: number;
  /** The caller's `Authorization` header, if any: what a receiver-side request authenticates with. */
  authorization?: string;
}

/** Who is asking: what the HTTP layer (or an in-process caller) knows about the request beyond its body. */
export interface RequestContext {
  /** The `Authorization` header as received, e.g. `Bearer <receiver secret>`. */
  authorization?: string;
}

/** One scheme's verify/settle logic on the networks it was configured for. */
export interface FacilitatorScheme {
  readonly scheme: string;
  /** CAIP-2 networks this instance serves. */
  readonly networks: readonly string[];
  /** Whether the scheme also has an x402 v1 binding (v1 requests are refused otherwise). */
  readonly v1?: boolean;
  /** Scheme-specific `extra` advertised in `/supported` for `network`. */
  supportedExtra?(network: string): Record<string, unknown> | undefined;
  /** Addresses that sign or send for this scheme. */
  signers(): string[];
  verify(request: SchemeRequest): Promise<VerifyResult>;
  settle(request: SchemeRequest): Promise<SettleResult>;
}

/** The facilitator as a library: what the HTTP service exposes, callable in-process. */
export interface Facilitator {
  verify(paymentPayload: unknown, paymentRequirements: unknown): Promise<VerifyResult>;
  settle(
    paymentPayload: unknown,
    paymentRequirements: unknown,
    context?: RequestContext,
  ): Promise<SettleResult>;
  getSupported(): SupportedResponse;
}
