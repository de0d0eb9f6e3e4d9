import { ethers } from "ethers";
import {
  CANONICAL_ERC3009_COLLECTOR,
  CANONICAL_ESCROW,
  ESCROW_ABI,
  contractConfig,
  erc3009CollectorData,
  type ChannelConfig,
} from "./batch-typed";
import {
  readChannelState,
  stateExtra,
  verifyDeposit,
  verifyVoucher,
  type DepositFields,
  type VoucherFields,
} from "./batch-verify";
import { settleClaim, settleSweep, type Claim, type SettleContext } from "./batch-settle";
import { settleRefund } from "./batch-refund";
import { fail, finish, send } from "./batch-tx";
import { nobleBackend, type RecoveryBackend } from "../verify";
import { InFlight } from "./in-flight";
import { ReceiverAuth, type ReceiverSecrets } from "./receiver-auth";
import { Reason } from "./reasons";
import type { FacilitatorScheme, SchemeRequest, SettleResult, VerifyResult } from "./types";

export interface BatchSchemeOptions {
  /** Sends deposits, claims, settlements and refunds; its provider serves the reads. */
  signer: ethers.Signer;
  networks: string[];
  /** The escrow (default: the address `@x402/evm` hard-codes). */
  escrow?: string;
  /** The EIP-3009 deposit collector (default: the canonical one). */
  collector?: string;
  /**
   * Signs `ClaimBatch`/`Refund` for servers that delegate the receiverAuthorizer role; advertised in `/supported`.
   * It signs only for a request authenticated with one of `receiverSecrets`.
   */
  authorizer?: ethers.Signer & { address: string };
  /** Receiver address → bearer secret its server sends (`Authorization: Bearer ...`) to have `authorizer` sign. */
  receiverSecrets?: ReceiverSecrets;
  /** How long settle waits for a receipt before answering `settlement_pending` (default 30 s). */
  confirmationTimeoutMs?: number;
  /** Clock in unix seconds (default: wall clock). */
  now?: () => bigint;
  /** Signature recovery (default: pure JS; pass `await loadNativeBackend()` for the native path). */
  recovery?: RecoveryBackend;
}

type DepositPayload = { channelConfig: ChannelConfig; voucher: VoucherFields; deposit: DepositFields };

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null;
/**
 * A channel whose vouchers the payer can void after being served: with no payerAuthorizer the escrow may check them
 * with ERC-1271 against the payer's current code (an AgentAccount whose NFT moved, a re-delegated account).
 */
