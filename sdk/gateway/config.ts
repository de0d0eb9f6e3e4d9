/**
 * The gateway's config file, validated with zod: every problem is reported at once, each as one sentence naming
 * its path (`routes[1].price: expected a positive integer`). Pure: no file or network access (see `load.ts`).
 */
import { z } from "zod";
import { BaseError } from "../errors/base";
import { address, duration, expect, positive, price, store, type Price, type StoreConfig } from "./fields";

export type { FixedPrice, MeteredPrice, Price, StoreConfig } from "./fields";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const NETWORK = /^(local|localhost|hardhat|base-sepolia|base|eip155:[1-9]\d{0,15})$/;
const ADMIN_PATH = z
  .string(expect("a path starting with /"))
  .regex(/^\/\S*$/, { error: "expected a path starting with /" });

const url = (what: string, schemes: string[]) =>
  z.string(expect(`${what} URL`)).refine(
    (v) => {
      try {
        return schemes.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { error: `expected ${what} URL (${schemes.map((s) => s + "//").join(" or ")})` },
  );

const route = z.strictObject({
  path: z.string(expect("a path starting with /")).regex(/^\/[^*\s]*(\/\*)?$/, {
    error: "expected a path starting with / (a trailing /* matches a prefix)",
  }),
  methods: z
    .array(
      z.string().transform((m) => m.toUpperCase()),
      expect("a list of HTTP methods"),
    )
    .refine((ms) => ms.length > 0 && ms.every((m) => METHODS.includes(m)), {
      error: `expected a list of HTTP methods among ${METHODS.join(", ")}`,
    })
    .optional(),
  price: z.unknown().transform(price),
  description: z.string(expect("a string")).optional(),
  mimeType: z.string(expect("a string")).optional(),
  payTo: address.optional(),
});

const schema = z.strictObject({
  upstream: url("an http", ["http:", "https:"]),
  listen: z
    .strictObject({
      host: z.string(expect("a host name or address")).default("127.0.0.1"),
      port: z
        .number(expect("a port number"))
        .int({ error: "expected a port number" })
        .min(0, { error: "expected a port number" })
        .max(65535, { error: "expected a port number" })
        .default(4021),
    })
    .default({ host: "127.0.0.1", port: 4021 }),
  network: z
    .string(expect("a network"))
    .regex(NETWORK, { error: "expected local, base-sepolia, base or a CAIP-2 id such as eip155:8453" })
    .optional(),
  rpc: url("an http", ["http:", "https:", "ws:", "wss:"]).optional(),
  receiver: address.optional(),
  token: z
    .union(
      [address, z.strictObject({ address, name: z.string().optional(), version: z.string().optional() })],
      {
        error: "expected a token address, or {address, name, version}",
      },
    )
    .transform((t) => (typeof t === "string" ? { address: t } : t))
    .optional(),
  escrow: address.optional(),
  depositCollector: address.optional(),
  withdrawDelay: z
    .number(expect("seconds between 900 and 2592000"))
    .int({ error: "expected seconds between 900 and 2592000" })
    .min(900, { error: "expected seconds between 900 and 2592000" })
    .max(2_592_000, { error: "expected seconds between 900 and 2592000" })
    .default(86_400),
  minDeposit: z.unknown().transform(positive).optional(),
  exact: z.boolean(expect("true or false")).default(true),
  store: z.unknown().transform(store).default({ kind: "sqlite", file: ".z402/vouchers.sqlite" }),
  facilitator: z
    .union(
      [
        url("an http", ["http:", "https:"]),
        z.strictObject({
          url: url("an http", ["http:", "https:"]),
          headers: z.record(z.string(), z.string()).optional(),
        }),
      ],
      { error: "expected a facilitator URL, or {url, headers}" },
    )
    .optional(),
  settlement: z
    .strictObject({
      interval: z.unknown().transform(duration).optional(),
      riskThreshold: z.unknown().transform(positive).optional(),
      maxBatch: z
        .number(expect("a positive integer"))
        .int({ error: "expected a positive integer" })
        .positive({ error: "expected a positive integer" })
        .optional(),
      settle: z.boolean(expect("true or false")).optional(),
    })
    .default({}),
  preserveHost: z.boolean(expect("true or false")).default(false),
  upstreamTimeout: z.unknown().transform(duration).optional(),
  admin: z
    .union(
      [
        z.literal(false),
        z.strictObject({
          metrics: ADMIN_PATH.optional(),
          health: ADMIN_PATH.optional(),
          ready: ADMIN_PATH.optional(),
        }),
      ],
      { error: "expected false, or {metrics, health, ready} paths" },
    )
    .optional(),
  routes: z.array(route, expect("a list of routes")).min(1, { error: "expected at least one route" }),
});

export interface GatewayRoute {
  path: string;
  methods?: string[];
  price: Price;
  description?: string;
  mimeType?: string;
  payTo?: string;
}

export interface AdminPaths {
  metrics: string;
  health: string;
  ready: string;
}

export interface GatewayConfig {
  upstream: string;
  listen: { host: string; port: number };
  /** Network name or CAIP-2 id; absent: the caller's default (the CLI's --network). */
  network?: string;
  rpc?: string;
  /** Who is paid; absent: the gateway key's address. */
  receiver?: string;
  /** Absent (or without name/version): the chain preset's USDC, the deployment's token, the token's EIP-712 domain. */
  token?: { address: string; name?: string; version?: string };
  escrow?: string;
  depositCollector?: string;
  withdrawDelay: number;
  minDeposit?: bigint;
  exact: boolean;
  store: StoreConfig;
  facilitator?: string | { url: string; headers?: Record<string, string> };
  settlement: { intervalMs?: number; riskThreshold?: bigint; maxBatch?: number; settle?: boolean };
  /** Send the client's Host to the upstream (default: the upstream's own host; the client's in x-forwarded-host). */
  preserveHost: boolean;
  upstreamTimeoutMs?: number;
  /** Paths answered by the gateway itself (never proxied); false: none. */
  admin: AdminPaths | false;
  routes: GatewayRoute[];
}

export const DEFAULT_ADMIN: AdminPaths = { metrics: "/metrics", health: "/healthz", ready: "/readyz" };

/** The config has problems; `problems` holds one sentence each, starting with the path. */
export class GatewayConfigError extends BaseError<"GATEWAY_CONFIG"> {
  override name = "GatewayConfigError";
  constructor(
    readonly problems: string[],
    readonly source = "the gateway config",
  ) {
    super("GATEWAY_CONFIG", `${source} has ${problems.length} problem(s): ${problems.join(" ")}`);
  }
}

/** `routes[1].price.max` from a zod path. */
export function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    "",
  );
}

