/**
 * A real upstream HTTP server and a gateway in front of it, on the in-process chain of the paid-http fixture.
 */
import { createHash } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SqliteVoucherStore, type VoucherStore } from "../../sdk/store";
import { parseGatewayConfig, startGateway, type RunningGateway } from "../../sdk/gateway";
import type { Observability } from "../../sdk/observability";
import { deploy, type Deployment } from "../sdk/paid-http/support/fixture";

export const BIG = 5 * 1024 * 1024;

/** Deterministic bytes (not all zeros, so a mix-up shows). */
export function bytes(n: number, seed = 7): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

export const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

export interface Upstream {
  url: string;
  port: number;
  /** Requests the upstream received, by path. */
  hits: Map<string, number>;
  /** The last request's headers (raw list) and path as the upstream saw them. */
  last: { raw: string[]; url: string };
  /** Releases the rest of /paid/stream and /paid/big-paused (their first part is sent at once). */
  releaseStream(): void;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, u: Upstream) => void;

/** Reads a request body to its end, hashing it (never keeping it). */
function hashBody(req: IncomingMessage): Promise<{ length: number; sha256: string }> {
  return new Promise((resolve) => {
    const h = createHash("sha256");
    let length = 0;
    req.on("data", (c: Buffer) => {
      h.update(c);
      length += c.length;
    });
    req.on("end", () => resolve({ length, sha256: h.digest("hex") }));
  });
}

const HELLO = "hello from upstream";

const ROUTES: Record<string, Handler> = {
  "/paid/hello": (_req, res) => {
    res.writeHead(200, [
      "Content-Type", "text/plain; charset=utf-8",
      "X-Upstream", "yes",
      "Set-Cookie", "a=1; Path=/",
      "Set-Cookie", "b=2; Path=/",
      "Connection", "x-up-hop",
      "X-Up-Hop", "secret",
      "Content-Length", String(HELLO.length),
    ]); // prettier-ignore
    res.end(HELLO);
  },
  "/paid/hang": () => undefined, // never answers
  "/paid/fail": (_req, res) => res.writeHead(500, { "content-type": "text/plain" }).end("boom"),
  "/paid/missing": (_req, res) => res.writeHead(404).end("no such thing"),
  "/paid/big": (_req, res) => {
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": BIG });
    res.end(bytes(BIG));
  },
  "/paid/big-paused": (_req, res) => {
    const body = bytes(BIG);
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": BIG });
    res.write(body.subarray(0, BIG / 2));
    waiting.push(() => res.end(body.subarray(BIG / 2)));
  },
  "/paid/chunked": (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("part one, ");
    res.end("part two");
  },
  "/paid/stream": (_req, res, u) => {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write("data: first\n\n");
    waiting.push(() => {
      res.write("data: second\n\n");
      res.end("data: last\n\n");
    });
    void u;
  },
  "/metered/units": (_req, res) => res.writeHead(200, { "x-z402-units": "3" }).end("three units"),
  "/metered/many": (_req, res) => res.writeHead(200, { "x-z402-units": "1000000" }).end("too many units"),
  "/metered/sized": (_req, res) => res.writeHead(200, { "content-length": 2500 }).end(bytes(2500)),
  "/metered/unsized": (_req, res) => {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    res.write(bytes(1000));
    res.end(bytes(1500));
  },
};
const waiting: Array<() => void> = [];

async function echo(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await hashBody(req);
  const answer = JSON.stringify({ method: req.method, url: req.url, raw: req.rawHeaders, ...body });
  res.writeHead(200, { "content-type": "application/json" }).end(answer);
}

export async function startUpstream(): Promise<Upstream> {
  const hits = new Map<string, number>();
  const u = {} as Upstream;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    hits.set(path, (hits.get(path) ?? 0) + 1);
    u.last = { raw: req.rawHeaders, url: req.url ?? "" };
    const route = ROUTES[path];
    if (route) {
      req.resume();
      return route(req, res, u);
    }
    void echo(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(u, {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    last: { raw: [], url: "" },
    releaseStream: () => waiting.splice(0).forEach((f) => f()),
    close: async () => {
      waiting.splice(0).forEach((f) => f());
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  });
}

export const PRICE = 1_000n;

/** A gateway config (raw, as in a file) in front of `upstream`. */
export function rawConfig(upstream: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    upstream,
    listen: { host: "127.0.0.1", port: 0 },
    withdrawDelay: 900,
    settlement: { interval: "1h" },
    upstreamTimeout: "1s",
    routes: [
      { path: "/paid/*", price: Number(PRICE) },
      { path: "/metered/*", price: { perUnit: 10, unit: "kB", max: 100_000 } },
    ],
    ...over,
  };
}

export interface World {
  d: Deployment;
  gateway: RunningGateway;
  store: VoucherStore;
  /** Sum of what the store has charged across channels. */
  charged(): Promise<bigint>;
  close(): Promise<void>;
}

export async function startGatewayFor(
  upstream: string,
  over: Record<string, unknown> = {},
  obs?: Observability,
): Promise<World> {
  const d = await deploy();
  const store = new SqliteVoucherStore({ filename: ":memory:" });
  const config = parseGatewayConfig(rawConfig(upstream, { receiver: d.receiver, ...over }));
  const gateway = await startGateway({
    config,
    signer: d.relayer,
    chainId: d.chainId,
    escrow: d.escrow,
    token: { address: d.tokenAddress, name: "USDC", version: "2" },
    depositCollector: d.collector,
    store,
    mirrorPollMs: 200,
    obs,
  });
  return {
    d,
    gateway,
    store,
    charged: async () => (await store.listOwed()).reduce((s, r) => s + r.charged, 0n),
    close: () => gateway.close(),
  };
}
