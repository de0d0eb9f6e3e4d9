import { ethers } from "ethers";
import {
  CANONICAL_ERC3009_COLLECTOR,
  CANONICAL_ESCROW,
  CLAIM_BATCH_TYPES,
  ESCROW_ABI,
  REFUND_TYPES,
  channelIdOf,
  contractConfig,
  erc3009CollectorData,
  escrowDomain,
  type ChannelConfig,
} from "./batch-typed";
import {
  BatchReason,
  readChannelState,
  stateExtra,
  verifyDeposit,
  verifyVoucher,
  type BatchContext,
  type DepositFields,
  type VoucherFields,
} from "./batch-verify";
import { Reason } from "./reasons";
import { waitOrPending } from "./receipts";
import type { FacilitatorScheme, SchemeRequest, SettleResult, VerifyResult } from "./types";

export interface BatchSchemeOptions {
  /** Sends deposits, claims, settlements and refunds; its provider serves the reads. */
  signer: ethers.Signer;
  networks: string[];
  /** The escrow (default: the address `@x402/evm` hard-codes). */
  escrow?: string;
  /** The EIP-3009 deposit collector (default: the canonical one). */
  collector?: string;
  /** Signs `ClaimBatch`/`Refund` for servers that delegate the receiverAuthorizer role; advertised in `/supported`. */
  authorizer?: ethers.Signer & { address: string };
  confirmationTimeoutMs?: number;
  now?: () => bigint;
}

interface Claim {
  voucher: { channel: ChannelConfig; maxClaimableAmount: string };
  signature: string;
  totalClaimed: string;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null;
const isVoucher = (v: unknown): v is VoucherFields =>
  isObj(v) &&
  typeof v.channelId === "string" &&
  typeof v.maxClaimableAmount === "string" &&
  typeof v.signature === "string";

/**
 * The `batch-settlement` scheme (x402's EVM binding, which Z402Escrow implements): verifies deposits and vouchers,
 * submits deposits, claim batches, settlements and refunds. Request and answer shapes follow `@x402/evm` 2.27, so a
 * stock batch-settlement server can use this facilitator unchanged.
 */
export class BatchSettlementScheme implements FacilitatorScheme {
  readonly scheme = "batch-settlement";
  readonly networks: readonly string[];
  private readonly ctx: BatchContext;
  private readonly signer: ethers.Signer;
  private readonly authorizer?: ethers.Signer & { address: string };
  private readonly timeoutMs: number;
  private readonly pending = new Map<string, string>();
  private address?: string;

  constructor(o: BatchSchemeOptions) {
    const escrowAddress = ethers.getAddress(o.escrow ?? CANONICAL_ESCROW);
    this.networks = o.networks;
    this.signer = o.signer;
    this.authorizer = o.authorizer;
    this.timeoutMs = o.confirmationTimeoutMs ?? 30_000;
    this.ctx = {
      provider: o.signer.provider!,
      escrow: new ethers.Contract(escrowAddress, ESCROW_ABI, o.signer),
      escrowAddress,
      collector: ethers.getAddress(o.collector ?? CANONICAL_ERC3009_COLLECTOR),
      now: o.now ?? (() => BigInt(Math.floor(Date.now() / 1000))),
    };
    void o.signer.getAddress().then((a) => (this.address = a));
  }

  supportedExtra() {
    return this.authorizer ? { receiverAuthorizer: this.authorizer.address } : undefined;
  }

  signers(): string[] {
    return this.address ? [this.address] : [];
  }

  async verify({ payload, requirements, chainId }: SchemeRequest): Promise<VerifyResult> {
    const p = payload.payload;
    if (!isObj(p.channelConfig) || !isVoucher(p.voucher))
      return { isValid: false, invalidReason: BatchReason.payloadType };
    const config = p.channelConfig as unknown as ChannelConfig;
    if (p.type === "deposit" && isObj(p.deposit)) {
      const { state: _state, ...verdict } = await verifyDeposit(
        this.ctx,
        config,
        p.voucher,
        p.deposit as unknown as DepositFields,
        requirements,
        chainId,
      );
      return verdict;
    }
    if (p.type === "voucher" || p.type === "refund") {
      return verifyVoucher(this.ctx, config, p.voucher, requirements, chainId, p.type === "refund");
    }
    return { isValid: false, invalidReason: BatchReason.payloadType };
  }

