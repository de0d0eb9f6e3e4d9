/** Hex and byte helpers shared by every layer (no dependencies, browser safe). */

export type Hex = `0x${string}`;

const HEX_RE = /^0x[0-9a-fA-F]*$/;
const LUT: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** True when `value` is a 0x-prefixed string of hex digits with an even length. */
export function isHex(value: unknown): value is Hex {
  return typeof value === "string" && HEX_RE.test(value) && value.length % 2 === 0;
}

/** Bytes to a lower-case 0x-prefixed hex string. */
export function bytesToHex(bytes: Uint8Array): Hex {
  let out = "0x";
  for (let i = 0; i < bytes.length; i++) out += LUT[bytes[i]];
  return out as Hex;
}

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** A 0x-prefixed hex string to bytes; throws `TypeError` on anything else. */
export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== "string" || !hex.startsWith("0x") || hex.length % 2 !== 0) {
    throw new TypeError("expected an even-length 0x-prefixed hex string");
  }
  const out = new Uint8Array((hex.length - 2) / 2);
  for (let i = 0, j = 2; i < out.length; i++, j += 2) {
    const hi = nibble(hex.charCodeAt(j));
    const lo = nibble(hex.charCodeAt(j + 1));
    if (hi < 0 || lo < 0) throw new TypeError("invalid hex digit");
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Writes `value` as a big-endian 32-byte word into `target` at `offset`. */
export function writeUint256(target: Uint8Array, offset: number, value: bigint): void {
  let v = value;
  for (let i = 31; i >= 0; i--) {
    target[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** Reads a big-endian unsigned integer from bytes. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = 0; i < bytes.length; i++) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Constant-length byte equality. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
