/** The demo's result: what `--json` prints, and the summary table a person reads. */
import type { StepRecord } from "./steps";

export interface DemoReport {
  ok: boolean;
  chainId: number;
  seller: { agentId: string; account: string; url: string; skill: string; priceAtomic: string };
  buyer: { agentId: string; address: string };
  /** The seller as a facilitator's Bazaar catalog shows it, joined to the registry (after the first paid request). */
  catalog: {
    facilitator: string;
    agentId: string;
    resources: Array<{ resource: string; method: string | null; serviceName: string | null }>;
  };
  /** Paid HTTP requests. */
  requests: number;
  /** Paid A2A questions (on the same channel). */
  a2aRequests: number;
  /** Sum of what the seller charged, in atomic USDC units (6 decimals). */
  totalPaidAtomic: string;
  /** Voucher requests (2..N); the first request, which carries the deposit, is reported apart. */
  latencyMs: { p50: number; p99: number; mean: number; depositRequest: number };
  requestsPerSecond: number;
  /** JSON-RPC calls the seller made while serving voucher requests (after the deposit). */
  hotPathRpcCalls: number;
  /** Gas of every transaction from the deposit to the settlement, divided by the number of requests. */
  gasPerRequest: number;
  gasTotal: string;
  sellerBalanceBeforeAtomic: string;
  sellerBalanceAfterAtomic: string;
  reputation: { score: number; paidClients: number; feedbackCount: number; totalPaidAtomic: string } | null;
  steps: StepRecord[];
}

function usdc(atomic: string): string {
  const n = BigInt(atomic);
  const whole = n / 1_000_000n;
  const frac = (n % 1_000_000n).toString().padStart(6, "0");
  return `${whole}.${frac} USDC`;
}

/** The summary table. */
export function renderSummary(r: DemoReport): string {
  const rows: Array<[string, string]> = [
    ["paid requests", `${r.requests} over HTTP + ${r.a2aRequests} over A2A, one channel`],
    ["total paid", usdc(r.totalPaidAtomic)],
    [
      "latency p50 / p99",
      `${r.latencyMs.p50.toFixed(2)} ms / ${r.latencyMs.p99.toFixed(2)} ms per paid request`,
    ],
    [
      "first request",
      `${r.latencyMs.depositRequest.toFixed(1)} ms (carries the deposit, mined before serving)`,
    ],
    ["throughput", `${r.requestsPerSecond.toFixed(0)} req/s`],
    ["hot-path RPC calls", String(r.hotPathRpcCalls)],
    ["gas per request", `${r.gasPerRequest.toFixed(0)} (${r.gasTotal} total: deposit, claim, settle)`],
    ["seller balance", `${usdc(r.sellerBalanceBeforeAtomic)} → ${usdc(r.sellerBalanceAfterAtomic)}`],
    [
      "seller paid reputation",
      r.reputation
        ? `${r.reputation.score}/100 from ${r.reputation.paidClients} paying client(s), ${r.reputation.feedbackCount} feedback`
        : "unavailable",
    ],
  ];
  const unavailable = r.steps.filter((s) => s.status === "unavailable");
  const width = Math.max(...rows.map(([k]) => k.length));
  const line = "─".repeat(width + 2 + Math.max(...rows.map(([, v]) => v.length)));
  return [
    line,
    ...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`),
    line,
    ...unavailable.map((s) => `not run: ${s.name} (${s.detail})`),
  ].join("\n");
}
