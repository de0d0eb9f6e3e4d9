/** Signer recovery and checks against an expected address. */
import { SignatureError } from "../errors/classes";
import { X402_REASONS, type ReasonCode } from "../errors/reasons";
import { addressToBytes, publicKeyToAddress, publicKeyToAddressBytes, type Address } from "../utils/address";
import { equalBytes, hexToBytes, type Hex } from "../utils/hex";
import { nobleBackend, type RecoveryBackend } from "./backend";
import { parseSignature } from "../utils/signature";

function digestBytes(digest: Hex | Uint8Array): Uint8Array {
  const d = typeof digest === "string" ? hexToBytes(digest) : digest;
  if (d.length !== 32) throw new TypeError("digest must be 32 bytes");
  return d;
}

/**
 * The address that signed `digest` (low-s, 65-byte signatures only). Throws `SignatureError` for malformed or
 * malleable signatures and `code` (default `invalid_exact_evm_signature`) when no key recovers.
 */
export function recoverAddress(
  digest: Hex | Uint8Array,
  signature: string,
  backend: RecoveryBackend = nobleBackend,
  code: ReasonCode = X402_REASONS.exactSignature,
): Address {
  const { compact, recovery } = parseSignature(signature);
  const pub = backend.recover(digestBytes(digest), compact, recovery);
  if (!pub) throw new SignatureError(code, "no public key recovers from this signature");
  return publicKeyToAddress(pub);
}

/** Whether `signature` over `digest` is from `expected`; malformed or malleable signatures throw `SignatureError`. */
export function isSignedBy(
  digest: Hex | Uint8Array,
  signature: string,
  expected: string,
  backend: RecoveryBackend = nobleBackend,
): boolean {
  const { compact, recovery } = parseSignature(signature);
  const pub = backend.recover(digestBytes(digest), compact, recovery);
  return pub !== null && equalBytes(publicKeyToAddressBytes(pub), addressToBytes(expected));
}
