export { Paywall, type Outcome, type Completion, type Ticket } from "./paywall";
export type { PaywallOptions, PaywallRequest, RouteConfig, DepositPolicy } from "./options";
export { ChainMirror, type MirrorOptions } from "./mirror";
export { EthersEscrowChain, ESCROW_ABI, type EscrowChain, type ChainChannel, type ClaimRow } from "./chain";
export { REASONS, PaymentRefusal, type Reason } from "./reasons";
export { withPaywall } from "./adapters/node";
export { paywallMiddleware as expressPaywall } from "./adapters/express";
export { paywallMiddleware as honoPaywall } from "./adapters/hono";
export { setCharge, paymentOf } from "./adapters/intercept";
