/** URI of the a2a-x402 extension, spec v0.2 (what we declare in cards and activate). */
export const X402_A2A_EXT_V02 = "https://github.com/google-agentic-commerce/a2a-x402/blob/main/spec/v0.2";
/** URI of the a2a-x402 extension, spec v0.1 (still hard-coded by the Python library): accepted on input. */
export const X402_A2A_EXT_V01 = "https://github.com/google-a2a/a2a-x402/v0.1";
/** Both extension URIs, in the order we send them. */
export const X402_A2A_EXT_URIS = [X402_A2A_EXT_V02, X402_A2A_EXT_V01] as const;
/** `type` of an ERC-8004 registration file. */
export const ERC8004_REG_TYPE = "https://eips.ethereum.org/EIPS/eip-8004#registration-v1";
/** Well-known path of the A2A AgentCard (A2A ≥ 0.3). */
export const AGENT_CARD_WELL_KNOWN = "/.well-known/agent-card.json";
/** Metadata keys of the a2a-x402 extension. */
export const X402_META = {
  status: "x402.payment.status",
  required: "x402.payment.required",
  payload: "x402.payment.payload",
  receipts: "x402.payment.receipts",
  error: "x402.payment.error",
} as const;
/** Values of `x402.payment.status`. */
export type X402PaymentStatus =
  | "payment-required"
  | "payment-submitted"
  | "payment-rejected"
  | "payment-verified"
  | "payment-completed"
  | "payment-failed";
/** Values of `x402.payment.error` defined by the a2a-x402 spec. */
export const X402_A2A_ERRORS = {
  insufficientFunds: "INSUFFICIENT_FUNDS",
  invalidSignature: "INVALID_SIGNATURE",
  expiredPayment: "EXPIRED_PAYMENT",
  duplicateNonce: "DUPLICATE_NONCE",
  networkMismatch: "NETWORK_MISMATCH",
  invalidAmount: "INVALID_AMOUNT",
  settlementFailed: "SETTLEMENT_FAILED",
} as const;
export type X402A2AErrorCode = (typeof X402_A2A_ERRORS)[keyof typeof X402_A2A_ERRORS];
/** True when `uri` names the a2a-x402 extension in any version we accept. */
export function isX402ExtensionUri(uri: string): boolean {
  return (X402_A2A_EXT_URIS as readonly string[]).includes(uri.trim().replace(/\/+$/, ""));
}
