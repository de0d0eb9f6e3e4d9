import { ethers } from "ethers";
import {
  MAX_WITHDRAW_DELAY,
  MIN_WITHDRAW_DELAY,
  RECEIVE_WITH_AUTHORIZATION_TYPES,
  channelIdOf,
  depositNonce,
  voucherDigest,
  type ChannelConfig,
} from "./batch-typed";
import type { Requirements, VerifyResult } from "./types";

const P = "invalid_batch_settlement_evm_";
/** Reason strings of `@x402/evm` 2.27's batch-settlement facilitator. */
export const BatchReason = {
  payloadType: `${P}payload_type`,
  channelIdMismatch: `${P}channel_id_mismatch`,
  receiverMismatch: `${P}receiver_mismatch`,
  receiverAuthorizerMismatch: `${P}receiver_authorizer_mismatch`,
  tokenMismatch: `${P}token_mismatch`,
  withdrawDelayMismatch: `${P}withdraw_delay_mismatch`,
  withdrawDelayOutOfRange: `${P}withdraw_delay_out_of_range`,
  voucherSignature: `${P}voucher_signature`,
  channelNotFound: `${P}channel_not_found`,
  exceedsBalance: `${P}cumulative_exceeds_balance`,
  belowClaimed: `${P}cumulative_below_claimed`,
  insufficientBalance: `${P}insufficient_balance`,
  missingDomain: `${P}missing_eip712_domain`,
  erc3009Required: `${P}erc3009_authorization_required`,
  receiveAuthorizationSignature: `${P}receive_authorization_signature`,
  validBefore: `${P}payload_authorization_valid_before`,
  validAfter: `${P}payload_authorization_valid_after`,
  depositSimulation: `${P}deposit_simulation_failed`,
  depositFailed: `${P}deposit_transaction_failed`,
  claimSimulation: `${P}claim_simulation_failed`,
  claimFailed: `${P}claim_transaction_failed`,
  settleFailed: `${P}settle_transaction_failed`,
  nothingToSettle: `${P}nothing_to_settle`,
  refundSimulation: `${P}refund_simulation_failed`,
  refundFailed: `${P}refund_transaction_failed`,
  authorizerNotConfigured: `${P}authorizer_not_configured`,
  authorizerMismatch: `${P}authorizer_address_mismatch`,
} as const;

export interface ChannelChainState {
  balance: bigint;
  totalClaimed: bigint;
  withdrawRequestedAt: number;
  refundNonce: bigint;
}

/** What verification needs: the chain, the escrow and its collector. */
export interface BatchContext {
  provider: ethers.Provider;
  escrow: ethers.Contract;
  escrowAddress: string;
  collector: string;
  now(): bigint;
}

export interface VoucherFields {
  channelId: string;
  maxClaimableAmount: string;
  signature: string;
}

export async function readChannelState(ctx: BatchContext, channelId: string): Promise<ChannelChainState> {
  const [[balance, totalClaimed], [, initiatedAt], refundNonce] = await Promise.all([
    ctx.escrow.channels(channelId),
    ctx.escrow.pendingWithdrawals(channelId),
    ctx.escrow.refundNonce(channelId),
  ]);
  return { balance, totalClaimed, withdrawRequestedAt: Number(initiatedAt), refundNonce };
}

export function stateExtra(channelId: string, s: ChannelChainState) {
  return {
    channelId,
    balance: s.balance.toString(),
    totalClaimed: s.totalClaimed.toString(),
    withdrawRequestedAt: s.withdrawRequestedAt,
    refundNonce: s.refundNonce.toString(),
  };
}

/** The channel config must hash to the voucher's channel id and match the route's terms. */
export function checkConfig(
  ctx: BatchContext,
  c: ChannelConfig,
  channelId: string,
  r: Requirements,
  chainId: number,
) {
  if (channelIdOf(c, chainId, ctx.escrowAddress).toLowerCase() !== channelId.toLowerCase()) {
    return BatchReason.channelIdMismatch;
  }
  const same = (a: unknown, b: unknown) =>
    typeof a === "string" && typeof b === "string" && ethers.getAddress(a) === ethers.getAddress(b);
  if (!same(c.receiver, r.payTo)) return BatchReason.receiverMismatch;
  const ra = r.extra.receiverAuthorizer;
  if (!same(c.receiverAuthorizer, ra) || ra === ethers.ZeroAddress)
    return BatchReason.receiverAuthorizerMismatch;
  if (!same(c.token, r.asset)) return BatchReason.tokenMismatch;
  if (r.extra.withdrawDelay !== undefined && c.withdrawDelay !== Number(r.extra.withdrawDelay)) {
    return BatchReason.withdrawDelayMismatch;
  }
  if (c.withdrawDelay < MIN_WITHDRAW_DELAY || c.withdrawDelay > MAX_WITHDRAW_DELAY) {
    return BatchReason.withdrawDelayOutOfRange;
  }
}

