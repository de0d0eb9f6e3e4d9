/** `z402 agent show|list|heartbeat` (and `create` once the agents SDK can create agents). */
import { Contract } from "ethers";
import { paidReputation } from "../../discovery";
import type { AgentRecord } from "../../discovery";
import { ACCOUNT_ABI } from "../abi";
import { indexAgents } from "../agents-index";
import { deploymentOf, openContext, signerOf, type Context } from "../context";
import { CliError, UsageError } from "../errors";
import { emit, keyValues, table } from "../output";
import { formatToken, parseAddress, parseBytes32, parseInteger, parseTokenAmount, parseUrl } from "../parse";
import type { Action } from "../action";
import { getAddress, id } from "ethers";
import { AgentCardBuilder, type Address } from "../../agents";
import { need } from "../deployment";
import { createAgentWithCard, predictAgentAccount } from "../factory";

function priceOf(rec: AgentRecord): bigint | undefined {
  const amounts = (rec.file?.x402?.accepts ?? []).map((a) => BigInt(a.amount));
  return amounts.length ? amounts.reduce((a, b) => (a < b ? a : b)) : undefined;
}

function skillsOf(rec: AgentRecord): string[] {
  return (rec.file?.services ?? []).flatMap((s) =>
    Array.isArray(s.skills)
      ? (s.skills as Array<{ id?: string; name?: string }>).map((k) => k.id ?? k.name ?? "")
      : [],
  );
}

async function withIndex<T>(
  ctx: Context,
  fn: (index: Awaited<ReturnType<typeof indexAgents>>) => Promise<T>,
) {
  const index = await indexAgents(ctx.provider, deploymentOf(ctx));
  try {
    return await fn(index);
  } finally {
    await index.close();
    ctx.provider.destroy();
  }
}

export const agentShow: Action = async (args, _options, globals) => {
  const agentId = parseInteger(args[0], "agent id", 1);
  const ctx = openContext(globals);
  await withIndex(ctx, async ({ store }) => {
    const rec = await store.agent(agentId);
    if (!rec) throw new CliError(`No agent ${agentId} on this chain`);
    const reputation = await paidReputation(store, agentId);
    const price = priceOf(rec);
    const live = rec.account
      ? ((await new Contract(rec.account, ACCOUNT_ABI, ctx.provider).isActive(86_400)) as boolean)
      : false;
    const out = {
      agentId,
      name: rec.file?.name ?? "",
      description: rec.file?.description ?? "",
      owner: getAddress(rec.owner),
      account: rec.account ? getAddress(rec.account) : null,
      wallet: rec.wallet ? getAddress(rec.wallet) : null,
      card: rec.status,
      skills: skillsOf(rec),
      price: price ?? null,
      services: rec.file?.services.map((s) => ({ name: s.name, endpoint: s.endpoint })) ?? [],
      activeLastDay: live,
      reputation,
    };
    emit(globals.json, out, () =>
      keyValues([
        ["agent", `${agentId} ${out.name}`],
        ["description", out.description],
        ["owner", out.owner],
        ["account", out.account ?? "-"],
        ["card", rec.status],
        ["skills", out.skills.join(", ") || "-"],
        ["price", price !== undefined ? `${formatToken(price)} per request` : "-"],
        ...out.services.map((s): [string, string] => [`service ${s.name}`, s.endpoint]),
        ["alive (24 h)", live ? "yes" : "no"],
        [
          "paid reputation",
          reputation.score !== undefined
            ? `${reputation.score.toFixed(1)} from ${reputation.paidClients} paying client(s), ${formatToken(reputation.totalPaid)} paid`
            : "no feedback from paying clients",
        ],
      ]),
    );
  });
};

