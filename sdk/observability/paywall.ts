import type { PaywallAction, PaywallEvent } from "../server/events";
import type { PaywallRequest } from "../server/options";
import type { Paywall } from "../server/paywall";
import { REASONS } from "../server/reasons";
import { requestIdFrom } from "./logger";
import { amount, cached, metricsFor } from "./metrics";
import type { Observability } from "./types";

/** The `route` label of requests no route prices. */
const UNPRICED = "none";

const ACTION_MESSAGES: Record<PaywallAction["action"], string> = {
  deposit: "deposit submitted",
  settle: "exact payment settled",
  refund: "refund sent",
};

/**
 * Counts, times and logs what `paywall` does: requests by route and outcome, refusals by reason, verify and store
 * latency, charged amounts, on-chain actions; the unclaimed exposure of its store (read at each scrape). Log lines
 * carry the request id (`x-request-id`, or a new one), the channel id and the reason. Returns the detachment.
 */
export function observePaywall(paywall: Paywall, obs: Observability): () => void {
  const m = metricsFor(obs.registry);
  const log = obs.logger.child({ component: "paywall" });
  const store = paywall.options.store;
  m.sources.stores.add(store);
  const requests = cached((route, outcome) => m.requests.labels(route, outcome));
  const refusals = cached((route, reason) => m.refusals.labels(route, reason));
  const errors = cached((route, reason) => m.errors.labels(route, reason));
  const verify = cached((scheme) => m.verify.labels(scheme));
  const storeTime = cached((scheme) => m.store.labels(scheme));
  const charged = cached((route) => m.charged.labels(route));
  const ids = new WeakMap<PaywallRequest, string>();
  const idOf = (req: PaywallRequest) => {
    let id = ids.get(req);
    if (id === undefined) ids.set(req, (id = requestIdFrom(req.header("x-request-id"))));
    return id;
  };
  const fields = (e: PaywallEvent) => ({
    requestId: idOf(e.request),
    channelId: e.channelId,
    route: e.route,
    method: e.method,
    price: e.price.toString(),
    reason: e.reason,
  });

  const request = (e: PaywallEvent) => {
    const route = e.route || UNPRICED;
    requests(route, e.outcome).inc();
    if (e.outcome === "free") return;
    const scheme = e.scheme ?? "none";
    if (e.scheme && e.verifyMs !== undefined) verify(scheme).observe(e.verifyMs / 1000);
    if (e.storeMs !== undefined) storeTime(scheme).observe(e.storeMs / 1000);
    if (e.charged) charged(route).inc(amount(e.charged));
    if (e.outcome === "refused") {
      refusals(route, e.reason ?? "unknown").inc();
      // The first 402 of every paid exchange is a challenge, not a refusal worth a line at `info`.
      const level = e.reason === REASONS.paymentRequired ? "debug" : "info";
      if (log.isLevelEnabled(level)) log[level](fields(e), "payment refused");
    } else if (e.outcome === "error") {
      errors(route, e.reason ?? "unknown").inc();
      log.warn(fields(e), "paid request failed");
    } else if (e.outcome === "replayed") {
      log.info(fields(e), "stored answer replayed");
    } else if (log.isLevelEnabled("debug")) {
      log.debug({ ...fields(e), charged: e.charged?.toString() }, "paid request served");
    }
  };

  const action = (a: PaywallAction) => {
    m.actions.inc({ action: a.action, scheme: a.scheme });
    const line = {
      requestId: idOf(a.request),
      channelId: a.channelId,
      action: a.action,
      amount: a.amount?.toString(),
      transaction: a.transaction,
    };
    log.info(line, ACTION_MESSAGES[a.action]);
  };

  const off = paywall.on({ request, action });
  return () => {
    off();
    m.sources.stores.delete(store);
  };
}
