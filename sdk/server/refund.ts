/**
 * Cooperative refunds (payload `refund`): the payer signs a zero-charge voucher (`maxClaimableAmount` equal to what
 * it has been charged) and the server gives the channel's unspent balance back on chain. Whatever was charged and
 * not yet claimed is claimed in the same transaction, before the refund, so a refund never returns money the
 * receiver has earned. A refund is not a purchase: the route's handler does not run.
 */
import { getAddress } from "ethers";
import { voucherDigest } from "../eip712/digests";
import { escrowDomain } from "../eip712/types";
import { signClaimBatch, signRefund } from "../signing/escrow";
import type { ChannelRecord } from "../store/types";
import { ZERO_ADDRESS, type Address } from "../utils/address";
import type { Hex } from "../utils/hex";
import type { BatchScheme } from "./batch";
import type { ClaimRow } from "./chain";
import type { ChannelConfigWire } from "./crypto";
import { parseWith, refundPayloadSchema } from "./decode";
import type { PaywallOptions } from "./options";
import { chainFailure, PaymentRefusal, REASONS } from "./reasons";
import { paymentResponseHeaders, type HttpAnswer, type Requirements } from "./requirements";

type Voucher = { channelId: string; maxClaimableAmount: string; signature: string };

/** Whether a payment payload asks for a refund (answered by `RefundHandler`, never by the route). */
export function isRefundPayload(payload: Record<string, unknown>): boolean {
  return payload.type === "refund";
}

export class RefundHandler {
  constructor(
    private readonly opts: PaywallOptions,
    private readonly batch: BatchScheme,
  ) {}

  /**
   * Verifies a refund like a voucher (terms, channel id, signature, the zero-charge rule), persists it with the
   * channel locked, then claims what is owed and refunds `amount` (default: everything unclaimed and uncharged;
   * capped to it, as the escrow and x402's facilitator cap it) in one transaction.
   */
  async refund(accepted: Requirements, offer: Requirements, raw: unknown, v1: boolean): Promise<HttpAnswer> {
    const payload = parseWith(refundPayloadSchema, raw);
    const requested = payload.amount === undefined ? undefined : BigInt(payload.amount);
    if (requested === 0n) throw new PaymentRefusal(REASONS.bsRefundAmountInvalid);
    const config: ChannelConfigWire = payload.channelConfig;
    this.batch.checkConfig(accepted, offer, config);
    const channelId = await this.verifySigned(config, payload.voucher);
    const release = await this.batch.lock(channelId);
    try {
      // A refund acts on chain anyway: it starts from the chain's state, not the mirror's.
      const before = await this.opts.chain.readChannel(channelId);
      if (before.balance === 0n) throw new PaymentRefusal(REASONS.bsChannelNotFound);
      const record = await this.batch.recordOf(channelId, config, before);
      if (record.lock && record.lockUntil > Date.now()) throw new PaymentRefusal(REASONS.bsChannelBusy);
      if (BigInt(payload.voucher.maxClaimableAmount) !== record.charged) {
        throw new PaymentRefusal(
          REASONS.bsCumulativeAmountMismatch,
          402,
          this.batch.corrective(record, before),
        );
      }
      // A pending withdrawal does not stop a refund: the escrow lowers it to what the refund leaves.
      const owed = record.charged > before.totalClaimed ? record.charged : before.totalClaimed;
      const refundable = before.balance > owed ? before.balance - owed : 0n;
      if (refundable === 0n) throw new PaymentRefusal(REASONS.bsRefundNoBalance);
      const amount = requested !== undefined && requested < refundable ? requested : refundable;
      // The cap every replica checks until its chain view has this refund: the balance the refund leaves.
      const cap = { capNonce: before.refundNonce + 1n, capBalance: before.balance - amount };
      const locked = await this.persist({ ...record, ...cap }, config, payload.voucher);
      const claims: ClaimRow[] =
        record.charged > before.totalClaimed
          ? [
              {
                voucher: { channel: config, maxClaimableAmount: record.charged },
                signature: payload.voucher.signature,
                totalClaimed: record.charged,
              },
            ]
          : [];
      let transaction: string;
      try {
        transaction = await this.send(config, channelId, amount, claims, before.refundNonce);
      } catch (err) {
        const refusal = chainFailure(err, REASONS.bsRefundTransactionFailed);
        // Reverted: the channel keeps the cap it had before. Unreachable (a timeout may follow a broadcast that
        // still lands): the new cap stays until the chain view shows the refund nonce.
        const cap =
          refusal.status === 503 ? {} : { capNonce: record.capNonce, capBalance: record.capBalance };
        await this.unlock({ ...locked, ...cap, lock: "", lockUntil: 0 }, locked.version);
        throw refusal;
      }
      const after = await this.opts.chain.readChannel(channelId);
      await this.opts.mirror.refresh(channelId).catch(() => undefined);
      const claimed = after.totalClaimed >= record.charged && locked.claimed < record.charged;
      const done = { ...locked, claimed: claimed ? record.charged : locked.claimed, lock: "", lockUntil: 0 };
      await this.unlock(done, locked.version);
      const refunded = before.balance > after.balance ? before.balance - after.balance : 0n;
      return this.answer(config, channelId, transaction, refunded, this.batch.channelState(done, after), v1);
    } finally {
      release();
    }
  }

