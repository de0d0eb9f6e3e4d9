import { caip2ToV1Name } from "../networks/caip";
import { encodeHeader } from "./decode";
import { routeExtensions } from "./bazaar";
import type { OfferedRequirements } from "../types/offer";
import type { PaywallOptions, PaywallRequest, RouteConfig } from "./options";

/** One offer of a route (an `accepts[]` entry). */
export type Requirements = OfferedRequirements;

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** An answer's body as text (stored answers keep bytes). */
export function answerText(answer: HttpAnswer): string {
  return typeof answer.body === "string" ? answer.body : new TextDecoder().decode(answer.body);
}

const EXPOSE = "PAYMENT-REQUIRED, PAYMENT-RESPONSE, X-PAYMENT-RESPONSE";

/** Both offers for a route at a price: the escrow scheme first, then `exact`. */
export function offers(opts: PaywallOptions, route: RouteConfig, price: bigint): Requirements[] {
  const payTo = route.payTo ?? opts.payTo;
  const base = {
    network: opts.network,
    asset: opts.token.address,
    amount: price.toString(),
    payTo,
    maxTimeoutSeconds: opts.maxTimeoutSeconds ?? 60,
  };
  const list: Requirements[] = [
    {
      scheme: "batch-settlement",
      ...base,
      extra: {
        receiverAuthorizer: opts.receiverAuthorizer,
        withdrawDelay: opts.withdrawDelay,
        name: opts.token.name,
        version: opts.token.version,
        ...(opts.minDeposit !== undefined ? { minDeposit: opts.minDeposit.toString() } : {}),
      },
    },
  ];
  if (opts.exact !== false) {
    list.push({ scheme: "exact", ...base, extra: { name: opts.token.name, version: opts.token.version } });
  }
  return list;
}

/** A 402: v2 `PAYMENT-REQUIRED` header always; the body is v1-shaped for v1 clients, v2 otherwise. */
export function paymentRequired(
  req: PaywallRequest,
  route: RouteConfig,
  accepts: Requirements[],
  error: string,
  v1: boolean,
  status = 402,
  more?: Record<string, unknown>,
): HttpAnswer {
  const routed = routeExtensions(req, route);
  const { service } = routed;
  const extensions = more ? { ...routed.extensions, ...more } : routed.extensions;
  const resource = {
    url: req.resourceUrl,
    description: route.description ?? "",
    mimeType: route.mimeType ?? "",
    ...service,
  };
  const v2 = { x402Version: 2, error, resource, accepts, ...(extensions ? { extensions } : {}) };
  const body = v1
    ? {
        x402Version: 1,
        error,
        accepts: accepts.map(({ amount, ...r }) => ({
          ...r,
          network: caip2ToV1Name(r.network) ?? r.network,
          maxAmountRequired: amount,
          resource: resource.url,
          description: resource.description,
          mimeType: resource.mimeType,
        })),
      }
    : v2;
  return {
    status,
    headers: {
      "content-type": "application/json",
      "cache-control": "no-store",
      "access-control-expose-headers": EXPOSE,
      "payment-required": encodeHeader(v2),
    },
    body: JSON.stringify(body),
  };
}

/** A 400 for a payment the server cannot even parse. */
export function badRequest(reason: string): HttpAnswer {
  return {
    status: 400,
    headers: {
      "content-type": "application/json",
      "cache-control": "no-store",
      "access-control-expose-headers": EXPOSE,
    },
    body: JSON.stringify({ x402Version: 2, error: reason }),
  };
}

/** The success header(s): `PAYMENT-RESPONSE` (v2) or `X-PAYMENT-RESPONSE` (v1). */
export function paymentResponseHeaders(v1: boolean, response: unknown): Record<string, string> {
  return {
    [v1 ? "x-payment-response" : "payment-response"]: encodeHeader(response),
    "access-control-expose-headers": EXPOSE,
  };
}

/** Normalized path for matching: no query, percent-decoded when valid, lower case, no trailing slash. */
export function normalizePath(url: string): string {
  let path = url.split("?")[0].split("#")[0];
  try {
    path = decodeURIComponent(path);
  } catch {
    // malformed percent-encoding: match on the raw path, so it still pays
  }
  path = path.toLowerCase().replace(/\/+/g, "/");
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return path;
}

export function matchRoute(routes: RouteConfig[], method: string, url: string): RouteConfig | undefined {
  const path = normalizePath(url);
  const m = method.toUpperCase() === "HEAD" ? "GET" : method.toUpperCase();
  return routes.find((r) => {
    if (r.methods && !r.methods.map((x) => x.toUpperCase()).includes(m)) return false;
    const p = r.path.toLowerCase();
    if (p.endsWith("/*")) return path === p.slice(0, -2) || path.startsWith(p.slice(0, -1));
    return path === (p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p);
  });
}
