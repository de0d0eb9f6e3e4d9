/**
 * The two-agent demo, step by step. Each step is named; a failure stops the demo with that name, and a step
 * this build cannot run is reported as unavailable instead of silently skipped.
 */
import type { AgentCardBuilder } from "../../sdk/agents";
import { devAccounts } from "../../sdk/cli/commands/node";
import { need } from "../../sdk/cli/deployment";
import { loadHardhat } from "../../sdk/cli/hardhat-loader";
import { formatToken } from "../../sdk/cli/parse";
import { paidReputation, queryAgents, queryPaidAgents, type PaidAgentMatch } from "../../sdk/discovery";
import { SettlementWorker } from "../../sdk/settlement";
import {
  buyerCard,
  BUYER_SALT,
  createAgent,
  predictAccount,
  sellerCard,
  SELLER_SALT,
  serveCard,
} from "./agents";
import { createBuyer, payMany } from "./buyer";
import { startFacilitator, type DemoFacilitator } from "./facilitator";
import { gasBetween, giveFeedback, indexerOf } from "./observe";
import { ProgressBar } from "./progress";
import type { DemoReport } from "./report";
import { PRICE, SKILL, startSeller, type Seller } from "./seller";
import { percentile } from "./stats";
import { SAMPLE_TEXT } from "./summarize";
import { Steps } from "./steps";
import { startWorld } from "./world";

export interface DemoOptions {
  requests: number;
  log: (line: string) => void;
  /** Where the live progress bar goes (drawn only on a TTY). */
  progress?: NodeJS.WriteStream;
}

const BUYER_FUNDS = 100_000_000n; // 100 USDC

type Cataloged = PaidAgentMatch["resources"][number];

/** The HTTP method a cataloged resource's Bazaar info names. */
const methodOf = (r: Cataloged): string | undefined =>
  (r.extensions?.bazaar as { info?: { input?: { method?: string } } } | undefined)?.info?.input?.method;

/** "POST http://…/summarize" for a cataloged resource. */
const resourceLabel = (r: Cataloged): string => `${methodOf(r) ? `${methodOf(r)} ` : ""}${r.resource}`;