export const agentList: Action = async (_args, options, globals) => {
  const offset = Number(parseInteger(String(options.offset ?? "0"), "offset"));
  const limit = Number(parseInteger(String(options.limit ?? "50"), "limit", 1));
  const ctx = openContext(globals);
  await withIndex(ctx, async ({ store }) => {
    const all = (await store.agents())
      .sort((a, b) => (a.agentId < b.agentId ? -1 : 1))
      .slice(offset, offset + limit);
    const rows = all.map((r) => ({
      agentId: r.agentId,
      name: r.file?.name ?? "",
      owner: getAddress(r.owner),
      account: r.account ? getAddress(r.account) : null,
      card: r.status,
      skills: skillsOf(r),
      price: priceOf(r) ?? null,
    }));
    emit(globals.json, rows, () =>
      rows.length === 0
        ? "No agents."
        : table(
            ["id", "name", "skills", "price", "card", "account"],
            rows.map((r) => [
              r.agentId,
              r.name,
              r.skills.join(",") || "-",
              r.price !== null ? formatToken(r.price) : "-",
              r.card,
              r.account ?? "-",
            ]),
          ),
    );
  });
};

export const agentHeartbeat: Action = async (args, _options, globals) => {
  const agentId = parseInteger(args[0], "agent id", 1);
  const ctx = openContext(globals);
  const signer = signerOf(ctx);
  await withIndex(ctx, async ({ store }) => {
    const rec = await store.agent(agentId);
    if (!rec) throw new CliError(`No agent ${agentId} on this chain`);
    if (!rec.account)
      throw new CliError(`Agent ${agentId} has no AgentAccount (it was not created through the factory)`);
    const tx = await new Contract(rec.account, ACCOUNT_ABI, signer).heartbeat();
    const receipt = await tx.wait();
    emit(
      globals.json,
      { agentId, account: rec.account, transaction: receipt.hash },
      () => `Heartbeat recorded for agent ${agentId} (${rec.account}) in ${receipt.hash}.`,
    );
  });
};

/** Creates an agent through the factory with a card built from the flags; its AgentAccount is its payTo. */
export const agentCreate: Action = async (_args, options, globals) => {
  const name = String(options.name).trim();
  if (!name) throw new UsageError("The agent needs a name: pass --name");
  const skills = ((options.skill as string[] | undefined) ?? []).map((s) => s.trim()).filter(Boolean);
  if (skills.length === 0) throw new UsageError("The agent needs at least one skill: pass --skill <id>");
  if (options.url === undefined)
    throw new UsageError("The agent needs an endpoint: pass --url <http(s) URL>");
  const url = parseUrl(String(options.url), "agent URL").href.replace(/\/$/, "");
  const price = parseTokenAmount(String(options.price ?? "0.001"), "price");
  const salt = options.salt ? parseBytes32(String(options.salt), "salt") : id(name);
  const ctx = openContext(globals);
  try {
    const owner = signerOf(ctx);
    const deployment = deploymentOf(ctx);
    const factory = need(deployment, "factory");
    const token = options.token
      ? parseAddress(String(options.token), "token address")
      : need(deployment, "token");
    const payTo = await predictAgentAccount(factory, owner, salt);
    const card = new AgentCardBuilder({
      name,
      description: String(options.description || name),
      version: "1.0.0",
    })
      .addInterface(`${url}/a2a`, "JSONRPC", "1.0")
      .withX402([
        {
          scheme: "batch-settlement",
          network: `eip155:${ctx.network.chainId}` as const,
          asset: token as Address,
          payTo: payTo as Address,
          amount: price.toString(),
        },
      ]);
    for (const skill of skills)
      card.addSkill({ id: skill, name: skill, description: `${name}: ${skill}`, tags: [skill] });
    const created = await createAgentWithCard(factory, owner, salt, card);
    emit(globals.json, { ...created, owner: owner.address, price, cardHash: card.hash() }, () =>
      keyValues([
        ["agent", `${created.agentId} ${name}`],
        ["account", `${created.account} (receives its income)`],
        ["owner", owner.address],
        ["skills", skills.join(", ")],
        ["price", `${formatToken(price)} per request`],
        ["card hash", card.hash()],
        ["transaction", created.transaction],
      ]),
    );
  } finally {
    ctx.provider.destroy();
  }
};
