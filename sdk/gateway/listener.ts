/** The gateway's request listener: admin paths, then the paywall's decision, then the upstream (paid or free). */
import type { IncomingMessage, ServerResponse } from "node:http";
import { decide } from "../server/adapters/intercept";
import type { Paywall } from "../server/paywall";
import { ensureRequestId } from "../observability";
import type { GatewayConfig } from "./config";
import { paidExchange } from "./paid";
import {
  AMBIGUOUS_TARGET,
  ambiguousTarget,
  forward,
  writeAnswer,
  type Exchange,
  type Upstream,
} from "./proxy";

/** The pino-shaped logger the gateway writes to (a pino logger fits). */
export interface GatewayLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ListenerParts {
  config: GatewayConfig;
  paywall: Paywall;
  upstream: Upstream;
  log: GatewayLogger;
  /** True when it answered the request itself (an admin path). */
  admin(req: IncomingMessage, res: ServerResponse): boolean;
  /** Give each request an id (`x-request-id`, kept or made) shared by the logs and the upstream. */
  requestIds: boolean;
}

const hasField = (raw: string[], name: string) => raw.some((h, i) => i % 2 === 0 && h.toLowerCase() === name);

export function gatewayListener(p: ListenerParts) {
  const { config, paywall, upstream, log } = p;
  const free: Exchange = {
    onResponse: async () => ({ type: "stream" }),
    onUnavailable: async (err) =>
      log.warn({ err: err.message, url: config.upstream }, "upstream unavailable"),
  };
  const events = {
    onCharged: (info: { route: string; charge: bigint; metered?: { units: string } }) =>
      log.info({ route: info.route, charge: info.charge.toString(), units: info.metered?.units }, "charged"),
    onReleased: (info: { route: string; reason: string }) =>
      log.info({ route: info.route, reason: info.reason }, "not charged"),
  };

  const listener = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (p.admin(req, res)) return;
    // Sent to the upstream when the client sent none, so its logs and the paywall's name the request alike.
    const id = p.requestIds ? ensureRequestId(req) : undefined;
    const extra: Array<[string, string]> = id && !hasField(req.rawHeaders, "x-request-id") ? [["x-request-id", id]] : []; // prettier-ignore
    // A dot segment or backslash could make the upstream serve another (paid) path than the one matched here.
    if (ambiguousTarget(req.url ?? "/")) return writeAnswer(res, AMBIGUOUS_TARGET);
    const outcome = await decide(paywall, req, res);
    if (!outcome) return;
    if (outcome.type === "respond") return writeAnswer(res, outcome.answer);
    if (outcome.type === "free") return forward(req, res, upstream, { ...free, extra });
    const route = config.routes[paywall.options.routes.indexOf(outcome.ticket.route)];
    const gone = { gone: () => res.destroyed };
    const exchange = paidExchange(paywall, outcome.ticket, route, gone, events);
    return forward(req, res, upstream, { ...exchange, extra: [...(exchange.extra ?? []), ...extra] });
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    listener(req, res).catch((err: Error) => {
      log.error({ err: err.message }, "gateway request failed");
      if (!res.headersSent) writeAnswer(res, { status: 502, headers: {}, body: "" });
    });
  };
}