function voidable(p: Record<string, unknown>): boolean {
  if ((p.type !== "voucher" && p.type !== "deposit") || !isObj(p.channelConfig)) return false;
  const a = p.channelConfig.payerAuthorizer;
  return typeof a !== "string" || /^0x0{40}$/i.test(a);
}
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
  private readonly ctx: SettleContext;
  /** Deposits broadcast but not yet confirmed, by authorization signature, so a retry reconciles instead of resending. */
  private readonly pending = new Map<string, string>();
  private readonly inFlight = new InFlight<SettleResult>();
  private address?: string;

  constructor(o: BatchSchemeOptions) {
    const escrowAddress = ethers.getAddress(o.escrow ?? CANONICAL_ESCROW);
    this.networks = o.networks;
    this.ctx = {
      signer: o.signer,
      provider: o.signer.provider!,
      escrow: new ethers.Contract(escrowAddress, ESCROW_ABI, o.signer),
      escrowAddress,
      collector: ethers.getAddress(o.collector ?? CANONICAL_ERC3009_COLLECTOR),
      now: o.now ?? (() => BigInt(Math.floor(Date.now() / 1000))),
      timeoutMs: o.confirmationTimeoutMs ?? 30_000,
      recovery: o.recovery ?? nobleBackend,
      authorizer: o.authorizer,
      auth: new ReceiverAuth(o.receiverSecrets),
    };
    void o.signer.getAddress().then((a) => (this.address = a));
  }

  supportedExtra() {
    return this.ctx.authorizer ? { receiverAuthorizer: this.ctx.authorizer.address } : undefined;
  }

  signers(): string[] {
    return this.address ? [this.address] : [];
  }

  async verify({ payload, requirements, chainId }: SchemeRequest): Promise<VerifyResult> {
    const p = payload.payload;
    if (!isObj(p.channelConfig) || !isVoucher(p.voucher))
      return { isValid: false, invalidReason: Reason.bsPayloadType };
    const config = p.channelConfig as unknown as ChannelConfig;
    if (voidable(p))
      return { isValid: false, invalidReason: Reason.bsPayerAuthorizerRequired, payer: config.payer };
    if (p.type === "deposit" && isObj(p.deposit)) {
      const deposit = p.deposit as unknown as DepositFields;
      return verifyDeposit(this.ctx, config, p.voucher, deposit, requirements, chainId);
    }
    if (p.type === "voucher" || p.type === "refund") {
      return verifyVoucher(this.ctx, config, p.voucher, requirements, chainId, p.type === "refund");
    }
    return { isValid: false, invalidReason: Reason.bsPayloadType };
  }

  async settle(request: SchemeRequest): Promise<SettleResult> {
    const p = request.payload.payload;
    const network = request.requirements.network;
    if (voidable(p)) {
      return fail(Reason.bsPayerAuthorizerRequired, network, (p.channelConfig as ChannelConfig).payer);
    }
    if (p.type === "deposit") {
      const key = (p.deposit as DepositFields | undefined)?.authorization?.erc3009Authorization?.signature;
      return this.inFlight.run(typeof key === "string" ? key : undefined, () => this.deposit(request));
    }
    if (p.type === "claim" && Array.isArray(p.claims)) {
      return settleClaim(
        this.ctx,
        p.claims as Claim[],
        p.claimAuthorizerSignature as string | undefined,
        request,
      );
    }
    if (p.type === "settle" && typeof p.receiver === "string" && typeof p.token === "string") {
      return settleSweep(this.ctx, p.receiver, p.token, network);
    }
    if (
      p.type === "refund" &&
      isObj(p.channelConfig) &&
      "amount" in p &&
      "refundNonce" in p &&
      Array.isArray(p.claims)
    ) {
      return settleRefund(this.ctx, request);
    }
    return fail(Reason.bsPayloadType, network);
  }

  private async deposit(request: SchemeRequest): Promise<SettleResult> {
    const network = request.requirements.network;
    const p = request.payload.payload as unknown as DepositPayload;
    const auth = p.deposit?.authorization?.erc3009Authorization;
    const payer = p.channelConfig?.payer;
    const done = async () => {
      if (auth) this.pending.delete(auth.signature);
      const s = await readChannelState(this.ctx, p.voucher.channelId);
      return { amount: p.deposit.amount, extra: { channelState: stateExtra(p.voucher.channelId, s) } };
    };
    const known = auth && this.pending.get(auth.signature);
    if (known)
      return finish(
        this.ctx.provider,
        this.ctx.timeoutMs,
        known,
        network,
        payer,
        Reason.bsDepositTransactionFailed,
        done,
      );
    const verdict = await this.verify(request);
    if (!verdict.isValid || !auth) return fail(verdict.invalidReason ?? Reason.bsPayloadType, network, payer);
    const data = erc3009CollectorData(auth.validAfter, auth.validBefore, auth.salt, auth.signature);
    const args = [contractConfig(p.channelConfig), BigInt(p.deposit.amount), this.ctx.collector, data];
    const sent = await send(
      this.ctx.signer,
      (o) => this.ctx.escrow.deposit(...args, o),
      Reason.bsDepositSimulationFailed,
      network,
      payer,
    );
    if (typeof sent !== "string") return sent;
    this.pending.set(auth.signature, sent);
    return finish(
      this.ctx.provider,
      this.ctx.timeoutMs,
      sent,
      network,
      payer,
      Reason.bsDepositTransactionFailed,
      done,
    );
  }
}
