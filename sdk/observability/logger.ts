import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";
import type { ObservabilityOptions } from "./types";

/** Hex runs longer than a 32-byte word (signatures, calldata) and long base64 runs (payment headers). */
const LONG_HEX = /0x[0-9a-fA-F]{65,}/g;
const LONG_BASE64 = /[A-Za-z0-9+/_-]{100,}={0,2}/g;
/** Keys whose values are secrets (never logged) or signatures (truncated). */
const SECRET_KEY = /authorization|secret|password|private|mnemonic|^key$|cookie/i;
const SIGNATURE_KEY = /signature|^x-payment$/i;

/** The first 10 characters of `value`, marked as cut. */
export const truncate = (value: string): string => (value.length > 10 ? `${value.slice(0, 10)}…` : value);

/** `text` with every long hex or base64 run cut to its first 10 characters. */
export function scrub(text: string): string {
  return text.replace(LONG_HEX, truncate).replace(LONG_BASE64, truncate);
}

/** `value` with secret keys redacted and signature keys truncated (objects walked a few levels down). */
function redact(value: unknown, depth = 0): unknown {
  if (value instanceof Error) {
    const { name, message, stack } = value;
    return { type: name, message, stack, ...(redact({ ...value }, depth + 1) as object) };
  }
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (SECRET_KEY.test(k)) out[k] = "[redacted]";
    else if (SIGNATURE_KEY.test(k) && typeof v === "string") out[k] = truncate(v);
    else out[k] = typeof v === "bigint" ? v.toString() : redact(v, depth + 1);
  }
  return out;
}

/** pino-pretty as a synchronous stream, when it is installed (it is a development dependency). */
function prettyStream(): DestinationStream | undefined {
  try {
    const build = createRequire(__filename)("pino-pretty") as (o: object) => DestinationStream;
    return build({ colorize: true, sync: true, translateTime: "SYS:HH:MM:ss.l" });
  } catch {
    return undefined;
  }
}

/**
 * The structured logger: JSON lines with `service`, level labels and ISO times. Every line is scrubbed on its way
 * out (long hex and base64 runs cut to 10 characters), and secret-named fields are redacted before that.
 */
export function createLogger(o: ObservabilityOptions): Logger {
  const options: LoggerOptions = {
    level: o.level ?? process.env.LOG_LEVEL ?? "info",
    base: { service: o.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => redact(obj) as Record<string, unknown>,
    },
    // Errors are already plain objects (see `redact`); pino's serializer would rename their type.
    serializers: { err: (value: unknown) => (value instanceof Error ? redact(value) : value) },
    hooks: { streamWrite: scrub },
  };
  const pretty = o.pretty ?? (process.env.NODE_ENV !== "production" && process.stdout.isTTY === true);
  // Synchronous stdout: no line is lost when the process ends right after it (a crash, a shutdown's last line).
  const stream =
    o.destination ?? (pretty ? prettyStream() : undefined) ?? pino.destination({ dest: 1, sync: true });
  return pino(options, stream);
}

const SANE_ID = /^[\w.:-]{1,64}$/;

/** The caller's `x-request-id` when it looks like one, else a new id. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && SANE_ID.test(value) ? value : randomUUID();
}

/**
 * The request's id, set on its `x-request-id` header when missing (or not sane), so the paywall's log lines
 * for this request carry the same id as the caller's own. Returns it.
 */
export function ensureRequestId(req: IncomingMessage): string {
  const id = requestIdFrom(req.headers["x-request-id"]);
  req.headers["x-request-id"] = id;
  return id;
}
