/** Channel configs and ids. */
import { PaymentError } from "../errors/classes";
import { X402_REASONS } from "../errors/reasons";
import type { ChannelConfig } from "../types/batch-settlement";
import { toChecksumAddress, type Address } from "../utils/address";
import { bytesToHex, type Hex } from "../utils/hex";
import { computeChannelId, hashDomain } from "../eip712/hash";
import { escrowDomain } from "../eip712/types";

export const MIN_WITHDRAW_DELAY = 15 * 60;
export const MAX_WITHDRAW_DELAY = 30 * 24 * 60 * 60;

/** 32 random bytes (a channel salt or an EIP-3009 nonce). */
export function randomBytes32(): Hex {
  return bytesToHex(globalThis.crypto.getRandomValues(new Uint8Array(32)));
}

export interface ChannelConfigInput {
  payer: string;
  /** The session key that signs vouchers; the zero address means ERC-1271 on `payer`. */
  payerAuthorizer: string;
  receiver: string;
  receiverAuthorizer: string;
  token: string;
  withdrawDelay: number;
  /** Random when omitted. */
  salt?: Hex;
}

/** A checksummed, range-checked channel config. */
export function buildChannelConfig(input: ChannelConfigInput): ChannelConfig {
  const d = input.withdrawDelay;
  if (!Number.isInteger(d) || d < MIN_WITHDRAW_DELAY || d > MAX_WITHDRAW_DELAY) {
    throw new PaymentError(
      X402_REASONS.bsWithdrawDelayOutOfRange,
      "withdrawDelay must be between 15 minutes and 30 days",
      {
        details: { withdrawDelay: d },
      },
    );
  }
  return {
    payer: toChecksumAddress(input.payer),
    payerAuthorizer: toChecksumAddress(input.payerAuthorizer),
    receiver: toChecksumAddress(input.receiver),
    receiverAuthorizer: toChecksumAddress(input.receiverAuthorizer),
    token: toChecksumAddress(input.token),
    withdrawDelay: d,
    salt: input.salt ?? randomBytes32(),
  };
}

/** The channel id `Z402Escrow.getChannelId(config)` returns on `chainId` for the escrow at `escrow`. */
export function channelIdOf(config: ChannelConfig, chainId: number, escrow: Address): Hex {
  return computeChannelId(config, hashDomain(escrowDomain(chainId, escrow)));
}
