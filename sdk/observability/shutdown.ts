import type http from "node:http";
import type { Paywall } from "../server/paywall";
import type { ChainMirror } from "../server/mirror";
import type { SettlementWorker } from "../settlement/worker";
import type { VoucherStore } from "../store/types";
import { markDraining } from "./create";
import type { Observability } from "./types";

export interface ShutdownOptions {
  server: http.Server;
  /** Its store is closed when `store` is not given. */
  paywall?: Paywall;
  worker?: SettlementWorker;
  store?: VoucherStore;
  mirror?: ChainMirror;
  obs?: Observability;
  /** After this long, open connections are destroyed and the shutdown ends (ms). Default 10 s. */
  timeoutMs?: number;
  /** Signals that start the shutdown. Default SIGTERM and SIGINT; `[]` for none. */
  signals?: NodeJS.Signals[];
}

/** Tracks the server's requests in flight; once draining, every answer not yet started closes its connection. */
function trackRequests(server: http.Server) {
  const inFlight = new Set<http.ServerResponse>();
  let draining = false;
  let idle: (() => void) | undefined;
  const closeAfter = (res: http.ServerResponse) => {
    if (!res.headersSent) res.setHeader("connection", "close");
  };
  server.on("request", (_req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight.add(res);
    if (draining) closeAfter(res);
    res.once("close", () => {
      inFlight.delete(res);
      if (inFlight.size === 0) idle?.();
    });
  });
  return {
    /** Resolves once no request is in flight. */
    drain(): Promise<void> {
      draining = true;
      inFlight.forEach(closeAfter);
      return inFlight.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => (idle = resolve));
    },
  };
}

/**
 * Graceful shutdown. `shutdown()` (or one of `signals`): readiness turns 503, the server stops accepting
 * connections, requests in flight finish (each answer closes its connection), then the worker finishes its
 * running round, the mirror stops and the store closes. After `timeoutMs` every connection is destroyed and
 * the shutdown ends anyway. Call it when the server starts, so every request is tracked.
 *
 * After a signal's shutdown the signal is raised again with this handler removed: the process ends as it would
 * have, unless the application listens to that signal itself.
 */
export function gracefulShutdown(o: ShutdownOptions): { shutdown(): Promise<void> } {
  const requests = trackRequests(o.server);
  const log = o.obs?.logger.child({ component: "shutdown" });
  const store = o.store ?? o.paywall?.options.store;
  let running: Promise<void> | undefined;

  const steps = async () => {
    const closed = new Promise<void>((resolve) => o.server.close(() => resolve()));
    await requests.drain();
    o.server.closeIdleConnections();
    await closed;
    await o.worker?.stop();
    await o.mirror?.stop();
    await store?.close();
  };

  const shutdown = (): Promise<void> => {
    if (running) return running;
    if (o.obs) markDraining(o.obs);
    log?.info("shutdown started: no new connections, finishing requests in flight");
    const timeoutMs = o.timeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">(
      (resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)),
    );
    running = Promise.race([steps().then(() => "done" as const), timedOut])
      .then((how) => {
        if (how === "timeout") {
          o.server.closeAllConnections();
          log?.warn({ timeoutMs }, "shutdown timed out: connections destroyed");
        } else log?.info("shutdown complete");
      })
      .catch((err: unknown) => {
        o.server.closeAllConnections();
        log?.error({ err }, "shutdown failed");
      })
      .finally(async () => {
        clearTimeout(timer);
        for (const [signal, handler] of handlers) process.removeListener(signal, handler);
        // Log lines are written asynchronously: out before the process may end.
        await new Promise<void>((resolve) => (o.obs ? o.obs.logger.flush(() => resolve()) : resolve()));
      });
    return running;
  };

  const handlers = (o.signals ?? (["SIGTERM", "SIGINT"] as NodeJS.Signals[])).map((signal) => {
    const handler = () => {
      void shutdown().then(() => process.kill(process.pid, signal));
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  return { shutdown };
}
