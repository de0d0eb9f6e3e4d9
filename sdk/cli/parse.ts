/** Validators for command-line values: each returns the parsed value or throws a one-sentence UsageError. */
import { getAddress, isHexString, parseUnits } from "ethers";
import { UsageError } from "./errors";

/** USDC and the mock token both have 6 decimals. */
export const TOKEN_DECIMALS = 6;

/** A 20-byte address, returned checksummed. Accepts all-lowercase or correctly checksummed input. */
export function parseAddress(value: string, what = "address"): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw new UsageError(`"${value}" is not a valid ${what}: expected 0x followed by 40 hex digits`);
  }
  try {
    return getAddress(value);
  } catch {
    throw new UsageError(`"${value}" is not a valid ${what}: its checksum (mixed case) is wrong`);
  }
}

/** A 32-byte hex value such as a channel id. */
export function parseBytes32(value: string, what = "channel id"): string {
  if (!isHexString(value, 32))
    throw new UsageError(`"${value}" is not a valid ${what}: expected 0x and 64 hex digits`);
  return value.toLowerCase();
}

/** A private key: 32 bytes of hex, with or without 0x. Never echoes the value back. */
export function parsePrivateKey(value: string, source: string): string {
  const hex = value.startsWith("0x") ? value : `0x${value}`;
  if (!isHexString(hex, 32) || /^0x0+$/.test(hex)) {
    throw new UsageError(`The private key from ${source} is malformed: expected 64 hex digits`);
  }
  return hex;
}

/** A token amount in whole units ("0.001" USDC), returned in base units. */
export function parseTokenAmount(value: string, what = "amount"): bigint {
  if (!/^\d+(\.\d+)?$/.test(value))
    throw new UsageError(`"${value}" is not a valid ${what}: expected a number like 0.001`);
  try {
    return parseUnits(value, TOKEN_DECIMALS);
  } catch {
    throw new UsageError(`"${value}" is not a valid ${what}: at most ${TOKEN_DECIMALS} decimals`);
  }
}

/** A non-negative integer (agent ids, counts, block numbers). */
export function parseInteger(value: string, what: string, min = 0): bigint {
  if (!/^\d+$/.test(value) || BigInt(value) < BigInt(min)) {
    throw new UsageError(`"${value}" is not a valid ${what}: expected an integer ≥ ${min}`);
  }
  return BigInt(value);
}

/** A TCP port (0 picks a free one). */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535)
    throw new UsageError(`"${value}" is not a valid port: expected 0-65535`);
  return n;
}

/** An http(s) URL. */
export function parseUrl(value: string, what = "URL"): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`"${value}" is not a valid ${what}: expected http://host[:port]/path`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`"${value}" is not a valid ${what}: only http and https are supported`);
  }
  return url;
}

/** Formats base units of a 6-decimal token as "0.001 USDC". */
export function formatToken(amount: bigint, symbol = "USDC"): string {
  const neg = amount < 0n;
  const abs = neg ? -amount : amount;
  const whole = abs / 10n ** BigInt(TOKEN_DECIMALS);
  const frac = (abs % 10n ** BigInt(TOKEN_DECIMALS))
    .toString()
    .padStart(TOKEN_DECIMALS, "0")
    .replace(/0+$/, "");
  return `${neg ? "-" : ""}${whole}${frac ? `.${frac}` : ""} ${symbol}`;
}

/** Fails with one sentence when `host:port` is taken (port 0 is always free). */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const net = await import("node:net");
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "EADDRINUSE"
          ? new UsageError(`Port ${port} on ${host} is already in use: pick another with --port`)
          : err,
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