/** The seller's match once the facilitator's catalog lists one of its resources (cataloging runs after /settle). */
async function findInCatalog(
  facilitator: DemoFacilitator,
  find: (resources: Awaited<ReturnType<DemoFacilitator["resources"]>>) => Promise<PaidAgentMatch | undefined>,
): Promise<PaidAgentMatch> {
  for (let tries = 0; ; tries++) {
    const found = await find(await facilitator.resources());
    if (found && found.resources.length > 0) return found;
    if (tries >= 40)
      throw new Error(`the facilitator's catalog at ${facilitator.url} lists no resource of the seller`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const n = options.requests;
  const steps = new Steps(options.log);
  options.log(`z402 demo: two agents find and pay each other (${n} paid requests)`);
  const hre = loadHardhat("hardhat");
  const world = await steps.run(
    "start a local chain and deploy the system",
    () => startWorld(hre, BUYER_FUNDS),
    (w) =>
      `chain ${w.chain.chainId} on ${w.chain.url}, ${Object.keys(w.deployment.contracts).length} contracts` +
      (w.viaIgnition ? " (Ignition System module)" : ""),
  );
  if (!world.viaIgnition)
    steps.unavailable("Ignition System module", "not in this build: contracts deployed one by one");
  let seller: Seller | undefined;
  let facilitator: DemoFacilitator | undefined;
  let buyerSite: { url: string; close(): Promise<void> } | undefined;
  try {
    const d = world.deployment;
    const escrow = need(d, "escrow");
    const collector = need(d, "collector");
    const factory = need(d, "factory");
    const chainId = BigInt(world.chain.chainId);
    const token = String(world.token.target);

    // The seller's income goes to its AgentAccount, whose address is known before it exists.
    const payTo = await predictAccount(factory, world.sellerOwner, SELLER_SALT);
    // The facilitator lands the seller's deposits (from its own account: Hardhat test account #3) and catalogs
    // the resources it sees paid (Bazaar).
    const relayer = devAccounts(4)[3].connect(world.provider);
    seller = await steps.run(
      `start the seller's services (${SKILL}, 0.001 USDC per request)`,
      async () => {
        facilitator = await startFacilitator({ chainId, escrow, collector, signer: relayer });
        return startSeller({
          chainId,
          escrow,
          collector,
          token: { address: token, name: "USDC", version: "2" },
          payTo,
          relayer: world.sellerOwner,
          authorizer: world.sellerOwner,
          card: (url) => sellerCard({ url, chainId: world.chain.chainId, token, payTo }),
          facilitator: facilitator.url,
        });
      },
      (s) =>
        `A2A agent and paid HTTP API on ${s.url}, deposits through the facilitator at ${facilitator?.url}`,
    );
    const activeFacilitator = facilitator!;
    const sellerCardBuilt = seller.card;
    const buyerCardRef: { current?: AgentCardBuilder } = {};
    const sellerAgent = await steps.run(
      "create the seller agent through the factory",
      () => createAgent(factory, world.sellerOwner, SELLER_SALT, sellerCardBuilt),
      (a) => `agent #${a.agentId}, AgentAccount ${a.account}`,
    );
    if (sellerAgent.account.toLowerCase() !== payTo.toLowerCase())
      throw new Error("the AgentAccount is not where it was predicted");
    buyerSite = await serveCard(() => buyerCardRef.current);
    const buyerCardFinal = buyerCard(buyerSite.url);
    buyerCardRef.current = buyerCardFinal;
    const buyerAgent = await steps.run(
      "create the buyer agent through the factory",
      () => createAgent(factory, world.buyerOwner, BUYER_SALT, buyerCardFinal),
      (a) => `agent #${a.agentId}`,
    );

    const { store: index, indexer } = indexerOf(world);
    const found = await steps.run(
      `discover a seller of "${SKILL}" at ≤ 0.001 USDC through the indexer`,
      async () => {
        await indexer.sync();
        const matches = await queryAgents(index, { skill: SKILL, maxPrice: PRICE });
        if (matches.length === 0) {
          throw new Error(`no agent offers "${SKILL}" at that price`);
        }
        return matches[0];
      },
      (m) => `agent #${m.agent.agentId} "${m.agent.file?.name}", card ${m.agent.status} against its cardHash`,
    );
    const buyer = createBuyer({
      chainId,
      escrow,
      collector,
      provider: world.provider,
      payer: world.buyerOwner,
      deposit: PRICE * BigInt(n) + PRICE * 10n,
      maxDeposit: PRICE * BigInt(n) * 2n + PRICE * 10n,
    });
    const cardUrl = found.agent.file?.services.find((s) => s.name === "A2A")?.endpoint;
    const conn = await steps.run(
      "read the seller's A2A AgentCard and connect",
      async () => {
        if (!cardUrl) throw new Error("the registration file names no A2A card");
        return buyer.a2a.connect(cardUrl);
      },
      (c) =>
        `A2A ${c.card.version} card, skill "${c.card.card.skills[0]?.name}", x402 terms ${c.card.x402 ? "declared" : "missing"}`,
    );
    const web = found.agent.file?.services.find((s) => s.name === "web")?.endpoint;
    if (!web) throw new Error("the seller's registration file names no paid HTTP endpoint");
    if (!conn.card.x402) throw new Error("the seller's card declares no x402 payment terms");

    const sellerBefore = (await world.token.balanceOf(payTo)) as bigint;
    const startBlock = await world.provider.getBlockNumber();
    const first = await steps.run(
      "open a channel with a gasless EIP-3009 deposit (first paid request)",
      () => buyer.request(web),
      (r) => `"${r.body.summary.slice(0, 48)}…" in ${r.ms.toFixed(1)} ms`,
    );
    const listed = await steps.run(
      "find the seller through the registry and through the facilitator's Bazaar catalog",
      async () => {
        await indexer.sync();
        return findInCatalog(activeFacilitator, async (resources) =>
          (await queryPaidAgents(index, resources, { skill: SKILL, maxPrice: PRICE })).find(
            (m) => m.agent.agentId === sellerAgent.agentId,
          ),
        );
      },
      (m) =>
        `agent #${m.agent.agentId} in the registry, ${m.resources.map(resourceLabel).join(", ")} in the catalog at ${activeFacilitator.url}`,
    );
    // Let the seller's mirror take in the deposit event, then count chain calls on the hot path only.
    // (A poll already in flight may still refresh the channel: give it two poll periods to finish.)
    await seller.mirror.pollOnce();
    await new Promise((resolve) => setTimeout(resolve, 600));
    const sellerMark = seller.rpc.calls;
    const buyerMark = buyer.rpc.calls;
    const bar = new ProgressBar(n - 1, options.progress ?? process.stderr);
    const t0 = performance.now();
    const latencies = await steps.run(`${n - 1} more paid requests, one signed voucher each`, async () => {
      const l = await payMany(buyer, web, n - 1, bar);
      bar.finish();
      return l;
    });
    const seconds = (performance.now() - t0) / 1000;
    const hotPathRpcCalls = seller.rpc.since(sellerMark) + buyer.rpc.since(buyerMark);
    const all = [...latencies].sort((a, b) => a - b);

    const a2aAnswer = await steps.run(
      "ask the seller once over A2A, paid from the same channel (a2a-x402)",
      () => buyer.a2a.ask(conn, SAMPLE_TEXT, { skill: SKILL }),
      (a) => `"${a.text.slice(0, 40)}…", ${a.receipts.length} receipt(s)`,
    );
    if (a2aAnswer.receipts.length !== 1) throw new Error("the A2A answer carries no payment receipt");

    const charged = (await seller.store.listOwed()).reduce((sum, r) => sum + r.charged, 0n);
    const activeSeller = seller;
    await steps.run(
      "the seller's settlement worker claims and settles",
      () =>
        new SettlementWorker({
          store: activeSeller.store,
          chain: activeSeller.chain,
          authorizer: world.sellerOwner,
        }).run(),
      (r) =>
        `${r.claimedChannels} channel(s), ${formatToken(r.claimedAmount)} in ${r.transactions.length} transactions`,
    );
    const endBlock = await world.provider.getBlockNumber();
    const gasTotal = await gasBetween(world, startBlock, endBlock);
    const sellerAfter = (await world.token.balanceOf(payTo)) as bigint;

    await steps.run("the buyer leaves feedback (95/100)", () =>
      giveFeedback(world, sellerAgent.agentId, 95, SKILL, web),
    );
    const reputation = await steps.run(
      "read the seller's paid reputation",
      async () => {
        await indexer.sync();
        return paidReputation(index, sellerAgent.agentId);
      },
      (r) => `${r.score ?? "-"} from ${r.paidClients} paying client(s)`,
    );

    return {
      ok: true,
      chainId: world.chain.chainId,
      seller: {
        agentId: sellerAgent.agentId.toString(),
        account: payTo,
        url: seller.url,
        skill: SKILL,
        priceAtomic: PRICE.toString(),
      },
      catalog: {
        facilitator: activeFacilitator.url,
        agentId: listed.agent.agentId.toString(),
        resources: listed.resources.map((r) => ({
          resource: r.resource,
          method: methodOf(r) ?? null,
          serviceName: r.serviceName ?? null,
        })),
      },
      buyer: { agentId: buyerAgent.agentId.toString(), address: world.buyerOwner.address },
      requests: n,
      a2aRequests: 1,
      totalPaidAtomic: charged.toString(),
      latencyMs: {
        p50: percentile(all, 50),
        p99: percentile(all, 99),
        mean: all.length > 0 ? all.reduce((a, b) => a + b, 0) / all.length : 0,
        depositRequest: first.ms,
      },
      requestsPerSecond: seconds > 0 ? (n - 1) / seconds : 0,
      hotPathRpcCalls,
      gasPerRequest: Number(gasTotal) / n,
      gasTotal: gasTotal.toString(),
      sellerBalanceBeforeAtomic: sellerBefore.toString(),
      sellerBalanceAfterAtomic: sellerAfter.toString(),
      reputation: {
        score: reputation.score ?? 0,
        paidClients: reputation.paidClients,
        feedbackCount: reputation.feedbackCount,
        totalPaidAtomic: reputation.totalPaid.toString(),
      },
      steps: steps.records,
    };
  } finally {
    await seller?.close();
    await facilitator?.close();
    await buyerSite?.close();
    await world.close();
  }
}
