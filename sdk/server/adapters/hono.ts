import type { Context, MiddlewareHandler } from "hono";
import type { Paywall, Ticket } from "../paywall";
import type { HttpAnswer } from "../requirements";

const CHARGE = "z402Charge";
const TICKET = "z402Ticket";

/** Sets the actual charge (≤ the advertised price) of the current request. */
export function setCharge(c: Context, amount: bigint): void {
  c.set(CHARGE as never, amount as never);
}

/** The payment ticket of this request, if it is paid. */
export function paymentOf(c: Context): Ticket | undefined {
  return c.get(TICKET as never) as Ticket | undefined;
}

const toResponse = (a: HttpAnswer) => new Response(a.body, { status: a.status, headers: a.headers });

/** The request target (path and query) of an absolute URL, without parsing the whole URL. */
function requestTarget(absolute: string): string {
  const start = absolute.indexOf("/", absolute.indexOf("//") + 2);
  return start < 0 ? "/" : absolute.slice(start);
}

/** Hono middleware: the charge is committed after the handler, before the response is returned. */
export function paywallMiddleware(paywall: Paywall): MiddlewareHandler {
  return async (c, next) => {
    const outcome = await paywall.handle({
      method: c.req.method,
      url: requestTarget(c.req.url),
      resourceUrl: c.req.url,
      header: (name) => c.req.header(name),
    });
    if (outcome.type === "respond") return toResponse(outcome.answer);
    if (outcome.type === "free") return next();
    c.set(TICKET as never, outcome.ticket as never);
    try {
      await next();
    } catch (err) {
      await paywall.complete(outcome.ticket, false);
      throw err;
    }
    const ok = c.res.status < 400 && !c.error;
    const done = await paywall.complete(outcome.ticket, ok, c.get(CHARGE as never) as bigint | undefined);
    if (done.type === "respond") {
      c.res = undefined;
      c.res = toResponse(done.answer);
      return;
    }
    for (const [k, v] of Object.entries(done.headers)) c.res.headers.set(k, v);
  };
}