/** One sentence per issue (unknown fields: one per field). */
function problemsOf(issues: z.core.$ZodIssue[]): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push(`${formatPath([...issue.path, key])}: unknown field`);
      continue;
    }
    const where = formatPath(issue.path) || "config";
    const message = issue.message.startsWith("Invalid input: expected")
      ? issue.message.replace(/^Invalid input: /, "").replace(/, received undefined$/, "")
      : issue.message;
    out.push(`${where}: ${message}`);
  }
  return out;
}

/** Validates a parsed YAML/JSON document; throws `GatewayConfigError` listing every problem. */
export function parseGatewayConfig(raw: unknown, source?: string): GatewayConfig {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new GatewayConfigError(["config: expected a mapping of fields (upstream, routes...)"], source);
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new GatewayConfigError(problemsOf(result.error.issues), source);
  const c = result.data;
  const { interval, ...settlement } = c.settlement;
  return {
    upstream: c.upstream,
    listen: { host: c.listen.host, port: c.listen.port },
    network: c.network,
    rpc: c.rpc,
    receiver: c.receiver,
    token: c.token,
    escrow: c.escrow,
    depositCollector: c.depositCollector,
    withdrawDelay: c.withdrawDelay,
    minDeposit: c.minDeposit,
    exact: c.exact,
    store: c.store,
    facilitator: c.facilitator,
    settlement: { ...settlement, intervalMs: interval },
    preserveHost: c.preserveHost,
    upstreamTimeoutMs: c.upstreamTimeout,
    admin: c.admin === false ? false : { ...DEFAULT_ADMIN, ...(c.admin ?? {}) },
    routes: c.routes,
  };
}
