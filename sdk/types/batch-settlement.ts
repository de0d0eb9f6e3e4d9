/**
 * Payload types of the escrow scheme (x402 `batch-settlement`, EVM binding). Field for field these are the
 * shapes `@x402/evm` uses, so payloads flow between the two implementations unchanged.
 */
import type { Address, Hex } from "../utils/address";

/** The channel's identity; its EIP-712 hash under the escrow's domain is the channel id. */
export interface ChannelConfig {
  payer: Address;
  payerAuthorizer: Address;
  receiver: Address;
  receiverAuthorizer: Address;
  token: Address;
  withdrawDelay: number;
  salt: Hex;
}

/** A channel config as plain strings, before checksumming (what a client builds and a server reads off the wire). */
export type ChannelConfigWire = {
  [K in keyof ChannelConfig]: ChannelConfig[K] extends string ? string : number;
};

/** A signed cumulative voucher as it travels in a payload. */
export interface VoucherFields {
  channelId: Hex;
  maxClaimableAmount: string;
  signature: Hex;
}

/** The deposit collector's EIP-3009 `receiveWithAuthorization` (nonce = keccak256(abi.encode(channelId, salt))). */
export interface Erc3009DepositAuthorization {
  validAfter: string;
  validBefore: string;
  salt: Hex;
  signature: Hex;
}

export interface DepositPayload {
  type: "deposit";
  channelConfig: ChannelConfig;
  voucher: VoucherFields;
  deposit: { amount: string; authorization: { erc3009Authorization: Erc3009DepositAuthorization } };
}

export interface VoucherPayload {
  type: "voucher";
  channelConfig: ChannelConfig;
  voucher: VoucherFields;
}

export interface RefundPayload {
  type: "refund";
  channelConfig: ChannelConfig;
  voucher: VoucherFields;
  amount?: string;
}

export type BatchSettlementPayload = DepositPayload | VoucherPayload | RefundPayload;

/** Channel state the server reports (corrective 402, PAYMENT-RESPONSE). */
export interface ChannelStateExtra {
  channelId: Hex;
  balance: string;
  totalClaimed: string;
  withdrawRequestedAt: number;
  refundNonce: string;
  chargedCumulativeAmount?: string;
}

export interface VoucherStateExtra {
  signedMaxClaimable?: string;
  signature?: Hex;
}

/** `PaymentRequirements.extra` of the escrow scheme. */
export interface BatchSettlementRequirementsExtra {
  receiverAuthorizer: Address;
  withdrawDelay: number;
  name: string;
  version: string;
  minDeposit?: string;
  assetTransferMethod?: "eip3009" | "permit2";
  channelState?: ChannelStateExtra;
  voucherState?: VoucherStateExtra;
}

/** `SettleResponse.extra` of the escrow scheme. */
export interface BatchSettlementResponseExtra {
  chargedAmount?: string;
  channelState?: ChannelStateExtra;
  voucherState?: VoucherStateExtra;
}

/** One row of `claim` / `claimWithSignature`. */
export interface VoucherClaim {
  voucher: { channel: ChannelConfig; maxClaimableAmount: string };
  signature: Hex;
  totalClaimed: string;
}
