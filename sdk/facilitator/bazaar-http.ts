/** `GET /discovery/resources` and `GET /discovery/search` over a {@link BazaarCatalog}: query parsing and answers. */
import type { BazaarCatalog, CatalogQuery } from "./bazaar-catalog";

export const DISCOVERY_PATHS = ["/discovery/resources", "/discovery/search"];

/** Thrown for a query parameter that is not what it should be (a 400). */
export class CatalogQueryError extends Error {}

function count(value: string | null, name: string): number | undefined {
  if (value === null) return undefined;
  if (!/^[0-9]{1,9}$/.test(value)) throw new CatalogQueryError(`${name} must be a non-negative integer`);
  return Number(value);
}

/** The catalog query a discovery URL's search parameters name (`maxAmount` in atomic units). */
export function catalogQueryOf(params: URLSearchParams): CatalogQuery & { cursor?: string } {
  const text = (name: string) => {
    const v = params.get(name);
    if (v !== null && v.length > 256) throw new CatalogQueryError(`${name} is too long`);
    return v ?? undefined;
  };
  const maxAmount = text("maxAmount");
  if (maxAmount !== undefined && !/^[0-9]{1,78}$/.test(maxAmount))
    throw new CatalogQueryError("maxAmount must be an amount in atomic units");
  const q: CatalogQuery & { cursor?: string } = {};
  for (const name of [
    "type",
    "payTo",
    "scheme",
    "network",
    "extensions",
    "asset",
    "query",
    "cursor",
  ] as const) {
    const v = text(name);
    if (v !== undefined) q[name] = v;
  }
  const limit = count(params.get("limit"), "limit");
  const offset = count(params.get("offset"), "offset");
  return {
    ...q,
    ...(maxAmount !== undefined ? { maxAmount: BigInt(maxAmount) } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(offset !== undefined ? { offset } : {}),
  };
}

/** The answer to a discovery path: status and JSON body. */
export async function discoveryAnswer(
  catalog: BazaarCatalog,
  path: string,
  rawUrl: string,
): Promise<{ status: number; body: unknown }> {
  let q;
  try {
    q = catalogQueryOf(new URL(rawUrl, "http://x").searchParams);
  } catch (e) {
    if (e instanceof CatalogQueryError)
      return { status: 400, body: { error: "invalid_query", message: e.message } };
    throw e;
  }
  if (path === "/discovery/search") {
    if (!q.query) return { status: 400, body: { error: "invalid_query", message: "query is required" } };
    return { status: 200, body: await catalog.search(q) };
  }
  return { status: 200, body: await catalog.list(q) };
}
