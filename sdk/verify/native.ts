/**
 * The native backend: libsecp256k1 through the optional `secp256k1` package's compiled binding, loaded on first
 * use. Node only (never imported by the browser entry). Resolves to `null` when the binding is not installed.
 */
import { nobleBackend, type RecoveryBackend } from "./backend";
import { VoucherVerifier, type VoucherVerifierOptions } from "./voucher-verifier";

interface NativeSecp256k1 {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array;
}

/** A variable, so bundlers leave the optional native module alone. */
const BINDING = "secp256k1/bindings.js";

let loading: Promise<RecoveryBackend | null> | undefined;

async function load(): Promise<RecoveryBackend | null> {
  try {
    // The compiled binding itself: the package's main entry silently falls back to a slow JS implementation.
    const mod = (await import(BINDING)) as unknown as NativeSecp256k1 & { default?: NativeSecp256k1 };
    const lib: NativeSecp256k1 =
      typeof mod.ecdsaRecover === "function" ? mod : (mod.default as NativeSecp256k1);
    if (typeof lib?.ecdsaRecover !== "function") return null;
    return Object.freeze({
      name: "native" as const,
      recover(digest: Uint8Array, compact: Uint8Array, recovery: 0 | 1): Uint8Array | null {
        try {
          return lib.ecdsaRecover(compact, recovery, digest, false);
        } catch {
          return null;
        }
      },
    });
  } catch {
    return null;
  }
}

/** The native backend, or `null` when `secp256k1`'s binding cannot be loaded. Loaded once. */
export function loadNativeBackend(): Promise<RecoveryBackend | null> {
  loading ??= load();
  return loading;
}

/** The best backend this runtime has: native libsecp256k1 when its binding loads, the pure-JS one otherwise. */
export async function bestBackend(): Promise<RecoveryBackend> {
  return (await loadNativeBackend()) ?? nobleBackend;
}

/** A `VoucherVerifier` on the best available backend (the usual way to build one in Node). */
export async function createVoucherVerifier(
  options: Omit<VoucherVerifierOptions, "backend">,
): Promise<VoucherVerifier> {
  return new VoucherVerifier({ ...options, backend: await bestBackend() });
}
