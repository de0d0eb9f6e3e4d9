/**
 * The Bazaar catalog merged with the ERC-8004 registry: agents found by skill, price and paid reputation, each
 * with the paid resources a facilitator cataloged for it (the registry's identity, the catalog's schemas).
 *
 * Attachment rule: a catalog resource belongs to an agent when its URL's origin (scheme, host and port) equals the
 * origin of one of the http(s) endpoints in the agent's registration file `services`. A catalog entry is only what
 * paying clients' payloads said, so the registry (whose file the agent signed through its `cardHash`) decides who
 * a resource belongs to, never the catalog.
 */
import type {
  DiscoveryResource,
  DiscoveryResourcesResponse,
  ListDiscoveryResourcesParams,
} from "@x402/extensions/bazaar";
import { queryAgents, type AgentMatch, type AgentQuery } from "./query";
import type { DiscoveryStore } from "./store";
import type { AgentRecord } from "./types";

/** A Bazaar listing: the stock `withBazaar(client).extensions.bazaar`, or a z402 facilitator's `BazaarCatalog`. */
export interface CatalogSource {
  listResources(params?: ListDiscoveryResourcesParams): Promise<DiscoveryResourcesResponse>;
}

/** Every resource the source lists (paged 100 at a time, at most `max`). */
export async function catalogResources(
  source: CatalogSource,
  params: Omit<ListDiscoveryResourcesParams, "limit" | "offset"> = {},
  max = 1000,
): Promise<DiscoveryResource[]> {
  const out: DiscoveryResource[] = [];
  while (out.length < max) {
    const page = await source.listResources({ ...params, limit: 100, offset: out.length });
    out.push(...page.items);
    if (page.items.length === 0 || out.length >= page.pagination.total) break;
  }
  return out.slice(0, max);
}

/** The origin of an http(s) URL, lower case; undefined for anything else. */
export function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.origin.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** The resources whose origin is one of the agent's registered service endpoints' origins. */
export function resourcesOfAgent(agent: AgentRecord, resources: DiscoveryResource[]): DiscoveryResource[] {
  const origins = new Set(
    (agent.file?.services ?? []).map((s) => originOf(s.endpoint)).filter((o): o is string => !!o),
  );
  return resources.filter((r) => origins.has(originOf(r.resource) ?? ""));
}

/** The resources offering a payment option within the query's price ceiling, network, asset and scheme. */
export function resourcesWithin(resources: DiscoveryResource[], q: AgentQuery): DiscoveryResource[] {
  const same = (want: string | undefined, got: string) => !want || want.toLowerCase() === got.toLowerCase();
  return resources.filter((r) =>
    r.accepts.some(
      (a) =>
        /^[0-9]{1,78}$/.test(a.amount) &&
        same(q.network, a.network) &&
        same(q.asset, a.asset) &&
        same(q.scheme, a.scheme) &&
        (q.maxPrice === undefined || BigInt(a.amount) <= q.maxPrice),
    ),
  );
}

export interface PaidAgentMatch extends AgentMatch {
  /** The agent's cataloged resources within the query's price terms. */
  resources: DiscoveryResource[];
}

/**
 * Agents by skill (and text, tag, paid reputation, liveness) from the registry; an agent passes the price terms
 * when its registration file offers them or one of its cataloged resources does. With `withResourcesOnly`, agents
 * with no cataloged resource are dropped. Order: `queryAgents`'s (paid reputation, price, age).
 */
export async function queryPaidAgents(
  store: DiscoveryStore,
  resources: DiscoveryResource[],
  q: AgentQuery & { withResourcesOnly?: boolean } = {},
): Promise<PaidAgentMatch[]> {
  const { maxPrice, network, asset, scheme, limit, withResourcesOnly, ...identity } = q;
  const priced = maxPrice !== undefined || !!network || !!asset || !!scheme;
  const inTerms = resourcesWithin(resources, { maxPrice, network, asset, scheme });
  const all = await queryAgents(store, identity);
  // The file's cheapest offer within the terms (agents whose file offers none pass only through the catalog).
  const byFile = priced
    ? new Map((await queryAgents(store, { ...q, limit: undefined })).map((m) => [m.agent.agentId, m]))
    : undefined;
  const out: PaidAgentMatch[] = [];
  for (const m of all) {
    const own = resourcesOfAgent(m.agent, inTerms);
    if (withResourcesOnly && own.length === 0) continue;
    if (!byFile) {
      out.push({ ...m, resources: own });
      continue;
    }
    const fromFile = byFile.get(m.agent.agentId);
    if (fromFile) out.push({ ...fromFile, resources: own });
    else if (own.length > 0)
      out.push({ agent: m.agent, ...(m.reputation ? { reputation: m.reputation } : {}), resources: own });
  }
  return limit !== undefined ? out.slice(0, limit) : out;
}
