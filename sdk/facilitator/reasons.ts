import { X402_REASONS } from "../errors/reasons";

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
} as const;

/** Every reason the facilitator answers with: x402's own strings, so stock servers and clients recognize them. */
export const Reason = { ...X402_REASONS, ...FACILITATOR_REASONS } as const;
