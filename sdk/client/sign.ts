/**
 * The client's signing calls, in the client's terms (bigint chain ids, `{ address, name, version }` tokens) over
 * the SDK core: `signing/` signs, `eip712/` hashes, `verify/` recovers.
 */
import { escrowDomain } from "../eip712/types";
import { channelIdOf as coreChannelIdOf, randomBytes32 } from "../signing/channel";
import {
  signDepositAuthorization as coreSignDeposit,
  signTransferWithAuthorization,
  tokenDomain,
} from "../signing/eip3009";
import { signVoucher as coreSignVoucher } from "../signing/escrow";
import { voucherDigest } from "../eip712/digests";
import { recoverAddress } from "../verify/recover";
import type { ChannelConfig as CoreChannelConfig, ChannelConfigWire } from "../types/batch-settlement";
import type { Address } from "../utils/address";
import type { Hex } from "../utils/hex";
import type { TypedDataSigner } from "../signing/signer";

export { randomBytes32, type TypedDataSigner };

/** The escrow's channel config (client view). */
export type ChannelConfig = ChannelConfigWire;

export interface TokenInfo {
  address: string;
  name: string;
  version: string;
}

const escrowOn = (chainId: bigint, escrow: string) => escrowDomain(Number(chainId), escrow as Address);
const tokenOn = (chainId: bigint, token: TokenInfo) =>
  tokenDomain(Number(chainId), token.address as Address, token.name, token.version);

export function channelIdOf(chainId: bigint, escrow: string, config: ChannelConfig): string {
  return coreChannelIdOf(config as CoreChannelConfig, Number(chainId), escrow as Address).toLowerCase();
}

export async function signVoucher(
  key: TypedDataSigner,
  chainId: bigint,
  escrow: string,
  channelId: string,
  maxClaimableAmount: bigint,
): Promise<string> {
  const voucher = await coreSignVoucher(key, escrowOn(chainId, escrow), channelId as Hex, maxClaimableAmount);
  return voucher.signature;
}

/** The signer of a voucher (throws on a malformed signature). */
export function voucherSigner(
  chainId: bigint,
  escrow: string,
  channelId: string,
  maxClaimableAmount: bigint,
  signature: string,
): string {
  return recoverAddress(
    voucherDigest(escrowOn(chainId, escrow), channelId as Hex, maxClaimableAmount),
    signature,
  );
}

/** A gasless deposit: `receiveWithAuthorization` to the collector, nonce bound to the channel. */
export async function signDepositAuthorization(
  payer: TypedDataSigner,
  token: TokenInfo,
  chainId: bigint,
  collector: string,
  channelId: string,
  amount: bigint,
  now: bigint,
) {
  return coreSignDeposit(payer, tokenOn(chainId, token), {
    payer: await payer.getAddress(),
    collector,
    channelId: channelId as Hex,
    amount,
    validAfter: 0n,
    validBefore: now + 3600n,
  });
}

/** An `exact` payment: `transferWithAuthorization` to `payTo` for exactly `amount`. */
export async function signExactAuthorization(
  payer: TypedDataSigner,
  token: TokenInfo,
  chainId: bigint,
  payTo: string,
  amount: bigint,
  now: bigint,
  timeoutSeconds: number,
) {
  const { authorization, signature } = await signTransferWithAuthorization(payer, tokenOn(chainId, token), {
    from: await payer.getAddress(),
    to: payTo,
    value: amount,
    validAfter: now - 600n < 0n ? 0n : now - 600n,
    validBefore: now + BigInt(Math.max(timeoutSeconds, 30)),
  });
  return { signature, authorization };
}
