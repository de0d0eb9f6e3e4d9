/**
 * Signers. Anything with ethers v6's `getAddress()` + `signTypedData(domain, types, value)` works (an ethers
 * `Wallet`, a JSON-RPC signer, a hardware signer...). `SessionSigner` is a plain private key kept in memory (the
 * channel's `payerAuthorizer` session key): it signs digests directly, with no ethers round trip.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { ConfigError } from "../errors/classes";
import { Z402_REASONS } from "../errors/reasons";
import { publicKeyToAddress, type Address } from "../utils/address";
import { bytesToHex, hexToBytes, type Hex } from "../utils/hex";
import type { Eip712Domain } from "../eip712/types";
import { typedDataDigestOf } from "./typed-data";

export type TypedDataFields = Record<string, ReadonlyArray<{ readonly name: string; readonly type: string }>>;

/** The part of an ethers v6 `Signer` the SDK needs. */
export interface TypedDataSigner {
  getAddress(): Promise<string>;
  signTypedData(
    domain: Eip712Domain,
    types: TypedDataFields,
    value: Record<string, unknown>,
  ): Promise<string>;
}

/** A signer that can also sign a 32-byte digest synchronously (the fast path). */
export interface DigestSigner extends TypedDataSigner {
  readonly address: Address;
  signDigest(digest: Uint8Array): Hex;
}

export function isDigestSigner(signer: TypedDataSigner): signer is DigestSigner {
  return typeof (signer as Partial<DigestSigner>).signDigest === "function";
}

/** A private key held in memory; signs the escrow's and EIP-3009's typed data. */
export class SessionSigner implements DigestSigner {
  readonly address: Address;
  readonly #key: Uint8Array;

  constructor(privateKey: string | Uint8Array) {
    const key = typeof privateKey === "string" ? safeHexToBytes(privateKey) : Uint8Array.from(privateKey);
    if (key.length !== 32 || !secp256k1.utils.isValidSecretKey(key)) {
      throw new ConfigError(Z402_REASONS.signerFailed, "invalid secp256k1 private key");
    }
    this.#key = key;
    this.address = publicKeyToAddress(secp256k1.getPublicKey(key, false));
  }

  /** A fresh random session key. */
  static random(): SessionSigner {
    return new SessionSigner(secp256k1.utils.randomSecretKey());
  }

  /** The private key as hex (to persist the session key; handle with care). */
  exportPrivateKey(): Hex {
    return bytesToHex(this.#key);
  }

  async getAddress(): Promise<string> {
    return this.address;
  }

  /** 65-byte `r ‖ s ‖ v` signature (v = 27/28, low s) of a 32-byte digest. */
  signDigest(digest: Uint8Array): Hex {
    const rec = secp256k1.sign(digest, this.#key, { prehash: false, format: "recovered", lowS: true });
    const out = new Uint8Array(65);
    out.set(rec.subarray(1), 0);
    out[64] = rec[0] + 27;
    return bytesToHex(out);
  }

  async signTypedData(
    domain: Eip712Domain,
    types: TypedDataFields,
    value: Record<string, unknown>,
  ): Promise<string> {
    return this.signDigest(typedDataDigestOf(domain, types, value));
  }
}

function safeHexToBytes(hex: string): Uint8Array {
  try {
    return hexToBytes(hex);
  } catch (cause) {
    throw new ConfigError(Z402_REASONS.signerFailed, "private key is not hex", { cause });
  }
}

/** Signs typed data with any signer, using the digest fast path when the signer has one. */
export async function signTyped(
  signer: TypedDataSigner,
  domain: Eip712Domain,
  types: TypedDataFields,
  value: Record<string, unknown>,
  digest: () => Uint8Array,
): Promise<Hex> {
  let sig: string;
  try {
    sig = isDigestSigner(signer)
      ? signer.signDigest(digest())
      : await signer.signTypedData(domain, types, value);
  } catch (cause) {
    if (cause instanceof ConfigError) throw cause;
    throw new ConfigError(Z402_REASONS.signerFailed, "signer failed to sign typed data", { cause });
  }
  if (!/^0x[0-9a-fA-F]{130}$/.test(sig)) {
    throw new ConfigError(Z402_REASONS.signerFailed, "signer returned a signature that is not 65 bytes");
  }
  return sig as Hex;
}
