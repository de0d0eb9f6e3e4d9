import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { ethers } from "hardhat";
import { Wallet, ZeroHash, type HDNodeWallet } from "ethers";
import { AgentCardBuilder, type Address, type X402Offer } from "../../../../sdk/agents";
import { A2ABuyer, a2aSeller } from "../../../../sdk/agents/a2a";
import { ChainMirror, EthersEscrowChain, Paywall, expressPaywall } from "../../../../sdk/server";
import { SqliteVoucherStore } from "../../../../sdk/store";
import { ethersClientChain } from "../../../../sdk/client";
import { PRICE, WITHDRAW_DELAY, type Deployment } from "../../paid-http/support/fixture";

export interface Seller {
  url: string;
  /** The seller's own receiver (not the shared fixture's, whose totals other suites assert). */
  payTo: string;
  paywall: Paywall;
  close(): Promise<void>;
}

/** A paid A2A agent on 127.0.0.1: skill `echo` costs PRICE, and `/paid/*` is a plain paid HTTP route. */
export async function startSeller(d: Deployment): Promise<Seller> {
  const chain = new EthersEscrowChain(d.chainId, d.escrow, d.relayer);
  const mirror = new ChainMirror(chain, { pollMs: 200 });
  await mirror.start();
  const store = new SqliteVoucherStore({ filename: ":memory:" });
  const payTo = Wallet.createRandom().address;
  const paywall = new Paywall({
    network: `eip155:${d.chainId}`,
    chain,
    mirror,
    store,
    token: { address: d.tokenAddress, name: "USDC", version: "2" },
    payTo,
    receiverAuthorizer: d.authorizer.address,
    withdrawDelay: WITHDRAW_DELAY,
    depositCollector: d.collector,
    routes: [
      { path: "/a2a/skills/*", price: PRICE, description: "A2A skills" },
      { path: "/paid/*", price: PRICE, description: "plain paid HTTP" },
    ],
  });
  await paywall.start();
  const app = express();
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const offer: X402Offer = {
    scheme: "batch-settlement",
    network: `eip155:${Number(d.chainId)}`,
    asset: d.tokenAddress as Address,
    payTo: payTo as Address,
    amount: PRICE.toString(),
  };
  const description = new AgentCardBuilder({
    name: "Echo",
    description: "Echoes, for a price",
    version: "1.0.0",
  })
    .addInterface(`${url}/a2a`, "JSONRPC", "1.0")
    .addInterface(`${url}/a2a`, "JSONRPC", "0.3")
    .addSkill({ id: "echo", name: "Echo", description: "Repeats the text", tags: ["echo"] })
    .addSkill({ id: "fail", name: "Fail", description: "Always fails", tags: ["test"] })
    .withX402([offer])
    .description();
  const { router } = a2aSeller({
    description,
    paywall,
    handler: async ({ text, skill, payer }) => {
      if (skill === "fail") throw new Error("boom");
      return { text: `echo: ${text}`, data: { payer } };
    },
  });
  app.use(router);
  app.use(expressPaywall(paywall));
  app.get("/paid/data", (_req, res) => {
    res.send("paid data");
  });
  return {
    url,
    payTo,
    paywall,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections?.();
      await mirror.stop();
      await store.close();
    },
  };
}

/** A buyer paying from `d.payer` with a fresh session key (so a fresh channel). */
export function buyer(d: Deployment, sessionKey: HDNodeWallet = Wallet.createRandom()): A2ABuyer {
  return new A2ABuyer({
    pay: {
      payer: d.payer,
      sessionKey,
      chainId: d.chainId,
      escrow: d.escrow,
      depositCollector: d.collector,
      chain: ethersClientChain(ethers.provider, d.escrow),
      deposit: { amount: 100_000n, max: 1_000_000n },
      channelSalt: ZeroHash,
    },
  });
}
