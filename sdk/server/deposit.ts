import { collectorNonce } from "../eip712/hash";
import { encodeCollectorData } from "../signing/eip3009";
import type { Erc3009DepositAuthorization } from "../types/batch-settlement";
import type { Hex } from "../utils/hex";
import { eip3009Digest, recoverSigner, type ChannelConfigWire } from "./crypto";
import type { PaywallOptions } from "./options";
import { chainFailure, PaymentRefusal, REASONS } from "./reasons";

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Deposits (server rule 6): the payer's EIP-3009 `receiveWithAuthorization` is verified locally, then the
 * server submits `deposit` itself, once per authorization. The request waits for the deposit to be mined,
 * unless the optimistic policy lets it through while unconfirmed deposits stay under the risk limit.
 */
export class DepositHandler {
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
    d: {
      amount: string;
      authorization: {
        erc3009Authorization: { validAfter: string; validBefore: string; salt: string; signature: string };
      };
    },
    needed: bigint,
  ): Promise<void> {
    const collector = this.opts.depositCollector;
    if (!collector) throw new PaymentRefusal(REASONS.unsupportedPayloadType);
    const a = d.authorization.erc3009Authorization;
    const amount = BigInt(d.amount);
    if (amount === 0n || amount < (this.opts.minDeposit ?? 0n))
      throw new PaymentRefusal(REASONS.bsDepositBelowMinDeposit);
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
      // A retried deposit (e.g. after our restart) reverts because its authorization was already used:
      // if the channel now covers the voucher, the deposit did land earlier.
      const state = await this.opts.mirror.refresh(channelId);
      if (state.balance < needed) throw refusal;
    }
  }
}
