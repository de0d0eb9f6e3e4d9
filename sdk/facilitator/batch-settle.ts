import { ethers } from "ethers";
import { claimBatchTypes, escrowDomain } from "../eip712";
import type { Address } from "../utils/address";
import { channelIdOf, contractConfig, type ChannelConfig } from "./batch-typed";
import type { BatchContext } from "./batch-verify";
import { fail, finish, send } from "./batch-tx";
import type { ReceiverAuth } from "./receiver-auth";
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
  authorizer?: Authorizer;
  /** Who may have `authorizer` sign for them. */
  auth: ReceiverAuth;
}

export function rows(claims: Claim[]) {
  return claims.map((c) => [
    [contractConfig(c.voucher.channel), BigInt(c.voucher.maxClaimableAmount)],
    c.signature,
    BigInt(c.totalClaimed),
  ]);
}

type Authorizer = ethers.Signer & { address: string };

/**
 * Our authorizer, for a request allowed to have it sign for `channels`: one authenticated as the receiver of every
 * channel, each naming it as receiverAuthorizer. Otherwise the refusal, decided before any read or signature.
 */
export function authorizerFor(
  ctx: SettleContext,
  req: SchemeRequest,
  channels: ChannelConfig[],
  payer?: string,
): Authorizer | SettleResult {
  const network = req.requirements.network;
  if (!ctx.authorizer) return fail(Reason.bsAuthorizerNotConfigured, network, payer);
  const refused = ctx.auth.refusal(
    req.authorization,
    channels.map((c) => c.receiver),
  );
  if (refused) return fail(refused.reason, network, payer, refused.message);
  const me = ctx.authorizer.address;
  if (channels.some((c) => ethers.getAddress(c.receiverAuthorizer) !== me)) {
    return fail(Reason.bsAuthorizerAddressMismatch, network, payer);
  }
  return ctx.authorizer;
}

export const isRefusal = (x: Authorizer | SettleResult): x is SettleResult => "success" in x;

/** The server's `ClaimBatch` signature, or ours for an authenticated receiver that delegated the role to us. */
export async function claimSignature(
  ctx: SettleContext,
  claims: Claim[],
  given: string | undefined,
  req: SchemeRequest,
): Promise<string | SettleResult> {
  if (given) return given;
  const authorizer = authorizerFor(
    ctx,
    req,
    claims.map((c) => c.voucher.channel),
  );
  if (isRefusal(authorizer)) return authorizer;
  const domain = escrowDomain(req.chainId, ctx.escrowAddress as Address);
  const entries = claims.map((c) => ({
    channelId: channelIdOf(c.voucher.channel, req.chainId, ctx.escrowAddress),
    maxClaimableAmount: BigInt(c.voucher.maxClaimableAmount),
    totalClaimed: BigInt(c.totalClaimed),
  }));
  return authorizer.signTypedData(domain, claimBatchTypes, { claims: entries });
}

/** `claim`: submits `claimWithSignature` for the batch. */
export async function settleClaim(
  ctx: SettleContext,
  claims: Claim[],
  given: string | undefined,
  req: SchemeRequest,
) {
  const network = req.requirements.network;
  const sig = await claimSignature(ctx, claims, given, req);
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
