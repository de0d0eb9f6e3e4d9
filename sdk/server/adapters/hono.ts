import type { Context, MiddlewareHandler } from "hono";
import type { Paywall, Ticket } from "../paywall";
import type { HttpAnswer } from "../requirements";
import { DEFAULT_MAX_BODY_BYTES, type CapturedAnswer } from "../idempotency";

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

const toResponse = (a: HttpAnswer) =>
  new Response(a.body as BodyInit, { status: a.status, headers: a.headers });

/** The request target (path and query) of an absolute URL, without parsing the whole URL. */
function requestTarget(absolute: string): string {
  const start = absolute.indexOf("/", absolute.indexOf("//") + 2);
  return start < 0 ? "/" : absolute.slice(start);
}

const BODYLESS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Headers never kept for an idempotent retry: a replayed answer must not hand out the first caller's session. */
const NOT_KEPT = new Set(["set-cookie", "content-length", "transfer-encoding", "connection"]);

/**
 * The handler's response as bytes, for a retry with the same payment identifier; undefined for an event stream
 * or a body over `max` bytes (served once, not kept). Reads a clone: the response itself still streams out.
 */
async function capture(res: Response, max: number): Promise<CapturedAnswer | undefined> {
  if (res.headers.get("content-type")?.includes("text/event-stream")) return undefined;
  if (Number(res.headers.get("content-length") ?? 0) > max) return undefined;
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!NOT_KEPT.has(name)) headers[name] = value;
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body) {
    const reader = res.clone().body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > max) {
        // Not awaited: a tee branch's cancel settles only once the other branch (the one sent) is done too.
        void reader.cancel().catch(() => undefined);
        return undefined;
      }
      chunks.push(value);
    }
  }
  return { status: res.status, headers, body: Buffer.concat(chunks) };
}

/** Hono middleware: the charge is committed after the handler, before the response is returned. */
export function paywallMiddleware(paywall: Paywall): MiddlewareHandler {
  return async (c, next) => {
    const outcome = await paywall.handle({
      method: c.req.method,
      url: requestTarget(c.req.url),
      resourceUrl: c.req.url,
      header: (name) => c.req.header(name),
      // A clone: the handler still reads the request body, raw or parsed.
      body: BODYLESS.has(c.req.method)
        ? undefined
        : async () => new Uint8Array(await c.req.raw.clone().arrayBuffer()),
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
    const t = outcome.ticket;
    const kept =
      ok && t.scheme === "batch-settlement" && t.paymentId
        ? await capture(c.res, paywall.options.idempotency?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)
        : undefined;
    const done = await paywall.complete(t, ok, c.get(CHARGE as never) as bigint | undefined, kept);
    if (done.type === "respond") {
      c.res = undefined;
      c.res = toResponse(done.answer);
      return;
    }
    for (const [k, v] of Object.entries(done.headers)) c.res.headers.set(k, v);
  };
}
