/**
 * Operating z402: Prometheus metrics (prom-client), structured logs (pino), health endpoints and graceful
 * shutdown for the paywall, the settlement worker, the facilitator and the chain mirror. The lower layers only
 * offer event hooks; this module listens to them. See docs/operations.md.
 */
export type { HealthChecks, NodeHandler, Observability, ObservabilityOptions } from "./types";
export { createObservability } from "./create";
export { observePaywall } from "./paywall";
export { observeWorker } from "./settlement";
export { observeFacilitator } from "./facilitator";
export { observeMirror } from "./mirror";
export { gracefulShutdown, type ShutdownOptions } from "./shutdown";
export { runChecks, type CheckResult } from "./health";
export { metricsMiddleware, metricsResponse, withMetrics, type MountOptions } from "./mount";
export { ensureRequestId, requestIdFrom, scrub } from "./logger";
export type { MirrorEvents, MirrorPoll, PaywallAction, PaywallEvent, PaywallEvents } from "../server/events";
export type { SettlementEvents } from "../settlement/worker";
export type { FacilitatorEvent, FacilitatorEvents, ObservableFacilitator } from "../facilitator/facilitator";
