/**
 * The gateway: a Paywall (sdk/server) in front of an upstream, with its voucher store, chain mirror and settlement
 * worker. Paid routes are charged as `paid.ts` says; every other path is proxied unpaid; the admin paths (metrics,
 * health) are answered by the gateway itself and never proxied.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Signer } from "ethers";
import { ChainMirror } from "../server/mirror";
import { EthersEscrowChain } from "../server/chain";
import { Paywall } from "../server/paywall";
import type { RouteConfig } from "../server/options";
import { SettlementWorker } from "../settlement/worker";
import { facilitatorSubmitter } from "../settlement/facilitator-submitter";
import type { VoucherStore } from "../store/types";
import type { Observability } from "../observability";
import type { GatewayConfig, GatewayRoute } from "./config";
import { adminHandler, type AdminHandlers } from "./admin";
import { gatewayListener, type GatewayLogger } from "./listener";
import { observeGateway, type ObservedGateway } from "./observe";
import { createUpstream } from "./proxy";
import { openStore } from "./store";
import type { GatewayToken } from "./token";

export type { GatewayLogger } from "./listener";

const SILENT: GatewayLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface GatewayOptions {
  config: GatewayConfig;
  /** Sends deposits, exact settlements, claims and settles, and is the receiverAuthorizer (signs claim batches). */
  signer: Signer;
  chainId: bigint | number;
  escrow: string;
  token: GatewayToken;
  depositCollector?: string;
  /** Use this store instead of opening `config.store` (`close()` closes it too). */
  store?: VoucherStore;
  mirrorPollMs?: number;
  /**
   * Metrics, logs, health and graceful shutdown (z402/observability): the paywall, worker and mirror observed,
   * `/metrics`, `/healthz`, `/readyz` on the admin paths, request ids sent to the upstream as `x-request-id`.
   */
  obs?: Observability;
  /** Signals that start the graceful shutdown (with `obs`). Default none: call `close()`. */
  signals?: NodeJS.Signals[];
  /** Default: `obs`'s logger, else silent. */
  logger?: GatewayLogger;
  /** Handlers of the admin paths, in place of `obs`'s (without either: health answers 200, no metrics). */
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
  /**
   * Stops accepting, lets in-flight exchanges finish, stops the worker (after its batch) and the mirror, closes the
   * store (with `obs`: its graceful shutdown, readiness answering 503 meanwhile).
   */
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
  const log = opts.logger ?? opts.obs?.logger.child({ component: "gateway" }) ?? SILENT;
  const chainId = BigInt(opts.chainId);
  const authorizer = await opts.signer.getAddress();
  const store = opts.store ?? (await openStore(config.store));
  const chain = new EthersEscrowChain(chainId, opts.escrow, opts.signer);
  const mirror = new ChainMirror(chain, { pollMs: opts.mirrorPollMs ?? 1000 });
  try {
    await mirror.start();
  } catch (err) {
    await store.close();
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
    logger: opts.obs ? undefined : (line) => log.warn({ component: "worker" }, line), // obs logs quarantines itself
  });
  worker.start();

  const upstream = createUpstream(config.upstream, config.upstreamTimeoutMs, config.preserveHost);
  const server = http.createServer();
  server.keepAliveTimeout = 65_000;
  let observed: ObservedGateway | undefined;
  if (opts.obs) {
    const provider = opts.signer.provider ?? undefined;
    observed = observeGateway({ server, paywall, worker, mirror, store, provider }, opts.obs, opts.signals);
  }
  const admin = adminHandler(config.admin, opts.admin ?? observed?.admin ?? {});
  const requestIds = opts.obs !== undefined;
  server.on("request", gatewayListener({ config, paywall, upstream, log, admin, requestIds }));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.listen.port, config.listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.listen.host.includes(":") ? `[${config.listen.host}]` : config.listen.host;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      if (observed) {
        await observed.shutdown();
      } else {
        const stopped = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        await stopped;
        await worker.stop();
        await mirror.stop();
        await store.close();
      }
      upstream.agent.destroy();
    })());
  return { url: `http://${host}:${port}`, server, paywall, store, mirror, chain, worker, close };
}
