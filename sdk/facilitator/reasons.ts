/**
 * Reason strings the facilitator answers with. They are the ones `@x402/evm` 2.27 emits (which must match the Go
 * implementation character for character), so stock servers and clients recognize them.
 */
export const Reason = {
  invalidPayload: "invalid_payload",
  invalidRequirements: "invalid_payment_requirements",
  invalidVersion: "invalid_x402_version",
  invalidNetwork: "invalid_network",
  unsupportedScheme: "unsupported_scheme",
  unexpectedVerify: "unexpected_verify_error",
  unexpectedSettle: "unexpected_settle_error",
  settlementPending: "settlement_pending",
  exactScheme: "invalid_exact_evm_scheme",
  exactNetworkMismatch: "invalid_exact_evm_network_mismatch",
  exactMissingDomain: "invalid_exact_evm_missing_eip712_domain",
  exactRecipientMismatch: "invalid_exact_evm_recipient_mismatch",
  exactSignature: "invalid_exact_evm_signature",
  exactValidBefore: "invalid_exact_evm_payload_authorization_valid_before",
  exactValidAfter: "invalid_exact_evm_payload_authorization_valid_after",
  exactValue: "invalid_exact_evm_authorization_value",
  exactNonceUsed: "invalid_exact_evm_nonce_already_used",
  exactInsufficientBalance: "invalid_exact_evm_insufficient_balance",
  exactTransactionFailed: "invalid_exact_evm_transaction_failed",
  exactTokenMismatch: "invalid_exact_evm_token_name_mismatch",
} as const;

export type ReasonCode = (typeof Reason)[keyof typeof Reason];
