/**
 * The hot path: voucher verification with per-channel precomputation. A channel's domain separator, id and
 * authorizer are computed once; each voucher then costs two keccaks over ≤ 96 bytes, one public-key recovery and
 * a 65-byte comparison against the authorizer's cached public key (the address keccak runs only on a key not seen
 * before).
 */
import { PaymentError, SignatureError } from "../errors/classes";
import { X402_REASONS } from "../errors/reasons";
import type { ChannelConfig, VoucherFields } from "../types/batch-settlement";
import { addressToBytes, publicKeyToAddressBytes, ZERO_ADDRESS, type Address } from "../utils/address";
import { bytesToHex, equalBytes, type Hex } from "../utils/hex";
import {
  hashChannelConfig,
  hashDomain,
  hashVoucher,
  toUint,
  typedDataDigest,
  type BigNumberish,
} from "../eip712/hash";
import { escrowDomain } from "../eip712/types";
import { nobleBackend, type RecoveryBackend } from "./backend";
import { parseSignature } from "../utils/signature";

function configKey(c: ChannelConfig): string {
  return `${c.payer}|${c.payerAuthorizer}|${c.receiver}|${c.receiverAuthorizer}|${c.token}|${c.withdrawDelay}|${c.salt}`.toLowerCase();
}

/** A channel prepared for verification. */
export interface ChannelContext {
  readonly config: ChannelConfig;
  readonly channelId: Hex;
  readonly channelIdBytes: Uint8Array;
  readonly authorizer: Address;
  readonly authorizerBytes: Uint8Array;
  /** Vouchers need an ERC-1271 check against `payer` (the SDK's server layer does it); no local recovery possible. */
  readonly contractSigned: boolean;
  /** Cached uncompressed public key of the authorizer, set after the first valid voucher. */
  authorizerKey?: Uint8Array;
}

export interface VoucherVerifierOptions {
  chainId: number;
  escrow: Address;
  /** Defaults to the pure-JS backend; pass `await loadNativeBackend()` in Node. */
  backend?: RecoveryBackend;
  /** How many channel contexts to keep (least recently added are dropped first). Default 100,000. */
  maxChannels?: number;
}

export class VoucherVerifier {
  readonly chainId: number;
  readonly escrow: Address;
  readonly backend: RecoveryBackend;
  readonly domainSeparator: Uint8Array;
  private readonly channels = new Map<string, ChannelContext>();
  /** Config fields → context, so a known channel costs no hashing. */
  private readonly byConfig = new Map<string, ChannelContext>();
  private readonly maxChannels: number;

  constructor(options: VoucherVerifierOptions) {
    this.chainId = options.chainId;
    this.escrow = options.escrow;
    this.backend = options.backend ?? nobleBackend;
    this.maxChannels = options.maxChannels ?? 100_000;
    this.domainSeparator = hashDomain(escrowDomain(options.chainId, options.escrow));
  }

  /** The context of a channel config (computed once, then cached by channel id). */
  channel(config: ChannelConfig): ChannelContext {
    const key = configKey(config);
    const known = this.byConfig.get(key);
    if (known) return known;
    const ctx = this.prepare(config);
    if (this.byConfig.size >= this.maxChannels) this.byConfig.clear();
    this.byConfig.set(key, ctx);
    return ctx;
  }

  private prepare(config: ChannelConfig): ChannelContext {
    const idBytes = typedDataDigest(this.domainSeparator, hashChannelConfig(config));
    const channelId = bytesToHex(idBytes);
    const cached = this.channels.get(channelId);
    if (cached) return cached;
    const contractSigned = config.payerAuthorizer.toLowerCase() === ZERO_ADDRESS;
    const authorizer = (contractSigned ? config.payer : config.payerAuthorizer) as Address;
    const ctx: ChannelContext = {
      config,
      channelId,
      channelIdBytes: idBytes,
      authorizer,
      authorizerBytes: addressToBytes(authorizer),
      contractSigned,
    };
    if (this.channels.size >= this.maxChannels) {
      const oldest = this.channels.keys().next().value;
      if (oldest !== undefined) this.channels.delete(oldest);
    }
    this.channels.set(channelId, ctx);
    return ctx;
  }

  /** EIP-712 digest of a voucher on a prepared channel. */
  voucherDigest(ctx: ChannelContext, maxClaimableAmount: BigNumberish): Uint8Array {
    return typedDataDigest(this.domainSeparator, hashVoucher(ctx.channelIdBytes, maxClaimableAmount));
  }

  /**
   * Verifies a voucher on a prepared channel: the id matches, the amount fits uint128, the signature is canonical
   * and low-s and recovers the channel's authorizer. Throws `PaymentError` / `SignatureError` with x402 reason codes.
   */
  verify(
    ctx: ChannelContext,
    voucher: Pick<VoucherFields, "channelId" | "maxClaimableAmount" | "signature">,
  ): void {
    if (voucher.channelId.toLowerCase() !== ctx.channelId) {
      throw new PaymentError(X402_REASONS.bsChannelIdMismatch, "voucher is for another channel", {
        details: { expected: ctx.channelId, actual: voucher.channelId },
      });
    }
    if (ctx.contractSigned) {
      throw new SignatureError(
        X402_REASONS.bsVoucherSignature,
        "channel vouchers are ERC-1271 signed; verify on chain",
        {
          details: { payer: ctx.config.payer },
        },
      );
    }
    const amount = toUint(voucher.maxClaimableAmount, 128, "maxClaimableAmount");
    const { compact, recovery } = parseSignature(voucher.signature);
    const digest = typedDataDigest(this.domainSeparator, hashVoucher(ctx.channelIdBytes, amount));
    const pub = this.backend.recover(digest, compact, recovery);
    if (pub && ctx.authorizerKey && equalBytes(pub, ctx.authorizerKey)) return;
    if (pub && equalBytes(publicKeyToAddressBytes(pub), ctx.authorizerBytes)) {
      ctx.authorizerKey = pub;
      return;
    }
    throw new SignatureError(
      X402_REASONS.bsVoucherSignature,
      "voucher is not signed by the channel's authorizer",
      {
        details: { channelId: ctx.channelId, authorizer: ctx.authorizer },
      },
    );
  }

  /** Prepares the channel of `config` and verifies `voucher` on it; returns the context. */
  verifyVoucher(config: ChannelConfig, voucher: VoucherFields): ChannelContext {
    const ctx = this.channel(config);
    this.verify(ctx, voucher);
    return ctx;
  }
}
