import { Contract, type ContractRunner } from "ethers";
import type { X402PaymentRequirements } from "../agents/types";
import { paidReputation, type PaidReputation, type PaidReputationOptions } from "./reputation";
import type { DiscoveryStore } from "./store";
import type { AgentRecord } from "./types";

export interface AgentQuery {
  /** Skill id or name (case-insensitive, exact). */
  skill?: string;
  /** A skill tag (case-insensitive, exact). */
  tag?: string;
  /** Free text found in the name, description, skill names or tags (case-insensitive). */
  text?: string;
  /** Price ceiling per request in base units: some offer must cost at most this. */
  maxPrice?: bigint;
  /** Restrict offers to this network / asset / scheme. */
  network?: string;
  asset?: string;
  scheme?: string;
  /** Require a file that matched its cardHash (default: verified or unverified; mismatches never match). */
  verifiedOnly?: boolean;
  /** Include agents whose file says `active: false` (default false). */
  includeInactive?: boolean;
  /** Minimum paid reputation (computed from escrow payments and feedback). */
  minPaidReputation?: { score?: number; paidClients?: number; totalPaid?: bigint } & PaidReputationOptions;
  /** Liveness check (e.g. {@link accountLiveness}); agents failing it are dropped. */
  isLive?: (rec: AgentRecord) => Promise<boolean>;
  limit?: number;
}

export interface AgentMatch {
  agent: AgentRecord;
  /** The cheapest offer matching the query's network/asset/scheme. */
  cheapest?: X402PaymentRequirements;
  reputation?: PaidReputation;
}

interface SkillEntry {
  id?: string;
  name?: string;
  tags?: string[];
}

function skillsOf(rec: AgentRecord): SkillEntry[] {
  const out: SkillEntry[] = [];
  for (const s of rec.file?.services ?? [])
    if (Array.isArray(s.skills)) out.push(...(s.skills as SkillEntry[]));
  return out;
}

function offersOf(rec: AgentRecord, q: AgentQuery): X402PaymentRequirements[] {
  const accepts = rec.file?.x402?.accepts ?? [];
  return accepts.filter(
    (a) =>
      /^[0-9]+$/.test(a.amount) &&
      (!q.network || a.network === q.network) &&
      (!q.asset || a.asset.toLowerCase() === q.asset.toLowerCase()) &&
      (!q.scheme || a.scheme === q.scheme),
  );
}

function matchesText(rec: AgentRecord, q: AgentQuery): boolean {
  const skills = skillsOf(rec);
  const eq = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();
  if (q.skill && !skills.some((s) => eq(s.id, q.skill!) || eq(s.name, q.skill!))) return false;
  if (q.tag && !skills.some((s) => s.tags?.some((t) => eq(t, q.tag!)))) return false;
  if (q.text) {
    const hay = [rec.file?.name, rec.file?.description, ...skills.flatMap((s) => [s.name, ...(s.tags ?? [])])]
      .join("\n")
      .toLowerCase();
    if (!hay.includes(q.text.toLowerCase())) return false;
  }
  return true;
}

/** Agents matching every given criterion, best paid reputation first, then cheapest, then oldest. */
export async function queryAgents(store: DiscoveryStore, q: AgentQuery = {}): Promise<AgentMatch[]> {
  const out: AgentMatch[] = [];
  for (const agent of await store.agents()) {
    if (agent.status !== "verified" && (q.verifiedOnly || agent.status !== "unverified")) continue;
    if (!agent.file || (!q.includeInactive && agent.file.active === false) || !matchesText(agent, q))
      continue;
    const offers = offersOf(agent, q).sort((a, b) => (BigInt(a.amount) < BigInt(b.amount) ? -1 : 1));
    const cheapest = offers[0];
    const wantsPrice = q.maxPrice !== undefined || q.network || q.asset || q.scheme;
    if (wantsPrice && !cheapest) continue;
    if (q.maxPrice !== undefined && BigInt(cheapest.amount) > q.maxPrice) continue;
    let reputation: PaidReputation | undefined;
    const min = q.minPaidReputation;
    if (min) {
      reputation = await paidReputation(store, agent.agentId, min);
      if (min.score !== undefined && (reputation.score === undefined || reputation.score < min.score))
        continue;
      if (min.paidClients !== undefined && reputation.paidClients < min.paidClients) continue;
      if (min.totalPaid !== undefined && reputation.totalPaid < min.totalPaid) continue;
    }
    if (q.isLive && !(await q.isLive(agent))) continue;
    out.push({ agent, ...(cheapest ? { cheapest } : {}), ...(reputation ? { reputation } : {}) });
  }
  out.sort(
    (a, b) =>
      (b.reputation?.score ?? -Infinity) - (a.reputation?.score ?? -Infinity) ||
      Number(BigInt(a.cheapest?.amount ?? 0) - BigInt(b.cheapest?.amount ?? 0)) ||
      (a.agent.agentId < b.agent.agentId ? -1 : 1),
  );
  return q.limit !== undefined ? out.slice(0, q.limit) : out;
}

/** Liveness through the AgentAccount's `isActive(maxAge)` (agents without an account are not live). */
export function accountLiveness(runner: ContractRunner, maxAgeSeconds: number) {
  return async (rec: AgentRecord): Promise<boolean> => {
    if (!rec.account) return false;
    const acct = new Contract(rec.account, ["function isActive(uint256 maxAge) view returns (bool)"], runner);
    return (await acct.isActive(maxAgeSeconds)) as boolean;
  };
}