  async settle(request: SchemeRequest): Promise<SettleResult> {
    const p = request.payload.payload;
    const network = request.requirements.network;
    if (p.type === "deposit") return this.deposit(request);
    if (p.type === "claim" && Array.isArray(p.claims)) {
      return this.claim(p.claims as Claim[], p.claimAuthorizerSignature as string | undefined, request);
    }
    if (p.type === "settle" && typeof p.receiver === "string" && typeof p.token === "string") {
      return this.sweep(p.receiver, p.token, network);
    }
    if (p.type === "refund" && "amount" in p && "refundNonce" in p && Array.isArray(p.claims)) {
      return this.refund(request);
    }
    return fail(BatchReason.payloadType, network);
  }

  private async deposit(request: SchemeRequest): Promise<SettleResult> {
    const network = request.requirements.network;
    const p = request.payload.payload as {
      channelConfig: ChannelConfig;
      voucher: VoucherFields;
      deposit: DepositFields;
    };
    const auth = p.deposit?.authorization?.erc3009Authorization;
    const payer = p.channelConfig?.payer;
    const known = auth && this.pending.get(auth.signature);
    if (known)
      return this.finish(known, network, payer, BatchReason.depositFailed, () =>
        this.depositDone(p, network),
      );
    const verdict = await this.verify(request);
    if (!verdict.isValid || !auth)
      return fail(verdict.invalidReason ?? BatchReason.payloadType, network, payer);
    const data = erc3009CollectorData(auth.validAfter, auth.validBefore, auth.salt, auth.signature);
    const args = [contractConfig(p.channelConfig), BigInt(p.deposit.amount), this.ctx.collector, data];
    const sent = await this.send(
      () => this.ctx.escrow.deposit(...args),
      BatchReason.depositSimulation,
      network,
      payer,
    );
    if (typeof sent !== "string") return sent;
    this.pending.set(auth.signature, sent);
    return this.finish(sent, network, payer, BatchReason.depositFailed, async () => {
      this.pending.delete(auth.signature);
      return this.depositDone(p, network);
    });
  }

  private async depositDone(
    p: { channelConfig: ChannelConfig; voucher: VoucherFields; deposit: DepositFields },
    network: string,
  ) {
    const s = await readChannelState(this.ctx, p.voucher.channelId);
    return { amount: p.deposit.amount, extra: { channelState: stateExtra(p.voucher.channelId, s) }, network };
  }

  private async claim(
    claims: Claim[],
    signature: string | undefined,
    request: SchemeRequest,
  ): Promise<SettleResult> {
    const { network } = request.requirements;
    const rows = claims.map((c) => [
      [contractConfig(c.voucher.channel), BigInt(c.voucher.maxClaimableAmount)],
      c.signature,
      BigInt(c.totalClaimed),
    ]);
    let sig = signature;
    if (!sig) {
      if (!this.authorizer) return fail(BatchReason.authorizerNotConfigured, network);
      if (
        claims.some(
          (c) => ethers.getAddress(c.voucher.channel.receiverAuthorizer) !== this.authorizer!.address,
        )
      ) {
        return fail(BatchReason.authorizerMismatch, network);
      }
      const entries = claims.map((c) => ({
        channelId: channelIdOf(c.voucher.channel, request.chainId, this.ctx.escrowAddress),
        maxClaimableAmount: BigInt(c.voucher.maxClaimableAmount),
        totalClaimed: BigInt(c.totalClaimed),
      }));
      sig = await this.authorizer.signTypedData(
        escrowDomain(request.chainId, this.ctx.escrowAddress),
        CLAIM_BATCH_TYPES,
        {
          claims: entries,
        },
      );
    }
    const sent = await this.send(
      () => this.ctx.escrow.claimWithSignature(rows, sig),
      BatchReason.claimSimulation,
      network,
    );
    return typeof sent === "string" ? this.finish(sent, network, undefined, BatchReason.claimFailed) : sent;
  }

