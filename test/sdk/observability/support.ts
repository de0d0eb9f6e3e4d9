import http from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import {
  ChainMirror,
  EthersEscrowChain,
  Paywall,
  setCharge,
  withPaywall,
  type PaywallOptions,
} from "../../../sdk/server";
import { SqliteVoucherStore } from "../../../sdk/store";
import { createObservability, type Observability } from "../../../sdk/observability";
import { DEFAULT_ROUTES, WITHDRAW_DELAY, type Deployment } from "../paid-http/support/fixture";

/** Log lines written to memory, parsed on demand. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    done();
  }
  records(): Array<Record<string, unknown>> {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  find(msg: string): Array<Record<string, unknown>> {
    return this.records().filter((r) => r.msg === msg);
  }
}

/** An observability writing JSON lines (debug and up) to a capture. */
export function testObservability(): { obs: Observability; logs: LogCapture } {
  const logs = new LogCapture();
  const obs = createObservability({ service: "z402-test", level: "debug", pretty: false, destination: logs });
  return { obs, logs };
}

/**
 * The value of a metric in Prometheus text: the sum over its lines whose labels include `labels` (0 when none).
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

/** Scrapes `GET /metrics` over HTTP from a server mounting `obs.metricsHandler()`. */
export async function scrape(obs: Observability): Promise<string> {
  const server = http.createServer(obs.metricsHandler());
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
    if (res.status !== 200) throw new Error(`metrics answered ${res.status}`);
    return await res.text();
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

export interface NodeServer {
  url: string;
  port: number;
  server: http.Server;
  paywall: Paywall;
  mirror: ChainMirror;
  chain: EthersEscrowChain;
  store: SqliteVoucherStore;
}

/**
 * A paid `node:http` server whose handler is async: `/paid/slow` waits for `gate` before answering (and charges
 * `charge` when given). Nothing is closed for you: the shutdown under test does it.
 */
export async function startNodeServer(
  d: Deployment,
  o: { gate?: () => Promise<void>; over?: Partial<PaywallOptions> } = {},
): Promise<NodeServer> {
  const chain = new EthersEscrowChain(d.chainId, d.escrow, d.relayer);
  const mirror = new ChainMirror(chain, { pollMs: 200 });
  await mirror.start();
  const store = new SqliteVoucherStore({ filename: ":memory:" });
  const paywall = new Paywall({
    network: `eip155:${d.chainId}`,
    chain,
    mirror,
    store,
    token: { address: d.tokenAddress, name: "USDC", version: "2" },
    payTo: d.receiver,
    receiverAuthorizer: d.authorizer.address,
    withdrawDelay: WITHDRAW_DELAY,
    depositCollector: d.collector,
    routes: DEFAULT_ROUTES,
    ...o.over,
  });
  await paywall.start();
  const server = http.createServer(
    withPaywall(paywall, async (req, res) => {
      if (req.url?.startsWith("/paid/slow")) {
        await o.gate?.();
        setCharge(req, 1_000n);
      }
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok " + req.url);
    }),
  );
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, server, paywall, mirror, chain, store };
}

/** A promise and its resolver. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
