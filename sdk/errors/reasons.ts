/**
 * Machine-readable reason codes. Two groups:
 * - `X402_REASONS`: strings defined by the x402 project (its spec and `@x402/evm`'s constants), mirrored exactly;
 * - `Z402_REASONS`: codes this SDK adds for conditions x402 has no string for.
 * Anything else a peer sends is kept as an opaque string (`ReasonCode` accepts any string).
 */
export const X402_REASONS = {
  // general
  insufficientFunds: "insufficient_funds",
  invalidNetwork: "invalid_network",
  invalidPayload: "invalid_payload",
  invalidPaymentRequirements: "invalid_payment_requirements",
  invalidScheme: "invalid_scheme",
  unsupportedScheme: "unsupported_scheme",
  invalidX402Version: "invalid_x402_version",
  invalidTransactionState: "invalid_transaction_state",
  unexpectedVerifyError: "unexpected_verify_error",
  unexpectedSettleError: "unexpected_settle_error",
  unsupportedPayloadType: "unsupported_payload_type",
  settlementPending: "settlement_pending",
  // exact (EIP-3009)
  exactScheme: "invalid_exact_evm_scheme",
  exactNetworkMismatch: "invalid_exact_evm_network_mismatch",
  exactMissingEip712Domain: "invalid_exact_evm_missing_eip712_domain",
  exactRecipientMismatch: "invalid_exact_evm_recipient_mismatch",
  exactSignature: "invalid_exact_evm_signature",
  exactValidBefore: "invalid_exact_evm_payload_authorization_valid_before",
  exactValidAfter: "invalid_exact_evm_payload_authorization_valid_after",
  exactValueMismatch: "invalid_exact_evm_payload_authorization_value_mismatch",
  exactAuthorizationValue: "invalid_exact_evm_authorization_value",
  exactNonceAlreadyUsed: "invalid_exact_evm_nonce_already_used",
  exactInsufficientBalance: "invalid_exact_evm_insufficient_balance",
  exactTokenNameMismatch: "invalid_exact_evm_token_name_mismatch",
  exactTokenVersionMismatch: "invalid_exact_evm_token_version_mismatch",
  exactTransactionFailed: "invalid_exact_evm_transaction_failed",
  exactUndeployedSmartWallet: "invalid_exact_evm_payload_undeployed_smart_wallet",
  // batch-settlement (the escrow scheme)
  bsScheme: "invalid_batch_settlement_evm_scheme",
  bsNetworkMismatch: "invalid_batch_settlement_evm_network_mismatch",
  bsMissingEip712Domain: "invalid_batch_settlement_evm_missing_eip712_domain",
  bsPayloadType: "invalid_batch_settlement_evm_payload_type",
  bsVoucherSignature: "invalid_batch_settlement_evm_voucher_signature",
  bsCumulativeAmountMismatch: "invalid_batch_settlement_evm_cumulative_amount_mismatch",
  bsCumulativeExceedsBalance: "invalid_batch_settlement_evm_cumulative_exceeds_balance",
  bsCumulativeBelowClaimed: "invalid_batch_settlement_evm_cumulative_below_claimed",
  bsChargeExceedsSignedCumulative: "invalid_batch_settlement_evm_charge_exceeds_signed_cumulative",
  bsChannelBusy: "invalid_batch_settlement_evm_channel_busy",
  bsChannelNotFound: "invalid_batch_settlement_evm_channel_not_found",
  bsChannelIdMismatch: "invalid_batch_settlement_evm_channel_id_mismatch",
  bsChannelIdInvalid: "invalid_batch_settlement_evm_channel_id_invalid",
  bsReceiverMismatch: "invalid_batch_settlement_evm_receiver_mismatch",
  bsReceiverAuthorizerMismatch: "invalid_batch_settlement_evm_receiver_authorizer_mismatch",
  bsTokenMismatch: "invalid_batch_settlement_evm_token_mismatch",
  bsWithdrawDelayOutOfRange: "invalid_batch_settlement_evm_withdraw_delay_out_of_range",
  bsWithdrawDelayMismatch: "invalid_batch_settlement_evm_withdraw_delay_mismatch",
  bsInsufficientBalance: "invalid_batch_settlement_evm_insufficient_balance",
  bsValidBefore: "invalid_batch_settlement_evm_payload_authorization_valid_before",
  bsValidAfter: "invalid_batch_settlement_evm_payload_authorization_valid_after",
  bsReceiveAuthorizationSignature: "invalid_batch_settlement_evm_receive_authorization_signature",
  bsErc3009AuthorizationRequired: "invalid_batch_settlement_evm_erc3009_authorization_required",
  bsDepositBelowMinDeposit: "invalid_batch_settlement_evm_deposit_below_min_deposit",
  bsDepositTransactionFailed: "invalid_batch_settlement_evm_deposit_transaction_failed",
  bsClaimTransactionFailed: "invalid_batch_settlement_evm_claim_transaction_failed",
  bsSettleTransactionFailed: "invalid_batch_settlement_evm_settle_transaction_failed",
  bsNothingToSettle: "invalid_batch_settlement_evm_nothing_to_settle",
  bsRefundPayload: "invalid_batch_settlement_evm_refund_payload",
  bsRefundNoBalance: "invalid_batch_settlement_evm_refund_no_balance",
  bsRefundAmountInvalid: "invalid_batch_settlement_evm_refund_amount_invalid",
  bsRefundTransactionFailed: "invalid_batch_settlement_evm_refund_transaction_failed",
  bsVerificationStateUnavailable: "invalid_batch_settlement_evm_verification_state_unavailable",
} as const;

