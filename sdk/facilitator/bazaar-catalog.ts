/**
 * The facilitator's Bazaar catalog: what `/verify` and `/settle` saw succeed, one entry per resource (the URL the
 * stock `extractDiscoveryInfo` canonicalizes, with its method or MCP tool), listed at `GET /discovery/resources`
 * in the stock `DiscoveryResourcesResponse` shape. Only payments that verified or settled are cataloged, and only
 * the payload's `bazaar` extension is kept (never per-payment extensions such as `payment-identifier`).
 */
import {
  extractDiscoveryInfo,
  type DiscoveryResource,
  type DiscoveryResourcesResponse,
  type ListDiscoveryResourcesParams,
  type SearchDiscoveryResourcesResponse,
} from "@x402/extensions/bazaar";
import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import { normalize } from "./normalize";
import type { CatalogStore } from "./bazaar-store";

/** The stock listing parameters plus z402's: asset, a price ceiling (atomic units) and a text query. */
export interface CatalogQuery extends ListDiscoveryResourcesParams {
  asset?: string;
  maxAmount?: bigint;
  query?: string;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** Payment options kept per resource (one per scheme, network, asset and receiver; the newest win). */
const MAX_ACCEPTS = 8;

const same = (a: string | undefined, b: string) => a === undefined || a.toLowerCase() === b.toLowerCase();

function matches(r: DiscoveryResource, q: CatalogQuery): boolean {
  if (!same(q.type, r.type)) return false;
  if (q.extensions && !(r.extensions && q.extensions in r.extensions)) return false;
  const fits = r.accepts.some(
    (a) =>
      same(q.scheme, a.scheme) &&
      same(q.network, a.network) &&
      same(q.asset, a.asset) &&
      same(q.payTo, a.payTo) &&
      (q.maxAmount === undefined || BigInt(a.amount) <= q.maxAmount),
  );
  if (!fits) return false;
  if (!q.query) return true;
  const hay = [
    r.resource,
    r.description,
    r.serviceName,
    ...(r.tags ?? []),
    JSON.stringify(r.extensions ?? {}),
  ];
  return hay.join("\n").toLowerCase().includes(q.query.toLowerCase());
}

export class BazaarCatalog {
  constructor(
    readonly store: CatalogStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Catalogs a verified or settled payment's resource; false when it declares no valid Bazaar info. */
  async record(rawPayload: unknown, rawRequirements: unknown): Promise<boolean> {
    const n = normalize(rawPayload, rawRequirements);
    if (!n.ok) return false;
    let found;
    try {
      found = extractDiscoveryInfo(rawPayload as PaymentPayload, rawRequirements as PaymentRequirements);
    } catch {
      return false;
    }
    if (!found) return false;
    const type = found.discoveryInfo.input.type;
    const which = "toolName" in found ? found.toolName : (found.method ?? "");
    const key = `${type} ${which} ${found.resourceUrl}`;
    const before = await this.store.get(key);
    const req = n.requirements as PaymentRequirements;
    const id = (a: PaymentRequirements) => `${a.scheme} ${a.network} ${a.asset} ${a.payTo}`.toLowerCase();
    const accepts = [req, ...(before?.accepts ?? []).filter((a) => id(a) !== id(req))].slice(0, MAX_ACCEPTS);
    const bazaar = found.extensions?.bazaar;
    const resource: DiscoveryResource = {
      resource: found.resourceUrl,
      type,
      x402Version: found.x402Version,
      accepts,
      lastUpdated: this.now().toISOString(),
      ...(found.description ? { description: found.description } : {}),
      ...(found.mimeType ? { mimeType: found.mimeType } : {}),
      ...(found.serviceName ? { serviceName: found.serviceName } : {}),
      ...(found.tags ? { tags: found.tags } : {}),
      ...(found.iconUrl ? { iconUrl: found.iconUrl } : {}),
      ...(bazaar ? { extensions: { bazaar } } : {}),
    };
    await this.store.put(key, resource);
    return true;
  }

  /** `GET /discovery/resources`: filtered, newest first, `limit`/`offset` paged. */
  async list(q: CatalogQuery = {}): Promise<DiscoveryResourcesResponse> {
    const limit = Math.min(Math.max(q.limit ?? DEFAULT_LIMIT, 0), MAX_LIMIT);
    const offset = Math.max(q.offset ?? 0, 0);
    const all = (await this.store.all()).filter((r) => matches(r, q));
    return {
      x402Version: 2,
      items: all.slice(offset, offset + limit),
      pagination: { limit, offset, total: all.length },
    };
  }

  /** `GET /discovery/search`: the same filters with a required text query; the cursor is the next offset. */
  async search(q: CatalogQuery & { cursor?: string }): Promise<SearchDiscoveryResourcesResponse> {
    const offset = q.cursor && /^[0-9]{1,9}$/.test(q.cursor) ? Number(q.cursor) : 0;
    const page = await this.list({ ...q, offset });
    const next = offset + page.items.length;
    return {
      x402Version: 2,
      resources: page.items,
      pagination: {
        limit: page.pagination.limit,
        cursor: next < page.pagination.total ? String(next) : null,
      },
    };
  }
}
