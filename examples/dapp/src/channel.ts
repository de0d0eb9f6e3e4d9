/**
 * The page's side of a channel to the demo seller: paid requests through the SDK's paying fetch, and the
 * channel's chain state read back from the escrow (so the numbers on the page are the chain's, not ours).
 */
import { Contract, Wallet, ZeroHash, type Provider, type Signer } from "ethers";
import {
  buildChannelConfig,
  channelIdOf,
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
} from "z402";
import { ethersClientChain, wrapFetch, type RefundResult } from "z402/client";
import type { DappConfig } from "./config";

const ESCROW_ABI = [
  "function channels(bytes32) view returns (uint128 balance, uint128 totalClaimed)",
  "function pendingWithdrawals(bytes32) view returns (uint128 amount, uint40 initiatedAt)",
  "function initiateWithdraw((address payer,address payerAuthorizer,address receiver,address receiverAuthorizer,address token,uint40 withdrawDelay,bytes32 salt) config, uint128 amount)",
  "function finalizeWithdraw((address payer,address payerAuthorizer,address receiver,address receiverAuthorizer,address token,uint40 withdrawDelay,bytes32 salt) config)",
];

/** One deposit covers this many requests at the seller's price; the page never locks more than twice that. */
const REQUESTS_PER_DEPOSIT = 100n;

export interface ChannelView {
  channelId: string;
  balance: bigint;
  totalClaimed: bigint;
  withdrawal: { amount: bigint; initiatedAt: bigint };
}

export interface Offer {
  price: bigint;
  payTo: string;
  asset: string;
  receiverAuthorizer: string;
  withdrawDelay: number;
}

/** A session key kept in the page's storage: it signs vouchers, so the wallet is asked once, for the deposit. */
function sessionKey(provider: Provider): Wallet {
  const stored = localStorage.getItem("z402.sessionKey");
  const wallet = stored ? new Wallet(stored) : Wallet.createRandom();
  if (!stored) localStorage.setItem("z402.sessionKey", wallet.privateKey);
  return new Wallet(wallet.privateKey, provider);
}

export class SellerChannel {
  readonly vouchers = { count: 0, spent: 0n };
  private readonly escrow: Contract;
  private readonly session: Wallet;
  private paidFetch?: ReturnType<typeof wrapFetch>;
  private channelId?: string;
  private offer?: Offer;

  constructor(
    private readonly config: DappConfig,
    private readonly provider: Provider,
    private readonly signer: Signer,
    private readonly payer: string,
  ) {
    this.escrow = new Contract(config.contracts.escrow, ESCROW_ABI, signer);
    this.session = sessionKey(provider);
  }

  /** The SDK's paying fetch, with a deposit sized from the seller's price. */
  private async payingFetch(): Promise<ReturnType<typeof wrapFetch>> {
    const { price } = await this.readOffer();
    this.paidFetch ??= wrapFetch(fetch.bind(globalThis), {
      payer: this.signer,
      sessionKey: this.session,
      chainId: BigInt(this.config.chainId),
      escrow: this.config.contracts.escrow,
      depositCollector: this.config.contracts.depositCollector,
      chain: ethersClientChain(this.provider, this.config.contracts.escrow),
      deposit: { amount: price * REQUESTS_PER_DEPOSIT, max: price * REQUESTS_PER_DEPOSIT * 2n },
    });
    return this.paidFetch;
  }

  /** Reads the seller's 402 offer for the escrow scheme (no payment made). */
  async readOffer(): Promise<Offer> {
    if (this.offer) return this.offer;
    const res = await fetch(this.sellerUrl(), { method: "POST", body: "{}" });
    const header = res.headers.get("payment-required");
    if (res.status !== 402 || !header)
      throw new Error(`The seller at ${this.sellerUrl()} did not ask for payment.`);
    const required = decodePaymentRequiredHeader(header);
    const escrowOffer = required.accepts.find((a) => a.scheme === "batch-settlement");
    if (!escrowOffer) throw new Error("The seller does not offer the escrow scheme.");
    this.offer = {
      price: BigInt(escrowOffer.amount),
      payTo: escrowOffer.payTo,
      asset: escrowOffer.asset,
      receiverAuthorizer: String(escrowOffer.extra?.receiverAuthorizer),
      withdrawDelay: Number(escrowOffer.extra?.withdrawDelay),
    };
    return this.offer;
  }

