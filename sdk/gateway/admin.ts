/**
 * The admin paths of the gateway (metrics, liveness, readiness): answered by the gateway itself, for GET and HEAD
 * only, and never proxied. A path the config leaves out, or `admin: false`, goes to the upstream like any other.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AdminPaths } from "./config";

export type AdminRoute = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface AdminHandlers {
  metrics?: AdminRoute;
  live?: AdminRoute;
  ready?: AdminRoute;
}

const ok: AdminRoute = (_req, res) => {
  res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
  res.end('{"status":"ok"}');
};

/** A dispatcher: true when it answered the request (an admin path), false to proxy it. */
export function adminHandler(
  paths: AdminPaths | false,
  handlers: AdminHandlers,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  if (!paths) return () => false;
  const table = new Map<string, AdminRoute>();
  if (handlers.metrics) table.set(paths.metrics, handlers.metrics);
  table.set(paths.health, handlers.live ?? ok);
  table.set(paths.ready, handlers.ready ?? ok);
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = (req.url ?? "/").split("?")[0];
    const route = table.get(path);
    if (!route) return false;
    Promise.resolve(route(req, res)).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
    return true;
  };
}
