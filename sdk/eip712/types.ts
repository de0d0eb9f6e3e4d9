/**
 * EIP-712 type strings, typehashes and typed-data definitions of the escrow and of EIP-3009. The type strings are
 * the ones the Solidity hashing library uses, character for character (a test compares the two).
 */
import { keccakUtf8 } from "../utils/keccak";
import type { Address } from "../utils/address";

export const EIP712_DOMAIN_TYPE =
  "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)" as const;
export const CHANNEL_CONFIG_TYPE =
  "ChannelConfig(address payer,address payerAuthorizer,address receiver,address receiverAuthorizer,address token,uint40 withdrawDelay,bytes32 salt)" as const;
export const VOUCHER_TYPE = "Voucher(bytes32 channelId,uint128 maxClaimableAmount)" as const;
export const REFUND_TYPE = "Refund(bytes32 channelId,uint256 nonce,uint128 amount)" as const;
export const CLAIM_ENTRY_TYPE =
  "ClaimEntry(bytes32 channelId,uint128 maxClaimableAmount,uint128 totalClaimed)" as const;
export const CLAIM_BATCH_TYPE = `ClaimBatch(ClaimEntry[] claims)${CLAIM_ENTRY_TYPE}` as const;
export const TRANSFER_WITH_AUTHORIZATION_TYPE =
  "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)" as const;
export const RECEIVE_WITH_AUTHORIZATION_TYPE =
  "ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)" as const;

export const EIP712_DOMAIN_TYPEHASH = keccakUtf8(EIP712_DOMAIN_TYPE);
export const CHANNEL_CONFIG_TYPEHASH = keccakUtf8(CHANNEL_CONFIG_TYPE);
export const VOUCHER_TYPEHASH = keccakUtf8(VOUCHER_TYPE);
export const REFUND_TYPEHASH = keccakUtf8(REFUND_TYPE);
export const CLAIM_ENTRY_TYPEHASH = keccakUtf8(CLAIM_ENTRY_TYPE);
export const CLAIM_BATCH_TYPEHASH = keccakUtf8(CLAIM_BATCH_TYPE);
export const TRANSFER_WITH_AUTHORIZATION_TYPEHASH = keccakUtf8(TRANSFER_WITH_AUTHORIZATION_TYPE);
export const RECEIVE_WITH_AUTHORIZATION_TYPEHASH = keccakUtf8(RECEIVE_WITH_AUTHORIZATION_TYPE);

/** The escrow's EIP-712 domain name and version (those of x402 `batch-settlement`). */
export const ESCROW_DOMAIN_NAME = "x402 Batch Settlement" as const;
export const ESCROW_DOMAIN_VERSION = "1" as const;

/** An EIP-712 domain with all four fields (the only shape the escrow and EIP-3009 tokens use). */
export interface Eip712Domain {
  name: string;
  version: string;
  chainId: number;
  verifyingContract: Address;
}

/** The escrow's domain on a chain. */
export function escrowDomain(chainId: number, escrow: Address): Eip712Domain {
  return { name: ESCROW_DOMAIN_NAME, version: ESCROW_DOMAIN_VERSION, chainId, verifyingContract: escrow };
}

type Field = { readonly name: string; readonly type: string };

/** Typed-data definitions (ethers v6 / viem shape, without `EIP712Domain`). */
export const channelConfigTypes: { ChannelConfig: Field[] } = {
  ChannelConfig: [
    { name: "payer", type: "address" },
    { name: "payerAuthorizer", type: "address" },
    { name: "receiver", type: "address" },
    { name: "receiverAuthorizer", type: "address" },
    { name: "token", type: "address" },
    { name: "withdrawDelay", type: "uint40" },
    { name: "salt", type: "bytes32" },
  ],
};

export const voucherTypes: { Voucher: Field[] } = {
  Voucher: [
    { name: "channelId", type: "bytes32" },
    { name: "maxClaimableAmount", type: "uint128" },
  ],
};

export const refundTypes: { Refund: Field[] } = {
  Refund: [
    { name: "channelId", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "amount", type: "uint128" },
  ],
};

export const claimBatchTypes: { ClaimBatch: Field[]; ClaimEntry: Field[] } = {
  ClaimBatch: [{ name: "claims", type: "ClaimEntry[]" }],
  ClaimEntry: [
    { name: "channelId", type: "bytes32" },
    { name: "maxClaimableAmount", type: "uint128" },
    { name: "totalClaimed", type: "uint128" },
  ],
};

const authorizationFields: Field[] = [
  { name: "from", type: "address" },
  { name: "to", type: "address" },
  { name: "value", type: "uint256" },
  { name: "validAfter", type: "uint256" },
  { name: "validBefore", type: "uint256" },
  { name: "nonce", type: "bytes32" },
];

export const transferWithAuthorizationTypes: { TransferWithAuthorization: Field[] } = {
  TransferWithAuthorization: authorizationFields,
};

export const receiveWithAuthorizationTypes: { ReceiveWithAuthorization: Field[] } = {
  ReceiveWithAuthorization: authorizationFields,
};
