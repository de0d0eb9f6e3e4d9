import { escrowDomain, refundTypes } from "../eip712";
import type { Address } from "../utils/address";
import { channelIdOf, contractConfig, type ChannelConfig } from "./batch-typed";
import { readChannelState, stateExtra, type ChannelChainState } from "./batch-verify";
import {
  authorizerFor,
  claimSignature,
  isRefusal,
  rows,
  type Claim,
  type SettleContext,
} from "./batch-settle";
import { fail, finish, send } from "./batch-tx";
import { Reason } from "./reasons";
import type { SchemeRequest, SettleResult } from "./types";

/** A server-authored `refund` settle payload (the shape `@x402/evm`'s server sends). */
interface RefundRequest {
  channelConfig: ChannelConfig;
  amount: string;
  refundNonce: string;
  /** What the receiver was served and has not claimed; always sent before the refund, in the same transaction. */
  claims: Claim[];
  refundAuthorizerSignature?: string;
  claimAuthorizerSignature?: string;
}

/**
 * Our `Refund` signature, only for an authenticated receiver and only for the channel's current nonce: a signature
 * for another nonce would be a refund anyone could relay later. A server's own signature passes through (the
 * escrow checks it).
 */
async function refundSignature(
  ctx: SettleContext,
  req: SchemeRequest,
  p: RefundRequest,
  channelId: string,
  state: ChannelChainState,
): Promise<string | SettleResult> {
  if (p.refundAuthorizerSignature) return p.refundAuthorizerSignature;
  const { network } = req.requirements;
  const payer = p.channelConfig.payer;
  const authorizer = authorizerFor(ctx, req, [p.channelConfig], payer);
  if (isRefusal(authorizer)) return authorizer;
  if (BigInt(p.refundNonce) !== state.refundNonce) {
    return fail(
      Reason.refundNonceStale,
      network,
      payer,
      `the channel's refund nonce is ${state.refundNonce}`,
    );
  }
  const domain = escrowDomain(req.chainId, ctx.escrowAddress as Address);
  const message = { channelId, nonce: BigInt(p.refundNonce), amount: BigInt(p.amount) };
  return authorizer.signTypedData(domain, refundTypes, message);
}

/** The refusal, decided before reading the chain, of a refund we would sign any part of for a caller who may not ask. */
function callerRefusal(ctx: SettleContext, req: SchemeRequest, p: RefundRequest): SettleResult | undefined {
  const weSignClaims = p.claims.length > 0 && !p.claimAuthorizerSignature;
  if (p.refundAuthorizerSignature && !weSignClaims) return undefined;
  const channels = [p.channelConfig, ...p.claims.map((c) => c.voucher.channel)];
  const authorizer = authorizerFor(ctx, req, channels, p.channelConfig.payer);
  return isRefusal(authorizer) ? authorizer : undefined;
}

/**
 * `refund`: claims what the request says was served, then refunds the rest, in one `multicall` (the refund never
 * lands without the claims). When we would sign any of it, the receiver must have authenticated first.
 */
export async function settleRefund(ctx: SettleContext, req: SchemeRequest): Promise<SettleResult> {
  const { network } = req.requirements;
  const p = req.payload.payload as unknown as RefundRequest;
  const payer = p.channelConfig.payer;
  const refused = callerRefusal(ctx, req, p);
  if (refused) return refused;
  const channelId = channelIdOf(p.channelConfig, req.chainId, ctx.escrowAddress);
  const before = await readChannelState(ctx, channelId);
  const sig = await refundSignature(ctx, req, p, channelId, before);
  if (typeof sig !== "string") return sig;
  const abi = ctx.escrow.interface;
  const config = contractConfig(p.channelConfig);
  const calls = [
    abi.encodeFunctionData("refundWithSignature", [config, BigInt(p.amount), BigInt(p.refundNonce), sig]),
  ];
  if (p.claims.length > 0) {
    const claimSig = await claimSignature(ctx, p.claims, p.claimAuthorizerSignature, req);
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
