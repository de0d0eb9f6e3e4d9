import { ethers } from "ethers";
import { channelIdFor, escrowDomain, voucherDigest as voucherDigestFor } from "../eip712";
import type { ChannelConfig } from "../types/batch-settlement";
import type { Address, Hex } from "../utils/address";

export type { ChannelConfig };

/** Where `@x402/evm` expects the batch-settlement contracts; a facilitator may be pointed at any deployment. */
export const CANONICAL_ESCROW = "0x4020074e9dF2ce1deE5A9C1b5c3f541D02a10003";
export const CANONICAL_ERC3009_COLLECTOR = "0x4020806089470a89826cB9fB1f4059150b550004";
export const MIN_WITHDRAW_DELAY = 15 * 60;
export const MAX_WITHDRAW_DELAY = 30 * 24 * 60 * 60;

const CONFIG_TUPLE =
  "tuple(address payer,address payerAuthorizer,address receiver,address receiverAuthorizer,address token,uint40 withdrawDelay,bytes32 salt)";
const CLAIM_TUPLE = `tuple(tuple(${CONFIG_TUPLE} channel,uint128 maxClaimableAmount) voucher,bytes signature,uint128 totalClaimed)`;

/** The slice of the escrow ABI the facilitator calls (the x402 batch-settlement ABI). */
export const ESCROW_ABI = [
  `function deposit(${CONFIG_TUPLE} config,uint128 amount,address collector,bytes collectorData)`,
  `function claimWithSignature(${CLAIM_TUPLE}[] voucherClaims,bytes authorizerSignature)`,
  `function refundWithSignature(${CONFIG_TUPLE} config,uint128 amount,uint256 nonce,bytes receiverAuthorizerSignature)`,
  "function settle(address receiver,address token)",
  "function multicall(bytes[] data) returns (bytes[])",
  "function channels(bytes32) view returns (uint128 balance,uint128 totalClaimed)",
  "function pendingWithdrawals(bytes32) view returns (uint128 amount,uint40 initiatedAt)",
  "function refundNonce(bytes32) view returns (uint256)",
  "function receivers(address,address) view returns (uint128 totalClaimed,uint128 totalSettled)",
];

/** The channel id under the escrow at `escrow` on `chainId` (bound to both). */
export function channelIdOf(config: ChannelConfig, chainId: number, escrow: string): Hex {
  return channelIdFor(config, escrowDomain(chainId, escrow as Address));
}

export function voucherDigest(
  channelId: string,
  maxClaimableAmount: bigint,
  chainId: number,
  escrow: string,
): Hex {
  return voucherDigestFor(escrowDomain(chainId, escrow as Address), channelId as Hex, maxClaimableAmount);
}

/** `collectorData = abi.encode(validAfter, validBefore, salt, signature)` for the EIP-3009 collector. */
export function erc3009CollectorData(
  validAfter: string,
  validBefore: string,
  salt: string,
  signature: string,
): string {
  return ethers.AbiCoder.defaultAbiCoder().encode(
    ["uint256", "uint256", "uint256", "bytes"],
    [BigInt(validAfter), BigInt(validBefore), BigInt(salt), signature],
  );
}

/** The config as the contract takes it (checksummed addresses). */
export function contractConfig(c: ChannelConfig) {
  const a = ethers.getAddress;
  return [
    a(c.payer),
    a(c.payerAuthorizer),
    a(c.receiver),
    a(c.receiverAuthorizer),
    a(c.token),
    c.withdrawDelay,
    c.salt,
  ];
}
