import type { NextFunction, Request, Response } from "express";
import type { Paywall } from "../paywall";
import { interceptResponse, toPaywallRequest, writeAnswer } from "./intercept";

/** Express middleware: paid routes get a 402 or run with the charge committed before the response leaves. */
export function paywallMiddleware(paywall: Paywall) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    let outcome;
    try {
      outcome = await paywall.handle(toPaywallRequest(req));
    } catch {
      writeAnswer(res, {
        status: 503,
        headers: { "content-type": "application/json" },
        body: '{"error":"z402_unavailable"}',
      });
      return;
    }
    if (outcome.type === "respond") return writeAnswer(res, outcome.answer);
    if (outcome.type === "proceed") interceptResponse(paywall, req, res, outcome.ticket);
    next();
  };
}