  /** The voucher's signer is the channel's payerAuthorizer, or (when that is zero) the payer by ERC-1271. */
  private async verifySigned(config: ChannelConfigWire, voucher: Voucher): Promise<string> {
    if (config.payerAuthorizer.toLowerCase() !== ZERO_ADDRESS)
      return this.batch.verifySigned(config, voucher);
    const channelId = this.batch.channelIdOf(config);
    if (voucher.channelId.toLowerCase() !== channelId) throw new PaymentRefusal(REASONS.bsChannelIdMismatch);
    const digest = voucherDigest(this.domain(), channelId as Hex, BigInt(voucher.maxClaimableAmount));
    let valid: boolean;
    try {
      valid = await this.opts.chain.isValidSignature(config.payer, digest, voucher.signature);
    } catch (err) {
      throw chainFailure(err, REASONS.bsVoucherSignature);
    }
    if (!valid) throw new PaymentRefusal(REASONS.bsVoucherSignature);
    return channelId;
  }

  /** Persist before acting: the refund voucher is stored and the channel locked, so no voucher is served meanwhile. */
  private async persist(record: ChannelRecord, config: ChannelConfigWire, voucher: Voucher) {
    const locked: ChannelRecord = {
      ...record,
      config: this.batch.configJsonOf(config),
      signedMax: record.charged,
      signature: voucher.signature,
      lock: `${this.batch.instance}:refund`,
      lockUntil: Date.now() + (this.opts.lockMs ?? 30_000),
    };
    if (!(await this.opts.store.compareAndSet(locked, record.version))) {
      throw new PaymentRefusal(REASONS.bsChannelBusy);
    }
    return locked;
  }

  /** Releases the channel. A store failure here is not the payer's: the lock expires and the worker reconciles. */
  private async unlock(record: ChannelRecord, version: number): Promise<void> {
    await this.opts.store.compareAndSet(record, version).catch(() => false);
  }

  private domain() {
    return escrowDomain(Number(this.opts.chain.chainId), this.opts.chain.escrow as Address);
  }

  /** Relayed with the receiverAuthorizer's signatures when the paywall holds its key, else as the receiver side. */
  private async send(
    config: ChannelConfigWire,
    channelId: string,
    amount: bigint,
    claims: ClaimRow[],
    nonce: bigint,
  ): Promise<string> {
    const key = this.opts.authorizer;
    if (!key) return this.opts.chain.refund(config, amount, claims);
    const id = channelId as Hex;
    const entries = claims.map((c) => ({
      channelId: id,
      maxClaimableAmount: c.voucher.maxClaimableAmount,
      totalClaimed: c.totalClaimed,
    }));
    return this.opts.chain.refund(config, amount, claims, {
      nonce,
      refundSignature: await signRefund(key, this.domain(), id, nonce, amount),
      claimSignature: entries.length > 0 ? await signClaimBatch(key, this.domain(), entries) : "0x",
    });
  }

  /** 200 with x402's settle response for a refund (as `@x402/evm`'s server answers it), and no resource. */
  private answer(
    config: ChannelConfigWire,
    channelId: string,
    transaction: string,
    refunded: bigint,
    channelState: ReturnType<BatchScheme["channelState"]>,
    v1: boolean,
  ): HttpAnswer {
    const response = {
      success: true,
      transaction,
      network: this.opts.network,
      payer: getAddress(config.payer),
      amount: refunded.toString(),
      extra: { channelState },
    };
    return {
      status: 200,
      headers: {
        "content-type": "application/json",
        "cache-control": "no-store",
        ...paymentResponseHeaders(v1, response),
      },
      body: JSON.stringify({ message: "Refund acknowledged", channelId }),
    };
  }
}
