/**
 * What a metered route charges, known before the charge is committed (before the body is streamed):
 * 1. the units the upstream states in its units header (`x-z402-units` unless configured), else
 * 2. for a size unit (B, kB, KiB, MB, MiB), the body's size: its Content-Length, or, without one, the size of a body
 *    that ends within the measuring window (read ahead, bounded), else
 * 3. the route's `max` (what the client agreed to at most, and what the paywall reserved).
 * The charge is `ceil(units × perUnit)`, capped at `max`.
 */
import type { IncomingMessage } from "node:http";
import type { MeteredPrice } from "./fields";

/** How far the gateway reads ahead to measure a size-metered body without a Content-Length (bytes). */
export const MEASURE_WINDOW = 1024 * 1024;

export interface Metered {
  charge: bigint;
  units: string;
  source: "header" | "size" | "max";
}

const SCALE = 10n ** 18n;

/** A non-negative decimal (`42`, `1.5`) scaled by 10^18, or undefined when malformed. */
function scaled(text: string): bigint | undefined {
  const m = /^\s*(\d{1,30})(?:\.(\d{1,18}))?\s*$/.exec(text);
  if (!m) return undefined;
  return BigInt(m[1]) * SCALE + BigInt((m[2] ?? "").padEnd(18, "0"));
}

function capped(p: MeteredPrice, charge: bigint): bigint {
  return charge > p.max ? p.max : charge;
}

/** The charge of a metered response from its units header value and its size in bytes (when known). */
export function meteredCharge(p: MeteredPrice, unitsHeader: string | undefined, bytes?: number): Metered {
  const stated = unitsHeader === undefined ? undefined : scaled(unitsHeader);
  if (stated !== undefined) {
    const charge = (stated * p.perUnit + SCALE - 1n) / SCALE;
    return { charge: capped(p, charge), units: unitsHeader!.trim(), source: "header" };
  }
  if (p.unitBytes !== undefined && bytes !== undefined) {
    const units = (BigInt(bytes) + BigInt(p.unitBytes) - 1n) / BigInt(p.unitBytes);
    return { charge: capped(p, units * p.perUnit), units: units.toString(), source: "size" };
  }
  return { charge: p.max, units: "", source: "max" };
}

/** The response's Content-Length, when it has one valid value. */
export function contentLength(up: IncomingMessage): number | undefined {
  const v = up.headers["content-length"];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

export interface ReadAhead {
  chunks: Buffer[];
  bytes: number;
  /** The whole body was read (it ended within the limit). */
  ended: boolean;
}

/**
 * Reads `stream` until it ends or more than `limit` bytes arrived, then pauses it (what was read is returned and
 * must be sent first; the rest can then be piped). Rejects if the stream fails meanwhile.
 */
export function readAhead(stream: IncomingMessage, limit: number): Promise<ReadAhead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const done = (ended: boolean) => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      resolve({ chunks, bytes, ended });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      bytes += chunk.length;
      if (bytes > limit) {
        stream.pause();
        done(false);
      }
    };
    const onEnd = () => done(true);
    const onError = (err: Error) => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      reject(err);
    };
    stream.on("data", onData);
    stream.once("end", onEnd);
    stream.once("error", onError);
  });
}
