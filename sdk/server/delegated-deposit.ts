import type { ChainChannel } from "./chain";
import type { ChannelConfigWire } from "./crypto";
import { FacilitatorDelegate, type FacilitatorOption } from "./delegate";
import {
  checkDepositAmount,
  landedEarlier,
  type DepositFields,
  type DepositLander,
  type DepositPayment,
} from "./deposit";
import type { PaywallOptions } from "./options";
import { PaymentRefusal } from "./reasons";
import { decimalUint } from "../utils/uint";

/** A decimal uint string or, as `withdrawRequestedAt` comes, a safe non-negative integer. */
const uint = (v: unknown): bigint | undefined =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? BigInt(v) : decimalUint(v);

/**
 * The channel snapshot a facilitator returns in a deposit's settle answer (`extra.channelState`, as `@x402/evm`'s
 * facilitator and ours send it), or undefined when absent, malformed or about another channel.
 */
export function settledChannelState(extra: unknown, channelId: string): ChainChannel | undefined {
  const s = (extra as { channelState?: Record<string, unknown> } | undefined)?.channelState;
  if (typeof s !== "object" || s === null) return undefined;
  if (typeof s.channelId === "string" && s.channelId.toLowerCase() !== channelId.toLowerCase())
    return undefined;
  const [balance, totalClaimed, withdrawInitiatedAt, refundNonce] = [
    s.balance,
    s.totalClaimed,
    s.withdrawRequestedAt,
    s.refundNonce,
  ].map(uint);
  if (balance === undefined || totalClaimed === undefined) return undefined;
  if (withdrawInitiatedAt === undefined || refundNonce === undefined) return undefined;
  // The snapshot has no pending withdrawal amount; nothing on the hot path reads it.
  return { balance, totalClaimed, withdrawInitiatedAt, refundNonce, withdrawAmount: 0n };
}

/**
 * Deposits landed by a facilitator: the payment goes to its `/verify` then `/settle` (which submits the deposit
 * and answers once it is mined), and the mirror adopts the channel snapshot of the answer, or reads the chain when
 * the answer has none. Once per authorization; no optimistic serving (the answer comes only after mining).
 */
export class DelegatedDeposits implements DepositLander {
  private readonly deposits = new Map<string, Promise<void>>();
  private readonly delegate: FacilitatorDelegate;

  constructor(
    private readonly opts: PaywallOptions,
    facilitator: FacilitatorOption,
  ) {
    this.delegate = new FacilitatorDelegate(facilitator);
  }

  provisional(): bigint {
    return 0n;
  }

  async accept(
    _config: ChannelConfigWire,
    channelId: string,
    d: DepositFields,
    needed: bigint,
    payment: DepositPayment,
  ): Promise<void> {
    checkDepositAmount(this.opts, BigInt(d.amount));
    const key = d.authorization.erc3009Authorization.signature.toLowerCase();
    let pending = this.deposits.get(key);
    if (!pending) {
      pending = this.land(channelId, payment);
      this.deposits.set(key, pending);
      pending.catch(() => this.deposits.delete(key));
    }
    try {
      await pending;
    } catch (err) {
      if (!(err instanceof PaymentRefusal) || err.status === 503) throw err;
      if (!(await landedEarlier(this.opts, channelId, needed))) throw err;
    }
  }

  private async land(channelId: string, { payload, offer, told }: DepositPayment): Promise<void> {
    const payment = { x402Version: 2 as const, ...told?.(), accepted: offer, payload };
    const settled = await this.delegate.verifyAndSettle(payment, offer);
    const state = settledChannelState(settled.extra, channelId);
    if (state) this.opts.mirror.learn(channelId, state);
    else await this.opts.mirror.refresh(channelId);
  }
}
