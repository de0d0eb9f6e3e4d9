export { Paywall, type Outcome, type Completion, type Ticket } from "./paywall";
export type { PaywallOptions, PaywallRequest, RouteConfig, DepositPolicy } from "./options";
export type { ReceiptSigner } from "./offer-receipt";
export type { RouteBazaar } from "./bazaar";
export type { FacilitatorOption, PaymentFacilitator } from "./delegate";
export { ChainMirror, type MirrorOptions } from "./mirror";
export {
  EthersEscrowChain,
  ESCROW_ABI,
  MULTICALL3,
  type EscrowChain,
  type ChainChannel,
  type ClaimRow,
} from "./chain";
export { DepositRisk } from "./deposit";
export { DEFAULT_MAX_BODY_BYTES, DEFAULT_WINDOW_MS, type IdempotencyOptions } from "./idempotency";
export { REASONS, PaymentRefusal, type Reason } from "./reasons";
export { withPaywall } from "./adapters/node";
export { paywallMiddleware as expressPaywall } from "./adapters/express";
export { paywallMiddleware as honoPaywall } from "./adapters/hono";
export { setCharge, paymentOf } from "./adapters/intercept";
