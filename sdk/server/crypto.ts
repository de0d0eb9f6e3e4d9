/**
 * The paywall's EIP-3009 checks over the SDK core (`eip712/` hashes, `verify/` parses and recovers). Deposits and
 * `exact` payments are rare next to vouchers and wait for the chain anyway, so they recover with the pure-JS
 * backend: `z402/server` imports even where the optional native binding did not install.
 */
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
import { nobleBackend } from "../verify/backend";
import { recoverAddress } from "../verify/recover";
import { PaymentRefusal, type Reason } from "./reasons";

export type { ChannelConfigWire } from "../types/batch-settlement";

/**
 * Recovers the signer of a 65-byte `r‖s‖v` signature over `digest`. Malformed and high-s
 * signatures are refused with their `z402_signature_*` reasons, a signature no key recovers with `badSignature`.
 */
export function recoverSigner(digest: Uint8Array, signature: string, badSignature: Reason): string {
  try {
    return recoverAddress(digest, signature, nobleBackend, badSignature);
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
