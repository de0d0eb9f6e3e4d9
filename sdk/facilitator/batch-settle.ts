import { ethers } from "ethers";
import { claimBatchTypes, escrowDomain, refundTypes } from "../eip712";
import type { Address } from "../utils/address";
import { channelIdOf, contractConfig, type ChannelConfig } from "./batch-typed";
import { readChannelState, stateExtra, type BatchContext } from "./batch-verify";
import { fail, finish, send } from "./batch-tx";
import { Reason } from "./reasons";
import type { SchemeRequest, SettleResult } from "./types";

/** A voucher claim as servers send it in a `claim` or `refund` settle payload. */
export interface Claim {
  voucher: { channel: ChannelConfig; maxClaimableAmount: string };
  signature: string;
  totalClaimed: string;
}

/** What the server-authored settle actions need beyond the verify context. */
export interface SettleContext extends BatchContext {
  /** Sends the transactions. */
  signer: ethers.Signer;
  timeoutMs: number;
  authorizer?: ethers.Signer & { address: string };
}

function rows(claims: Claim[]) {
  return claims.map((c) => [
    [contractConfig(c.voucher.channel), BigInt(c.voucher.maxClaimableAmount)],
    c.signature,
    BigInt(c.totalClaimed),
  ]);
}

/** The server's `ClaimBatch` signature, or ours when it delegated the receiverAuthorizer role to this facilitator. */
async function claimSignature(
  ctx: SettleContext,
  claims: Claim[],
  given: string | undefined,
  chainId: number,
  network: string,
) {
  if (given) return given;
  if (!ctx.authorizer) return fail(Reason.bsAuthorizerNotConfigured, network);
  const me = ctx.authorizer.address;
  if (claims.some((c) => ethers.getAddress(c.voucher.channel.receiverAuthorizer) !== me)) {
    return fail(Reason.bsAuthorizerAddressMismatch, network);
  }
  const entries = claims.map((c) => ({
    channelId: channelIdOf(c.voucher.channel, chainId, ctx.escrowAddress),
    maxClaimableAmount: BigInt(c.voucher.maxClaimableAmount),
    totalClaimed: BigInt(c.totalClaimed),
  }));
  return ctx.authorizer.signTypedData(escrowDomain(chainId, ctx.escrowAddress as Address), claimBatchTypes, {
    claims: entries,
  });
}

/** `claim`: submits `claimWithSignature` for the batch. */
export async function settleClaim(
  ctx: SettleContext,
  claims: Claim[],
  given: string | undefined,
  req: SchemeRequest,
) {
  const network = req.requirements.network;
  const sig = await claimSignature(ctx, claims, given, req.chainId, network);
  if (typeof sig !== "string") return sig;
  const sent = await send(
    ctx.signer,
    (o) => ctx.escrow.claimWithSignature(rows(claims), sig, o),
    Reason.bsClaimSimulationFailed,
    network,
  );
  if (typeof sent !== "string") return sent;
  return finish(ctx.provider, ctx.timeoutMs, sent, network, undefined, Reason.bsClaimTransactionFailed);
}

/** `settle`: sweeps the receiver's claimed balance in one transfer. */
export async function settleSweep(ctx: SettleContext, receiver: string, token: string, network: string) {
  const [claimed, settled] = (await ctx.escrow.receivers(receiver, token)) as [bigint, bigint];
  if (claimed <= settled) return fail(Reason.bsNothingToSettle, network);
  const sent = await send(
    ctx.signer,
    (o) => ctx.escrow.settle(receiver, token, o),
    Reason.bsSettleTransactionFailed,
    network,
  );
  if (typeof sent !== "string") return sent;
  return finish(
    ctx.provider,
    ctx.timeoutMs,
    sent,
    network,
    undefined,
    Reason.bsSettleTransactionFailed,
    async () => ({
      amount: (claimed - settled).toString(),
    }),
  );
}

interface RefundRequest {
  channelConfig: ChannelConfig;
  amount: string;
  refundNonce: string;
  claims: Claim[];
  refundAuthorizerSignature?: string;
  claimAuthorizerSignature?: string;
}

/** `refund`: claims what is outstanding and refunds the rest in one `multicall`, with the server's signatures. */
export async function settleRefund(ctx: SettleContext, req: SchemeRequest): Promise<SettleResult> {
  const { network } = req.requirements;
  const p = req.payload.payload as unknown as RefundRequest;
  const payer = p.channelConfig.payer;
  const channelId = channelIdOf(p.channelConfig, req.chainId, ctx.escrowAddress);
  const before = await readChannelState(ctx, channelId);
  let sig = p.refundAuthorizerSignature;
  if (!sig) {
    if (!ctx.authorizer) return fail(Reason.bsAuthorizerNotConfigured, network);
    if (ethers.getAddress(p.channelConfig.receiverAuthorizer) !== ctx.authorizer.address) {
      return fail(Reason.bsAuthorizerAddressMismatch, network);
    }
    const message = { channelId, nonce: BigInt(p.refundNonce), amount: BigInt(p.amount) };
    sig = await ctx.authorizer.signTypedData(
      escrowDomain(req.chainId, ctx.escrowAddress as Address),
      refundTypes,
      message,
    );
  }
  const abi = ctx.escrow.interface;
  const config = contractConfig(p.channelConfig);
  const calls = [
    abi.encodeFunctionData("refundWithSignature", [config, BigInt(p.amount), BigInt(p.refundNonce), sig]),
  ];
  if (p.claims.length > 0) {
    const claimSig = await claimSignature(ctx, p.claims, p.claimAuthorizerSignature, req.chainId, network);
    if (typeof claimSig !== "string") return claimSig;
    calls.unshift(abi.encodeFunctionData("claimWithSignature", [rows(p.claims), claimSig]));
  }
  const sent = await send(
    ctx.signer,
    (o) => ctx.escrow.multicall(calls, o),
    Reason.bsRefundSimulationFailed,
    network,
    payer,
  );
  if (typeof sent !== "string") return sent;
  return finish(
    ctx.provider,
    ctx.timeoutMs,
    sent,
    network,
    payer,
    Reason.bsRefundTransactionFailed,
    async () => {
      const after = await readChannelState(ctx, channelId);
      return {
        amount: (before.balance - after.balance).toString(),
        extra: { channelState: stateExtra(channelId, after) },
      };
    },
  );
}
