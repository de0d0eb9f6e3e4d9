import { keccak256 } from "./keccak";
import { bytesToHex, hexToBytes, type Hex } from "./hex";

export type Address = `0x${string}`;

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const encoder = new TextEncoder();

/** EIP-55 checksum form of a 20-byte address given as 0x + 40 hex digits (any case). */
export function toChecksumAddress(address: string): Address {
  if (!ADDRESS_RE.test(address)) throw new TypeError("expected 0x followed by 40 hex digits");
  const lower = address.slice(2).toLowerCase();
  const hash = keccak256(encoder.encode(lower));
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const nib = (hash[i >> 1] >> (i % 2 === 0 ? 4 : 0)) & 0x0f;
    out += nib >= 8 ? lower[i].toUpperCase() : lower[i];
  }
  return out as Address;
}

/**
 * Whether `address` is acceptable on the wire: 0x + 40 hex digits, and when it mixes cases it must be the EIP-55
 * checksum (an all-lower or all-upper address carries no checksum and is accepted).
 */
export function isAddressAccepted(address: unknown): address is Address {
  if (typeof address !== "string" || !ADDRESS_RE.test(address)) return false;
  const body = address.slice(2);
  if (body === body.toLowerCase() || body === body.toUpperCase()) return true;
  if (checksumOk.has(address)) return true;
  const ok = toChecksumAddress(address) === address;
  if (ok) {
    // The same few addresses (payers, tokens, receivers) arrive on every request: remember the valid ones.
    if (checksumOk.size >= CHECKSUM_CACHE_SIZE) checksumOk.clear();
    checksumOk.add(address);
  }
  return ok;
}

const CHECKSUM_CACHE_SIZE = 4096;
const checksumOk = new Set<string>();

/** Address from an uncompressed public key (65 bytes with the 0x04 prefix, or 64 bytes without). */
export function publicKeyToAddressBytes(publicKey: Uint8Array): Uint8Array {
  const xy = publicKey.length === 65 ? publicKey.subarray(1) : publicKey;
  return keccak256(xy).subarray(12);
}

/** Checksummed address from an uncompressed public key. */
export function publicKeyToAddress(publicKey: Uint8Array): Address {
  return toChecksumAddress(bytesToHex(publicKeyToAddressBytes(publicKey)));
}

/** The 20 bytes of an address. */
export function addressToBytes(address: string): Uint8Array {
  if (!ADDRESS_RE.test(address)) throw new TypeError("expected 0x followed by 40 hex digits");
  return hexToBytes(address);
}

/** Case-insensitive address equality. */
export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000" as Address;
export type { Hex };
