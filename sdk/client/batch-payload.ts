/** The `batch-settlement` payload of one paid request: a voucher, with a deposit when the balance is short. */
import type { ClientChannel } from "./channels";
import { tokenOf, type WrapFetchOptions } from "./context";
import { signDepositAuthorization, signVoucher, type ChannelConfig } from "./sign";
import type { Offer } from "./wire";

export interface BatchPayload {
  type: "voucher" | "deposit";
  channelConfig: ChannelConfig;
  voucher: { channelId: string; maxClaimableAmount: string; signature: string };
  deposit?: { amount: string; authorization: { erc3009Authorization: unknown } };
}

/**
 * What to deposit so the channel covers `needed`: the configured amount or the shortfall, whichever is larger,
 * lowered to keep the balance at most `deposit.max`; undefined when that maximum leaves the channel short.
 */
export function topUpOf(deposit: { amount: bigint; max: bigint }, balance: bigint, needed: bigint) {
  let top = deposit.amount > needed - balance ? deposit.amount : needed - balance;
  if (balance + top > deposit.max) top = deposit.max - balance;
  return top <= 0n || balance + top < needed ? undefined : top;
}

/**
 * Signs the voucher for the channel's charge plus `price` and, when the channel's balance is below it, the
 * deposit that tops it up. Undefined when that deposit would exceed the configured maximum.
 */
export async function batchPayload(
  options: WrapFetchOptions,
  ch: ClientChannel,
  config: ChannelConfig,
  offer: Offer,
  price: bigint,
): Promise<BatchPayload | undefined> {
  const needed = ch.charged + price;
  const signature = await signVoucher(options.sessionKey, options.chainId, options.escrow, ch.id, needed);
  const voucher = { channelId: ch.id, maxClaimableAmount: needed.toString(), signature };
  if (needed <= ch.balance) return { type: "voucher", channelConfig: config, voucher };
  const top = topUpOf(options.deposit, ch.balance, needed);
  if (top === undefined) return undefined;
  const now = await options.chain.now();
  const authorization = await signDepositAuthorization(
    options.payer,
    tokenOf(offer),
    options.chainId,
    options.depositCollector,
    ch.id,
    top,
    now,
  );
  return {
    type: "deposit",
    channelConfig: config,
    voucher,
    deposit: { amount: top.toString(), authorization: { erc3009Authorization: authorization } },
  };
}
