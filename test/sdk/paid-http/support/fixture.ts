import { ethers } from "hardhat";
import { hexlify, randomBytes, Wallet, ZeroHash, type Signer } from "ethers";
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { Hono } from "hono";
import { createAdaptorServer } from "@hono/node-server";
import {
  ChainMirror,
  EthersEscrowChain,
  Paywall,
  expressPaywall,
  honoPaywall,
  withPaywall,
  type PaywallOptions,
  type RouteConfig,
} from "../../../../sdk/server";
import { SqliteVoucherStore, type VoucherStore } from "../../../../sdk/store";
import { ethersClientChain, wrapFetch, type WrapFetchOptions } from "../../../../sdk/client";

export const PRICE = 1_000n;

/** A random key without HD derivation (Wallet.createRandom derives a mnemonic: ~15 ms each). */
export const freshKey = (): Wallet => new Wallet(hexlify(randomBytes(32)));
export const WITHDRAW_DELAY = 900;

export interface Deployment {
  chainId: bigint;
  token: Awaited<ReturnType<typeof deployToken>>;
  tokenAddress: string;
  escrow: string;
  collector: string;
  receiver: string;
  authorizer: Wallet;
  relayer: Signer;
  payer: Signer;
  other: Signer;
}

async function deployToken() {
  return ethers.deployContract("MockEIP3009Token");
}

let deployment: Deployment | undefined;

/** Token, escrow and collector, deployed once per test run; tests use fresh channels, so they do not interfere. */
/** The channel config the test server accepts for `payer` paying through the session key `payerAuthorizer`. */
export function channelConfigFor(d: Deployment, payer: string, payerAuthorizer: string) {
  return {
    payer,
    payerAuthorizer,
    receiver: d.receiver,
    receiverAuthorizer: d.authorizer.address,
    token: d.tokenAddress,
    withdrawDelay: WITHDRAW_DELAY,
    salt: ZeroHash,
  };
}

export async function deploy(): Promise<Deployment> {
  if (deployment) return deployment;
  const [, relayer, payer, other, receiver] = await ethers.getSigners();
  const token = await deployToken();
  const escrow = await ethers.deployContract("Z402Escrow");
  const collector = await ethers.deployContract("ERC3009DepositCollector", [await escrow.getAddress()]);
  await token.mint(await payer.getAddress(), 10n ** 15n);
  await token.mint(await other.getAddress(), 10n ** 15n);
  deployment = {
    chainId: (await ethers.provider.getNetwork()).chainId,
    token,
    tokenAddress: await token.getAddress(),
    escrow: await escrow.getAddress(),
    collector: await collector.getAddress(),
    receiver: await receiver.getAddress(),
    authorizer: freshKey(),
    relayer,
    payer,
    other,
  };
  return deployment!;
}

export type Adapter = "hono" | "express" | "node";
export type HandlerResult = { status: number; body: string; charge?: bigint };

export interface TestServer {
  url: string;
  paywall: Paywall;
  mirror: ChainMirror;
  chain: EthersEscrowChain;
  store: VoucherStore;
  close(): Promise<void>;
}

export const DEFAULT_ROUTES: RouteConfig[] = [
  { path: "/paid/*", price: PRICE, description: "paid data" },
  {
    path: "/dynamic",
    price: PRICE,
  },
];

/** A paid server on 127.0.0.1 (random port) with one of the three adapters. */
export async function startServer(
  d: Deployment,
  over: Partial<PaywallOptions> & {
    adapter?: Adapter;
    handler?: (path: string) => { status: number; body: string; charge?: bigint };
  } = {},
): Promise<TestServer> {
  const chain = new EthersEscrowChain(d.chainId, d.escrow, d.relayer);
  const mirror = over.mirror ?? new ChainMirror(chain, { pollMs: 200 });
  if (!over.mirror) await mirror.start();
  const store = over.store ?? new SqliteVoucherStore({ filename: ":memory:" });
  const paywall = new Paywall({
    network: `eip155:${d.chainId}`,
    chain,
    mirror,
    store,
    token: { address: d.tokenAddress, name: "USDC", version: "2" },
    payTo: d.receiver,
    receiverAuthorizer: d.authorizer.address,
    withdrawDelay: WITHDRAW_DELAY,
    depositCollector: d.collector,
    routes: DEFAULT_ROUTES,
    ...over,
  });
  await paywall.start();
  const handler: (path: string) => HandlerResult =
    over.handler ?? ((path: string) => ({ status: path.includes("fail") ? 500 : 200, body: "ok " + path }));
  const adapter = over.adapter ?? "hono";
  let server: http.Server;
  if (adapter === "hono") {
    const app = new Hono();
    app.use("*", honoPaywall(paywall));
    app.all("*", (c) => {
      const out = handler(new URL(c.req.url).pathname);
      if (out.charge !== undefined) c.set("z402Charge" as never, out.charge as never);
      return c.text(out.body, out.status as 200);
    });
    server = createAdaptorServer({ fetch: app.fetch }) as http.Server;
  } else if (adapter === "express") {
    const app = express();
    app.use(expressPaywall(paywall));
    app.use((req, res) => {
      const out = handler(req.path);
      if (out.charge !== undefined) setChargeNode(req, out.charge);
      res.status(out.status).send(out.body);
    });
    server = http.createServer(app);
  } else {
    server = http.createServer(
      withPaywall(paywall, (req, res) => {
        const out = handler(new URL(req.url ?? "/", "http://x").pathname);
        if (out.charge !== undefined) setChargeNode(req, out.charge);
        res.writeHead(out.status, { "content-type": "text/plain" });
        res.end(out.body);
      }),
    );
  }
  // Long keep-alive: the client pool never races the server closing an idle connection.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paywall,
    mirror,
    chain,
    store,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections?.();
      if (!over.mirror) await mirror.stop();
      if (!over.store) await store.close();
    },
  };
}

import { setCharge as setChargeNode } from "../../../../sdk/server";

/** A paying fetch with a fresh session key (so a fresh channel) unless one is given. */
export function payingFetch(
  d: Deployment,
  over: Partial<WrapFetchOptions> = {},
  fetchImpl: (input: string | URL | Request, init?: RequestInit) => Promise<Response> = fetch,
) {
  const sessionKey = over.sessionKey ?? freshKey();
  return wrapFetch(fetchImpl, {
    payer: d.payer,
    sessionKey,
    chainId: d.chainId,
    escrow: d.escrow,
    depositCollector: d.collector,
    chain: ethersClientChain(ethers.provider, d.escrow),
    deposit: { amount: 100_000n, max: 1_000_000n },
    channelSalt: ZeroHash,
    ...over,
  });
}
