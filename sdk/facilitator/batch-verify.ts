import { ethers } from "ethers";
import { collectorNonce, receiveWithAuthorizationDigest } from "../eip712";
import { isSignedBy, type RecoveryBackend } from "../verify";
import type { Address, Hex } from "../utils/address";
import {
  MAX_WITHDRAW_DELAY,
  MIN_WITHDRAW_DELAY,
  channelIdOf,
  voucherDigest,
  type ChannelConfig,
} from "./batch-typed";
import { Reason } from "./reasons";
import type { Requirements, VerifyResult } from "./types";

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
  recovery: RecoveryBackend;
}

export interface VoucherFields {
  channelId: string;
  maxClaimableAmount: string;
  signature: string;
}

/** The channel's on-chain state in one `eth_call`: the escrow's own `multicall` over its three views. */
export async function readChannelState(ctx: BatchContext, channelId: string): Promise<ChannelChainState> {
  const abi = ctx.escrow.interface;
  const calls = ["channels", "pendingWithdrawals", "refundNonce"].map((f) =>
    abi.encodeFunctionData(f, [channelId]),
  );
  const [ch, wd, rn] = (await ctx.escrow.multicall.staticCall(calls)) as string[];
  const [balance, totalClaimed] = abi.decodeFunctionResult("channels", ch);
  const [, initiatedAt] = abi.decodeFunctionResult("pendingWithdrawals", wd);
  const [refundNonce] = abi.decodeFunctionResult("refundNonce", rn);
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
    return Reason.bsChannelIdMismatch;
  }
  const same = (a: unknown, b: unknown) =>
    typeof a === "string" && typeof b === "string" && ethers.getAddress(a) === ethers.getAddress(b);
  if (!same(c.receiver, r.payTo)) return Reason.bsReceiverMismatch;
  const ra = r.extra.receiverAuthorizer;
  if (!same(c.receiverAuthorizer, ra) || ra === ethers.ZeroAddress)
    return Reason.bsReceiverAuthorizerMismatch;
  if (!same(c.token, r.asset)) return Reason.bsTokenMismatch;
  if (r.extra.withdrawDelay !== undefined && c.withdrawDelay !== Number(r.extra.withdrawDelay)) {
    return Reason.bsWithdrawDelayMismatch;
  }
  if (c.withdrawDelay < MIN_WITHDRAW_DELAY || c.withdrawDelay > MAX_WITHDRAW_DELAY) {
    return Reason.bsWithdrawDelayOutOfRange;
  }
}

async function signedBy(ctx: BatchContext, account: string, digest: string, signature: string) {
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
  if ((await ctx.provider.getCode(account)) === "0x") return false;
  try {
    const wallet = new ethers.Contract(
      account,
      ["function isValidSignature(bytes32,bytes) view returns (bytes4)"],
      ctx.provider,
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
      return isSignedBy(digest, v.signature, c.payerAuthorizer, ctx.recovery);
    } catch {
      return false; // malformed or high-s
    }
  }
  return signedBy(ctx, c.payer, digest, v.signature);
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
    return { isValid: false, invalidReason: Reason.bsVoucherSignature, payer };
  const s = await readChannelState(ctx, v.channelId);
  if (s.balance === 0n) return { isValid: false, invalidReason: Reason.bsChannelNotFound, payer };
  const max = BigInt(v.maxClaimableAmount);
  if (max > s.balance) return { isValid: false, invalidReason: Reason.bsCumulativeExceedsBalance, payer };
  if (refund ? max < s.totalClaimed : max <= s.totalClaimed) {
    return { isValid: false, invalidReason: Reason.bsCumulativeBelowClaimed, payer };
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
): Promise<VerifyResult> {
  const payer = c.payer;
  const no = (invalidReason: string) => ({ isValid: false, invalidReason, payer });
  const bad = checkConfig(ctx, c, v.channelId, r, chainId);
  if (bad) return no(bad);
  const auth = d.authorization?.erc3009Authorization;
  if (!auth) return no(Reason.bsErc3009AuthorizationRequired);
  const { name, version } = r.extra;
  if (typeof name !== "string" || typeof version !== "string") return no(Reason.bsMissingEip712Domain);
  const now = ctx.now();
  if (BigInt(auth.validBefore) < now + 6n) return no(Reason.bsValidBefore);
  if (BigInt(auth.validAfter) > now) return no(Reason.bsValidAfter);
  const digest = receiveWithAuthorizationDigest(
    { name, version, chainId, verifyingContract: r.asset as Address },
    {
      from: c.payer,
      to: ctx.collector as Address,
      value: BigInt(d.amount),
      validAfter: BigInt(auth.validAfter),
      validBefore: BigInt(auth.validBefore),
      nonce: collectorNonce(v.channelId as Hex, auth.salt as Hex),
    },
  );
  if (!(await signedBy(ctx, c.payer, digest, auth.signature)))
    return no(Reason.bsReceiveAuthorizationSignature);
  if (!(await voucherValid(ctx, c, v, chainId))) return no(Reason.bsVoucherSignature);
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
  if (held < amount) return no(Reason.bsInsufficientBalance);
  const max = BigInt(v.maxClaimableAmount);
  if (max > s.balance + amount) return no(Reason.bsCumulativeExceedsBalance);
  if (max <= s.totalClaimed) return no(Reason.bsCumulativeBelowClaimed);
  return { isValid: true, payer, extra: stateExtra(v.channelId, s) };
}
