import { z } from "zod";
import { getAddress } from "ethers";
import { PaymentRefusal, REASONS } from "./reasons";
import { decodeBase64Utf8 } from "../codec/base64";
import { parseJsonObject } from "../codec/json";
import { BaseError } from "../errors/base";
import { stringifyWire } from "../codec/json";
import { memoizedSchema } from "./memo-schema";
import { DECIMAL_UINT } from "../utils/uint";

const MAX_UINT128 = (1n << 128n) - 1n;
const MAX_UINT256 = (1n << 256n) - 1n;

/** A decimal string of at most `max` (one check, so a malformed string never reaches `BigInt`). */
const uintString = (max: bigint) =>
  z.string().refine((s) => DECIMAL_UINT.test(s) && BigInt(s) <= max, "not a uint");
export const uint128 = uintString(MAX_UINT128);
export const uint256 = uintString(MAX_UINT256);
const checksummed = new Set<string>();
/** Mixed-case addresses must carry a valid EIP-55 checksum (results memoized: the hot path sees few addresses). */
function validChecksum(a: string): boolean {
  const body = a.slice(2);
  if (body === body.toLowerCase() || body === body.toUpperCase()) return true;
  if (checksummed.has(a)) return true;
  let ok = false;
  try {
    ok = getAddress(a) === a;
  } catch {
    ok = false;
  }
  if (ok) {
    if (checksummed.size > 100_000) checksummed.clear();
    checksummed.add(a);
  }
  return ok;
}
export const address = z
  .string()
  .refine((a) => /^0x[0-9a-fA-F]{40}$/.test(a) && validChecksum(a), "bad address");
export const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
export const signature = z.string().regex(/^0x([0-9a-fA-F]{2})+$/);
const network = z.string().regex(/^[a-z0-9-]{3,8}:[-_a-zA-Z0-9]{1,32}$/);

const requirementsShape = z.object({
  scheme: z.string().max(64),
  network,
  asset: address,
  amount: uint256,
  payTo: address,
  maxTimeoutSeconds: z.number().int().nonnegative(),
  extra: z.record(z.string(), z.unknown()).optional(),
});
/** One `accepts[]` entry (memoized: a client repeats the same offer on every request). */
export const requirementsSchema = memoizedSchema(requirementsShape);

const channelConfigShape = z.strictObject({
  payer: address,
  payerAuthorizer: address,
  receiver: address,
  receiverAuthorizer: address,
  token: address,
  withdrawDelay: z
    .number()
    .int()
    .min(0)
    .max(2 ** 40 - 1),
  salt: bytes32,
});
/** A `ChannelConfig` (memoized: every request on a channel repeats it). */
export const channelConfigSchema = memoizedSchema(channelConfigShape);

const voucherSchema = z.strictObject({ channelId: bytes32, maxClaimableAmount: uint128, signature });

export const batchPayloadSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("voucher"), channelConfig: channelConfigSchema, voucher: voucherSchema }),
  z.strictObject({
    type: z.literal("deposit"),
    channelConfig: channelConfigSchema,
    voucher: voucherSchema,
    deposit: z.strictObject({
      amount: uint128,
      authorization: z.strictObject({
        erc3009Authorization: z.strictObject({
          validAfter: uint256,
          validBefore: uint256,
          salt: bytes32,
          signature,
        }),
      }),
    }),
  }),
]);

/** A cooperative refund: a zero-charge voucher (`maxClaimableAmount` == charged so far) and an optional amount. */
export const refundPayloadSchema = z.strictObject({
  type: z.literal("refund"),
  channelConfig: channelConfigSchema,
  voucher: voucherSchema,
  amount: uint128.optional(),
});

export const exactPayloadSchema = z.strictObject({
  signature,
  authorization: z.strictObject({
    from: address,
    to: address,
    value: uint256,
    validAfter: uint256,
    validBefore: uint256,
    nonce: bytes32,
  }),
});

const extensionsSchema = z.record(z.string(), z.unknown()).optional();

const v2Schema = z.strictObject({
  x402Version: z.literal(2),
  resource: z.record(z.string(), z.unknown()).optional(),
  accepted: requirementsSchema,
  payload: z.record(z.string(), z.unknown()),
  extensions: extensionsSchema,
});

const v1Schema = z.strictObject({
  x402Version: z.literal(1),
  scheme: z.string().max(64),
  network: z.string().max(64),
  payload: z.record(z.string(), z.unknown()),
});

export type PaymentPayloadV2 = z.infer<typeof v2Schema>;
export type PaymentPayloadV1 = z.infer<typeof v1Schema>;
export type DecodedPayment = PaymentPayloadV2 | PaymentPayloadV1;

/**
 * Decodes one payment header with the SDK codec's rules (canonical padded base64 of UTF-8, JSON object
 * without prototype keys or deep nesting), then checks the envelope against a strict schema.
 */
export function decodePaymentHeader(value: string, maxBytes: number): DecodedPayment {
  let json: Record<string, unknown>;
  try {
    json = parseJsonObject(decodeBase64Utf8(value, maxBytes), "payment header");
  } catch (err) {
    if (err instanceof BaseError) throw new PaymentRefusal(err.code, 400);
    throw err;
  }
  const version = json.x402Version;
  if (version !== 1 && version !== 2) throw new PaymentRefusal(REASONS.invalidX402Version, 400);
  const parsed = (version === 2 ? v2Schema : v1Schema).safeParse(json);
  if (!parsed.success) throw new PaymentRefusal(REASONS.invalidPayload, 400);
  return parsed.data;
}

/** Parses a scheme-specific payload with its schema, refusing with `invalid_payload`. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new PaymentRefusal(REASONS.invalidPayload, 400);
  return parsed.data;
}

/** Standard padded base64 of UTF-8 JSON (bigints as decimal strings). */
export function encodeHeader(value: unknown): string {
  return Buffer.from(stringifyWire(value)).toString("base64");
}

/** The x402 `payment-identifier` extension's id, if the payment carries a valid one. */
export function paymentIdentifier(payment: DecodedPayment): string {
  if (payment.x402Version !== 2) return "";
  const ext = payment.extensions?.["payment-identifier"] as { info?: { id?: unknown } } | undefined;
  const id = ext?.info?.id;
  if (id === undefined) return "";
  if (typeof id !== "string" || !/^[A-Za-z0-9_-]{16,128}$/.test(id)) {
    throw new PaymentRefusal(REASONS.invalidPayload, 400);
  }
  return id;
}
