/** `z402 discover`: agents by skill, price ceiling and payment-weighted reputation. */
import { getAddress } from "ethers";
import { queryAgents } from "../../discovery";
import { indexAgents } from "../agents-index";
import { deploymentOf, openContext } from "../context";
import { emit, table } from "../output";
import { formatToken, parseInteger, parseTokenAmount } from "../parse";
import type { Action } from "../action";
import { UsageError } from "../errors";

export const discoverCommand: Action = async (_args, options, globals) => {
  const maxPrice =
    options.maxPrice !== undefined ? parseTokenAmount(String(options.maxPrice), "price") : undefined;
  const minScore =
    options.minReputation !== undefined
      ? Number(parseInteger(String(options.minReputation), "reputation"))
      : undefined;
  if (minScore !== undefined && minScore > 100)
    throw new UsageError(`"${minScore}" is not a valid reputation: 0-100`);
  const ctx = openContext(globals);
  const index = await indexAgents(ctx.provider, deploymentOf(ctx), options.cache as string | undefined);
  try {
    const matches = await queryAgents(index.store, {
      ...(options.skill ? { text: String(options.skill) } : {}),
      ...(maxPrice !== undefined ? { maxPrice } : {}),
      ...(minScore !== undefined ? { minPaidReputation: { score: minScore } } : {}),
    });
    const rows = matches.map((m) => ({
      agentId: m.agent.agentId,
      name: m.agent.file?.name ?? "",
      account: m.agent.account ? getAddress(m.agent.account) : "",
      price: m.cheapest ? BigInt(m.cheapest.amount) : undefined,
      scheme: m.cheapest?.scheme ?? "",
      endpoint:
        m.agent.file?.services.find((s) => /a2a/i.test(s.name))?.endpoint ??
        m.agent.file?.services[0]?.endpoint ??
        "",
      reputation: m.reputation?.score,
      status: m.agent.status,
    }));
    emit(globals.json, rows, () =>
      rows.length === 0
        ? "No agent matches."
        : table(
            ["id", "name", "price", "reputation", "card", "endpoint"],
            rows.map((r) => [
              r.agentId,
              r.name,
              r.price !== undefined ? formatToken(r.price) : "-",
              r.reputation !== undefined ? r.reputation.toFixed(1) : "-",
              r.status,
              r.endpoint,
            ]),
          ),
    );
  } finally {
    await index.close();
    ctx.provider.destroy();
  }
};
