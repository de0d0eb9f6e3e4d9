/**
 * Header rewriting of the gateway, on raw header lists (`rawHeaders`: name, value, name, value...) so names keep
 * their case and repeated fields (Set-Cookie, Cache-Control...) their order and count.
 *
 * - Hop-by-hop fields are removed in both directions (RFC 9110 §7.6.1): Connection, every field Connection names,
 *   Proxy-Connection, Keep-Alive, TE, Transfer-Encoding, Upgrade. Node frames the body again on each hop.
 * - To the upstream: `x-forwarded-for` gets the client's address appended; `x-forwarded-host` and
 *   `x-forwarded-proto` are set when absent (a front proxy's are kept); `via` gets this hop. Host is the upstream's
 *   own (or the client's, with `preserveHost`). The payment headers are the gateway's business and not forwarded;
 *   `x-z402-payer` is set by the gateway only (a client's is dropped).
 */
import type { IncomingMessage } from "node:http";

export type RawHeaders = string[];

const HOP_BY_HOP = ["connection", "proxy-connection", "keep-alive", "te", "transfer-encoding", "upgrade"];
/** Request fields the upstream never gets: payment credentials, and fields only the gateway may set. */
const NOT_FORWARDED = ["payment-signature", "x-payment", "x-z402-payer", "host", "expect"];
export const VIA = "1.1 z402-gateway";
export const PAYER_HEADER = "x-z402-payer";

/** Lower-cased names of the hop-by-hop fields of a message: the fixed list plus what its Connection names. */
export function hopByHop(raw: RawHeaders): Set<string> {
  const names = new Set(HOP_BY_HOP);
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() !== "connection") continue;
    for (const token of raw[i + 1].split(",")) if (token.trim()) names.add(token.trim().toLowerCase());
  }
  return names;
}

/** `raw` without the fields named in `drop` (lower-case). */
export function without(raw: RawHeaders, drop: Set<string>): RawHeaders {
  const out: RawHeaders = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!drop.has(raw[i].toLowerCase())) out.push(raw[i], raw[i + 1]);
  }
  return out;
}

/** The values of a field, in order. */
export function values(raw: RawHeaders, name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === name) out.push(raw[i + 1]);
  return out;
}

/** Appends a value to a list-valued field (one field line, comma-joined, as proxies do). */
function append(raw: RawHeaders, name: string, value: string): RawHeaders {
  const existing = values(raw, name);
  const rest = without(raw, new Set([name]));
  return [...rest, name, [...existing, value].join(", ")];
}

export interface ForwardOptions {
  /** `host[:port]` of the upstream, sent as Host unless `preserveHost`. */
  upstreamHost: string;
  preserveHost: boolean;
  /** Extra fields set by the gateway (e.g. the payer). */
  extra?: Array<[string, string]>;
}

/** The request header list sent to the upstream. */
export function upstreamRequestHeaders(req: IncomingMessage, opts: ForwardOptions): RawHeaders {
  const raw = req.rawHeaders;
  const drop = hopByHop(raw);
  for (const name of NOT_FORWARDED) drop.add(name);
  let out = without(raw, drop);
  const clientHost = req.headers.host;
  out.unshift("Host", opts.preserveHost && clientHost ? clientHost : opts.upstreamHost);
  out = append(out, "x-forwarded-for", req.socket.remoteAddress ?? "unknown");
  if (values(out, "x-forwarded-host").length === 0 && clientHost) out.push("x-forwarded-host", clientHost);
  if (values(out, "x-forwarded-proto").length === 0) {
    const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
    out.push("x-forwarded-proto", encrypted ? "https" : "http");
  }
  out = append(out, "via", VIA);
  for (const [name, value] of opts.extra ?? []) out.push(name, value);
  return out;
}

/** The response header list sent to the client: the upstream's without hop-by-hop fields and `drop`, plus `add`. */
export function clientResponseHeaders(
  up: IncomingMessage,
  drop: string[] = [],
  add: Record<string, string> = {},
): RawHeaders {
  const names = hopByHop(up.rawHeaders);
  for (const name of drop) names.add(name.toLowerCase());
  for (const name of Object.keys(add)) names.add(name.toLowerCase());
  const out = append(without(up.rawHeaders, names), "via", VIA);
  for (const [name, value] of Object.entries(add)) out.push(name, value);
  return out;
}

/** A header list as a record (repeated fields joined with ", "), minus `skip`: for stored idempotent answers. */
export function toRecord(raw: RawHeaders, skip: Set<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (skip.has(name)) continue;
    out[name] = out[name] === undefined ? raw[i + 1] : `${out[name]}, ${raw[i + 1]}`;
  }
  return out;
}
