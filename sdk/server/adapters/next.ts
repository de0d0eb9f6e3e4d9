/**
 * `z402/next`: the paywall around a Next.js App Router route handler, as `@x402/next`'s `withX402` offers. A route
 * handler takes a `Request` (`NextRequest` extends it) and returns a `Response`, so nothing here imports Next.
 *
 * A route wrapper, not a `middleware.ts`/`proxy.ts`: the charge is committed only after the handler answered below
 * 400, which a Next.js middleware (it runs before the handler and never sees its response) cannot do.
 */
import type { Paywall, Ticket } from "../paywall";
import type { HttpAnswer } from "../requirements";
import { keepsAnswer, keptBodyCap, type CapturedAnswer } from "../idempotency";
import { captureAnswer, toPaywallRequest, toResponse } from "./web";

interface PaymentContext {
  ticket: Ticket;
  charge?: bigint;
}

const payments = new WeakMap<Request, PaymentContext>();

/** The payment of this request inside a wrapped handler (undefined on free routes). */
export function paymentOf(req: Request): Ticket | undefined {
  return payments.get(req)?.ticket;
}

/** Sets the actual charge (≤ the advertised price) of the current request, from inside a wrapped handler. */
export function setCharge(req: Request, amount: bigint): void {
  const ctx = payments.get(req);
  if (ctx) ctx.charge = amount;
}

const unavailable = (error: string): Response =>
  toResponse({
    status: 503,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ error }),
  });

/** The handler's response with the payment headers added (on a copy when its headers are immutable). */
function withHeaders(res: Response, headers: Record<string, string>): Response {
  try {
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
    return res;
  } catch {
    const copy = new Response(res.body, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
    for (const [k, v] of Object.entries(headers)) copy.headers.set(k, v);
    return copy;
  }
}

/**
 * Wraps a route handler (`export const POST = withX402(handler, paywall)`): a request to one of the paywall's
 * routes gets a 402 until it pays; a paid one runs the handler, and the charge (the price, or what `setCharge` set)
 * is committed before its response is returned. A handler that throws or answers 400 or more is not charged.
 * Extra arguments (Next's `{ params }`) are passed through. When the paywall cannot decide or commit, 503.
 */
export function withX402<A extends [Request, ...unknown[]]>(
  handler: (...args: A) => Response | Promise<Response>,
  paywall: Paywall,
): (...args: A) => Promise<Response> {
  return async (...args) => {
    const req = args[0];
    let outcome;
    try {
      outcome = await paywall.handle(toPaywallRequest(req));
    } catch {
      return unavailable("z402_unavailable");
    }
    if (outcome.type === "respond") return toResponse(outcome.answer);
    if (outcome.type === "free") return handler(...args);
    const ticket = outcome.ticket;
    const ctx: PaymentContext = { ticket };
    payments.set(req, ctx);
    let res: Response;
    try {
      res = await handler(...args);
    } catch (err) {
      await paywall.complete(ticket, false).catch(() => undefined);
      throw err;
    }
    const ok = res.status < 400;
    let kept: CapturedAnswer | undefined;
    if (ok && keepsAnswer(ticket)) {
      const captured = await captureAnswer(res, keptBodyCap(paywall.options));
      kept = captured.answer;
      res = captured.response;
    }
    let answer: HttpAnswer;
    try {
      const done = await paywall.complete(ticket, ok, ctx.charge, kept);
      if (done.type === "headers") return withHeaders(res, done.headers);
      answer = done.answer;
    } catch {
      return unavailable("z402_store_unavailable");
    }
    await res.body?.cancel().catch(() => undefined);
    return toResponse(answer);
  };
}
