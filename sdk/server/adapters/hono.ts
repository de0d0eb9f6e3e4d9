import type { Paywall, Ticket } from "../paywall";
import { keepsAnswer, keptBodyCap, type CapturedAnswer } from "../idempotency";
import { captureAnswer, toPaywallRequest, toResponse } from "./web";

const CHARGE = "z402Charge";
const TICKET = "z402Ticket";

/**
 * The parts of Hono's `Context` the middleware uses, spelled out so that `z402/server`'s types need no `hono`
 * install; a Hono 4 `Context` fits it (`app.use(honoPaywall(paywall))` type-checks against the real Hono).
 */
export interface HonoContext {
  req: { raw: Request };
  /** Hono's setter takes `undefined` (drop the response, headers included) before a replacement. */
  res: Response | undefined;
  error: unknown;
  set(key: never, value: never): void;
  get(key: never): unknown;
}

/** A Hono middleware (`MiddlewareHandler`), structurally. */
export type HonoMiddleware = (c: HonoContext, next: () => Promise<void>) => Promise<Response | void>;

/** Sets the actual charge (≤ the advertised price) of the current request. */
export function setCharge(c: HonoContext, amount: bigint): void {
  c.set(CHARGE as never, amount as never);
}

/** The payment ticket of this request, if it is paid. */
export function paymentOf(c: HonoContext): Ticket | undefined {
  return c.get(TICKET as never) as Ticket | undefined;
}

/** Hono middleware: the charge is committed after the handler, before the response is returned. */
export function paywallMiddleware(paywall: Paywall): HonoMiddleware {
  return async (c, next) => {
    // The body is read from a clone: the handler still reads the request body, raw or parsed.
    const outcome = await paywall.handle(toPaywallRequest(c.req.raw));
    if (outcome.type === "respond") return toResponse(outcome.answer);
    if (outcome.type === "free") {
      await next();
      for (const [k, v] of Object.entries(outcome.headers ?? {})) c.res!.headers.set(k, v);
      return;
    }
    c.set(TICKET as never, outcome.ticket as never);
    try {
      await next();
    } catch (err) {
      await paywall.complete(outcome.ticket, false);
      throw err;
    }
    let res = c.res!;
    const ok = res.status < 400 && !c.error;
    const t = outcome.ticket;
    let kept: CapturedAnswer | undefined;
    if (ok && keepsAnswer(t)) {
      const captured = await captureAnswer(res, keptBodyCap(paywall.options));
      kept = captured.answer;
      if (captured.response !== res) {
        // Replaced without Hono merging the old headers in again: the rebuilt answer carries them already.
        c.res = undefined;
        c.res = res = captured.response;
      }
    }
    const done = await paywall.complete(t, ok, c.get(CHARGE as never) as bigint | undefined, kept);
    if (done.type === "respond") {
      c.res = undefined;
      c.res = toResponse(done.answer);
      return;
    }
    for (const [k, v] of Object.entries(done.headers)) res.headers.set(k, v);
  };
}
