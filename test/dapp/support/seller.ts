/**
 * A paid API the page can call from its own origin: the SDK's paywall on Hono, behind a CORS layer that lets a
 * browser read the 402 offer and the receipt (the headers the codec lists as EXPOSED_HEADERS).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { Wallet } from "ethers";
import { EXPOSED_HEADERS } from "../../../sdk/codec";
import { ChainMirror, EthersEscrowChain, honoPaywall, Paywall } from "../../../sdk/server";
import { SqliteVoucherStore } from "../../../sdk/store";

export interface BrowserSellerOptions {
  chainId: bigint;
  escrow: string;
  collector: string;
  token: string;
  price: bigint;
  /** The seller's key: receives, relays deposits and authorizes claims. */
  seller: Wallet;
}

export interface BrowserSeller {
  /** The paid endpoint (POST {text}). */
  url: string;
  /** One poll of the seller's chain mirror now (it polls every 250 ms on its own). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export async function startBrowserSeller(o: BrowserSellerOptions): Promise<BrowserSeller> {
  const chain = new EthersEscrowChain(o.chainId, o.escrow, o.seller);
  const mirror = new ChainMirror(chain, { pollMs: 250 });
  await mirror.start();
  const dir = mkdtempSync(path.join(os.tmpdir(), "z402-dapp-seller-"));
  const store = new SqliteVoucherStore({ filename: path.join(dir, "vouchers.sqlite") });
  const paywall = new Paywall({
    network: `eip155:${o.chainId}`,
    chain,
    mirror,
    store,
    token: { address: o.token, name: "USDC", version: "2" },
    payTo: o.seller.address,
    receiverAuthorizer: o.seller.address,
    withdrawDelay: 3600,
    depositCollector: o.collector,
    routes: [{ path: "/echo", methods: ["POST"], price: o.price, description: "Echo, paid per request" }],
  });
  await paywall.start();

  const app = new Hono();
  app.use("*", cors({ origin: "*", exposeHeaders: [...EXPOSED_HEADERS] }));
  app.use("/echo", honoPaywall(paywall));
  app.post("/echo", async (c) => c.json({ echo: ((await c.req.json()) as { text?: string }).text ?? "" }));
  const server = createAdaptorServer({ fetch: app.fetch }) as http.Server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/echo`,
    sync: () => mirror.pollOnce(),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mirror.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
