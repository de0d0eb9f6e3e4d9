import type { IncomingMessage, ServerResponse } from "node:http";
import type { Paywall } from "../paywall";
import { decide, interceptResponse, writeAnswer } from "./intercept";

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Wraps a plain `node:http` request listener with the paywall. */
export function withPaywall(paywall: Paywall, handler: Handler): Handler {
  return async (req, res) => {
    const outcome = await decide(paywall, req, res);
    if (!outcome) return;
    if (outcome.type === "respond") return writeAnswer(res, outcome.answer);
    if (outcome.type === "free") {
      for (const [k, v] of Object.entries(outcome.headers ?? {})) res.setHeader(k, v);
      return handler(req, res);
    }
    interceptResponse(paywall, req, res, outcome.ticket);
    try {
      await handler(req, res);
    } catch {
      // The intercepted end() releases the reservation: a failed handler is never charged.
      if (!res.writableEnded) {
        res.statusCode = 500;
        res.end();
      }
    }
  };
}