async function signedBy(provider: ethers.Provider, account: string, digest: string, signature: string) {
  try {
    if (
      ethers.dataLength(signature) === 65 &&
      ethers.recoverAddress(digest, signature) === ethers.getAddress(account)
    ) {
      return true;
    }
  } catch {
    // fall through to ERC-1271
  }
  if ((await provider.getCode(account)) === "0x") return false;
  try {
    const wallet = new ethers.Contract(
      account,
      ["function isValidSignature(bytes32,bytes) view returns (bytes4)"],
      provider,
    );
    return (await wallet.isValidSignature(digest, signature)) === "0x1626ba7e";
  } catch {
    return false;
  }
}

/** A voucher is signed by `payerAuthorizer` (ECDSA) or, when that is zero, by `payer` (ECDSA or ERC-1271). */
export async function voucherValid(ctx: BatchContext, c: ChannelConfig, v: VoucherFields, chainId: number) {
  const digest = voucherDigest(v.channelId, BigInt(v.maxClaimableAmount), chainId, ctx.escrowAddress);
  if (c.payerAuthorizer !== ethers.ZeroAddress) {
    try {
      return ethers.recoverAddress(digest, v.signature) === ethers.getAddress(c.payerAuthorizer);
    } catch {
      return false;
    }
  }
  return signedBy(ctx.provider, c.payer, digest, v.signature);
}

/** Verifies a `voucher` (or `refund`) payload against the channel's on-chain state. */
export async function verifyVoucher(
  ctx: BatchContext,
  c: ChannelConfig,
  v: VoucherFields,
  r: Requirements,
  chainId: number,
  refund: boolean,
): Promise<VerifyResult> {
  const payer = c.payer;
  const bad = checkConfig(ctx, c, v.channelId, r, chainId);
  if (bad) return { isValid: false, invalidReason: bad, payer };
  if (!(await voucherValid(ctx, c, v, chainId)))
    return { isValid: false, invalidReason: BatchReason.voucherSignature, payer };
  const s = await readChannelState(ctx, v.channelId);
  if (s.balance === 0n) return { isValid: false, invalidReason: BatchReason.channelNotFound, payer };
  const max = BigInt(v.maxClaimableAmount);
  if (max > s.balance) return { isValid: false, invalidReason: BatchReason.exceedsBalance, payer };
  if (refund ? max < s.totalClaimed : max <= s.totalClaimed) {
    return { isValid: false, invalidReason: BatchReason.belowClaimed, payer };
  }
  return { isValid: true, payer, extra: stateExtra(v.channelId, s) };
}

export interface DepositFields {
  amount: string;
  authorization: {
    erc3009Authorization?: { validAfter: string; validBefore: string; salt: string; signature: string };
  };
}

/** Verifies a `deposit` payload: the EIP-3009 authorization to the collector, the voucher, and the resulting balance. */
export async function verifyDeposit(
  ctx: BatchContext,
  c: ChannelConfig,
  v: VoucherFields,
  d: DepositFields,
  r: Requirements,
  chainId: number,
): Promise<VerifyResult & { state?: ChannelChainState }> {
  const payer = c.payer;
  const no = (invalidReason: string) => ({ isValid: false, invalidReason, payer });
  const bad = checkConfig(ctx, c, v.channelId, r, chainId);
  if (bad) return no(bad);
  const auth = d.authorization?.erc3009Authorization;
  if (!auth) return no(BatchReason.erc3009Required);
  const { name, version } = r.extra;
  if (typeof name !== "string" || typeof version !== "string") return no(BatchReason.missingDomain);
  const now = ctx.now();
  if (BigInt(auth.validBefore) < now + 6n) return no(BatchReason.validBefore);
  if (BigInt(auth.validAfter) > now) return no(BatchReason.validAfter);
  const digest = ethers.TypedDataEncoder.hash(
    { name, version, chainId, verifyingContract: r.asset },
    RECEIVE_WITH_AUTHORIZATION_TYPES,
    {
      from: c.payer,
      to: ctx.collector,
      value: BigInt(d.amount),
      validAfter: BigInt(auth.validAfter),
      validBefore: BigInt(auth.validBefore),
      nonce: depositNonce(v.channelId, auth.salt),
    },
  );
  if (!(await signedBy(ctx.provider, c.payer, digest, auth.signature)))
    return no(BatchReason.receiveAuthorizationSignature);
  if (!(await voucherValid(ctx, c, v, chainId))) return no(BatchReason.voucherSignature);
  const token = new ethers.Contract(
    r.asset,
    ["function balanceOf(address) view returns (uint256)"],
    ctx.provider,
  );
  const [s, held] = await Promise.all([
    readChannelState(ctx, v.channelId),
    token.balanceOf(c.payer) as Promise<bigint>,
  ]);
  const amount = BigInt(d.amount);
  if (held < amount) return no(BatchReason.insufficientBalance);
  const max = BigInt(v.maxClaimableAmount);
  if (max > s.balance + amount) return no(BatchReason.exceedsBalance);
  if (max <= s.totalClaimed) return no(BatchReason.belowClaimed);
  return { isValid: true, payer, extra: stateExtra(v.channelId, s), state: s };
}
