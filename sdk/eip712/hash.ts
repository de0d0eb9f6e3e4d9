/**
 * EIP-712 struct hashes and digests, computed directly on bytes (all fields are static ABI words), mirroring the
 * Solidity hashing library. Every function validates ranges so a value Solidity would reject never hashes.
 */
import { ConfigError } from "../errors/classes";
import { X402_REASONS } from "../errors/reasons";
import { addressToBytes, type Address } from "../utils/address";
import { bytesToHex, hexToBytes, writeUint256, type Hex } from "../utils/hex";
import { keccak256, keccakUtf8 } from "../utils/keccak";
import type { ChannelConfig } from "../types/batch-settlement";
import {
  CHANNEL_CONFIG_TYPEHASH,
  CLAIM_BATCH_TYPEHASH,
  CLAIM_ENTRY_TYPEHASH,
  EIP712_DOMAIN_TYPEHASH,
  RECEIVE_WITH_AUTHORIZATION_TYPEHASH,
  REFUND_TYPEHASH,
  TRANSFER_WITH_AUTHORIZATION_TYPEHASH,
  VOUCHER_TYPEHASH,
  type Eip712Domain,
} from "./types";

export type BigNumberish = bigint | number | string;

function fail(what: string, value: unknown): never {
  throw new ConfigError(X402_REASONS.invalidPayload, `${what} is out of range`, {
    details: { value: String(value) },
  });
}

/** Converts and range-checks an unsigned integer of `bits` bits. */
export function toUint(value: BigNumberish, bits: number, what = "value"): bigint {
  let v: bigint;
  try {
    if (typeof value === "string" && !/^(0|[1-9][0-9]*|0x[0-9a-fA-F]+)$/.test(value)) fail(what, value);
    v = BigInt(value);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    fail(what, value);
  }
  if (v < 0n || v >> BigInt(bits) !== 0n) fail(what, value);
  return v;
}

function bytes32(value: Hex | Uint8Array, what: string): Uint8Array {
  const b =
    typeof value === "string"
      ? /^0x[0-9a-fA-F]{64}$/.test(value)
        ? hexToBytes(value)
        : fail(what, value)
      : value;
  if (b.length !== 32) fail(what, bytesToHex(b));
  return b;
}

function address(value: string, what: string): Uint8Array {
  try {
    return addressToBytes(value);
  } catch {
    fail(what, value);
  }
}

/** ABI-encodes static words (typehash first) and hashes them. */
class Words {
  private readonly buf: Uint8Array;
  private offset = 0;
  constructor(count: number) {
    this.buf = new Uint8Array(32 * count);
  }
  bytes32(b: Uint8Array): this {
    this.buf.set(b, this.offset);
    this.offset += 32;
    return this;
  }
  address(b: Uint8Array): this {
    this.buf.set(b, this.offset + 12);
    this.offset += 32;
    return this;
  }
  uint(v: bigint): this {
    writeUint256(this.buf, this.offset, v);
    this.offset += 32;
    return this;
  }
  hash(): Uint8Array {
    return keccak256(this.buf);
  }
}

/** EIP-712 domain separator. */
export function hashDomain(domain: Eip712Domain): Uint8Array {
  return new Words(5)
    .bytes32(EIP712_DOMAIN_TYPEHASH)
    .bytes32(keccakUtf8(domain.name))
    .bytes32(keccakUtf8(domain.version))
    .uint(toUint(domain.chainId, 256, "chainId"))
    .address(address(domain.verifyingContract, "verifyingContract"))
    .hash();
}

/** `keccak256(0x1901 ‖ domainSeparator ‖ structHash)`. */
export function typedDataDigest(domainSeparator: Uint8Array, structHash: Uint8Array): Uint8Array {
  const buf = new Uint8Array(66);
  buf[0] = 0x19;
  buf[1] = 0x01;
  buf.set(domainSeparator, 2);
  buf.set(structHash, 34);
  return keccak256(buf);
}

