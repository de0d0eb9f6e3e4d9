/**
 * Where a facilitator's Bazaar catalog lives: one `DiscoveryResource` (the stock wire shape) per key. The catalog
 * filters and pages over `all()`; an in-memory store here, a SQLite one in `bazaar-sqlite.ts`.
 */
import type { DiscoveryResource } from "@x402/extensions/bazaar";

export interface CatalogStore {
  get(key: string): Promise<DiscoveryResource | undefined>;
  put(key: string, resource: DiscoveryResource): Promise<void>;
  /** Every resource, most recently updated first. */
  all(): Promise<DiscoveryResource[]>;
  close(): Promise<void>;
}

export const byLastUpdated = (a: DiscoveryResource, b: DiscoveryResource) =>
  a.lastUpdated < b.lastUpdated ? 1 : a.lastUpdated > b.lastUpdated ? -1 : a.resource < b.resource ? -1 : 1;

/** A catalog kept in memory (lost on restart). */
export class MemoryCatalogStore implements CatalogStore {
  private readonly rows = new Map<string, DiscoveryResource>();

  async get(key: string) {
    return this.rows.get(key);
  }

  async put(key: string, resource: DiscoveryResource) {
    this.rows.set(key, resource);
  }

  async all() {
    return [...this.rows.values()].sort(byLastUpdated);
  }

  async close() {}
}
