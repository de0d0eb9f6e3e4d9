import { PAYER_AUTHORIZER_REQUIRED, X402_REASONS, Z402_REASONS } from "../errors/reasons";

/**
 * Strings `@x402/evm` 2.27's batch-settlement facilitator emits that only a facilitator produces (simulation and
 * authorizer failures), so `sdk/errors` does not list them.
 */
export const FACILITATOR_REASONS = {
  bsDepositSimulationFailed: "invalid_batch_settlement_evm_deposit_simulation_failed",
  bsClaimSimulationFailed: "invalid_batch_settlement_evm_claim_simulation_failed",
  bsRefundSimulationFailed: "invalid_batch_settlement_evm_refund_simulation_failed",
  bsAuthorizerNotConfigured: "invalid_batch_settlement_evm_authorizer_not_configured",
  bsAuthorizerAddressMismatch: "invalid_batch_settlement_evm_authorizer_address_mismatch",
  /** A voucher or deposit on a channel without a payerAuthorizer: the paywall's code, for the same refusal. */
  bsPayerAuthorizerRequired: PAYER_AUTHORIZER_REQUIRED,
} as const;

/**
 * Refusals of a receiver-side request (one the facilitator would sign with its receiverAuthorizer key). x402 has
 * no strings for them, hence `z402_*`; the authentication ones carry an HTTP status ({@link AUTH_STATUS}).
 */
export const RECEIVER_SIDE_REASONS = {
  /** No `Authorization: Bearer` credential on a request the facilitator would sign for (401). */
  receiverAuthRequired: Z402_REASONS.receiverAuthRequired,
  /** A bearer credential no configured receiver holds (401). */
  receiverAuthInvalid: Z402_REASONS.receiverAuthInvalid,
  /** A valid credential, but not of the receiver of every channel in the request (403). */
  receiverForbidden: Z402_REASONS.receiverForbidden,
  /** A refund the facilitator would sign for a nonce other than the channel's current one: nothing is signed. */
  refundNonceStale: Z402_REASONS.refundNonceStale,
} as const;

/** HTTP status of the refusals that are about who asks, not about the payment (every other answer is a 200). */
export const AUTH_STATUS: Readonly<Record<string, 401 | 403>> = {
  [RECEIVER_SIDE_REASONS.receiverAuthRequired]: 401,
  [RECEIVER_SIDE_REASONS.receiverAuthInvalid]: 401,
  [RECEIVER_SIDE_REASONS.receiverForbidden]: 403,
};

/** Every reason the facilitator answers with: x402's own strings, so stock servers and clients recognize them. */
export const Reason = { ...X402_REASONS, ...FACILITATOR_REASONS, ...RECEIVER_SIDE_REASONS } as const;
