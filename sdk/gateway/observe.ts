/**
 * The gateway under z402/observability: the paywall, worker and mirror metrics and logs, `/metrics`, `/healthz` and
 * `/readyz` on the admin paths (readiness checks the store, the chain and the mirror's lag), and a graceful shutdown
 * (stop accepting, finish the exchanges in flight, let the worker finish its batch, stop the mirror, close the store).
 */
import type http from "node:http";
import type { Provider } from "ethers";
import type { Paywall } from "../server/paywall";
import type { ChainMirror } from "../server/mirror";
import type { SettlementWorker } from "../settlement/worker";
import type { VoucherStore } from "../store/types";
import {
  gracefulShutdown,
  observeMirror,
  observePaywall,
  observeWorker,
  type Observability,
} from "../observability";
import type { AdminHandlers } from "./admin";

export interface ObservedParts {
  server: http.Server;
  paywall: Paywall;
  worker: SettlementWorker;
  mirror: ChainMirror;
  store: VoucherStore;
  provider?: Provider;
}

export interface ObservedGateway {
  admin: AdminHandlers;
  /** The graceful shutdown (once; later calls get the same promise), then the observers detached. */
  shutdown(): Promise<void>;
}

/**
 * Wires `obs` to a gateway's parts. Call it before the server listens, so every request is tracked. `signals`
 * start the shutdown (default none: the caller calls `shutdown()`).
 */
export function observeGateway(
  parts: ObservedParts,
  obs: Observability,
  signals: NodeJS.Signals[] = [],
): ObservedGateway {
  const detach = [
    observePaywall(parts.paywall, obs),
    observeWorker(parts.worker, obs),
    observeMirror(parts.mirror, obs),
  ];
  const { live, ready } = obs.healthHandlers({
    store: parts.store,
    chain: parts.provider,
    mirror: parts.mirror,
  });
  const graceful = gracefulShutdown({ ...parts, obs, signals });
  let done: Promise<void> | undefined;
  return {
    admin: { metrics: obs.metricsHandler(), live, ready },
    shutdown: () =>
      (done ??= graceful.shutdown().finally(() => {
        for (const off of detach) off();
      })),
  };
}
