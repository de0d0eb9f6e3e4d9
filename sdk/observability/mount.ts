import type { IncomingMessage, ServerResponse } from "node:http";
import type { HealthChecks, NodeHandler, Observability } from "./types";

export interface MountOptions {
  /** Default `/metrics`. */
  path?: string;
  /** Also serves `/healthz` and `/readyz` with these checks. */
  health?: HealthChecks;
}

/** The operations endpoint a request's path names, if any. */
function endpoints(obs: Observability, options: MountOptions) {
  const routes = new Map<string, NodeHandler>([[options.path ?? "/metrics", obs.metricsHandler()]]);
  if (options.health) {
    const { live, ready } = obs.healthHandlers(options.health);
    routes.set("/healthz", live).set("/readyz", ready);
  }
  return (req: IncomingMessage): NodeHandler | undefined =>
    req.method === "GET" || req.method === "HEAD" ? routes.get((req.url ?? "/").split("?")[0]) : undefined;
}

/**
 * Express/Connect middleware serving `GET /metrics` (and the health endpoints with `health`) before anything else:
 * `app.use(metricsMiddleware(obs, { health: { store, chain, mirror } }))`.
 */
export function metricsMiddleware(obs: Observability, options: MountOptions = {}) {
  const find = endpoints(obs, options);
  return (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void => {
    const handler = find(req);
    if (!handler) return next();
    Promise.resolve(handler(req, res)).catch(next);
  };
}

/** Wraps a `node:http` request listener: the operations endpoints first, everything else to `handler`. */
export function withMetrics(
  obs: Observability,
  handler: NodeHandler,
  options: MountOptions = {},
): NodeHandler {
  const find = endpoints(obs, options);
  return (req, res) => (find(req) ?? handler)(req, res);
}

/**
 * `GET /metrics` as a fetch handler (Hono, Next route handlers, any Fetch API server):
 * `app.get("/metrics", () => metricsResponse(obs))`.
 */
export async function metricsResponse(obs: Observability): Promise<Response> {
  const text = await obs.registry.metrics();
  return new Response(text, {
    status: 200,
    headers: { "content-type": obs.registry.contentType, "cache-control": "no-store" },
  });
}
