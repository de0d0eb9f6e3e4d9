import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex, type Hex } from "./hex";

/** keccak256 of bytes, as bytes. */
export function keccak256(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}

/** keccak256 of bytes, as hex. */
export function keccak256Hex(data: Uint8Array): Hex {
  return bytesToHex(keccak_256(data));
}

const encoder = new TextEncoder();

/** keccak256 of a UTF-8 string (type strings, event signatures). */
export function keccakUtf8(text: string): Uint8Array {
  return keccak_256(encoder.encode(text));
}
