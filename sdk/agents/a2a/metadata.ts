import { X402_A2A_ERRORS, X402_A2A_EXT_URIS, X402_META, isX402ExtensionUri } from "../constants";
import type { X402A2AErrorCode, X402PaymentStatus } from "../constants";

/** The x402 reason behind an a2a-x402 error, kept next to the spec's code (a z402 addition). */
export const Z402_REASON_KEY = "z402.payment.reason";

/** Maps an x402 / z402 reason string to the a2a-x402 error code that describes it best. */
export function a2aErrorCode(reason: string): X402A2AErrorCode {
  const rules: [RegExp, X402A2AErrorCode][] = [
    [/valid_before|valid_after|expired/, X402_A2A_ERRORS.expiredPayment],
    [/nonce|payment_identifier_conflict/, X402_A2A_ERRORS.duplicateNonce],
    [/network|token_mismatch|receiver|unsupported_scheme/, X402_A2A_ERRORS.networkMismatch],
    [
      /exceeds_balance|insufficient|min_deposit|risk_limit|channel_not_found/,
      X402_A2A_ERRORS.insufficientFunds,
    ],
    [/amount|value_mismatch|below_claimed/, X402_A2A_ERRORS.invalidAmount],
    // A payment that cannot be read is as unverifiable as a bad signature.
    [
      /signature|high_s|authorizer|invalid_payload|payload_type|header|x402_version/,
      X402_A2A_ERRORS.invalidSignature,
    ],
  ];
  return rules.find(([re]) => re.test(reason))?.[1] ?? X402_A2A_ERRORS.settlementFailed;
}

/** Metadata announcing that payment is required (task status message). */
export function paymentRequiredMetadata(
  required: unknown,
  failure?: { reason: string },
): Record<string, unknown> {
  return {
    [X402_META.status]: (failure ? "payment-failed" : "payment-required") satisfies X402PaymentStatus,
    [X402_META.required]: required,
    ...(failure
      ? { [X402_META.error]: a2aErrorCode(failure.reason), [Z402_REASON_KEY]: failure.reason }
      : {}),
  };
}

/** Metadata of a message that submits a payment. */
export function paymentSubmittedMetadata(payload: unknown): Record<string, unknown> {
  return {
    [X402_META.status]: "payment-submitted" satisfies X402PaymentStatus,
    [X402_META.payload]: payload,
  };
}

/** Metadata of a completed, paid task: receipts are append-only. */
export function paymentCompletedMetadata(previous: unknown[], receipt: unknown): Record<string, unknown> {
  return {
    [X402_META.status]: "payment-completed" satisfies X402PaymentStatus,
    [X402_META.receipts]: [...previous, receipt],
  };
}

/** The receipts found in metadata (empty when absent or malformed). */
export function receiptsOf(metadata: Record<string, unknown> | undefined): unknown[] {
  const r = metadata?.[X402_META.receipts];
  return Array.isArray(r) ? r : [];
}

/** The value for the extension headers: both a2a-x402 URIs. */
export const EXTENSIONS_HEADER_VALUE = X402_A2A_EXT_URIS.join(", ");

/** Extension URIs listed in an `A2A-Extensions` / `X-A2A-Extensions` header value. */
export function parseExtensionsHeader(value: string | undefined | null): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Whether a header value activates the a2a-x402 extension (either URI). */
export function activatesX402(value: string | undefined | null): boolean {
  return parseExtensionsHeader(value).some(isX402ExtensionUri);
}
