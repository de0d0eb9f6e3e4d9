/**
 * The two-agent demo, step by step. Each step is named; a failure stops the demo with that name, and a step
 * this build cannot run is reported as unavailable instead of silently skipped.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { need } from "../../sdk/cli/deployment";
import { formatToken } from "../../sdk/cli/parse";
import { SettlementWorker } from "../../sdk/settlement";
import { createBuyer, payMany } from "./buyer";
import { ProgressBar } from "./progress";
import type { DemoReport } from "./report";
import { PRICE, SKILL, startSeller, type Seller } from "./seller";
import { percentile } from "./stats";
import { Steps } from "./steps";
import { startWorld, type World } from "./world";

export interface DemoOptions {
  requests: number;
  log: (line: string) => void;
  /** Where the live progress bar goes (drawn only on a TTY). */
  progress?: NodeJS.WriteStream;
}

const BUYER_FUNDS = 100_000_000n; // 100 USDC

function loadHardhat(): HardhatRuntimeEnvironment {
  process.env.HARDHAT_NETWORK = "hardhat";
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("hardhat") as HardhatRuntimeEnvironment;
}

/** Gas used by every block in (from, to]: on the demo's private chain, exactly the demo's transactions. */
async function gasBetween(world: World, from: number, to: number): Promise<bigint> {
  let total = 0n;
  for (let n = from + 1; n <= to; n++) total += (await world.provider.getBlock(n))!.gasUsed;
  return total;
}

export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const n = options.requests;
  const steps = new Steps(options.log);
  options.log(`z402 demo: two agents find and pay each other (${n} paid requests)`);
  const hre = loadHardhat();
  const world = await steps.run(
    "start a local chain and deploy the system",
    () => startWorld(hre, BUYER_FUNDS),
    (w) =>
      `chain ${w.chain.chainId} on ${w.chain.url}, ${Object.keys(w.deployment.contracts).length} contracts` +
      (w.viaIgnition ? " (Ignition System module)" : ""),
  );
  if (!world.viaIgnition)
    steps.unavailable("Ignition System module", "not in this build: escrow deployed directly");
  let seller: Seller | undefined;
  try {
    const escrow = need(world.deployment, "escrow");
    const collector = need(world.deployment, "collector");
    const chainId = BigInt(world.chain.chainId);
    const payTo = world.sellerOwner.address;
    steps.unavailable("create the two agents through the factory", "the agents SDK is not in this build");

    seller = await steps.run(
      `start the seller (${SKILL}, 0.001 USDC/request over paid HTTP)`,
      () =>
        startSeller({
          chainId,
          escrow,
          collector,
          token: { address: String(world.token.target), name: "USDC", version: "2" },
          payTo,
          relayer: world.sellerOwner,
          authorizer: world.sellerOwner,
        }),
      (s) => s.url,
    );
    const url = `${seller.url}/${SKILL}`;
    steps.unavailable("discover the seller by skill", "the discovery indexer is not in this build");
    steps.unavailable("read the seller's AgentCard", "the A2A seller is not in this build");

    const sellerBefore = (await world.token.balanceOf(payTo)) as bigint;
    const startBlock = await world.provider.getBlockNumber();
    const buyer = createBuyer({
      chainId,
      escrow,
      collector,
      provider: world.provider,
      payer: world.buyerOwner,
      deposit: PRICE * BigInt(n) + PRICE * 10n,
      maxDeposit: PRICE * BigInt(n) * 2n + PRICE * 10n,
    });
    const first = await steps.run(
      "open a channel with a gasless EIP-3009 deposit (first paid request)",
      () => buyer.request(url),
      (r) => `"${r.body.summary.slice(0, 48)}…" in ${r.ms.toFixed(1)} ms`,
    );
    // Let the seller's mirror take in the deposit event, then count chain calls on the hot path only.
    // (A poll already in flight may still refresh the channel: give it two poll periods to finish.)
    await seller.mirror.pollOnce();
    await new Promise((resolve) => setTimeout(resolve, 600));
    const sellerMark = seller.rpc.calls;
    const buyerMark = buyer.rpc.calls;
    const bar = new ProgressBar(n - 1, options.progress ?? process.stderr);
    const t0 = performance.now();
    const latencies = await steps.run(`${n - 1} more paid requests (one voucher each)`, async () => {
      const l = await payMany(buyer, url, n - 1, bar);
      bar.finish();
      return l;
    });
    const seconds = (performance.now() - t0) / 1000;
    const hotPathRpcCalls = seller.rpc.since(sellerMark) + buyer.rpc.since(buyerMark);
    const all = [...latencies].sort((a, b) => a - b);

    const record = (await seller.store.listOwed())[0];
    const charged = record?.charged ?? 0n;
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
    steps.unavailable("buyer leaves feedback", "the reputation registry is not in this build");

    return {
      ok: true,
      chainId: world.chain.chainId,
      seller: { agentId: "", account: payTo, url: seller.url, skill: SKILL, priceAtomic: PRICE.toString() },
      buyer: { agentId: "", address: world.buyerOwner.address },
      requests: n,
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
      reputation: null,
      steps: steps.records,
    };
  } finally {
    await seller?.close();
    await world.close();
  }
}