  sellerUrl(): string {
    if (!this.config.sellerUrl)
      throw new Error("No demo seller in config.json: run `npx z402 node --seller`.");
    return this.config.sellerUrl;
  }

  /** Makes `count` paid requests one after another; `onPaid` runs after each. */
  async pay(count: number, onPaid: (lastBody: string) => void): Promise<void> {
    const paidFetch = await this.payingFetch();
    for (let i = 0; i < count; i++) {
      const res = await paidFetch(this.sellerUrl(), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: `Request ${i + 1} from the z402 dApp. It asks for a short summary.` }),
      });
      const body = await res.text();
      if (!res.ok) throw new Error(`The seller refused request ${i + 1} (${res.status}): ${reasonOf(body)}`);
      const receipt = res.headers.get("payment-response");
      if (receipt) {
        const settled = decodePaymentResponseHeader(receipt) as {
          extra?: { chargedAmount?: string; channelState?: { channelId?: string } };
        };
        this.vouchers.count += 1;
        this.vouchers.spent += BigInt(settled.extra?.chargedAmount ?? "0");
        this.channelId = settled.extra?.channelState?.channelId ?? this.channelId;
      }
      onPaid(body);
    }
  }

  /** The channel as the escrow holds it, or undefined before the first deposit. */
  async read(): Promise<ChannelView | undefined> {
    const channelId = this.channelId ?? (await this.expectedChannelId());
    const [balance, totalClaimed] = (await this.escrow.channels(channelId)) as [bigint, bigint];
    if (balance === 0n && totalClaimed === 0n && !this.channelId) return undefined;
    this.channelId = channelId;
    const [amount, initiatedAt] = (await this.escrow.pendingWithdrawals(channelId)) as [bigint, bigint];
    return { channelId, balance, totalClaimed, withdrawal: { amount, initiatedAt } };
  }

  /**
   * Starts a withdrawal of what this page has not spent: vouchers the seller holds but has not claimed yet are
   * owed, and the seller may still claim them during the delay.
   */
  async startWithdrawal(): Promise<void> {
    const view = await this.read();
    if (!view) throw new Error("There is no channel to withdraw from yet.");
    const owed = view.totalClaimed > this.vouchers.spent ? view.totalClaimed : this.vouchers.spent;
    if (view.balance <= owed) throw new Error("Nothing to withdraw: the whole balance is spent.");
    const tx = await this.escrow.initiateWithdraw(await this.channelConfig(), view.balance - owed);
    await tx.wait();
  }

  async finishWithdrawal(): Promise<void> {
    const tx = await this.escrow.finalizeWithdraw(await this.channelConfig());
    await tx.wait();
    // The paying fetch's idea of the balance predates the withdrawal: the next one starts from the chain's.
    this.paidFetch = undefined;
  }

  /**
   * The cooperative refund: the seller claims what this page was charged and returns the rest of the channel at
   * once (no withdrawal delay). The request goes to the paid route itself, which then does not run.
   */
  async refund(): Promise<RefundResult> {
    const paidFetch = await this.payingFetch();
    return paidFetch.refund(this.sellerUrl(), {
      init: { method: "POST", headers: { "content-type": "application/json" }, body: "{}" },
    });
  }

  private async channelConfig() {
    const offer = await this.readOffer();
    return buildChannelConfig({
      payer: this.payer,
      payerAuthorizer: this.session.address,
      receiver: offer.payTo,
      receiverAuthorizer: offer.receiverAuthorizer,
      token: offer.asset,
      withdrawDelay: offer.withdrawDelay,
      salt: ZeroHash as `0x${string}`,
    });
  }

  private async expectedChannelId(): Promise<string> {
    return channelIdOf(
      await this.channelConfig(),
      this.config.chainId,
      this.config.contracts.escrow as `0x${string}`,
    );
  }
}

/** The machine-readable reason of a refusal (x402 `error`), or the start of the body. */
function reasonOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; reason?: unknown };
    return String(parsed.error ?? parsed.reason ?? body.slice(0, 120));
  } catch {
    return body.slice(0, 120);
  }
}
