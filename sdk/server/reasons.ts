import { BaseError } from "../errors/base";
import { PAYER_AUTHORIZER_REQUIRED, X402_REASONS, Z402_REASONS } from "../errors/reasons";

/**
 * Reason codes the paywall answers with. The strings are x402's own where x402 has one
 * (`invalid_batch_settlement_evm_*`, `invalid_exact_evm_*`), and `z402_*` for our additions.
 */
export const REASONS = {
  paymentRequired: "payment_required",
  invalidPayload: "invalid_payload",
  invalidNetwork: "invalid_network",
  unsupportedScheme: "unsupported_scheme",
  invalidX402Version: "invalid_x402_version",
  unsupportedPayloadType: "unsupported_payload_type",
  settlementPending: "settlement_pending",
  headerTooLarge: "z402_header_too_large",
  headerEncoding: "z402_header_encoding",
  signatureHighS: "z402_signature_high_s",
  signatureMalformed: "z402_signature_malformed",
  withdrawPending: "z402_withdraw_pending",
  /** The payment identifier was used for a different payment payload or request (409). */
  idempotencyConflict: Z402_REASONS.paymentIdentifierConflict,
  /** The payment identifier's answer is not kept (over the size cap, or past the window): nothing is served twice. */
  idempotencyAnswerUnavailable: Z402_REASONS.paymentIdentifierAnswerUnavailable,
  chainUnavailable: "z402_chain_unavailable",
  /** The delegated facilitator could not be reached or failed itself (503: the same payment may be retried). */
  facilitatorUnavailable: "z402_facilitator_unavailable",
  exactRecipientMismatch: "invalid_exact_evm_recipient_mismatch",
  exactSignature: "invalid_exact_evm_signature",
  exactValidBefore: "invalid_exact_evm_payload_authorization_valid_before",
  exactValidAfter: "invalid_exact_evm_payload_authorization_valid_after",
  exactValueMismatch: "invalid_exact_evm_payload_authorization_value_mismatch",
  exactNonceAlreadyUsed: "invalid_exact_evm_nonce_already_used",
  exactTransactionFailed: "invalid_exact_evm_transaction_failed",
  exactTokenMismatch: "invalid_exact_evm_network_mismatch",
  bsNetworkMismatch: "invalid_batch_settlement_evm_network_mismatch",
  bsVoucherSignature: "invalid_batch_settlement_evm_voucher_signature",
  bsCumulativeAmountMismatch: "invalid_batch_settlement_evm_cumulative_amount_mismatch",
  bsCumulativeExceedsBalance: "invalid_batch_settlement_evm_cumulative_exceeds_balance",
  bsCumulativeBelowClaimed: "invalid_batch_settlement_evm_cumulative_below_claimed",
  bsChannelBusy: "invalid_batch_settlement_evm_channel_busy",
  bsChannelNotFound: "invalid_batch_settlement_evm_channel_not_found",
  bsChannelIdMismatch: "invalid_batch_settlement_evm_channel_id_mismatch",
  bsReceiverMismatch: "invalid_batch_settlement_evm_receiver_mismatch",
  bsReceiverAuthorizerMismatch: "invalid_batch_settlement_evm_receiver_authorizer_mismatch",
  bsPayerAuthorizerRequired: PAYER_AUTHORIZER_REQUIRED,
  bsTokenMismatch: "invalid_batch_settlement_evm_token_mismatch",
  bsWithdrawDelayMismatch: "invalid_batch_settlement_evm_withdraw_delay_mismatch",
  bsValidBefore: "invalid_batch_settlement_evm_payload_authorization_valid_before",
  bsValidAfter: "invalid_batch_settlement_evm_payload_authorization_valid_after",
  bsReceiveAuthorizationSignature: "invalid_batch_settlement_evm_receive_authorization_signature",
  bsDepositBelowMinDeposit: "invalid_batch_settlement_evm_deposit_below_min_deposit",
  bsDepositTransactionFailed: "invalid_batch_settlement_evm_deposit_transaction_failed",
  bsDepositRiskLimit: Z402_REASONS.depositRiskLimit,
  bsRefundNoBalance: X402_REASONS.bsRefundNoBalance,
  bsRefundAmountInvalid: X402_REASONS.bsRefundAmountInvalid,
  bsRefundTransactionFailed: X402_REASONS.bsRefundTransactionFailed,
  /** An optimistic deposit larger than the payer's token balance. */
  bsInsufficientBalance: X402_REASONS.bsInsufficientBalance,
  /** A deposit whose EIP-3009 authorization is already used while the channel does not cover the voucher. */
  bsDepositAuthorizationUsed: Z402_REASONS.depositAuthorizationUsed,
  /** Sign-in-with-x refusals (a route with `signIn`): the normal 402 answers with one of these. */
  siwxInvalid: Z402_REASONS.siwxInvalid,
  siwxDomainMismatch: Z402_REASONS.siwxDomainMismatch,
  siwxUriMismatch: Z402_REASONS.siwxUriMismatch,
  siwxChainMismatch: Z402_REASONS.siwxChainMismatch,
  siwxExpired: Z402_REASONS.siwxExpired,
  siwxNotYetValid: Z402_REASONS.siwxNotYetValid,
  siwxSignature: Z402_REASONS.siwxSignature,
  siwxNonceUsed: Z402_REASONS.siwxNonceUsed,
  siwxNoAccess: Z402_REASONS.siwxNoAccess,
} as const;

export type Reason = (typeof REASONS)[keyof typeof REASONS];

/**
 * A chain operation's failure as a refusal: a revert is the payment's fault (402 with `reverted`); anything
 * else (RPC down, timeout) is ours, so 503 `z402_chain_unavailable` and the client may retry the same payment.
 */
export function chainFailure(err: unknown, reverted: Reason): PaymentRefusal {
  const e = err as { code?: unknown; message?: unknown } | null;
  const unreachable =
    ["NETWORK_ERROR", "SERVER_ERROR", "TIMEOUT"].includes(String(e?.code)) ||
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|fetch failed|socket hang up/.test(String(e?.message));
  return unreachable ? new PaymentRefusal(REASONS.chainUnavailable, 503) : new PaymentRefusal(reverted);
}

/** A refusal the paywall turns into a 400/402 with a machine-readable reason. */
export class PaymentRefusal extends BaseError {
  override name = "PaymentRefusal";
  constructor(
    readonly reason: Reason | (string & {}),
    readonly status: 400 | 402 | 409 | 503 = 402,
    readonly extra?: Record<string, unknown>,
  ) {
    super(reason, "payment refused");
  }
}
