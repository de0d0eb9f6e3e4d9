import { Contract, type ContractRunner } from "ethers";
import { REPUTATION_VIEWS } from "./abi";
import type { DiscoveryStore } from "./store";
import type { AgentRecord } from "./types";

/** A reputation summary that only counts clients who paid the agent, weighted by what they paid. */
export interface PaidReputation {
  agentId: bigint;
  /** Paying clients that left (unrevoked) feedback. */
  paidClients: number;
  /** What those clients paid the agent in total (token base units). */
  totalPaid: bigint;
  /** Unrevoked feedback entries from paying clients. */
  feedbackCount: number;
  /** Spend-weighted mean of each paying client's mean feedback value; undefined without feedback. */
  score?: number;
  /** The registry's own `getSummary` over the paying clients (unweighted), when a registry is given. */
  onChain?: { count: bigint; summaryValue: bigint; summaryValueDecimals: number };
}

export interface PaidReputationOptions {
  /** Count only feedback with this tag1 (e.g. "starred"). */
  tag1?: string;
  tag2?: string;
  /** Count only payments in this token (lowercase address). */
  token?: string;
  /** Ignore clients that paid less than this (dust), default 1. */
  minSpend?: bigint;
  /** Also call the ReputationRegistry's getSummary with the paying clients. */
  registry?: { address: string; runner: ContractRunner };
}

/** Addresses that receive payments for the agent: its AgentAccount, its agentWallet and its owner. */
export function receiversOf(rec: AgentRecord): string[] {
  return [
    ...new Set(
      [rec.account, rec.wallet, rec.owner].filter((a): a is string => !!a).map((a) => a.toLowerCase()),
    ),
  ];
}

/**
 * Reputation from real payments: feedback counts only if its author paid the agent through the escrow
 * (claimed vouchers), and each client weighs as much as it paid. A thousand fresh addresses that never paid
 * weigh nothing; a thousand that paid dust weigh the dust.
 */
export async function paidReputation(
  store: DiscoveryStore,
  agentId: bigint,
  o: PaidReputationOptions = {},
): Promise<PaidReputation> {
  const rec = await store.agent(agentId);
  const empty: PaidReputation = { agentId, paidClients: 0, totalPaid: 0n, feedbackCount: 0 };
  if (!rec) return empty;
  const minSpend = o.minSpend ?? 1n;
  const paid = await store.paidBy(receiversOf(rec), o.token);
  for (const [payer, amount] of paid) if (amount < minSpend) paid.delete(payer);
  if (paid.size === 0) return empty;
  const entries = (await store.feedback(agentId, [...paid.keys()])).filter(
    (f) =>
      !f.revoked &&
      (o.tag1 === undefined || f.tag1 === o.tag1) &&
      (o.tag2 === undefined || f.tag2 === o.tag2),
  );
  const perClient = new Map<string, number[]>();
  for (const f of entries) {
    const list = perClient.get(f.client) ?? [];
    list.push(Number(f.value) / 10 ** f.decimals);
    perClient.set(f.client, list);
  }
  let totalPaid = 0n;
  for (const c of perClient.keys()) totalPaid += paid.get(c)!;
  let weighted = 0;
  for (const [c, values] of perClient) {
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    weighted += mean * (Number(paid.get(c)!) / Number(totalPaid));
  }
  const result: PaidReputation = {
    agentId,
    paidClients: perClient.size,
    totalPaid,
    feedbackCount: entries.length,
    ...(perClient.size > 0 ? { score: weighted } : {}),
  };
  if (o.registry && perClient.size > 0) {
    const reg = new Contract(o.registry.address, [...REPUTATION_VIEWS], o.registry.runner);
    const [count, summaryValue, summaryValueDecimals] = await reg.getSummary(
      agentId,
      [...perClient.keys()],
      o.tag1 ?? "",
      o.tag2 ?? "",
    );
    result.onChain = { count, summaryValue, summaryValueDecimals: Number(summaryValueDecimals) };
  }
  return result;
}