/** Struct hash of a `ChannelConfig`. */
export function hashChannelConfig(config: ChannelConfig): Uint8Array {
  return new Words(8)
    .bytes32(CHANNEL_CONFIG_TYPEHASH)
    .address(address(config.payer, "payer"))
    .address(address(config.payerAuthorizer, "payerAuthorizer"))
    .address(address(config.receiver, "receiver"))
    .address(address(config.receiverAuthorizer, "receiverAuthorizer"))
    .address(address(config.token, "token"))
    .uint(toUint(config.withdrawDelay, 40, "withdrawDelay"))
    .bytes32(bytes32(config.salt, "salt"))
    .hash();
}

/** The channel id: the EIP-712 digest of the config under the escrow's domain (bound to chain and contract). */
export function computeChannelId(config: ChannelConfig, escrowDomainSeparator: Uint8Array): Hex {
  return bytesToHex(typedDataDigest(escrowDomainSeparator, hashChannelConfig(config)));
}

/** Struct hash of a `Voucher`. */
export function hashVoucher(channelId: Hex | Uint8Array, maxClaimableAmount: BigNumberish): Uint8Array {
  return new Words(3)
    .bytes32(VOUCHER_TYPEHASH)
    .bytes32(bytes32(channelId, "channelId"))
    .uint(toUint(maxClaimableAmount, 128, "maxClaimableAmount"))
    .hash();
}

/** Struct hash of a `Refund`. */
export function hashRefund(
  channelId: Hex | Uint8Array,
  nonce: BigNumberish,
  amount: BigNumberish,
): Uint8Array {
  return new Words(4)
    .bytes32(REFUND_TYPEHASH)
    .bytes32(bytes32(channelId, "channelId"))
    .uint(toUint(nonce, 256, "nonce"))
    .uint(toUint(amount, 128, "amount"))
    .hash();
}

export interface ClaimEntry {
  channelId: Hex;
  maxClaimableAmount: BigNumberish;
  totalClaimed: BigNumberish;
}

/** Struct hash of one `ClaimEntry`. */
export function hashClaimEntry(entry: ClaimEntry): Uint8Array {
  return new Words(4)
    .bytes32(CLAIM_ENTRY_TYPEHASH)
    .bytes32(bytes32(entry.channelId, "channelId"))
    .uint(toUint(entry.maxClaimableAmount, 128, "maxClaimableAmount"))
    .uint(toUint(entry.totalClaimed, 128, "totalClaimed"))
    .hash();
}

/** Struct hash of a `ClaimBatch` (the array is hashed as the keccak of its entries' hashes). */
export function hashClaimBatch(entries: readonly ClaimEntry[]): Uint8Array {
  const packed = new Uint8Array(32 * entries.length);
  entries.forEach((e, i) => packed.set(hashClaimEntry(e), 32 * i));
  return new Words(2).bytes32(CLAIM_BATCH_TYPEHASH).bytes32(keccak256(packed)).hash();
}

export interface AuthorizationFields {
  from: Address;
  to: Address;
  value: BigNumberish;
  validAfter: BigNumberish;
  validBefore: BigNumberish;
  nonce: Hex;
}

function hashAuthorization(typehash: Uint8Array, a: AuthorizationFields): Uint8Array {
  return new Words(7)
    .bytes32(typehash)
    .address(address(a.from, "from"))
    .address(address(a.to, "to"))
    .uint(toUint(a.value, 256, "value"))
    .uint(toUint(a.validAfter, 256, "validAfter"))
    .uint(toUint(a.validBefore, 256, "validBefore"))
    .bytes32(bytes32(a.nonce, "nonce"))
    .hash();
}

/** Struct hash of an EIP-3009 `TransferWithAuthorization`. */
export function hashTransferWithAuthorization(a: AuthorizationFields): Uint8Array {
  return hashAuthorization(TRANSFER_WITH_AUTHORIZATION_TYPEHASH, a);
}

/** Struct hash of an EIP-3009 `ReceiveWithAuthorization`. */
export function hashReceiveWithAuthorization(a: AuthorizationFields): Uint8Array {
  return hashAuthorization(RECEIVE_WITH_AUTHORIZATION_TYPEHASH, a);
}

/** The deposit collector's EIP-3009 nonce: `keccak256(abi.encode(channelId, salt))`. */
export function collectorNonce(channelId: Hex, salt: Hex): Hex {
  const buf = new Uint8Array(64);
  buf.set(bytes32(channelId, "channelId"), 0);
  buf.set(bytes32(salt, "salt"), 32);
  return bytesToHex(keccak256(buf));
}
