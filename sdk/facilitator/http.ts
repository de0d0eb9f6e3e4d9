import http from "node:http";
import type { AddressInfo } from "node:net";
import { AUTH_STATUS } from "./reasons";
import type { BazaarCatalog } from "./bazaar-catalog";
import { DISCOVERY_PATHS, discoveryAnswer } from "./bazaar-http";
import type { Facilitator, SettleResult } from "./types";

export interface FacilitatorHttpOptions {
  /** Largest request body accepted, in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /** Serves `GET /metrics` from it (an `Observability` of z402/observability; see `observeFacilitator`). */
  obs?: { metricsHandler(): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> };
  /**
   * Bazaar: catalogs the resources of payments that verify or settle, lists them at `GET /discovery/resources`
   * (and `GET /discovery/search`), and names `bazaar` in `/supported`'s extensions.
   */
  catalog?: BazaarCatalog;
}

const JSON_HEADERS = { "content-type": "application/json", "cache-control": "no-store" };

function send(res: http.ServerResponse, status: number, body: unknown): void {
  // Serialize first: a body that cannot be encoded must still leave the response writable for the 500.
  const text = JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  const challenge = status === 401 ? { "www-authenticate": 'Bearer realm="z402-facilitator"' } : {};
  res.writeHead(status, { ...JSON_HEADERS, ...challenge });
  res.end(text);
}

/** A settle refused for who asked (401/403) keeps its x402 body; every other answer is a 200. */
const settleStatus = (r: SettleResult) => (r.errorReason && AUTH_STATUS[r.errorReason]) || 200;

function readBody(req: http.IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    // Past the limit the rest is drained and dropped, so the 413 still reaches the client.
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * The x402 facilitator HTTP API as a Node request listener: `POST /verify`, `POST /settle` (body
 * `{x402Version, paymentPayload, paymentRequirements}`) and `GET /supported`. A verification or settlement
 * failure is a 200 with `isValid:false` / `success:false` (what `HTTPFacilitatorClient` expects), except a
 * receiver-side settle refused for its caller (401/403, same body); a request that is not a facilitator request
 * at all gets a 4xx. The `Authorization` header goes to settle, where receiver-side requests authenticate.
 */
export function createFacilitatorHandler(facilitator: Facilitator, options: FacilitatorHttpOptions = {}) {
  const limit = options.maxBodyBytes ?? 64 * 1024;
  const metrics = options.obs?.metricsHandler();
  const { catalog } = options;
  // Cataloging never changes or delays an answer; a failure to store is dropped.
  const remember = (ok: boolean, body: { paymentPayload?: unknown; paymentRequirements?: unknown }) => {
    if (ok && catalog) catalog.record(body.paymentPayload, body.paymentRequirements).catch(() => undefined);
  };
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0].replace(/\/+$/, "") || "/";
    try {
      if (metrics && path === "/metrics") {
        return req.method === "GET"
          ? await metrics(req, res)
          : send(res, 405, { error: "method_not_allowed" });
      }
      if (path === "/supported") {
        if (req.method !== "GET") return send(res, 405, { error: "method_not_allowed" });
        const supported = facilitator.getSupported();
        if (!catalog) return send(res, 200, supported);
        return send(res, 200, {
          ...supported,
          extensions: [...new Set([...supported.extensions, "bazaar"])],
        });
      }
      if (catalog && DISCOVERY_PATHS.includes(path)) {
        if (req.method !== "GET") return send(res, 405, { error: "method_not_allowed" });
        const answer = await discoveryAnswer(catalog, path, req.url ?? "/");
        return send(res, answer.status, answer.body);
      }
      if (path !== "/verify" && path !== "/settle") return send(res, 404, { error: "not_found" });
      if (req.method !== "POST") return send(res, 405, { error: "method_not_allowed" });
      const text = await readBody(req, limit);
      if (text === undefined) return send(res, 413, { error: "body_too_large" });
      let body: { paymentPayload?: unknown; paymentRequirements?: unknown };
      try {
        body = JSON.parse(text);
      } catch {
        body = {};
      }
      if (typeof body !== "object" || body === null) body = {};
      if (path === "/verify") {
        const verdict = await facilitator.verify(body.paymentPayload, body.paymentRequirements);
        remember(verdict.isValid, body);
        return send(res, 200, verdict);
      }
      const result = await facilitator.settle(body.paymentPayload, body.paymentRequirements, {
        authorization: req.headers.authorization,
      });
      remember(result.success, body);
      return send(res, settleStatus(result), result);
    } catch (e) {
      return send(res, 500, { error: "internal_error", message: (e as Error).message });
    }
  };
}

export interface RunningFacilitator {
  /** Base URL, e.g. `http://127.0.0.1:4021`; give it to any x402 `HTTPFacilitatorClient`. */
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

/** Starts the facilitator HTTP service (default loopback, ephemeral port). */
export async function serveFacilitator(
  facilitator: Facilitator,
  listen: { host?: string; port?: number } & FacilitatorHttpOptions = {},
): Promise<RunningFacilitator> {
  const server = http.createServer(createFacilitatorHandler(facilitator, listen));
  const host = listen.host ?? "127.0.0.1";
  await new Promise<void>((resolve) => server.listen(listen.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
