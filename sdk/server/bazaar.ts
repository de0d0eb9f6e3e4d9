/**
 * Bazaar discovery on the paywall's side: a route's declaration (the stock `declareDiscoveryExtension` input, or
 * the extension it built) becomes the 402's `extensions.bazaar`, enriched with the HTTP method by the stock
 * `bazaarResourceServerExtension`. Built once per route and method, then reused by every 402.
 */
import {
  bazaarResourceServerExtension,
  declareDiscoveryExtension,
  type DeclareDiscoveryExtensionInput,
  type DiscoveryExtension,
} from "@x402/extensions/bazaar";
import type { PaywallRequest, RouteConfig } from "./options";

/** A route's Bazaar entry: how to call it and what it returns, plus service metadata for the 402's `resource`. */
export interface RouteBazaar {
  /** What `declareDiscoveryExtension` takes (input/output examples and schemas, body type, MCP tool), or its `bazaar`. */
  discovery: DeclareDiscoveryExtensionInput | DiscoveryExtension;
  /** Printable ASCII, at most 32 characters (the stock facilitator helpers drop anything else). */
  serviceName?: string;
  /** At most 5 short tags. */
  tags?: string[];
  /** Absolute public http(s) URL of the service's icon. */
  iconUrl?: string;
}

const isBuilt = (d: RouteBazaar["discovery"]): d is DiscoveryExtension => "info" in d && "schema" in d;

const built = new WeakMap<RouteConfig, Map<string, DiscoveryExtension>>();

/** The route's `extensions.bazaar` for this request's method (undefined when the route declares none). */
export function bazaarExtension(route: RouteConfig, method: string): DiscoveryExtension | undefined {
  if (!route.bazaar) return undefined;
  const m = method.toUpperCase();
  let byMethod = built.get(route);
  if (!byMethod) built.set(route, (byMethod = new Map()));
  let ext = byMethod.get(m);
  if (!ext) {
    const d = route.bazaar.discovery;
    const declared = isBuilt(d) ? d : declareDiscoveryExtension(d).bazaar;
    const context = { method: m, adapter: { getPath: () => route.path } };
    ext = bazaarResourceServerExtension.enrichDeclaration!(declared, context) as DiscoveryExtension;
    byMethod.set(m, ext);
  }
  return ext;
}

/** The 402's `extensions` (only `bazaar` for now) and the service metadata its `resource` carries. */
export function routeExtensions(req: PaywallRequest, route: RouteConfig) {
  const bazaar = bazaarExtension(route, req.method);
  if (!bazaar || !route.bazaar) return { extensions: undefined, service: {} };
  const { serviceName, tags, iconUrl } = route.bazaar;
  const service = {
    ...(serviceName !== undefined ? { serviceName } : {}),
    ...(tags !== undefined ? { tags } : {}),
    ...(iconUrl !== undefined ? { iconUrl } : {}),
  };
  return { extensions: { bazaar } as Record<string, unknown>, service };
}

/**
 * What a delegated payment tells the facilitator about the resource, as this server declares it (not as the
 * client echoed it): `resource` and, for a Bazaar route, `extensions.bazaar`, so the facilitator can catalog it.
 */
export function delegatedContext(req: PaywallRequest, route: RouteConfig) {
  const { extensions, service } = routeExtensions(req, route);
  const resource = {
    url: req.resourceUrl,
    description: route.description ?? "",
    mimeType: route.mimeType ?? "",
    ...service,
  };
  return { resource, ...(extensions ? { extensions } : {}) };
}
