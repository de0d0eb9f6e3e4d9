/**
 * The paywall's EIP-3009 checks over the SDK core (`eip712/` hashes, `verify/` parses and recovers), recovering
 * with the native secp256k1 binding.
 */
import secp256k1 from "secp256k1";
import {
  hashDomain,
  hashReceiveWithAuthorization,
  hashTransferWithAuthorization,
  typedDataDigest,
  type AuthorizationFields,
  type BigNumberish,
} from "../eip712/hash";
import { SignatureError } from "../errors/classes";
import { tokenDomain } from "../signing/eip3009";
import type { Address } from "../utils/address";
import type { RecoveryBackend } from "../verify/backend";
import { recoverAddress } from "../verify/recover";
import { PaymentRefusal, type Reason } from "./reasons";

export type { ChannelConfigWire } from "../types/batch-settlement";

const native: RecoveryBackend = {
  name: "native",
  recover(digest, compact, recovery) {
    try {
      return secp256k1.ecdsaRecover(compact, recovery, digest, false);
    } catch {
      return null;
    }
  },
};

/**
 * Recovers the signer of a 65-byte `r‖s‖v` signature over `digest` with native secp256k1. Malformed and high-s
 * signatures are refused with their `z402_signature_*` reasons, a signature no key recovers with `badSignature`.
 */
export function recoverSigner(digest: Uint8Array, signature: string, badSignature: Reason): string {
  try {
    return recoverAddress(digest, signature, native, badSignature);
  } catch (err) {
    if (err instanceof SignatureError) throw new PaymentRefusal(err.code);
    throw err;
  }
}

const STRUCT_HASH = {
  TransferWithAuthorization: hashTransferWithAuthorization,
  ReceiveWithAuthorization: hashReceiveWithAuthorization,
};

/** The EIP-712 digest of an EIP-3009 authorization under the token's domain. */
export function eip3009Digest(
  token: { address: string; name: string; version: string },
  chainId: bigint,
  kind: keyof typeof STRUCT_HASH,
  message: {
    from: string;
    to: string;
    value: BigNumberish;
    validAfter: BigNumberish;
    validBefore: BigNumberish;
    nonce: string;
  },
): Uint8Array {
  const domain = tokenDomain(Number(chainId), token.address as Address, token.name, token.version);
  return typedDataDigest(hashDomain(domain), STRUCT_HASH[kind](message as AuthorizationFields));
}
