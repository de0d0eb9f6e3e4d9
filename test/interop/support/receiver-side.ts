import { ethers } from "ethers";
import {
  computeChannelId,
  createBatchSettlementEIP3009DepositPayload,
  signVoucher,
} from "@x402/evm/batch-settlement/client";
import { claimBatchTypes, escrowDomain } from "../../../sdk/eip712";
import type { Facilitator } from "../../../sdk/facilitator";
import { CHAIN_ID, NETWORK } from "./chain";
import { BATCH_SETTLEMENT, USDC } from "./place";
import { WITHDRAW_DELAY } from "./batch";
import { stockClientSigner } from "./stock";
import type { World } from "./world";

type Hex = `0x${string}`;

/** The batch-settlement route terms for `receiver`, with `receiverAuthorizer` as the channel's authorizer. */
export function batchRequirements(receiver: string, receiverAuthorizer: string, amount = "1000") {
  return {
    scheme: "batch-settlement",
    network: NETWORK,
    asset: USDC,
    amount,
    payTo: receiver,
    maxTimeoutSeconds: 60,
    extra: { name: "USDC", version: "2", receiverAuthorizer, withdrawDelay: WITHDRAW_DELAY },
  };
}

/** The channel config a payer opens to `receiver`, its vouchers signed by `payerAuthorizer` (the payer by default). */
export function channelConfig(
  payer: string,
  receiver: string,
  receiverAuthorizer: string,
  payerAuthorizer = payer,
) {
  return {
    payer: payer as Hex,
    payerAuthorizer: payerAuthorizer as Hex,
    receiver: receiver as Hex,
    receiverAuthorizer: receiverAuthorizer as Hex,
    token: USDC as Hex,
    withdrawDelay: WITHDRAW_DELAY,
    salt: ethers.hexlify(ethers.randomBytes(32)) as Hex,
  };
}

export type Config = ReturnType<typeof channelConfig>;
export type Requirements = ReturnType<typeof batchRequirements>;

/** An EIP-3009 deposit payload the stock client makes for `config`, with its first voucher. */
export async function depositPayload(
  world: World,
  payer: ethers.Wallet,
  req: Requirements,
  config: Config,
  amount: string,
) {
  const signer = stockClientSigner(world.chain, payer);
  const made = await createBatchSettlementEIP3009DepositPayload(
    signer,
    2,
    req as never,
    config,
    amount,
    req.amount,
  );
  return { ...made, accepted: req };
}

/**
 * A funded channel seen from the receiver: `serve(max)` returns the claim row a server keeps for a voucher it
 * served (cumulative `max`, charged in full).
 */
export async function fundedChannel(
  world: World,
  facilitator: Facilitator,
  req: Requirements,
  deposit = 10_000n,
) {
  const payer = await world.payer();
  const config = channelConfig(payer.address, req.payTo, req.extra.receiverAuthorizer);
  const settled = await facilitator.settle(
    await depositPayload(world, payer, req, config, String(deposit)),
    req,
  );
  if (!settled.success) throw new Error(`deposit failed: ${settled.errorReason}`);
  const channelId = computeChannelId(config, NETWORK);
  const signer = stockClientSigner(world.chain, payer);
  const serve = async (max: bigint) => {
    const v = await signVoucher(signer, channelId, String(max), NETWORK);
    return {
      voucher: { channel: config, maxClaimableAmount: v.maxClaimableAmount },
      signature: v.signature,
      totalClaimed: v.maxClaimableAmount,
    };
  };
  return { payer, config, channelId, serve };
}

export type Claim = Awaited<ReturnType<Awaited<ReturnType<typeof fundedChannel>>["serve"]>>;

/** A server-authored `refund` settle payload with no authorizer signature (it asks the facilitator to sign). */
export function refundPayload(
  req: Requirements,
  config: Config,
  amount: bigint,
  claims: Claim[],
  refundNonce = "0",
) {
  return {
    x402Version: 2,
    accepted: req,
    payload: { type: "refund", channelConfig: config, amount: String(amount), refundNonce, claims },
  };
}

/** A server-authored `claim` settle payload, signed by the server's own authorizer key when one is given. */
export async function claimPayload(req: Requirements, claims: Claim[], authorizer?: ethers.Wallet) {
  const claimAuthorizerSignature = authorizer && (await signClaims(authorizer, claims));
  return {
    x402Version: 2,
    accepted: req,
    payload: { type: "claim", claims, ...(claimAuthorizerSignature ? { claimAuthorizerSignature } : {}) },
  };
}

async function signClaims(authorizer: ethers.Wallet, claims: Claim[]) {
  const domain = escrowDomain(CHAIN_ID, BATCH_SETTLEMENT as Hex);
  const entries = claims.map((c) => ({
    channelId: computeChannelId(c.voucher.channel, NETWORK),
    maxClaimableAmount: BigInt(c.voucher.maxClaimableAmount),
    totalClaimed: BigInt(c.totalClaimed),
  }));
  return authorizer.signTypedData(domain, claimBatchTypes, { claims: entries });
}

/** POSTs a facilitator request as any HTTP caller would, with an optional `Authorization` header. */
export async function postSettle(
  url: string,
  payload: unknown,
  requirements: unknown,
  authorization?: string,
) {
  const res = await fetch(`${url}/settle`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ x402Version: 2, paymentPayload: payload, paymentRequirements: requirements }),
  });
  const body = (await res.json()) as { success: boolean; errorReason?: string; transaction: string };
  return { status: res.status, body, challenge: res.headers.get("www-authenticate") };
}
