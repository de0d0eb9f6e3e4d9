/**
 * Fetch-API (`Request`/`Response`) helpers shared by the adapters whose frameworks speak it: Hono and Next.js
 * route handlers. No framework import, so the adapters' types need no framework installed.
 */
import type { PaywallRequest } from "../options";
import type { HttpAnswer } from "../requirements";
import { NOT_KEPT_HEADERS as NOT_KEPT, type CapturedAnswer } from "../idempotency";

export const toResponse = (a: HttpAnswer): Response =>
  new Response(a.body as BodyInit, { status: a.status, headers: a.headers });

/** The request target (path and query) of an absolute URL, without parsing the whole URL. */
export function requestTarget(absolute: string): string {
  const start = absolute.indexOf("/", absolute.indexOf("//") + 2);
  return start < 0 ? "/" : absolute.slice(start);
}

const BODYLESS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The paywall's view of a Fetch-API request; the body is read from a clone, so the handler still reads it. */
export function toPaywallRequest(req: Request): PaywallRequest {
  return {
    method: req.method,
    url: requestTarget(req.url),
    resourceUrl: req.url,
    header: (name) => req.headers.get(name) ?? undefined,
    body: BODYLESS.has(req.method) ? undefined : async () => new Uint8Array(await req.clone().arrayBuffer()),
  };
}

/** What the adapter sends and, when it could be kept for retries, the answer as bytes. */
export interface Captured {
  /** The answer to send: the handler's own, or the same answer rebuilt from the bytes that were read. */
  response: Response;
  /** Undefined for an event stream or a body over the cap (served once, not kept). */
  answer?: CapturedAnswer;
}

/**
 * Reads the handler's response body (up to `max` bytes) for a retry with the same payment identifier, and returns
 * the answer to send rebuilt around what was read: one read, no tee of the body. A body over the cap is sent as a
 * stream of the chunks already read followed by the rest; an event stream is never read.
 */
export async function captureAnswer(res: Response, max: number): Promise<Captured> {
  if (res.headers.get("content-type")?.includes("text/event-stream")) return { response: res };
  if (Number(res.headers.get("content-length") ?? 0) > max) return { response: res };
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!NOT_KEPT.has(name)) headers[name] = value;
  });
  const init = { status: res.status, statusText: res.statusText, headers: res.headers };
  if (!res.body) return { response: res, answer: { status: res.status, headers, body: new Uint8Array() } };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size > max) return { response: new Response(resumed(chunks, reader), init) };
  }
  const body = Buffer.concat(chunks);
  return { response: new Response(body, init), answer: { status: res.status, headers, body } };
}

/** A stream of the chunks already read, then the rest of `reader`. */
function resumed(
  read: Uint8Array[],
  reader: ReadableStreamDefaultReader<Uint8Array>,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of read) controller.enqueue(chunk);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
