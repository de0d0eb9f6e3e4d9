import type { IncomingMessage, ServerResponse } from "node:http";
import { Registry } from "prom-client";
import { readinessHandler } from "./health";
import { createLogger } from "./logger";
import { metricsFor } from "./metrics";
import type { Observability, ObservabilityOptions } from "./types";

/** Whether an observability's process is shutting down (readiness then answers 503). */
const draining = new WeakSet<Observability>();

export function markDraining(obs: Observability): void {
  draining.add(obs);
}

/** A logger, a metrics registry with every z402 metric, and the handlers that expose them. */
export function createObservability(o: ObservabilityOptions): Observability {
  const registry = o.registry ?? new Registry();
  metricsFor(registry);
  const obs: Observability = {
    logger: createLogger(o),
    registry,
    metricsHandler: () => async (_req: IncomingMessage, res: ServerResponse) => {
      try {
        const text = await registry.metrics();
        res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
        res.end(text);
      } catch (err) {
        obs.logger.error({ err }, "metrics collection failed");
        res.writeHead(500, { "content-type": "text/plain" });
        res.end("metrics collection failed\n");
      }
    },
    healthHandlers: (checks) => ({
      live: (_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
        res.end('{"status":"ok"}');
      },
      ready: readinessHandler(checks, () => draining.has(obs)),
    }),
  };
  return obs;
}
