/**
 * The reverse proxy on node:http: the request body is piped to the upstream and the upstream's body to the client
 * (`pipeline`, so each side waits for the other: backpressure, never a whole body in memory). The caller decides,
 * once the upstream's status and headers arrive and before any byte goes out, whether to stream it (and with which
 * extra headers) or to answer something else.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import { pipeline } from "node:stream";
import type { HttpAnswer } from "../server/requirements";
import { clientResponseHeaders, upstreamRequestHeaders, type RawHeaders } from "./headers";

export interface Upstream {
  url: URL;
  agent: http.Agent;
  /** How long to wait for the upstream's response head (ms); the body may then stream for as long as it takes. */
  timeoutMs: number;
  preserveHost: boolean;
}

/** What to do with the upstream's response. */
export type Decision =
  | {
      type: "stream";
      /** Fields the gateway adds (payment response); they replace the upstream's of the same name. */
      add?: Record<string, string>;
      /** Upstream fields not passed on (e.g. the units header of a metered route). */
      drop?: string[];
      /** Body bytes already read from the upstream (sent first), and whether that was the whole body. */
      head?: Buffer[];
      ended?: boolean;
    }
  | { type: "answer"; answer: HttpAnswer };

export interface Exchange {
  /** Extra request fields for the upstream. */
  extra?: Array<[string, string]>;
  /** The upstream answered with a status and headers. */
  onResponse(up: IncomingMessage): Promise<Decision>;
  /** The upstream could not be reached, failed or timed out before answering; the proxy then answers 503. */
  onUnavailable(err: Error): Promise<void>;
}

export const UPSTREAM_UNAVAILABLE: HttpAnswer = {
  status: 503,
  headers: { "content-type": "application/json", "cache-control": "no-store", "retry-after": "1" },
  body: '{"error":"upstream_unavailable"}',
};

export function createUpstream(url: string, timeoutMs = 30_000, preserveHost = false): Upstream {
  const parsed = new URL(url);
  const Agent = parsed.protocol === "https:" ? https.Agent : http.Agent;
  return { url: parsed, agent: new Agent({ keepAlive: true }), timeoutMs, preserveHost };
}

/**
 * True when a request target's path could name a different path upstream than the one the paywall matched: not
 * origin-form (not starting with `/`), a backslash, or a `.`/`..` segment, raw or percent-encoded (`%2e`, `%2F`,
 * `%5C`). The paywall matches the path as sent, while upstreams built on WHATWG URLs (Hono, Next, Deno, Bun)
 * resolve them, so `/free/../paid/x` would reach a paid path unpaid. The gateway refuses such targets (400).
 */
export function ambiguousTarget(target: string): boolean {
  if (!target.startsWith("/")) return true;
  const path = target.split("?")[0];
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // malformed percent-encoding: judged on the raw path
  }
  return [path, decoded].some((p) => p.includes("\\") || /(^|\/)\.{1,2}(\/|$)/.test(p));
}

export const AMBIGUOUS_TARGET: HttpAnswer = {
  status: 400,
  headers: { "content-type": "application/json", "cache-control": "no-store" },
  body: '{"error":"z402_ambiguous_path"}',
};

/** The upstream target of a request: the upstream's base path followed by the request's path and query. */
export function targetPath(base: URL, requestUrl: string): string {
  const prefix = base.pathname.replace(/\/+$/, "");
  return `${prefix}${requestUrl.startsWith("/") ? requestUrl : `/${requestUrl}`}`;
}

export function writeAnswer(res: ServerResponse, answer: HttpAnswer): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

/** Forwards one request; resolves when the exchange is over (answered, streamed, or abandoned by either side). */
export function forward(
  req: IncomingMessage,
  res: ServerResponse,
  upstream: Upstream,
  exchange: Exchange,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const { url } = upstream;
    let headers: RawHeaders = upstreamRequestHeaders(req, {
      upstreamHost: url.host,
      preserveHost: upstream.preserveHost,
      extra: exchange.extra,
    });
    // Node frames the body again on this hop: a chunked request stays chunked whatever its method.
    if (req.headers["transfer-encoding"] !== undefined && req.headers["content-length"] === undefined) {
      headers = [...headers, "Transfer-Encoding", "chunked"];
    }
    const client = url.protocol === "https:" ? https : http;
    const upReq = client.request({
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ""),
      port: url.port || undefined,
      method: req.method,
      path: targetPath(url, req.url ?? "/"),
      headers: headers as unknown as http.OutgoingHttpHeaders,
      setHost: false,
      agent: upstream.agent,
    });
    let answered = false;
    upReq.setTimeout(upstream.timeoutMs, () => upReq.destroy(new Error("upstream timed out")));
    res.once("close", () => {
      // The client left before the upstream finished: stop the upstream exchange too.
      if (!res.writableFinished) upReq.destroy(new Error("client closed the connection"));
    });

    upReq.once("response", (up) => {
      answered = true;
      upReq.setTimeout(0);
      void respond(up).finally(resolve);
    });
    upReq.on("error", (err) => {
      if (answered) return; // a failure mid-body reaches the response pipeline
      answered = true;
      void exchange
        .onUnavailable(err)
        .catch(() => undefined)
        .finally(() => {
          if (!res.destroyed) writeAnswer(res, UPSTREAM_UNAVAILABLE);
          resolve();
        });
    });
    pipeline(req, upReq, () => undefined); // errors surface on upReq ('error') or on the client's side

    async function respond(up: IncomingMessage): Promise<void> {
      let decision: Decision;
      try {
        decision = await exchange.onResponse(up);
      } catch {
        decision = {
          type: "answer",
          answer: { ...UPSTREAM_UNAVAILABLE, body: '{"error":"z402_unavailable"}' },
        };
      }
      if (decision.type === "answer" || res.destroyed) {
        up.destroy();
        if (decision.type === "answer" && !res.destroyed) writeAnswer(res, decision.answer);
        return;
      }
      res.writeHead(
        up.statusCode ?? 502,
        up.statusMessage,
        clientResponseHeaders(up, decision.drop, decision.add),
      );
      for (const chunk of decision.head ?? []) res.write(chunk);
      if (decision.ended) {
        if (Object.keys(up.trailers).length > 0) res.addTrailers(up.trailers);
        res.end();
        return;
      }
      await new Promise<void>((done) => {
        up.once("end", () => {
          if (Object.keys(up.trailers).length > 0) res.addTrailers(up.trailers);
        });
        pipeline(up, res, (err) => {
          if (err && !res.destroyed) res.destroy(err);
          done();
        });
      });
    }
  });
}
