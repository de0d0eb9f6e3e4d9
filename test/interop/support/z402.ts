import http from "node:http";
import express from "express";
import { ethers } from "ethers";
import {
  ChainMirror,
  EthersEscrowChain,
  Paywall,
  expressPaywall,
  type PaywallOptions,
} from "../../../sdk/server";
import { SqliteVoucherStore } from "../../../sdk/store";
import { SettlementWorker, facilitatorSubmitter } from "../../../sdk/settlement";
import { ethersClientChain, wrapFetch, type WrapFetchOptions } from "../../../sdk/client";
import { CHAIN_ID, NETWORK } from "./chain";
import { BATCH_SETTLEMENT, ERC3009_COLLECTOR, USDC } from "./place";
import { WITHDRAW_DELAY } from "./batch";
import { serve, type Served } from "./stock";
import type { World } from "./world";

export interface Z402Server extends Served {
  paywall: Paywall;
  /** Claims the served vouchers (claimWithSignature) and settles, through the escrow at the canonical address. */
  claimAndSettle(): Promise<unknown>;
}

/**
 * A z402 paywall (express adapter) on `GET /paid` for `price`, offering `exact` and the escrow scheme, with the
 * escrow at the canonical batch-settlement address and USDC at its Base Sepolia address.
 */
export async function serveZ402(
  world: World,
  receiver: string,
  price = 1000n,
  over: Partial<PaywallOptions> = {},
): Promise<Z402Server> {
  const relayer = await world.operator();
  const authorizer = ethers.Wallet.createRandom();
  const chain = new EthersEscrowChain(BigInt(CHAIN_ID), BATCH_SETTLEMENT, relayer);
  const mirror = new ChainMirror(chain, { pollMs: 100 });
  await mirror.start();
  const store = new SqliteVoucherStore({ filename: ":memory:" });
  const paywall = new Paywall({
    network: NETWORK,
    chain,
    mirror,
    store,
    token: { address: USDC, name: "USDC", version: "2" },
    payTo: receiver,
    receiverAuthorizer: authorizer.address,
    authorizer,
    withdrawDelay: WITHDRAW_DELAY,
    depositCollector: ERC3009_COLLECTOR,
    routes: [{ path: "/paid", price, description: "interop route" }],
    ...over,
  });
  await paywall.start();
  // A paywall delegating to a facilitator URL also claims through it.
  const submit =
    typeof over.facilitator === "string" ? facilitatorSubmitter(over.facilitator, NETWORK) : undefined;
  const worker = new SettlementWorker({ store, chain, authorizer, intervalMs: 3_600_000, submit });
  const app = express();
  app.use(expressPaywall(paywall));
  app.get("/paid", (_req, res) => {
    res.json({ paid: true });
  });
  const served = await serve(app as unknown as http.RequestListener);
  return {
    ...served,
    paywall,
    claimAndSettle: () => worker.run(),
    async close() {
      await served.close();
      await worker.stop();
      await mirror.stop();
      await store.close();
    },
  };
}

/** The z402 paying fetch on the interop chain, with a fresh session key. */
export function z402Fetch(world: World, payer: ethers.Wallet, over: Partial<WrapFetchOptions> = {}) {
  return wrapFetch(fetch, {
    payer,
    sessionKey: ethers.Wallet.createRandom(),
    chainId: BigInt(CHAIN_ID),
    escrow: BATCH_SETTLEMENT,
    depositCollector: ERC3009_COLLECTOR,
    chain: ethersClientChain(world.chain.ethersProvider, BATCH_SETTLEMENT),
    deposit: { amount: 10_000n, max: 100_000n },
    ...over,
  });
}
