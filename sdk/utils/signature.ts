/** Parsing of 65-byte ECDSA signatures with the checks the escrow applies: canonical r/s, low s, v of 27/28 only. */
import { SignatureError } from "../errors/classes";
import { Z402_REASONS } from "../errors/reasons";
import { hexToBytes } from "./hex";

// secp256k1 group order n and n/2, big-endian.
const N = hex32("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
const HALF_N = hex32("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0");

function hex32(h: string): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Compares 32-byte big-endian numbers `a[off..off+32]` and `b`. */
function cmp(a: Uint8Array, off: number, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const d = a[off + i] - b[i];
    if (d !== 0) return d;
  }
  return 0;
}

function isZero(a: Uint8Array, off: number): boolean {
  for (let i = 0; i < 32; i++) if (a[off + i] !== 0) return false;
  return true;
}

export interface ParsedSignature {
  /** r ‖ s, 64 bytes. */
  compact: Uint8Array;
  /** Recovery id, 0 or 1. */
  recovery: 0 | 1;
}

const HEX_SIG_RE = /^0x[0-9a-fA-F]{130}$/;

/**
 * Parses a 0x-prefixed 65-byte signature. Throws `SignatureError`: `z402_signature_malformed` for a wrong length,
 * non-hex, r or s of zero or ≥ n, or v not in {27, 28}; `z402_signature_high_s` for s > n/2.
 */
export function parseSignature(signature: string): ParsedSignature {
  if (typeof signature !== "string" || !HEX_SIG_RE.test(signature)) {
    throw new SignatureError(Z402_REASONS.signatureMalformed, "signature must be 65 bytes of hex", {
      details: { length: typeof signature === "string" ? signature.length : 0 },
    });
  }
  const bytes = hexToBytes(signature);
  if (isZero(bytes, 0) || isZero(bytes, 32) || cmp(bytes, 0, N) >= 0 || cmp(bytes, 32, N) >= 0) {
    throw new SignatureError(Z402_REASONS.signatureMalformed, "signature r or s out of range");
  }
  if (cmp(bytes, 32, HALF_N) > 0) {
    throw new SignatureError(
      Z402_REASONS.signatureHighS,
      "signature s is in the upper half of the curve order",
    );
  }
  const v = bytes[64];
  const recovery = v === 27 ? 0 : v === 28 ? 1 : -1;
  if (recovery < 0) throw new SignatureError(Z402_REASONS.signatureMalformed, "signature v must be 27 or 28");
  return { compact: bytes.subarray(0, 64), recovery: recovery as 0 | 1 };
}
