import type { ChannelRecord } from "../store/types";
import { emptyRecord } from "../store/types";
import type { ChainChannel } from "./chain";
import type { ChannelConfigWire } from "./crypto";
import { DepositHandler, type DepositLander, type DepositPayment } from "./deposit";
import { DelegatedDeposits } from "./delegated-deposit";
import type { Address } from "../utils/address";
import { batchPayloadSchema, parseWith } from "./decode";
import type { PaywallOptions } from "./options";
import { PaymentRefusal, REASONS } from "./reasons";
import type { Requirements } from "./requirements";
import { ChannelLocks } from "./channel-lock";
import { ChannelPreparer, type WireVoucher } from "./channel-prep";
import { replayAnswer } from "./idempotency";
import type { HttpAnswer } from "./requirements";

export interface BatchTicket {
  scheme: "batch-settlement";
  channelId: string;
  payer: string;
  price: bigint;
  record: ChannelRecord;
  chain: ChainChannel;
  paymentId: string;
  /** The request the payment identifier is bound to (see `requestFingerprint`). */
  fingerprint: string;
  release: () => void;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const isZeroAddress = (a: string) => /^0x0{40}$/.test(a);

/** The escrow-scheme half of the paywall: deposits, vouchers, reservations and commits. */
export class BatchScheme {
  private readonly channels: ChannelPreparer;
  private readonly locks = new ChannelLocks();
  private readonly deposits: DepositLander;
  private tickets = 0;
  readonly instance: string;

  constructor(private readonly opts: PaywallOptions) {
    this.channels = new ChannelPreparer(Number(opts.chain.chainId), opts.chain.escrow as Address);
    // Vouchers are always verified here; only deposits go to a facilitator when one is configured.
    this.deposits = opts.facilitator
      ? new DelegatedDeposits(opts, opts.facilitator)
      : new DepositHandler(opts);
    this.instance = opts.instanceId ?? Math.random().toString(36).slice(2, 10);
  }

  /** Switches voucher recovery to native libsecp256k1 when its binding is installed. */
  init(): Promise<void> {
    return this.channels.init();
  }

  /**
   * Steps 1–5 of the server rules; resolves with the channel reserved and the voucher persisted, or, for a retry
   * of the channel's last committed payment (same payment identifier, same request), with the answer stored then.
   */
  async accept(
    accepted: Requirements,
    offer: Requirements,
    raw: unknown,
    price: bigint,
    payment: { id: string; fingerprint: string; told?: DepositPayment["told"] },
  ): Promise<BatchTicket | { answer: HttpAnswer }> {
    const payload = parseWith(batchPayloadSchema, raw);
    const config: ChannelConfigWire = payload.channelConfig;
    this.checkConfig(accepted, offer, config);
    if (isZeroAddress(config.payerAuthorizer)) throw new PaymentRefusal(REASONS.bsPayerAuthorizerRequired);
    const { channelId, configJson } = this.channels.verify(config, payload.voucher);
    const max = BigInt(payload.voucher.maxClaimableAmount);
    if (payload.type === "deposit") {
      // A retried deposit must find its stored answer before its authorization is submitted (and refused) again.
      const stored = payment.id ? await this.opts.store.get(channelId) : undefined;
      if (stored?.paymentId === payment.id) return { answer: this.replay(stored, payment.fingerprint) };
      await this.deposits.accept(config, channelId, payload.deposit, max, {
        payload: raw,
        offer,
        told: payment.told,
      });
    }

    const release = await this.lock(channelId);
    try {
      const chain = await this.opts.mirror.channel(channelId);
      const balance = this.spendable(channelId, chain);
      if (balance === 0n) throw new PaymentRefusal(REASONS.bsChannelNotFound);
      const record = await this.recordOf(channelId, config, chain);
      if (record.lock && record.lockUntil > Date.now()) throw new PaymentRefusal(REASONS.bsChannelBusy);
      if (payment.id !== "" && payment.id === record.paymentId) {
        // A retry never runs the handler: the stored answer, or a 409 saying why there is none.
        const answer = this.replay(record, payment.fingerprint);
        release();
        return { answer };
      }
      this.checkVoucher(record, chain, this.capped(record, chain, balance), max, price);
      const next: ChannelRecord = {
        ...record,
        config: configJson,
        signedMax: max,
        signature: payload.voucher.signature,
        lock: `${this.instance}:${++this.tickets}`,
        lockUntil: Date.now() + (this.opts.lockMs ?? 30_000),
      };
      // Persist before serve: the voucher is durable before the handler runs.
      if (!(await this.opts.store.compareAndSet(next, record.version))) {
        throw new PaymentRefusal(REASONS.bsChannelBusy);
      }
      const ticket: BatchTicket = {
        scheme: "batch-settlement",
        channelId,
        payer: this.channels.payerOf(channelId, config.payer),
        price,
        record: next,
        chain,
        paymentId: payment.id,
        fingerprint: payment.fingerprint,
        release,
      };
      return ticket;
    } catch (err) {
      release();
      throw err;
    }
  }

  /** The stored answer of the channel's last committed payment, or the 409 that says why there is none. */
  private replay(record: ChannelRecord, fingerprint: string): HttpAnswer {
    return replayAnswer(record, fingerprint, Date.now(), this.opts.idempotency?.windowMs);
  }

  /** The balance vouchers may spend: the mirrored balance plus unconfirmed deposits this instance accepted. */
  private spendable(channelId: string, chain: ChainChannel): bigint {
    return chain.balance + (this.deposits.provisional(channelId) ?? 0n);
  }

