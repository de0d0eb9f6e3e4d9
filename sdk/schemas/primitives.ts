/** Zod schemas of the wire's scalar fields. Formats are checked with regexes before any `BigInt` conversion. */
import { z } from "zod";
import { isAddressAccepted } from "../utils/address";

const DECIMAL_RE = /^(0|[1-9][0-9]*)$/;
const BYTES32_RE = /^0x[0-9a-fA-F]{64}$/;
const HEX_BYTES_RE = /^0x(?:[0-9a-fA-F]{2})*$/;
/** CAIP-2: namespace (3-8 chars) ":" reference (1-32 chars). */
export const CAIP2_RE = /^[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,32}$/;
/** x402 v1 network names: lower-case words joined by dashes. */
export const V1_NETWORK_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const MAX_UINT128 = (1n << 128n) - 1n;
export const MAX_UINT256 = (1n << 256n) - 1n;

/** A decimal string (no sign, no leading zeros, no exponent) whose value fits in `bits` bits. */
export function uintString(bits: 40 | 64 | 128 | 256) {
  const max = (1n << BigInt(bits)) - 1n;
  const maxDigits = max.toString().length;
  return (
    z
      .string()
      .max(maxDigits, { message: `at most ${maxDigits} digits` })
      .regex(DECIMAL_RE, { message: "expected a decimal string without sign, exponent or leading zeros" })
      // zod runs every check even after one fails: re-test the format so BigInt only ever sees plain digits.
      .refine((v) => v.length <= maxDigits && DECIMAL_RE.test(v) && BigInt(v) <= max, {
        message: `exceeds uint${bits}`,
      })
  );
}

export const uint128String = uintString(128);
export const uint256String = uintString(256);

/** 0x + 40 hex digits; mixed case must be the EIP-55 checksum. */
export const addressSchema = z
  .string()
  .refine(isAddressAccepted, {
    message: "expected an address (0x + 40 hex digits, valid EIP-55 checksum if mixed case)",
  })
  .transform((v) => v as `0x${string}`);

/** 0x + 64 hex digits. */
export const bytes32Schema = z
  .string()
  .regex(BYTES32_RE, { message: "expected 0x + 64 hex digits" })
  .transform((v) => v as `0x${string}`);

/** A signature: whole bytes, 64 to 4096 of them (65 for EOAs, longer for ERC-1271 / ERC-6492 wallets). */
export const signatureSchema = z
  .string()
  .min(2 + 128)
  .max(2 + 8192)
  .regex(HEX_BYTES_RE, { message: "expected 0x-prefixed hex bytes" })
  .transform((v) => v as `0x${string}`);

export const caip2Schema = z
  .string()
  .regex(CAIP2_RE, { message: "expected a CAIP-2 network id such as eip155:8453" })
  .transform((v) => v as `${string}:${string}`);

export const v1NetworkSchema = z
  .string()
  .max(64)
  .regex(V1_NETWORK_RE, { message: "expected an x402 v1 network name" });

/** A scheme name: lower-case words joined by dashes. */
export const schemeSchema = z.string().max(64).regex(V1_NETWORK_RE, { message: "expected a scheme name" });

/** `withdrawDelay` and similar uint40 second counts carried as JSON numbers. */
export const uint40Number = z
  .number()
  .int()
  .min(0)
  .max(2 ** 40 - 1);

export const secondsNumber = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

export const extraRecord = z.record(z.string(), z.unknown());
