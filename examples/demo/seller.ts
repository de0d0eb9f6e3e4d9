/**
 * The seller agent's services on one loopback server: its A2A agent (card at `/.well-known/agent-card.json`,
 * JSON-RPC at `/a2a`, paid through the a2a-x402 extension) and a paid HTTP API (`POST /summarize`), both at
 * 0.001 USDC per request behind one z402 paywall, with its voucher store, chain mirror and a counted chain
 * (to prove the hot path reads none). `POST /summarize` declares Bazaar discovery info (how to call it, what it
 * returns); with a `facilitator`, deposits land through it and its Bazaar catalog lists the route.
 */
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import express from "express";
import type { Wallet } from "ethers";
import type { AgentCardBuilder } from "../../sdk/agents";
import { a2aSeller } from "../../sdk/agents/a2a";
import {
  ChainMirror,
  EthersEscrowChain,
  expressPaywall,
  Paywall,
  type RouteBazaar,
  type RouteConfig,
} from "../../sdk/server";
import { SqliteVoucherStore } from "../../sdk/store";
import { CallCounter, counted } from "./counting";
import { summarize } from "./summarize";

export const SKILL = "summarize";
export const PRICE = 1_000n; // 0.001 USDC (6 decimals)

/** `POST /summarize` in the Bazaar: a JSON body `{text}`, answered with `{summary}`. */
export const SUMMARIZE_BAZAAR: RouteBazaar = {
  discovery: {
    bodyType: "json",
    input: { text: "Agents pay each other per request over HTTP. The payer locks funds in an escrow once." },
    inputSchema: {
      type: "object",
      properties: { text: { type: "string", description: "English text to summarize" } },
      required: ["text"],
    },
    output: {
      example: { summary: "Agents pay each other per request over HTTP." },
      schema: {
        type: "object",
        properties: { summary: { type: "string", description: "Its two most informative sentences" } },
        required: ["summary"],
      },
    },
  },
  serviceName: "Summarizer",
  tags: ["summarization", "text", "nlp"],
};

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
  /** The agent's card, given the server's base URL (it names the endpoints). */
  card: (url: string) => AgentCardBuilder;
  /**
   * A z402 facilitator's URL: deposits then land through its `/verify` and `/settle` (vouchers stay local), and
   * its Bazaar catalog lists `POST /summarize`. Without one, the seller lands deposits itself.
   */
  facilitator?: string;
}

export interface Seller {
  url: string;
  card: AgentCardBuilder;
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
  const routes: RouteConfig[] = [
    {
      path: `/${SKILL}`,
      methods: ["POST"],
      price: PRICE,
      description: "Summarize a text",
      mimeType: "application/json",
      bazaar: SUMMARIZE_BAZAAR,
    },
    { path: "/a2a/skills/*", price: PRICE, description: "A2A skills" },
  ];
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
    routes,
    // Deposits go to the facilitator, which catalogs the route (its Bazaar declaration); vouchers stay local.
    ...(cfg.facilitator ? { facilitator: cfg.facilitator } : {}),
  });
  await paywall.start();

  const app = express();
  const server = http.createServer(app);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const card = cfg.card(url);
  const { router } = a2aSeller({
    description: card.description(),
    paywall,
    handler: async ({ text }) => ({ text: summarize(text) }),
  });
  app.use(router);
  app.use(expressPaywall(paywall));
  app.post(`/${SKILL}`, express.json({ limit: "64kb" }), (req, res) => {
    const text = (req.body as { text?: unknown } | undefined)?.text;
    if (typeof text !== "string") {
      res.status(400).json({ error: "expected {text: string}" });
      return;
    }
    res.json({ summary: summarize(text) });
  });
  return {
    url,
    card,
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
