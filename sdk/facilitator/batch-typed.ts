import { ethers } from "ethers";

/** Where `@x402/evm` expects the batch-settlement contracts; a facilitator may be pointed at any deployment. */
export const CANONICAL_ESCROW = "0x4020074e9dF2ce1deE5A9C1b5c3f541D02a10003";
export const CANONICAL_ERC3009_COLLECTOR = "0x4020806089470a89826cB9fB1f4059150b550004";
export const MIN_WITHDRAW_DELAY = 15 * 60;
export const MAX_WITHDRAW_DELAY = 30 * 24 * 60 * 60;

/** The wire form of a channel config (addresses as strings, `withdrawDelay` a number, `salt` bytes32 hex). */
export interface ChannelConfig {
  payer: string;
  payerAuthorizer: string;
  receiver: string;
  receiverAuthorizer: string;
  token: string;
  withdrawDelay: number;
  salt: string;
}

export const CHANNEL_CONFIG_TYPES = {
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
export const VOUCHER_TYPES = {
  Voucher: [
    { name: "channelId", type: "bytes32" },
    { name: "maxClaimableAmount", type: "uint128" },
  ],
};
export const REFUND_TYPES = {
  Refund: [
    { name: "channelId", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "amount", type: "uint128" },
  ],
};
export const CLAIM_BATCH_TYPES = {
  ClaimBatch: [{ name: "claims", type: "ClaimEntry[]" }],
  ClaimEntry: [
    { name: "channelId", type: "bytes32" },
    { name: "maxClaimableAmount", type: "uint128" },
    { name: "totalClaimed", type: "uint128" },
  ],
};
export const RECEIVE_WITH_AUTHORIZATION_TYPES = {
  ReceiveWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
};

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
  "event Settled(address indexed receiver,address indexed token,address indexed sender,uint128 amount)",
];

export function escrowDomain(chainId: number, escrow: string) {
  return { name: "x402 Batch Settlement", version: "1", chainId, verifyingContract: escrow };
}

/** `channelId = hashTypedDataV4(hashStruct(ChannelConfig))` under the escrow's domain: bound to chain and contract. */
export function channelIdOf(config: ChannelConfig, chainId: number, escrow: string): string {
  return ethers.TypedDataEncoder.hash(escrowDomain(chainId, escrow), CHANNEL_CONFIG_TYPES, config);
}

export function voucherDigest(
  channelId: string,
  maxClaimableAmount: bigint,
  chainId: number,
  escrow: string,
): string {
  return ethers.TypedDataEncoder.hash(escrowDomain(chainId, escrow), VOUCHER_TYPES, {
    channelId,
    maxClaimableAmount,
  });
}

/** The EIP-3009 nonce of a deposit: `keccak256(abi.encode(channelId, salt))`, so nobody can front-run it. */
export function depositNonce(channelId: string, salt: string): string {
  return ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256"], [channelId, BigInt(salt)]),
  );
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
