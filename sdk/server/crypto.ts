import { AbiCoder, keccak256, toUtf8Bytes, TypedDataEncoder, getAddress } from "ethers";
import secp256k1 from "secp256k1";
import { PaymentRefusal, REASONS, type Reason } from "./reasons";

/** The escrow's channel config as it travels on the wire. */
export interface ChannelConfigWire {
  payer: string;
  payerAuthorizer: string;
  receiver: string;
  receiverAuthorizer: string;
  token: string;
  withdrawDelay: number;
  salt: string;
}

export const ESCROW_DOMAIN_NAME = "x402 Batch Settlement";
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
const VOUCHER_TYPEHASH = keccak256(toUtf8Bytes("Voucher(bytes32 channelId,uint128 maxClaimableAmount)"));
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
const abi = AbiCoder.defaultAbiCoder();

export interface EscrowDomain {
  name: string;
  version: string;
  chainId: bigint;
  verifyingContract: string;
}

export function escrowDomain(chainId: bigint, escrow: string): EscrowDomain {
  return { name: ESCROW_DOMAIN_NAME, version: "1", chainId, verifyingContract: escrow };
}

/** channelId = hashTypedDataV4(hashStruct(ChannelConfig)): bound to chain and escrow. */
export function channelIdOf(domain: EscrowDomain, config: ChannelConfigWire): string {
  return TypedDataEncoder.hash(domain, CHANNEL_CONFIG_TYPES, config);
}

/** A fast EIP-712 Voucher digest (precomputed domain separator, one keccak for the struct). */
export class VoucherHasher {
  private readonly prefix: Buffer;
  constructor(domain: EscrowDomain) {
    const sep = TypedDataEncoder.hashDomain(domain);
    this.prefix = Buffer.concat([Buffer.from([0x19, 0x01]), Buffer.from(sep.slice(2), "hex")]);
  }
  digest(channelId: string, maxClaimableAmount: bigint): Buffer {
    const struct = Buffer.alloc(96);
    struct.write(VOUCHER_TYPEHASH.slice(2), 0, "hex");
    struct.write(channelId.slice(2), 32, "hex");
    struct.write(maxClaimableAmount.toString(16).padStart(64, "0"), 64, "hex");
    const structHash = Buffer.from(keccak256(struct).slice(2), "hex");
    return Buffer.from(keccak256(Buffer.concat([this.prefix, structHash])).slice(2), "hex");
  }
}

/**
 * Recovers the signer of a 65-byte `r‖s‖v` signature over `digest` with native secp256k1.
 * Rejects high-s and malformed signatures with `badSignature` reasons.
 */
export function recoverSigner(digest: Uint8Array, signature: string, badSignature: Reason): string {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) throw new PaymentRefusal(REASONS.signatureMalformed);
  const bytes = Buffer.from(signature.slice(2), "hex");
  const s = BigInt("0x" + bytes.subarray(32, 64).toString("hex"));
  if (s > HALF_N) throw new PaymentRefusal(REASONS.signatureHighS);
  let v = bytes[64];
  if (v >= 27) v -= 27;
  if (v !== 0 && v !== 1) throw new PaymentRefusal(REASONS.signatureMalformed);
  let pub: Uint8Array;
  try {
    pub = secp256k1.ecdsaRecover(bytes.subarray(0, 64), v, digest, false);
  } catch {
    throw new PaymentRefusal(badSignature);
  }
  return getAddress("0x" + keccak256(pub.subarray(1)).slice(-40));
}

/** EIP-3009 typed data (`TransferWithAuthorization` / `ReceiveWithAuthorization`). */
export function eip3009Types(kind: "TransferWithAuthorization" | "ReceiveWithAuthorization") {
  return {
    [kind]: [
      { name: "from", type: "address" },
      { name: "to", type: "address" },
      { name: "value", type: "uint256" },
      { name: "validAfter", type: "uint256" },
      { name: "validBefore", type: "uint256" },
      { name: "nonce", type: "bytes32" },
    ],
  };
}

/** The deposit collector's EIP-3009 nonce: keccak256(abi.encode(channelId, salt)). */
export function depositNonce(channelId: string, salt: string): string {
  return keccak256(abi.encode(["bytes32", "bytes32"], [channelId, salt]));
}

/** The ERC3009 collector's data: abi.encode(validAfter, validBefore, salt, signature). */
export function collectorData(
  validAfter: bigint,
  validBefore: bigint,
  salt: string,
  signature: string,
): string {
  return abi.encode(["uint256", "uint256", "bytes32", "bytes"], [validAfter, validBefore, salt, signature]);
}

export function eip3009Digest(
  token: { address: string; name: string; version: string },
  chainId: bigint,
  kind: "TransferWithAuthorization" | "ReceiveWithAuthorization",
  message: Record<string, unknown>,
): Buffer {
  const domain = { name: token.name, version: token.version, chainId, verifyingContract: token.address };
  return Buffer.from(TypedDataEncoder.hash(domain, eip3009Types(kind), message).slice(2), "hex");
}
