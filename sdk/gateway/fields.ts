/**
 * Field parsers of the gateway config: each turns one raw YAML/JSON value into its typed form, or adds one issue
 * (a short phrase, no capital, no full stop: the loader prefixes the path) and returns `z.NEVER`.
 */
import { z } from "zod";

type Ctx = z.RefinementCtx;

/** Adds one issue; returns `z.NEVER` (the transform's "no value"). */
function fail(ctx: Ctx, message: string, path: PropertyKey[] = []): never {
  ctx.addIssue({ code: "custom", message, path });
  return z.NEVER;
}

/** The error of a zod schema's own checks: "required" when the field is absent, `expected` otherwise. */
export const expect = (expected: string) => ({
  error: (iss: { input?: unknown }) => (iss.input === undefined ? "required" : `expected ${expected}`),
});

/** A positive integer (number, or a string of digits for amounts past 2^53) as a bigint; undefined if not. */
function toPositive(value: unknown): bigint | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return BigInt(value);
  if (typeof value === "string" && /^[1-9]\d*$/.test(value.trim())) return BigInt(value.trim());
  return undefined;
}

/** A positive integer as a bigint, or an issue at `path` (then undefined). */
function positiveAt(value: unknown, ctx: Ctx, path: PropertyKey[]): bigint | undefined {
  const n = toPositive(value);
  if (n === undefined)
    ctx.addIssue({
      code: "custom",
      message: value === undefined ? "required" : "expected a positive integer",
      path,
    });
  return n;
}

/** Transform: a positive integer (atomic units) as a bigint. */
export function positive(value: unknown, ctx: Ctx): bigint {
  return positiveAt(value, ctx, []) ?? z.NEVER;
}

export const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
export const address = z.string(expect("an address (0x followed by 40 hex digits)")).regex(ADDRESS, {
  error: "expected an address (0x followed by 40 hex digits)",
});

/** A duration: seconds as a number, or a string with a unit (`500ms`, `30s`, `5m`, `1h`); in milliseconds. */
export function duration(value: unknown, ctx: Ctx): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return Math.round(value * 1000);
  const m = typeof value === "string" ? /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/.exec(value.trim()) : null;
  if (m && Number(m[1]) > 0) return Math.round(Number(m[1]) * units[m[2]]);
  return fail(ctx, "expected a duration such as 30s, 5m or 1h (a number is seconds)");
}

/** Bytes per unit of the size units a metered route may charge by. */
export const BYTE_UNITS: Record<string, number> = {
  B: 1,
  kB: 1000,
  KB: 1000,
  KiB: 1024,
  MB: 1_000_000,
  MiB: 1024 * 1024,
};

export const UNITS_HEADER = "x-z402-units";

export interface FixedPrice {
  kind: "fixed";
  amount: bigint;
}

/**
 * A per-unit price. The charge is `units × perUnit`, capped at `max` (the advertised price, reserved up front):
 * units from the upstream's `header` when it sends one, else from the response size for a byte `unit`, else `max`.
 */
export interface MeteredPrice {
  kind: "metered";
  perUnit: bigint;
  unit: string;
  max: bigint;
  header: string;
  /** Bytes per unit when `unit` is a size unit (B, kB, KiB, MB, MiB). */
  unitBytes?: number;
}

export type Price = FixedPrice | MeteredPrice;

const METERED_KEYS = new Set(["perUnit", "unit", "max", "header"]);

/** A fixed price (positive integer, atomic units) or `{perUnit, unit, max, header?}`. */
export function price(value: unknown, ctx: Ctx): Price {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    if (value === undefined) return fail(ctx, "required");
    const amount = positiveAt(value, ctx, []);
    return amount === undefined ? z.NEVER : { kind: "fixed", amount };
  }
  const raw = value as Record<string, unknown>;
  let ok = true;
  for (const key of Object.keys(raw).filter((k) => !METERED_KEYS.has(k))) {
    ctx.addIssue({
      code: "custom",
      message: "unknown field (a metered price has perUnit, unit, max, header)",
      path: [key],
    });
    ok = false;
  }
  const perUnit = positiveAt(raw.perUnit, ctx, ["perUnit"]);
  const max = positiveAt(raw.max, ctx, ["max"]);
  const unit = typeof raw.unit === "string" && raw.unit.trim() !== "" ? raw.unit.trim() : undefined;
  if (!unit) {
    const message = raw.unit === undefined ? "required" : "expected a unit name such as kB or token";
    ctx.addIssue({ code: "custom", message, path: ["unit"] });
  }
  const header = raw.header === undefined ? UNITS_HEADER : raw.header;
  const headerOk = typeof header === "string" && /^[a-z0-9!#$%&'*+.^_`|~-]+$/i.test(header);
  if (!headerOk) {
    ctx.addIssue({
      code: "custom",
      message: "expected a header name such as x-z402-units",
      path: ["header"],
    });
  }
  if (!ok || perUnit === undefined || max === undefined || !unit || !headerOk) return z.NEVER;
  if (perUnit > max) return fail(ctx, "expected at least perUnit (one unit must be affordable)", ["max"]);
  const name = (header as string).toLowerCase();
  return { kind: "metered", perUnit, unit, max, header: name, unitBytes: BYTE_UNITS[unit] };
}

export type StoreConfig =
  | { kind: "sqlite"; file: string }
  | { kind: "redis"; url: string; prefix?: string }
  | { kind: "postgres"; url: string };

const UNKNOWN_STORE = "use a SQLite file path, a redis:// URL or a postgres:// URL";

/** `path/to/file.sqlite`, `sqlite:<file>`, `redis://…`, `postgres://…`, or `{sqlite}`, `{redis, prefix?}`, `{postgres}`. */
export function store(value: unknown, ctx: Ctx): StoreConfig {
  if (typeof value === "string") {
    const v = value.trim();
    if (/^rediss?:\/\//i.test(v)) return { kind: "redis", url: v };
    if (/^postgres(ql)?:\/\//i.test(v)) return { kind: "postgres", url: v };
    if (/^sqlite:/i.test(v)) return { kind: "sqlite", file: v.slice("sqlite:".length).replace(/^\/\//, "") };
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(v);
    if (scheme) return fail(ctx, `unknown store "${scheme[1]}": ${UNKNOWN_STORE}`);
    if (v === "") return fail(ctx, `expected a store: ${UNKNOWN_STORE}`);
    return { kind: "sqlite", file: v };
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const raw = value as Record<string, unknown>;
    const kinds = Object.keys(raw).filter((k) => k !== "prefix");
    const text = (k: string) =>
      typeof raw[k] === "string" && raw[k] !== "" ? (raw[k] as string) : undefined;
    if (kinds.length === 1 && kinds[0] === "sqlite" && text("sqlite") && raw.prefix === undefined)
      return { kind: "sqlite", file: text("sqlite")! };
    if (kinds.length === 1 && kinds[0] === "postgres" && text("postgres") && raw.prefix === undefined)
      return { kind: "postgres", url: text("postgres")! };
    if (kinds.length === 1 && kinds[0] === "redis" && text("redis")) {
      if (raw.prefix !== undefined && typeof raw.prefix !== "string")
        return fail(ctx, "expected a string", ["prefix"]);
      return { kind: "redis", url: text("redis")!, prefix: raw.prefix as string | undefined };
    }
    const named = kinds.length === 1 ? `unknown store "${kinds[0]}": ` : "";
    return fail(ctx, `${named}${UNKNOWN_STORE} ({sqlite: file}, {redis: url, prefix}, {postgres: url})`);
  }
  return fail(ctx, `expected a store: ${UNKNOWN_STORE}`);
}
