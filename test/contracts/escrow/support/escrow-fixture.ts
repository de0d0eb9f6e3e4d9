import { ethers } from "hardhat";
import type { AddressLike, BigNumberish, Signer, TypedDataDomain } from "ethers";
import {
  AbiCoder,
  Signature,
  concat,
  keccak256,
  randomBytes,
  solidityPacked,
  toBeHex,
  zeroPadValue,
} from "ethers";
import type { IZ402Escrow, MockEIP3009Token, Z402Escrow } from "../../../../typechain-types";

export type ChannelConfig = IZ402Escrow.ChannelConfigStruct & {
  payer: string;
  payerAuthorizer: string;
  receiver: string;
  receiverAuthorizer: string;
  token: string;
  withdrawDelay: bigint;
  salt: string;
};

export const DAY = 86_400n;
export const MIN_DELAY = 900n;
export const MAX_DELAY = 30n * DAY;
export const USDC = (n: number | bigint) => BigInt(n) * 1_000_000n;

export const EIP712_TYPES = {
  ChannelConfig: [
    { name: "payer", type: "address" },
    { name: "payerAuthorizer", type: "address" },
    { name: "receiver", type: "address" },
    { name: "receiverAuthorizer", type: "address" },
    { name: "token", type: "address" },
    { name: "withdrawDelay", type: "uint40" },
    { name: "salt", type: "bytes32" },
  ],
  Voucher: [
    { name: "channelId", type: "bytes32" },
    { name: "maxClaimableAmount", type: "uint128" },
  ],
  Refund: [
    { name: "channelId", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "amount", type: "uint128" },
  ],
  ClaimBatch: [{ name: "claims", type: "ClaimEntry[]" }],
  ClaimEntry: [
    { name: "channelId", type: "bytes32" },
    { name: "maxClaimableAmount", type: "uint128" },
    { name: "totalClaimed", type: "uint128" },
  ],
};

/** The escrow's EIP-712 domain, read from the chain (EIP-5267). */
export async function escrowDomain(escrow: Z402Escrow): Promise<TypedDataDomain> {
  const d = await escrow.eip712Domain();
  return { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract };
}

export async function signVoucher(signer: Signer, escrow: Z402Escrow, channelId: string, max: BigNumberish) {
  const domain = await escrowDomain(escrow);
  return signer.signTypedData(
    domain,
    { Voucher: EIP712_TYPES.Voucher },
    { channelId, maxClaimableAmount: max },
  );
}

export async function signRefund(
  signer: Signer,
  escrow: Z402Escrow,
  channelId: string,
  nonce: BigNumberish,
  amount: BigNumberish,
) {
  const domain = await escrowDomain(escrow);
  return signer.signTypedData(domain, { Refund: EIP712_TYPES.Refund }, { channelId, nonce, amount });
}

export interface ClaimEntry {
  channelId: string;
  maxClaimableAmount: bigint;
  totalClaimed: bigint;
}

export async function signClaimBatch(signer: Signer, escrow: Z402Escrow, claims: ClaimEntry[]) {
  const domain = await escrowDomain(escrow);
  const types = { ClaimBatch: EIP712_TYPES.ClaimBatch, ClaimEntry: EIP712_TYPES.ClaimEntry };
  return signer.signTypedData(domain, types, { claims });
}

/** A claim row for `claim`/`claimWithSignature`. */
export function claimRow(config: ChannelConfig, max: bigint, signature: string, totalClaimed = max) {
  return { voucher: { channel: config, maxClaimableAmount: max }, signature, totalClaimed };
}

/** Flips a 65-byte signature to its high-s twin (same signer, malleated). */
export function highS(signature: string): string {
  const sig = Signature.from(signature);
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const s = n - BigInt(sig.s);
  const v = sig.v === 27 ? 28 : 27;
  return concat([sig.r, toBeHex(s, 32), toBeHex(v, 1)]);
}

/** One `claimPacked` entry (173 bytes). */
export function packEntry(config: ChannelConfig, max: bigint, signature: string, totalClaimed = max): string {
  const sig = Signature.from(signature);
  return solidityPacked(
    ["address", "address", "uint40", "bytes32", "uint128", "uint128", "bytes32", "bytes32"],
    [
      config.payer,
      config.payerAuthorizer,
      config.withdrawDelay,
      config.salt,
      max,
      totalClaimed,
      sig.r,
      sig.yParityAndS,
    ],
  );
}

/** collectorData for the EIP-3009 collector and the authorization nonce it binds. */
export function collectorData(validAfter: bigint, validBefore: bigint, salt: bigint, signature: string) {
  return AbiCoder.defaultAbiCoder().encode(
    ["uint256", "uint256", "uint256", "bytes"],
    [validAfter, validBefore, salt, signature],
  );
}

export function depositNonce(channelId: string, salt: bigint) {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256"], [channelId, salt]));
}

/** Signs an EIP-3009 ReceiveWithAuthorization for `token` (domain read from the token). */
export async function signReceiveAuthorization(
  signer: Signer,
  token: MockEIP3009Token,
  message: {
    from: string;
    to: string;
    value: bigint;
    validAfter: bigint;
    validBefore: bigint;
    nonce: string;
  },
) {
  const domain = {
    name: await token.name(),
    version: await token.version(),
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: await token.getAddress(),
  };
  const types = {
    ReceiveWithAuthorization: [
      { name: "from", type: "address" },
      { name: "to", type: "address" },
      { name: "value", type: "uint256" },
      { name: "validAfter", type: "uint256" },
      { name: "validBefore", type: "uint256" },
      { name: "nonce", type: "bytes32" },
    ],
  };
  return signer.signTypedData(domain, types, message);
}

export const randomSalt = () => zeroPadValue(randomBytes(32), 32);

export async function deployEscrowFixture() {
  const [deployer, payer, payerAuthorizer, receiver, receiverAuthorizer, stranger, relayer] =
    await ethers.getSigners();
  const token = await ethers.deployContract("MockEIP3009Token");
  const escrow = await ethers.deployContract("Z402Escrow");
  const collector = await ethers.deployContract("ERC3009DepositCollector", [await escrow.getAddress()]);
  await token.mint(payer.address, USDC(1_000_000));
  await token.connect(payer).approve(await escrow.getAddress(), ethers.MaxUint256);

  const config: ChannelConfig = {
    payer: payer.address,
    payerAuthorizer: payerAuthorizer.address,
    receiver: receiver.address,
    receiverAuthorizer: receiverAuthorizer.address,
    token: await token.getAddress(),
    withdrawDelay: DAY,
    salt: zeroPadValue("0x01", 32),
  };
  const channelId = await escrow.getChannelId(config);
  return {
    deployer,
    payer,
    payerAuthorizer,
    receiver,
    receiverAuthorizer,
    stranger,
    relayer,
    token,
    escrow,
    collector,
    config,
    channelId,
  };
}

/** The base fixture plus a channel funded with 100 USDC by the payer. */
export async function fundedChannelFixture() {
  const f = await deployEscrowFixture();
  await f.escrow.connect(f.payer).deposit(f.config, USDC(100), ethers.ZeroAddress, "0x");
  return f;
}

export async function blockTime(tx: { blockNumber: number | null }): Promise<bigint> {
  const block = await ethers.provider.getBlock(tx.blockNumber!);
  return BigInt(block!.timestamp);
}

export type EscrowFixture = Awaited<ReturnType<typeof deployEscrowFixture>>;
export type Addressable = AddressLike;