  /**
   * `balance` lowered to the shared record's cap while this instance's chain view predates the refund that wrote
   * it (its `refundNonce` is older), so no replica serves past a refund another instance made.
   */
  private capped(record: ChannelRecord, chain: ChainChannel, balance: bigint): bigint {
    if (record.capNonce === 0n || chain.refundNonce >= record.capNonce) return balance;
    const provisional = balance - chain.balance;
    const base = chain.balance < record.capBalance ? chain.balance : record.capBalance;
    return base + provisional;
  }

  /** Step 1: the payment's requirements are the offer's, and the channel config is this server's terms. */
  checkConfig(accepted: Requirements, offer: Requirements, config: ChannelConfigWire): void {
    if (accepted.network !== offer.network) throw new PaymentRefusal(REASONS.bsNetworkMismatch);
    if (!same(accepted.asset, offer.asset) || !same(config.token, offer.asset)) {
      throw new PaymentRefusal(REASONS.bsTokenMismatch);
    }
    if (!same(accepted.payTo, offer.payTo) || !same(config.receiver, offer.payTo)) {
      throw new PaymentRefusal(REASONS.bsReceiverMismatch);
    }
    if (!same(config.receiverAuthorizer, this.opts.receiverAuthorizer)) {
      throw new PaymentRefusal(REASONS.bsReceiverAuthorizerMismatch);
    }
    if (config.withdrawDelay !== this.opts.withdrawDelay)
      throw new PaymentRefusal(REASONS.bsWithdrawDelayMismatch);
  }

  /** Step 4: the voucher is for the config's channel and signed by its payerAuthorizer; returns the channel id. */
  verifySigned(config: ChannelConfigWire, voucher: WireVoucher): string {
    return this.channels.verify(config, voucher).channelId;
  }

  /** The channel's id, without checking any voucher. */
  channelIdOf(config: ChannelConfigWire): string {
    return this.channels.prepare(config).channelId;
  }

  /** The config JSON a channel's record stores, in a fixed field order. */
  configJsonOf(config: ChannelConfigWire): string {
    return this.channels.prepare(config).configJson;
  }

  /** The stored record of a channel, or a fresh one whose baseline is the chain's `totalClaimed`. */
  async recordOf(channelId: string, config: ChannelConfigWire, chain: ChainChannel): Promise<ChannelRecord> {
    const stored = await this.opts.store.get(channelId);
    if (stored) return stored;
    const record = emptyRecord(channelId, this.configJsonOf(config));
    record.charged = record.signedMax = chain.totalClaimed;
    return record;
  }

  /** Step 5's in-process serialization: resolves with the channel's release function. */
  lock(channelId: string): Promise<() => void> {
    return this.locks.acquire(channelId, this.opts.channelWaitMs ?? 2000);
  }

  private checkVoucher(
    record: ChannelRecord,
    chain: ChainChannel,
    balance: bigint,
    max: bigint,
    price: bigint,
  ) {
    if (max !== record.charged + price) {
      throw new PaymentRefusal(REASONS.bsCumulativeAmountMismatch, 402, this.corrective(record, chain));
    }
    if (max > balance) throw new PaymentRefusal(REASONS.bsCumulativeExceedsBalance);
    if (max < chain.totalClaimed + price) throw new PaymentRefusal(REASONS.bsCumulativeBelowClaimed);
    if (chain.withdrawInitiatedAt > 0n) {
      const deadline = chain.withdrawInitiatedAt + BigInt(this.opts.withdrawDelay);
      if (this.opts.mirror.now() + BigInt(this.opts.withdrawSafetySeconds ?? 300) >= deadline) {
        throw new PaymentRefusal(REASONS.withdrawPending);
      }
    }
  }

  /** `extra` of a corrective 402: the channel state and the last voucher the server holds. */
  corrective(record: ChannelRecord, chain: ChainChannel): Record<string, unknown> {
    return {
      channelState: this.channelState(record, chain),
      voucherState: record.signature
        ? { signedMaxClaimable: record.signedMax.toString(), signature: record.signature }
        : {},
    };
  }

  channelState(record: ChannelRecord, chain: ChainChannel) {
    return {
      channelId: record.channelId,
      balance: this.capped(record, chain, this.spendable(record.channelId, chain)).toString(),
      totalClaimed: chain.totalClaimed.toString(),
      withdrawRequestedAt: Number(chain.withdrawInitiatedAt),
      refundNonce: chain.refundNonce.toString(),
      chargedCumulativeAmount: record.charged.toString(),
    };
  }

  /**
   * Step 5, after the handler: commit the charge (≤ price) with the request's fingerprint and, when `keep` gives
   * one, the answer kept for retries; or release the reservation when the handler failed.
   */
  async finish(
    t: BatchTicket,
    ok: boolean,
    charge: bigint,
    keep?: (committed: ChannelRecord) => string,
  ): Promise<ChannelRecord | undefined> {
    try {
      let next: ChannelRecord = { ...t.record, lock: "", lockUntil: 0 };
      if (ok) {
        next = {
          ...next,
          charged: t.record.charged + charge,
          paymentId: t.paymentId,
          lastCharge: charge,
          requestDigest: t.paymentId ? t.fingerprint : "",
          response: "",
          respondedAt: Date.now(),
        };
        if (t.paymentId && keep) next.response = keep(next);
      }
      const written = await this.opts.store.compareAndSet(next, t.record.version);
      return written ? next : undefined;
    } finally {
      t.release();
    }
  }
}
