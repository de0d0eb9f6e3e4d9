import type { IncomingMessage, ServerResponse } from "node:http";
import type { Outcome, Paywall, Ticket } from "../paywall";
import type { PaywallRequest } from "../options";
import type { HttpAnswer } from "../requirements";
import { keepsAnswer, NOT_KEPT_HEADERS as NOT_KEPT, type CapturedAnswer } from "../idempotency";

/** Per-request payment context a Node/Express handler can read, and set the actual charge on. */
export interface PaymentContext {
  ticket: Ticket;
  charge?: bigint;
}

const CONTEXT = Symbol.for("z402.payment");

/** The payment of this request (undefined on free routes). */
export function paymentOf(req: IncomingMessage): PaymentContext | undefined {
  return (req as unknown as Record<symbol, PaymentContext | undefined>)[CONTEXT];
}

/** Sets the actual charge (≤ the advertised price) of the current request. */
export function setCharge(req: IncomingMessage, amount: bigint): void {
  const ctx = paymentOf(req);
  if (ctx) ctx.charge = amount;
}

/**
 * The body an earlier middleware already parsed (`express.json()`, `express.raw()`, `express.text()`), as bytes;
 * undefined when none did (the stream is the handler's to read).
 */
function parsedBody(req: IncomingMessage): Uint8Array | undefined {
  const body = (req as IncomingMessage & { body?: unknown }).body;
  if (body === undefined || body === null) return undefined;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === "string") return Buffer.from(body);
  return Buffer.from(JSON.stringify(body));
}

export function toPaywallRequest(req: IncomingMessage): PaywallRequest {
  const host = req.headers.host ?? "localhost";
  return {
    body: async () => parsedBody(req),
    method: req.method ?? "GET",
    url: req.url ?? "/",
    resourceUrl: `http://${host}${req.url ?? "/"}`,
    header: (name) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(", ") : v;
    },
  };
}

export function writeAnswer(res: ServerResponse, answer: HttpAnswer): void {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

/**
 * The paywall's decision on a Node request; when the paywall itself fails, answers 503 `z402_unavailable` and
 * resolves to `undefined` (the request is then done).
 */
export async function decide(
  paywall: Paywall,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Outcome | undefined> {
  try {
    return await paywall.handle(toPaywallRequest(req));
  } catch {
    writeAnswer(res, {
      status: 503,
      headers: { "content-type": "application/json" },
      body: '{"error":"z402_unavailable"}',
    });
    return undefined;
  }
}

/**
 * Runs `run` with the response buffered: when the handler ends the response, the charge is committed
 * first, then the headers and the body go out. Nothing is sent for a payment that failed to commit.
 */
export function interceptResponse(
  paywall: Paywall,
  req: IncomingMessage,
  res: ServerResponse,
  ticket: Ticket,
): void {
  const ctx: PaymentContext = { ticket };
  (req as unknown as Record<symbol, PaymentContext>)[CONTEXT] = ctx;
  const chunks: Buffer[] = [];
  const original = { write: res.write, end: res.end, writeHead: res.writeHead };
  const push = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === "function") return;
    chunks.push(
      Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk as string, (typeof encoding === "string" ? encoding : "utf8") as BufferEncoding),
    );
  };
  res.writeHead = function (status: number, ...rest: unknown[]) {
    res.statusCode = status;
    const headers = rest.find((r) => typeof r === "object" && r !== null);
    if (headers) for (const [k, v] of Object.entries(headers)) res.setHeader(k, v as string);
    return res;
  } as typeof res.writeHead;
  res.write = function (chunk: unknown, encoding?: unknown) {
    push(chunk, encoding);
    return true;
  } as typeof res.write;
  let ended = false;
  res.end = function (chunk?: unknown, encoding?: unknown) {
    if (ended) return res;
    ended = true;
    push(chunk, encoding);
    void finish();
    return res;
  } as typeof res.end;

  /** The buffered answer, for a retry with the same payment identifier (the paywall applies the size cap). */
  const captured = (): CapturedAnswer => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.getHeaders())) {
      if (value === undefined || NOT_KEPT.has(name)) continue;
      headers[name] = Array.isArray(value) ? value.join(", ") : String(value);
    }
    return { status: res.statusCode, headers, body: Buffer.concat(chunks) };
  };

  const finish = async () => {
    let answer: HttpAnswer | undefined;
    try {
      const ok = res.statusCode < 400;
      const keep = ok && keepsAnswer(ticket);
      const done = await paywall.complete(ticket, ok, ctx.charge, keep ? captured() : undefined);
      if (done.type === "respond") answer = done.answer;
      else for (const [k, v] of Object.entries(done.headers)) res.setHeader(k, v);
    } catch {
      answer = {
        status: 503,
        headers: { "content-type": "application/json" },
        body: '{"error":"z402_store_unavailable"}',
      };
    }
    Object.assign(res, original);
    if (answer) {
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      writeAnswer(res, answer);
      return;
    }
    res.end(Buffer.concat(chunks));
  };
}
