/**
 * The seller agent's services: a paid HTTP API (`POST /summarize`, 0.001 USDC per request) behind the z402
 * paywall on Hono, with its voucher store, chain mirror and a counted chain (to prove the hot path reads none).
 */
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import type { Wallet } from "ethers";
import { ChainMirror, EthersEscrowChain, honoPaywall, Paywall } from "../../sdk/server";
import { SqliteVoucherStore } from "../../sdk/store";
import { CallCounter, counted } from "./counting";
import { summarize } from "./summarize";

export const SKILL = "summarize";
export const PRICE = 1_000n; // 0.001 USDC (6 decimals)

export interface SellerConfig {
  chainId: bigint;
  escrow: string;
  collector: string;
  token: { address: string; name: string; version: string };
  /** Where income goes (the seller's AgentAccount). */
  payTo: string;
  /** Sends deposits, claims and settlements (the seller's key, connected to a provider). */
  relayer: Wallet;
  /** Signs claim batches (receiverAuthorizer). */
  authorizer: Wallet;
  /** Extra routes (the A2A endpoints), mounted before the paid API. */
  mount?: (app: Hono) => void;
}

export interface Seller {
  url: string;
  chain: EthersEscrowChain;
  store: SqliteVoucherStore;
  /** The voucher store's SQLite file. */
  storeFile: string;
  mirror: ChainMirror;
  paywall: Paywall;
  /** Chain calls made by the paywall and mirror (the event poll counts as background). */
  rpc: CallCounter;
  close(): Promise<void>;
}

export async function startSeller(cfg: SellerConfig): Promise<Seller> {
  const rpc = new CallCounter();
  const chain = counted(new EthersEscrowChain(cfg.chainId, cfg.escrow, cfg.relayer), rpc, ["poll", "head"]);
  const mirror = new ChainMirror(chain, { pollMs: 250 });
  await mirror.start();
  const dir = mkdtempSync(path.join(os.tmpdir(), "z402-demo-seller-"));
  // WAL with synchronous=NORMAL: a committed voucher survives a process crash (an OS crash may lose the last ones).
  const storeFile = path.join(dir, "vouchers.sqlite");
  const store = new SqliteVoucherStore({ filename: storeFile, synchronous: "NORMAL" });
  const paywall = new Paywall({
    network: `eip155:${cfg.chainId}`,
    chain,
    mirror,
    store,
    token: cfg.token,
    payTo: cfg.payTo,
    receiverAuthorizer: cfg.authorizer.address,
    withdrawDelay: 3600,
    depositCollector: cfg.collector,
    routes: [{ path: `/${SKILL}`, methods: ["POST"], price: PRICE, description: "Summarize a text" }],
  });
  await paywall.start();

  const app = new Hono();
  cfg.mount?.(app);
  app.use(`/${SKILL}`, honoPaywall(paywall));
  app.post(`/${SKILL}`, async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { text?: unknown };
    if (typeof body.text !== "string") return c.json({ error: "expected {text: string}" }, 400);
    return c.json({ summary: summarize(body.text) });
  });
  const server = createAdaptorServer({ fetch: app.fetch }) as http.Server;
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    chain,
    store,
    storeFile,
    mirror,
    paywall,
    rpc,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mirror.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
