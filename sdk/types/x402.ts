/** The x402 wire types, reused from `@x402/core` (type-only: no runtime code is pulled in). */
export type {
  Network,
  ResourceInfo,
  PaymentRequirements,
  PaymentRequired,
  PaymentPayload,
  VerifyResponse,
  SettleResponse,
  SupportedKind,
  SupportedResponse,
} from "@x402/core/types";
export type {
  PaymentRequirementsV1,
  PaymentRequiredV1,
  PaymentPayloadV1,
  SettleResponseV1,
} from "@x402/core/types/v1";
