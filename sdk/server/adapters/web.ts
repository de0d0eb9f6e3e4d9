/**
 * Fetch-API (`Request`/`Response`) helpers shared by the adapters whose frameworks speak it: Hono and Next.js
 * route handlers. No framework import, so the adapters' types need no framework installed.
 */
import type { PaywallRequest } from "../options";
import type { HttpAnswer } from "../requirements";
import type { CapturedAnswer } from "../idempotency";

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

/** Headers never kept for an idempotent retry: a replayed answer must not hand out the first caller's session. */
const NOT_KEPT = new Set(["set-cookie", "content-length", "transfer-encoding", "connection"]);

/**
 * The handler's response as bytes, for a retry with the same payment identifier; undefined for an event stream
 * or a body over `max` bytes (served once, not kept). Reads a clone: the response itself still streams out.
 */
export async function capture(res: Response, max: number): Promise<CapturedAnswer | undefined> {
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