  private async sweep(receiver: string, token: string, network: string): Promise<SettleResult> {
    const [claimed, settled] = await this.ctx.escrow.receivers(receiver, token);
    if (claimed <= settled) return fail(BatchReason.nothingToSettle, network);
    const sent = await this.send(
      () => this.ctx.escrow.settle(receiver, token),
      BatchReason.settleFailed,
      network,
    );
    if (typeof sent !== "string") return sent;
    return this.finish(sent, network, undefined, BatchReason.settleFailed, async () => ({
      amount: (claimed - settled).toString(),
      network,
    }));
  }

  private async refund(request: SchemeRequest): Promise<SettleResult> {
    const { network } = request.requirements;
    const chainId = request.chainId;
    const p = request.payload.payload as {
      channelConfig: ChannelConfig;
      amount: string;
      refundNonce: string;
      claims: Claim[];
      refundAuthorizerSignature?: string;
      claimAuthorizerSignature?: string;
    };
    const channelId = channelIdOf(p.channelConfig, chainId, this.ctx.escrowAddress);
    const before = await readChannelState(this.ctx, channelId);
    let sig = p.refundAuthorizerSignature;
    if (!sig) {
      if (!this.authorizer) return fail(BatchReason.authorizerNotConfigured, network);
      if (ethers.getAddress(p.channelConfig.receiverAuthorizer) !== this.authorizer.address) {
        return fail(BatchReason.authorizerMismatch, network);
      }
      const message = { channelId, nonce: BigInt(p.refundNonce), amount: BigInt(p.amount) };
      sig = await this.authorizer.signTypedData(
        escrowDomain(chainId, this.ctx.escrowAddress),
        REFUND_TYPES,
        message,
      );
    }
    const e = this.ctx.escrow.interface;
    const calls = [
      e.encodeFunctionData("refundWithSignature", [
        contractConfig(p.channelConfig),
        BigInt(p.amount),
        BigInt(p.refundNonce),
        sig,
      ]),
    ];
    if (p.claims.length > 0) {
      const inner = await this.claimCalldata(p.claims, p.claimAuthorizerSignature, request);
      if (typeof inner !== "string") return inner;
      calls.unshift(inner);
    }
    const sent = await this.send(
      () => this.ctx.escrow.multicall(calls),
      BatchReason.refundSimulation,
      network,
      p.channelConfig.payer,
    );
    if (typeof sent !== "string") return sent;
    return this.finish(sent, network, p.channelConfig.payer, BatchReason.refundFailed, async () => {
      const after = await readChannelState(this.ctx, channelId);
      return {
        amount: (before.balance - after.balance).toString(),
        extra: { channelState: stateExtra(channelId, after) },
        network,
      };
    });
  }

  private async claimCalldata(claims: Claim[], signature: string | undefined, request: SchemeRequest) {
    if (!signature) return fail(BatchReason.authorizerNotConfigured, request.requirements.network);
    const rows = claims.map((c) => [
      [contractConfig(c.voucher.channel), BigInt(c.voucher.maxClaimableAmount)],
      c.signature,
      BigInt(c.totalClaimed),
    ]);
    return this.ctx.escrow.interface.encodeFunctionData("claimWithSignature", [rows, signature]);
  }

  /** Sends a transaction; a revert while estimating is a simulation failure (nothing broadcast). */
  private async send(
    run: () => Promise<ethers.ContractTransactionResponse>,
    reason: string,
    network: string,
    payer?: string,
  ) {
    try {
      return (await run()).hash;
    } catch (e) {
      return fail(reason, network, payer, (e as Error).message);
    }
  }

  private async finish(
    hash: string,
    network: string,
    payer: string | undefined,
    revertReason: string,
    done?: () => Promise<Partial<SettleResult>>,
  ): Promise<SettleResult> {
    const outcome = await waitOrPending(this.ctx.provider, hash, this.timeoutMs);
    const who = payer ? { payer } : {};
    if (outcome === "pending")
      return { success: false, errorReason: Reason.settlementPending, transaction: hash, network, ...who };
    if (outcome === "reverted")
      return { success: false, errorReason: revertReason, transaction: hash, network, ...who };
    return { success: true, transaction: hash, network, ...who, ...(done ? await done() : {}) };
  }
}

function fail(errorReason: string, network: string, payer?: string, message?: string): SettleResult {
  return {
    success: false,
    errorReason,
    ...(message ? { errorMessage: message.slice(0, 300) } : {}),
    transaction: "",
    network,
    ...(payer ? { payer } : {}),
  };
}
