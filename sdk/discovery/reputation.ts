import { Contract, type ContractRunner } from "ethers";
import { IDENTITY_VIEWS, REPUTATION_VIEWS } from "./abi";
import type { SignedReceipt } from "@x402/extensions/offer-receipt";
import { receiptCredit, type ChannelLookup, type ReceiptCredit } from "./receipt-credit";
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
  /** Paying clients with feedback left out because they are the agent's own addresses (self-payments). */
  selfPayers: number;
  /** What those self-payers paid the agent (token base units): money that went straight back to its owner. */
  selfPaid: bigint;
  /** Receipts given: payers they credited, and the ones left out by reason (see {@link receiptCredit}). */
  receipts?: { credited: number; refused: ReceiptCredit["refused"] };
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
  /** More addresses of the agent's own (operators, a treasury, old keys): their payments are self-payments. */
  exclude?: string[];
  /**
   * The identity registry: a paying client it reports as the agent's owner, operator or approved address
   * (`isAuthorizedOrOwner`, one call per paying client with feedback) is a self-payer too.
   */
  identity?: { address: string; runner: ContractRunner };
  /**
   * Receipts carried by feedback (x402 offer-receipt, signed by the agent's registered receipt key): each credits
   * its payer with what its channel's on-chain claimed total confirms (never more), so a payer the spend index
   * misses still counts, and a receipt the agent minted for itself counts for nothing it did not collect.
   */
  receipts?: SignedReceipt[];
  /** Where a receipt's channel is checked; default: the store's `channel` (the indexer's view of the escrow). */
  channelOf?: ChannelLookup;
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
 * Addresses whose payments to the agent are self-payments: its AgentAccount, every owner and agentWallet it has
 * had (so a channel whose payer is its own receiver is one), and `extra`. Lowercase.
 */
export function selfAddressesOf(rec: AgentRecord, extra: string[] = []): Set<string> {
  return new Set(
    [...receiversOf(rec), ...(rec.ownersAndWallets ?? []), ...extra].map((a) => a.toLowerCase()),
  );
}

/**
 * Which of `clients` are the agent's own: one of {@link selfAddressesOf}, the AgentAccount or agentWallet of an
 * agent whose owner is one of those, or (with `identity`) an owner, operator or approved address on chain.
 */
async function ownClients(
  store: DiscoveryStore,
  rec: AgentRecord,
  clients: string[],
  o: PaidReputationOptions,
): Promise<Set<string>> {
  const self = selfAddressesOf(rec, o.exclude);
  const registry = o.identity
    ? new Contract(o.identity.address, [...IDENTITY_VIEWS], o.identity.runner)
    : undefined;
  const own = await Promise.all(
    clients.map(async (c) => {
      if (self.has(c)) return true;
      const other = await store.agentByAddress(c);
      if (other && self.has(other.owner)) return true;
      return registry ? ((await registry.isAuthorizedOrOwner(c, rec.agentId)) as boolean) : false;
    }),
  );
  return new Set(clients.filter((_, i) => own[i]));
}

/**
 * Reputation from real payments: feedback counts only if its author paid the agent through the escrow
 * (claimed vouchers), and each client weighs as much as it paid. A thousand fresh addresses that never paid
 * weigh nothing; a thousand that paid dust weigh the dust. Payments from the agent's own addresses (its
 * AgentAccount, every owner and agentWallet it has had, its owner's other agents, and operators given through
 * `exclude` or found through `identity`) count for nothing: that money comes straight back to the owner.
 */
export async function paidReputation(
  store: DiscoveryStore,
  agentId: bigint,
  o: PaidReputationOptions = {},
): Promise<PaidReputation> {
  const rec = await store.agent(agentId);
  const empty: PaidReputation = {
    agentId,
    paidClients: 0,
    totalPaid: 0n,
    feedbackCount: 0,
    selfPayers: 0,
    selfPaid: 0n,
  };
  if (!rec) return empty;
  const minSpend = o.minSpend ?? 1n;
  const paid = await store.paidBy(receiversOf(rec), o.token);
  let receipts: PaidReputation["receipts"];
  if (o.receipts?.length) {
    const lookup = o.channelOf ?? store.channel?.bind(store);
    const { credit, refused } = await receiptCredit(rec, receiversOf(rec), o.receipts, lookup, o.token);
    // Both measure the same claimed money: the larger stands, they never add up.
    for (const [payer, amount] of credit) if (amount > (paid.get(payer) ?? 0n)) paid.set(payer, amount);
    receipts = { credited: credit.size, refused };
  }
  for (const [payer, amount] of paid) if (amount < minSpend) paid.delete(payer);
  if (paid.size === 0) return receipts ? { ...empty, receipts } : empty;
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
  let selfPaid = 0n;
  const own = await ownClients(store, rec, [...perClient.keys()], o);
  for (const c of own) {
    selfPaid += paid.get(c)!;
    perClient.delete(c);
  }
  let totalPaid = 0n;
  let feedbackCount = 0;
  for (const [c, values] of perClient) {
    totalPaid += paid.get(c)!;
    feedbackCount += values.length;
  }
  let weighted = 0;
  for (const [c, values] of perClient) {
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    weighted += mean * (Number(paid.get(c)!) / Number(totalPaid));
  }
  const result: PaidReputation = {
    ...empty,
    paidClients: perClient.size,
    totalPaid,
    feedbackCount,
    selfPayers: own.size,
    selfPaid,
    ...(perClient.size > 0 ? { score: weighted } : {}),
    ...(receipts ? { receipts } : {}),
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
