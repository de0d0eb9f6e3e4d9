import type { IncomingMessage, ServerResponse } from "node:http";
import type { Paywall } from "../paywall";
import { decide, interceptResponse, writeAnswer } from "./intercept";

/**
 * An Express middleware, typed with Node's own request and response (Express's extend them), so that
 * `z402/server`'s types need no `@types/express`; `app.use(expressPaywall(paywall))` type-checks as is.
 */
export type ExpressMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (err?: unknown) => void,
) => Promise<void>;

/** Express middleware: paid routes get a 402 or run with the charge committed before the response leaves. */
export function paywallMiddleware(paywall: Paywall): ExpressMiddleware {
  return async (req, res, next) => {
    const outcome = await decide(paywall, req, res);
    if (!outcome) return;
    if (outcome.type === "respond") return writeAnswer(res, outcome.answer);
    if (outcome.type === "proceed") interceptResponse(paywall, req, res, outcome.ticket);
    else for (const [k, v] of Object.entries(outcome.headers ?? {})) res.setHeader(k, v);
    next();
  };
}
