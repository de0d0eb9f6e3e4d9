/** `z402 gateway` as a library: a paywalled reverse proxy in front of an existing HTTP API, from one config. */
export {
  parseGatewayConfig,
  GatewayConfigError,
  DEFAULT_ADMIN,
  type GatewayConfig,
  type GatewayRoute,
  type AdminPaths,
  type Price,
  type FixedPrice,
  type MeteredPrice,
  type StoreConfig,
} from "./config";
export { loadGatewayConfig, parseGatewayText } from "./load";
export { startGateway, type GatewayOptions, type RunningGateway, type GatewayLogger } from "./gateway";
export { openStore, describeStore, StoreOpenError } from "./store";
export { resolveToken, chainIdOfNetwork, type GatewayToken } from "./token";
export { meteredCharge, type Metered } from "./meter";
export type { AdminHandlers, AdminRoute } from "./admin";
