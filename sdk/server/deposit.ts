import { collectorNonce } from "../eip712/hash";
import { encodeCollectorData } from "../signing/eip3009";
import type { Erc3009DepositAuthorization } from "../types/batch-settlement";
import type { Hex } from "../utils/hex";
import { eip3009Digest, recoverSigner, type ChannelConfigWire } from "./crypto";
import type { PaywallOptions } from "./options";
import { chainFailure, PaymentRefusal, REASONS } from "./reasons";
import type { Requirements } from "./requirements";

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** A `deposit` payload's deposit part. */
export interface DepositFields {
  amount: string;
  authorization: {
    erc3009Authorization: { validAfter: string; validBefore: string; salt: string; signature: string };
  };
}

/** The payment as received, for a lander that forwards it (a facilitator wants the whole payload and offer). */
export interface DepositPayment {
  payload: unknown;
  offer: Requirements;
}

/** Who lands deposits for the escrow scheme: this server itself, or a facilitator (`delegated-deposit.ts`). */
export interface DepositLander {
  /** Unconfirmed deposits credited to a channel (optimistic policy). */
  provisional(channelId: string): bigint;
  /** Resolves once the channel's balance includes the deposit (or the policy lets the request through). */
  accept(
    config: ChannelConfigWire,
    channelId: string,
    d: DepositFields,
    needed: bigint,
    payment: DepositPayment,
  ): Promise<void>;
}

/** The server's own deposit policy: a non-zero amount of at least `minDeposit`. */
export function checkDepositAmount(opts: PaywallOptions, amount: bigint): void {
  if (amount === 0n || amount < (opts.minDeposit ?? 0n))
    throw new PaymentRefusal(REASONS.bsDepositBelowMinDeposit);
}

/**
 * A retried deposit (e.g. after our restart) is refused because its authorization was already used: if the
 * channel now covers the voucher, the deposit did land earlier and the request may proceed.
 */
export async function landedEarlier(
  opts: PaywallOptions,
  channelId: string,
  needed: bigint,
): Promise<boolean> {
  const state = await opts.mirror.refresh(channelId);
  return state.balance >= needed;
}

/**
 * Deposits (server rule 6): the payer's EIP-3009 `receiveWithAuthorization` is verified locally, then the
 * server submits `deposit` itself, once per authorization. The request waits for the deposit to be mined,
 * unless the optimistic policy lets it through while unconfirmed deposits stay under the risk limit.
 */
export class DepositHandler implements DepositLander {
  private readonly deposits = new Map<string, Promise<void>>();
  private readonly credit = new Map<string, bigint>();
  private unconfirmed = 0n;

  constructor(private readonly opts: PaywallOptions) {}

  /** Unconfirmed deposits credited to a channel under the optimistic policy. */
  provisional(channelId: string): bigint {
    return this.credit.get(channelId) ?? 0n;
  }

  /** Verifies a deposit locally, submits it (once per authorization) and waits for it unless optimistic. */
  async accept(
    config: ChannelConfigWire,
    channelId: string,
    d: DepositFields,
    needed: bigint,
  ): Promise<void> {
    const collector = this.opts.depositCollector;
    if (!collector) throw new PaymentRefusal(REASONS.unsupportedPayloadType);
    const a = d.authorization.erc3009Authorization;
    const amount = BigInt(d.amount);
    checkDepositAmount(this.opts, amount);
    const now = this.opts.mirror.now();
    if (BigInt(a.validAfter) > now) throw new PaymentRefusal(REASONS.bsValidAfter);
    if (BigInt(a.validBefore) < now + 6n) throw new PaymentRefusal(REASONS.bsValidBefore);
    const nonce = collectorNonce(channelId as Hex, a.salt as Hex);
    const message = {
      from: config.payer,
      to: collector,
      value: amount,
      validAfter: a.validAfter,
      validBefore: a.validBefore,
      nonce,
    };
    const digest = eip3009Digest(
      this.opts.token,
      this.opts.chain.chainId,
      "ReceiveWithAuthorization",
      message,
    );
    if (!same(recoverSigner(digest, a.signature, REASONS.bsReceiveAuthorizationSignature), config.payer)) {
      throw new PaymentRefusal(REASONS.bsReceiveAuthorizationSignature);
    }
    let pending = this.deposits.get(nonce);
    const limit = this.opts.deposits?.optimisticRiskLimit;
    const optimistic = limit !== undefined && this.unconfirmed + amount <= limit;
    if (!pending) {
      if (optimistic) {
        this.unconfirmed += amount;
        this.credit.set(channelId, (this.credit.get(channelId) ?? 0n) + amount);
      }
      const data = encodeCollectorData(a as Erc3009DepositAuthorization);
      pending = this.opts.chain
        .deposit(config, amount, collector, data)
        .then(async () => {
          await this.opts.mirror.refresh(channelId);
        })
        .finally(() => {
          if (optimistic) {
            this.unconfirmed -= amount;
            const left = (this.credit.get(channelId) ?? 0n) - amount;
            if (left > 0n) this.credit.set(channelId, left);
            else this.credit.delete(channelId);
          }
        });
      this.deposits.set(nonce, pending);
      pending.catch(() => this.deposits.delete(nonce));
      if (optimistic) return;
    }
    try {
      await pending;
    } catch (err) {
      const refusal = chainFailure(err, REASONS.bsDepositTransactionFailed);
      if (refusal.status === 503) throw refusal;
      if (!(await landedEarlier(this.opts, channelId, needed))) throw refusal;
    }
  }
}
