/**
 * `z402 discover`: agents by skill and price ceiling, ranked by a score built on their paid reputation (feedback
 * from clients that paid them through the escrow, weighted by what each paid). See `rankScore` and docs/cli.md.
 */
import { getAddress } from "ethers";
import { HTTPFacilitatorClient } from "@x402/core/http";
import { withBazaar, type DiscoveryResource } from "@x402/extensions/bazaar";
import {
  catalogResources,
  queryAgents,
  queryPaidAgents,
  resourcesWithin,
  type AgentMatch,
  type PaidAgentMatch,
  type PaidReputation,
} from "../../discovery";
import type { Action } from "../action";
import { indexAgents } from "../agents-index";
import { deploymentOf, openContext } from "../context";
import { UsageError } from "../errors";
import { emit, table } from "../output";
import { formatToken, parseInteger, parseTokenAmount, parseUrl } from "../parse";

/** The score an agent nobody paying has rated gets, and how many such ratings it weighs as. */
export const NEUTRAL_SCORE = 50;
export const PRIOR_CLIENTS = 2;

/**
 * The ranking score (0-100): the paid reputation pulled towards a neutral 50 by two virtual ratings, so one paying
 * client's 95 (score 65) ranks above an unrated agent (50) and a poorly rated one below it, and more paying clients
 * make the score trust the reputation more: (n × R + 2 × 50) / (n + 2), with R the paid reputation (0-100) and n
 * the paying clients that left feedback. Ties go to the cheaper agent, then to the older (lower id).
 */
export function rankScore(reputation: PaidReputation | undefined): number {
  const n = reputation?.score !== undefined ? reputation.paidClients : 0;
  const r = reputation?.score ?? NEUTRAL_SCORE;
  return (n * r + PRIOR_CLIENTS * NEUTRAL_SCORE) / (n + PRIOR_CLIENTS);
}

function byRank(a: { score: number; m: AgentMatch }, b: { score: number; m: AgentMatch }): number {
  const price = (x: AgentMatch) => (x.cheapest ? BigInt(x.cheapest.amount) : 2n ** 256n);
  if (a.score !== b.score) return b.score - a.score;
  const pa = price(a.m);
  const pb = price(b.m);
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a.m.agent.agentId < b.m.agent.agentId ? -1 : 1;
}

