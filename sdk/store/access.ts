/**
 * What sign-in-with-x needs to remember, shared by the replicas of one server: which wallet paid which route
 * until when (a paid access), and which sign-in nonces were used (each header is good once). Kept apart from
 * `VoucherStore` so that the voucher path is untouched; every implementation is atomic across replicas.
 */
export interface AccessStore {
  /**
   * Records that `payer` paid for `route` and may sign in to it until `until` (epoch ms). A later grant extends
   * an earlier one; an earlier one never shortens it.
   */
  grant(route: string, payer: string, until: number): Promise<void>;
  /** Epoch ms until which `payer` may sign in to `route`; 0 when there is no grant (or it was pruned). */
  accessUntil(route: string, payer: string): Promise<number>;
  /**
   * Marks `key` (a sign-in nonce, scoped by the caller) used until `until` (epoch ms). True the first time,
   * false while it is still remembered as used: of two replicas racing one header, exactly one gets true.
   */
  useNonce(key: string, until: number): Promise<boolean>;
  close(): Promise<void>;
}

/** `route`/`payer` as one key (payer addresses are compared lower case). */
export function accessKey(route: string, payer: string): string {
  return `${route}\n${payer.toLowerCase()}`;
}

/** One process's access store: for a single server and tests. Replicas need a shared one (SQLite file, Redis). */
export class MemoryAccessStore implements AccessStore {
  private readonly grants = new Map<string, number>();
  private readonly nonces = new Map<string, number>();

  async grant(route: string, payer: string, until: number): Promise<void> {
    const key = accessKey(route, payer);
    this.grants.set(key, Math.max(until, this.grants.get(key) ?? 0));
  }

  async accessUntil(route: string, payer: string): Promise<number> {
    return this.grants.get(accessKey(route, payer)) ?? 0;
  }

  async useNonce(key: string, until: number): Promise<boolean> {
    const now = Date.now();
    if ((this.nonces.get(key) ?? 0) > now) return false;
    if (this.nonces.size >= 10_000) for (const [k, t] of this.nonces) if (t <= now) this.nonces.delete(k);
    this.nonces.set(key, until);
    return true;
  }

  async close(): Promise<void> {}
}
