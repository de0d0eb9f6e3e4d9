/**
 * Per-channel preparation for the escrow scheme: the voucher verifier's context, the channel id and the config JSON
 * a record stores, each derived once per config; and the payer's checksummed address, once per channel.
 */
import { getAddress } from "ethers";
import { BaseError } from "../errors/base";
import type { ChannelConfig } from "../types/batch-settlement";
import type { Address } from "../utils/address";
import { loadNativeBackend } from "../verify/native";
import { VoucherVerifier, type ChannelContext } from "../verify/voucher-verifier";
import type { ChannelConfigWire } from "./crypto";
import { PaymentRefusal } from "./reasons";

export type WireVoucher = { channelId: string; maxClaimableAmount: string; signature: string };

/** A channel's verification context and the config JSON its record stores. */
export interface PreparedChannel {
  ctx: ChannelContext;
  /** `ctx.channelId` in lower case: the key of the store, the mirror and the locks. */
  channelId: string;
  configJson: string;
}

/** Caches are bounded like the verifier's: cleared when full. */
const MAX_CACHED = 100_000;

export class ChannelPreparer {
  private verifier: VoucherVerifier;
  private readonly contexts = new Map<string, PreparedChannel>();
  private readonly payers = new Map<string, string>();

  constructor(
    private readonly chainId: number,
    private readonly escrow: Address,
  ) {
    this.verifier = this.makeVerifier();
  }

  private makeVerifier(backend?: VoucherVerifier["backend"]): VoucherVerifier {
    return new VoucherVerifier({
      chainId: this.chainId,
      escrow: this.escrow,
      ...(backend ? { backend } : {}),
    });
  }

  /** Switches voucher recovery to native libsecp256k1 when its binding is installed. */
  async init(): Promise<void> {
    const native = await loadNativeBackend();
    if (native) {
      this.verifier = this.makeVerifier(native);
      this.contexts.clear();
    }
  }

  /** The channel of a config, so a known channel costs no config hashing. */
  prepare(config: ChannelConfigWire): PreparedChannel {
    const key = `${config.payer}${config.payerAuthorizer}${config.receiver}${config.receiverAuthorizer}${config.token}${config.withdrawDelay}${config.salt}`;
    let prepared = this.contexts.get(key);
    if (!prepared) {
      const { payer, payerAuthorizer, receiver, receiverAuthorizer, token, withdrawDelay, salt } = config;
      const ctx = this.verifier.channel(config as ChannelConfig);
      prepared = {
        ctx,
        channelId: ctx.channelId.toLowerCase(),
        // Field order fixed, whatever order the client sent.
        configJson: JSON.stringify({
          payer,
          payerAuthorizer,
          receiver,
          receiverAuthorizer,
          token,
          withdrawDelay,
          salt,
        }),
      };
      if (this.contexts.size >= MAX_CACHED) this.contexts.clear();
      this.contexts.set(key, prepared);
    }
    return prepared;
  }

  /** The voucher is for the config's channel and signed by its payerAuthorizer: the prepared channel. */
  verify(config: ChannelConfigWire, voucher: WireVoucher): PreparedChannel {
    try {
      const prepared = this.prepare(config);
      this.verifier.verify(prepared.ctx, voucher as never);
      return prepared;
    } catch (err) {
      if (err instanceof BaseError) throw new PaymentRefusal(err.code);
      throw err;
    }
  }

  /** The payer's checksummed address, computed once per channel. */
  payerOf(channelId: string, payer: string): string {
    let checksummed = this.payers.get(channelId);
    if (checksummed === undefined) {
      checksummed = getAddress(payer);
      if (this.payers.size >= MAX_CACHED) this.payers.clear();
      this.payers.set(channelId, checksummed);
    }
    return checksummed;
  }
}
