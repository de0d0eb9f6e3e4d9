/** Public-key recovery backends: the pure-JS one (@noble/curves, everywhere) and the native one (Node, lazy). */
import { secp256k1 } from "@noble/curves/secp256k1.js";

export interface RecoveryBackend {
  readonly name: "native" | "noble";
  /** Uncompressed public key (65 bytes, 0x04 prefix) of the signer of `digest`, or `null` if none. */
  recover(digest: Uint8Array, compact: Uint8Array, recovery: 0 | 1): Uint8Array | null;
}

/** Pure JS (@noble/curves); works in browsers. */
export const nobleBackend: RecoveryBackend = Object.freeze({
  name: "noble" as const,
  recover(digest: Uint8Array, compact: Uint8Array, recovery: 0 | 1): Uint8Array | null {
    try {
      const sig = new Uint8Array(65);
      sig[0] = recovery;
      sig.set(compact, 1);
      const compressed = secp256k1.recoverPublicKey(sig, digest, { prehash: false });
      return secp256k1.Point.fromBytes(compressed).toBytes(false);
    } catch {
      return null;
    }
  },
});