/** Codes this SDK adds; none of them exists in x402. */
export const Z402_REASONS = {
  /** A payment header longer than the SDK's cap (8 KiB), refused before decoding. */
  headerTooLarge: "z402_header_too_large",
  /** A header that is not standard padded base64 of UTF-8 JSON. */
  headerEncoding: "z402_header_encoding",
  /** A signature whose `s` is in the upper half of the curve order (malleable). */
  signatureHighS: "z402_signature_high_s",
  /** A signature that is not 65 bytes, or whose `v`/`r`/`s` are out of range. */
  signatureMalformed: "z402_signature_malformed",
  /** A voucher arriving while a withdrawal is pending too close to its end to claim in time. */
  withdrawPending: "z402_withdraw_pending",
  /** A deployments file that is missing or malformed. */
  deploymentsInvalid: "z402_deployments_invalid",
  /** A chain id with no preset or deployment where one was required. */
  unknownChain: "z402_unknown_chain",
  /** A signer that could not produce a signature. */
  signerFailed: "z402_signer_failed",
  /** A refund asked of a URL that offers no batch-settlement channel (no 402 with that scheme). */
  refundNotOffered: "z402_refund_not_offered",
  /** A payment identifier reused for another payment payload or request (409; nothing runs). */
  paymentIdentifierConflict: "z402_payment_identifier_conflict",
  /** A retry whose first answer is not kept (over the size cap or past the window): 409, nothing is served twice. */
  paymentIdentifierAnswerUnavailable: "z402_payment_identifier_answer_unavailable",
  /** A deposit whose EIP-3009 authorization was already used on chain. */
  depositAuthorizationUsed: "z402_deposit_authorization_used",
  /** Optimistic serving is over the server's risk budget (unconfirmed deposits plus losses). */
  depositRiskLimit: "z402_deposit_risk_limit",
  /** A receiver-side facilitator request (refund, claim) without the receiver's credential (401). */
  receiverAuthRequired: "z402_receiver_auth_required",
  /** A receiver-side facilitator request with a credential no receiver holds (401). */
  receiverAuthInvalid: "z402_receiver_auth_invalid",
  /** A receiver-side facilitator request for a channel whose receiver is not the authenticated one (403). */
  receiverForbidden: "z402_receiver_forbidden",
  /** A refund for a refund nonce the channel has already used. */
  refundNonceStale: "z402_refund_nonce_stale",
  /** A `SIGN-IN-WITH-X` header that is not base64 JSON of a sign-in payload, or has a malformed time. */
  siwxInvalid: "z402_siwx_invalid",
  /** A sign-in message whose `domain` is not this server's host. */
  siwxDomainMismatch: "z402_siwx_domain_mismatch",
  /** A sign-in message whose `uri` is not the requested resource (origin and path). */
  siwxUriMismatch: "z402_siwx_uri_mismatch",
  /** A sign-in message for another chain than the paywall's network, or not an EIP-191 one. */
  siwxChainMismatch: "z402_siwx_chain_mismatch",
  /** A sign-in message past its `expirationTime`, or issued longer ago than the server accepts. */
  siwxExpired: "z402_siwx_expired",
  /** A sign-in message issued in the future, or before its `notBefore`. */
  siwxNotYetValid: "z402_siwx_not_yet_valid",
  /** A sign-in signature that does not recover the message's address (contract wallets are not verified). */
  siwxSignature: "z402_siwx_signature",
  /** A sign-in nonce already used (a replayed header). */
  siwxNonceUsed: "z402_siwx_nonce_used",
  /** A wallet with no paid access to this route (never paid it here, or its access period is over). */
  siwxNoAccess: "z402_siwx_no_access",
} as const;

/**
 * A voucher or deposit on a channel whose `payerAuthorizer` is zero (an ERC-1271 payer could void its served
 * vouchers by changing what its wallet accepts), refused by the paywall and the facilitator alike. Named in
 * x402's scheme style because it is a refusal of the scheme's payload, though x402 itself has no such rule.
 */
export const PAYER_AUTHORIZER_REQUIRED = "invalid_batch_settlement_evm_payer_authorizer_required";

export type X402Reason = (typeof X402_REASONS)[keyof typeof X402_REASONS];
export type Z402Reason = (typeof Z402_REASONS)[keyof typeof Z402_REASONS];
export type KnownReason = X402Reason | Z402Reason;
/** Any reason code; codes from other implementations are passed through unchanged. */
export type ReasonCode = KnownReason | (string & {});

const KNOWN = new Set<string>([...Object.values(X402_REASONS), ...Object.values(Z402_REASONS)]);
const REASON_RE = /^[a-z0-9_]{1,128}$/;

/** Whether `code` is one this SDK knows (either group). */
export function isKnownReason(code: string): code is KnownReason {
  return KNOWN.has(code);
}

/**
 * Reads a reason received from a peer: a snake_case string of at most 128 characters is kept as is (known or not);
 * anything else becomes `unexpected_verify_error` so garbage never propagates.
 */
export function parseReason(value: unknown): ReasonCode {
  return typeof value === "string" && REASON_RE.test(value) ? value : X402_REASONS.unexpectedVerifyError;
}
