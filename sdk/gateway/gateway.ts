/**
 * The gateway: a Paywall (sdk/server) in front of an upstream, with its voucher store, chain mirror and settlement
 * worker. Paid routes are charged as `paid.ts` says; every other path is proxied unpaid; the admin paths (metrics,
 * health) are answered by the gateway itself and never proxied.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Signer } from "ethers";
import { ChainMirror } from "../server/mirror";
import { EthersEscrowChain } from "../server/chain";
import { Paywall } from "../server/paywall";
import type { RouteConfig } from "../server/options";
import { decide } from "../server/adapters/intercept";
import { SettlementWorker } from "../settlement/worker";
import { facilitatorSubmitter } from "../settlement/facilitator-submitter";
import type { VoucherStore } from "../store/types";
import type { GatewayConfig, GatewayRoute } from "./config";
import { adminHandler, type AdminHandlers } from "./admin";
import { paidExchange } from "./paid";
import { createUpstream, forward, writeAnswer, type Exchange } from "./proxy";
import { openStore } from "./store";
import type { GatewayToken } from "./token";

/** The pino-shaped logger the gateway writes to (a pino logger fits); default: silent. */
export interface GatewayLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const SILENT: GatewayLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface GatewayOptions {
  config: GatewayConfig;
  /** Sends deposits, exact settlements, claims and settles, and is the receiverAuthorizer (signs claim batches). */
  signer: Signer;
  chainId: bigint | number;
  escrow: string;
  token: GatewayToken;
  depositCollector?: string;
  /** Use this store instead of opening `config.store` (the gateway then does not close it). */
  store?: VoucherStore;
  mirrorPollMs?: number;
  logger?: GatewayLogger;
  /** Handlers of the admin paths (metrics, liveness, readiness); the defaults answer health only. */
  admin?: AdminHandlers;
}

export interface RunningGateway {
  url: string;
  server: http.Server;
  paywall: Paywall;
  store: VoucherStore;
  mirror: ChainMirror;
  chain: EthersEscrowChain;
  worker: SettlementWorker;
  /** Stops accepting, lets in-flight exchanges finish, stops the worker (after its batch) and the mirror, closes the store. */
  close(): Promise<void>;
}

function routeConfig(r: GatewayRoute): RouteConfig {
  return {
    path: r.path,
    methods: r.methods,
    price: r.price.kind === "fixed" ? r.price.amount : r.price.max,
    description: r.description,
    mimeType: r.mimeType,
    payTo: r.payTo,
  };
}

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const { config } = opts;
  const log = opts.logger ?? SILENT;
  const chainId = BigInt(opts.chainId);
  const authorizer = await opts.signer.getAddress();
  const store = opts.store ?? (await openStore(config.store));
  const chain = new EthersEscrowChain(chainId, opts.escrow, opts.signer);
  const mirror = new ChainMirror(chain, { pollMs: opts.mirrorPollMs ?? 1000 });
  try {
    await mirror.start();
  } catch (err) {
    if (!opts.store) await store.close();
    throw err;
  }
  const facilitator = config.facilitator;
  const network = `eip155:${chainId}`;
  const paywall = new Paywall({
    network,
    chain,
    mirror,
    store,
    token: opts.token,
    payTo: config.receiver ?? authorizer,
    receiverAuthorizer: authorizer,
    withdrawDelay: config.withdrawDelay,
    depositCollector: opts.depositCollector,
    minDeposit: config.minDeposit,
    exact: config.exact,
    facilitator,
    routes: config.routes.map(routeConfig),
  });
  await paywall.start();
  const worker = new SettlementWorker({
    store,
    chain,
    authorizer: opts.signer,
    mirror,
    submit: facilitator ? facilitatorSubmitter(facilitator, network) : undefined,
    intervalMs: config.settlement.intervalMs,
    riskThreshold: config.settlement.riskThreshold,
    maxBatch: config.settlement.maxBatch,
    settle: config.settlement.settle,
    logger: (line) => log.warn({ component: "worker" }, line),
  });
  worker.start();

  const upstream = createUpstream(config.upstream, config.upstreamTimeoutMs, config.preserveHost);
  const admin = adminHandler(config.admin, opts.admin ?? {});
  const free: Exchange = {
    onResponse: async () => ({ type: "stream" }),
    onUnavailable: async (err) =>
      log.warn({ err: err.message, url: config.upstream }, "upstream unavailable"),
  };

  const listener = async (req: IncomingMessage, res: ServerResponse) => {
    if (admin(req, res)) return;
    const outcome = await decide(paywall, req, res);
    if (!outcome) return;
    if (outcome.type === "respond") return writeAnswer(res, outcome.answer);
    if (outcome.type === "free") return forward(req, res, upstream, free);
    const route = config.routes[paywall.options.routes.indexOf(outcome.ticket.route)];
    const exchange = paidExchange(
      paywall,
      outcome.ticket,
      route,
      { gone: () => res.destroyed },
      {
        onCharged: (info) => log.info({ route: info.route, charge: info.charge.toString(), units: info.metered?.units }, "charged"), // prettier-ignore
        onReleased: (info) => log.info({ route: info.route, reason: info.reason }, "not charged"),
      },
    );
    return forward(req, res, upstream, exchange);
  };
  const server = http.createServer((req, res) => {
    listener(req, res).catch((err: Error) => {
      log.error({ err: err.message }, "gateway request failed");
      if (!res.headersSent) writeAnswer(res, { status: 502, headers: {}, body: "" });
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.listen.port, config.listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.listen.host.includes(":") ? `[${config.listen.host}]` : config.listen.host;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const stopped = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      await stopped;
      await worker.stop();
      await mirror.stop();
      upstream.agent.destroy();
      if (!opts.store) await store.close();
    })());
  return { url: `http://${host}:${port}`, server, paywall, store, mirror, chain, worker, close };
}
