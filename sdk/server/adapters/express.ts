import type { NextFunction, Request, Response } from "express";
import type { Paywall } from "../paywall";
import { decide, interceptResponse, writeAnswer } from "./intercept";

/** Express middleware: paid routes get a 402 or run with the charge committed before the response leaves. */
export function paywallMiddleware(paywall: Paywall) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const outcome = await decide(paywall, req, res);
    if (!outcome) return;
    if (outcome.type === "respond") return writeAnswer(res, outcome.answer);
    if (outcome.type === "proceed") interceptResponse(paywall, req, res, outcome.ticket);
    next();
  };
}
