import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { ChainMirror } from "../server/mirror";
import type { VoucherStore } from "../store/types";

/** Seconds: a local voucher check takes tens of microseconds, a store write up to tens of milliseconds. */
const FAST_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];
/** Seconds: facilitator answers include sending transactions. */
const SLOW_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Where the scrape-time gauges read from. */
interface Sources {
  /** Stores of observed paywalls: their owed channels are the unclaimed exposure. */
  stores: Set<VoucherStore>;
  /** Observed workers' exposure, used when no paywall is observed (a settlement-only process). */
  workers: Set<() => Promise<bigint>>;
  mirrors: Set<ChainMirror>;
}

async function exposure(s: Sources): Promise<bigint> {
  if (s.stores.size > 0) {
    const owed = await Promise.all([...s.stores].map((store) => store.listOwed()));
    return owed.flat().reduce((sum, r) => sum + (r.charged - r.claimed), 0n);
  }
  const each = await Promise.all([...s.workers].map((f) => f()));
  return each.reduce((sum, x) => sum + x, 0n);
}

/** Every z402 metric on one registry. Token amounts are base units (exact up to 2^53). */
function define(registers: Registry[]) {
  const sources: Sources = { stores: new Set(), workers: new Set(), mirrors: new Set() };
  const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
    new Counter<L>({ name: `z402_${name}`, help, labelNames, registers });
  const fast = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new Histogram<L>({ name: `z402_${name}`, help, labelNames, buckets: FAST_BUCKETS, registers });
  const lags = () => [...sources.mirrors].map((m) => m.lag());
  return {
    sources,
    requests: counter("requests_total", "Paywall requests by route and outcome", ["route", "outcome"]),
    refusals: counter("refusals_total", "Payments refused, by route and reason code", ["route", "reason"]),
    errors: counter("errors_total", "Requests failed on our side (503) or by the handler", [
      "route",
      "reason",
    ]),
    verify: fast("verify_duration_seconds", "Deciding on a payment: decode, verify, reserve", ["scheme"]),
    store: fast("store_duration_seconds", "Committing a charge to the store", ["scheme"]),
    charged: counter("charged_total", "Charged amount in token base units", ["route"]),
    actions: counter("onchain_actions_total", "On-chain actions requests caused", ["action", "scheme"]),
    claimed: counter("claimed_total", "Amount claimed on chain by the settlement worker (token base units)"),
    rounds: counter("settlement_rounds_total", "Settlement worker rounds by result", ["result"]),
    batches: counter("settlement_batches_total", "Claim transactions that landed"),
    settles: counter("settlement_settles_total", "settle() transactions sent"),
    failures: counter("settlement_failures_total", "Settlement rounds that failed"),
    quarantinedRows: counter(
      "quarantined_total",
      "Channels put in quarantine (the chain refused their voucher)",
    ),
    quarantined: new Gauge({
      name: "z402_quarantined_channels",
      help: "Owed channels held back from claims at the end of the last settlement round",
      registers,
    }),
    exposure: new Gauge({
      name: "z402_unclaimed_exposure",
      help: "Charged but not yet claimed on chain, in token base units (read from the store at scrape)",
      registers,
      async collect() {
        // A store that does not answer keeps the last value; readiness reports the store itself.
        const total = await exposure(sources).catch(() => undefined);
        if (total !== undefined) this.set(Number(total));
      },
    }),
    mirrorLag: new Gauge({
      name: "z402_mirror_lag_seconds",
      help: "Seconds since the chain mirror last caught up with the head (+Inf when not running)",
      registers,
      collect() {
        const all = lags();
        if (all.length > 0) this.set(Math.max(...all.map((l) => l.ms)) / 1000);
      },
    }),
    mirrorBlocksBehind: new Gauge({
      name: "z402_mirror_blocks_behind",
      help: "Head block minus the last block the mirror read, at its last poll",
      registers,
      collect() {
        const all = lags();
        if (all.length > 0) this.set(Math.max(...all.map((l) => Math.max(0, l.head - l.block))));
      },
    }),
    mirrorBlock: new Gauge({ name: "z402_mirror_block", help: "Last block the mirror read", registers }),
    mirrorPollFailures: counter("mirror_poll_failures_total", "Mirror polls that failed (retried next poll)"),
    facilitatorRequests: counter("facilitator_requests_total", "Facilitator verify/settle answers", [
      "kind",
      "scheme",
      "network",
      "result",
    ]),
    facilitatorRefusals: counter("facilitator_refusals_total", "Facilitator refusals by reason code", [
      "kind",
      "reason",
    ]),
    facilitatorDuration: new Histogram({
      name: "z402_facilitator_duration_seconds",
      help: "Facilitator verify/settle time",
      labelNames: ["kind"],
      buckets: SLOW_BUCKETS,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof define>;

const byRegistry = new WeakMap<Registry, Metrics>();

/** The z402 metrics of `registry`, defined on first use (once per registry). */
export function metricsFor(registry: Registry): Metrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = define([registry]);
    byRegistry.set(registry, metrics);
  }
  return metrics;
}

/**
 * `make(...values)` cached per label values: prom-client hashes a label object on every `inc`/`observe`, a cached
 * child costs a map lookup. Label values come from configuration and reason codes, so the cache stays small.
 */
export function cached<T>(make: (...values: string[]) => T): (...values: string[]) => T {
  const children = new Map<string, T>();
  return (...values) => {
    const key = values.join("\u0000");
    let child = children.get(key);
    if (child === undefined) children.set(key, (child = make(...values)));
    return child;
  };
}

/** A bigint amount as a counter increment. */
export const amount = (value: bigint): number => Number(value);
