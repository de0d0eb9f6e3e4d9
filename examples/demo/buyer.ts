/**
 * The buyer agent: the SDK's A2A buyer, which pays over A2A (a2a-x402 extension) and over plain paid HTTP with
 * the z402 paying fetch (gasless EIP-3009 deposit on the first request, then one signed voucher per request).
 */
import { Wallet, ZeroHash, type Provider } from "ethers";
import { A2ABuyer } from "../../sdk/agents/a2a";
import { ethersClientChain } from "../../sdk/client";
import { CallCounter, counted } from "./counting";
import type { ProgressBar } from "./progress";
import { SAMPLE_TEXT } from "./summarize";

export interface BuyerConfig {
  chainId: bigint;
  escrow: string;
  collector: string;
  provider: Provider;
  /** Holds the USDC; signs only the deposit authorization (it pays no gas). */
  payer: Wallet;
  /** Largest deposit the buyer will lock. */
  maxDeposit: bigint;
  deposit: bigint;
}

export interface Buyer {
  a2a: A2ABuyer;
  /** The session key that signs vouchers (the channel's payerAuthorizer). */
  sessionKey: Wallet;
  rpc: CallCounter;
  /** One paid POST; resolves with the parsed body and the latency in ms. */
  request(url: string): Promise<{ body: { summary: string }; ms: number; paymentResponse: string | null }>;
}

export function createBuyer(cfg: BuyerConfig): Buyer {
  const rpc = new CallCounter();
  const sessionKey = new Wallet(Wallet.createRandom().privateKey);
  const a2a = new A2ABuyer({
    pay: {
      payer: cfg.payer,
      sessionKey,
      chainId: cfg.chainId,
      escrow: cfg.escrow,
      depositCollector: cfg.collector,
      chain: counted(ethersClientChain(cfg.provider, cfg.escrow), rpc),
      deposit: { amount: cfg.deposit, max: cfg.maxDeposit },
      channelSalt: ZeroHash,
    },
  });
  const init = {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text: SAMPLE_TEXT }),
  };
  return {
    a2a,
    sessionKey,
    rpc,
    async request(url) {
      const start = performance.now();
      const res = await a2a.fetch(url, init);
      const text = await res.text();
      const ms = performance.now() - start;
      if (res.status !== 200) {
        throw new Error(`the seller answered ${res.status}: ${text.slice(0, 200)}`);
      }
      return {
        body: JSON.parse(text) as { summary: string },
        ms,
        paymentResponse: res.headers.get("payment-response"),
      };
    },
  };
}

/** Makes `n` sequential paid requests, ticking `bar`; returns the latencies in ms. */
export async function payMany(buyer: Buyer, url: string, n: number, bar?: ProgressBar): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) {
    const { ms } = await buyer.request(url);
    latencies.push(ms);
    bar?.tick(ms);
  }
  return latencies;
}