export const discoverCommand: Action = async (_args, options, globals) => {
  const maxPrice =
    options.maxPrice !== undefined ? parseTokenAmount(String(options.maxPrice), "price") : undefined;
  const minScore =
    options.minReputation !== undefined
      ? Number(parseInteger(String(options.minReputation), "reputation"))
      : undefined;
  if (minScore !== undefined && minScore > 100)
    throw new UsageError(`"${minScore}" is not a valid reputation: 0-100`);
  const facilitator = options.facilitator ?? process.env.Z402_FACILITATOR_URL;
  const catalogUrl = facilitator
    ? parseUrl(String(facilitator), "facilitator URL").href.replace(/\/$/, "")
    : "";
  const ctx = openContext(globals);
  const index = await indexAgents(ctx.provider, deploymentOf(ctx), options.cache as string | undefined);
  try {
    // Paid reputation is computed for every match (an empty minimum filters nothing), so it always ranks them.
    const query = {
      ...(options.skill ? { text: String(options.skill) } : {}),
      ...(maxPrice !== undefined ? { maxPrice } : {}),
      minPaidReputation: minScore !== undefined ? { score: minScore } : {},
    };
    // With a facilitator, its Bazaar catalog joins the registry: agents get their resources (see catalogRows).
    const catalog = catalogUrl ? await readCatalog(catalogUrl) : undefined;
    const matches: Array<AgentMatch & Partial<PaidAgentMatch>> = catalog
      ? await queryPaidAgents(index.store, catalog, query)
      : await queryAgents(index.store, query);
    const ranked = matches.map((m) => ({ m, score: rankScore(m.reputation) })).sort(byRank);
    const rows = ranked.map(({ m, score }, i) => ({
      rank: i + 1,
      agentId: m.agent.agentId,
      name: m.agent.file?.name ?? "",
      account: m.agent.account ? getAddress(m.agent.account) : "",
      price: m.cheapest ? BigInt(m.cheapest.amount) : undefined,
      scheme: m.cheapest?.scheme ?? "",
      endpoint:
        m.agent.file?.services.find((s) => /a2a/i.test(s.name))?.endpoint ??
        m.agent.file?.services[0]?.endpoint ??
        "",
      score: Math.round(score * 10) / 10,
      reputation: {
        score: m.reputation?.score ?? null,
        paidClients: m.reputation?.paidClients ?? 0,
        feedbackCount: m.reputation?.feedbackCount ?? 0,
        totalPaid: m.reputation?.totalPaid ?? 0n,
      },
      status: m.agent.status,
      ...(catalog ? { resources: (m.resources ?? []).map((r) => r.resource) } : {}),
    }));
    const resources = catalog ? catalogRows(catalog, matches, query, options.skill) : undefined;
    emit(globals.json, resources ? { agents: rows, resources } : rows, () => {
      const agents =
        rows.length === 0
          ? "No agent matches."
          : table(
              ["id", "name", "price", "reputation", "score", "card", "endpoint"],
              rows.map((r) => [
                r.agentId,
                r.name,
                r.price !== undefined ? formatToken(r.price) : "-",
                r.reputation.score !== null
                  ? `${r.reputation.score.toFixed(1)} (${r.reputation.paidClients} paying)`
                  : "-",
                r.score.toFixed(1),
                r.status,
                r.endpoint,
              ]),
            );
      if (!resources) return agents;
      const listed =
        resources.length === 0
          ? `No catalog resource matches at ${catalogUrl}.`
          : `Catalog resources at ${catalogUrl}:\n` +
            table(
              ["resource", "type", "call", "price", "scheme", "agent", "description"],
              resources.map((r) => [
                r.resource,
                r.type,
                r.call,
                r.price !== undefined ? formatToken(r.price) : "-",
                r.scheme,
                r.agentId ?? "-",
                r.description,
              ]),
            );
      return `${agents}\n\n${listed}`;
    });
  } finally {
    await index.close();
    ctx.provider.destroy();
  }
};

/** Every resource the facilitator's Bazaar catalog lists (through the stock `withBazaar` client). */
async function readCatalog(url: string): Promise<DiscoveryResource[]> {
  try {
    return await catalogResources(withBazaar(new HTTPFacilitatorClient({ url })).extensions.bazaar);
  } catch (e) {
    throw new UsageError(`The facilitator at ${url} did not list its catalog: ${(e as Error).message}`);
  }
}

/**
 * The catalog's resources within the price ceiling: those of the matched agents, and, when no skill narrows the
 * query, the others too (or those whose description, service name or tags contain the skill).
 */
function catalogRows(
  catalog: DiscoveryResource[],
  matches: Array<Partial<PaidAgentMatch> & AgentMatch>,
  query: { maxPrice?: bigint },
  skill: unknown,
) {
  const owner = new Map<string, bigint>();
  for (const m of matches) for (const r of m.resources ?? []) owner.set(r.resource, m.agent.agentId);
  const text = skill ? String(skill).toLowerCase() : "";
  const hay = (r: DiscoveryResource) =>
    [r.resource, r.description, r.serviceName, ...(r.tags ?? [])].join("\n").toLowerCase();
  return resourcesWithin(catalog, query)
    .filter((r) => owner.has(r.resource) || !text || hay(r).includes(text))
    .map((r) => {
      const cheapest = [...r.accepts].sort((a, b) => (BigInt(a.amount) < BigInt(b.amount) ? -1 : 1))[0];
      const input = (r.extensions?.bazaar as { info?: { input?: Record<string, unknown> } } | undefined)?.info
        ?.input;
      return {
        resource: r.resource,
        type: r.type,
        call: String(input?.method ?? input?.toolName ?? ""),
        price: cheapest ? BigInt(cheapest.amount) : undefined,
        scheme: cheapest?.scheme ?? "",
        network: cheapest?.network ?? "",
        agentId: owner.get(r.resource) ?? null,
        description: r.description ?? "",
        ...(r.extensions?.bazaar ? { bazaar: r.extensions.bazaar } : {}),
      };
    });
}
