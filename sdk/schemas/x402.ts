/** Zod schemas of the x402 envelopes, v2 and v1 (unknown fields are kept, as x402 peers may add some). */
import { z } from "zod";
import {
  caip2Schema,
  extraRecord,
  schemeSchema,
  secondsNumber,
  uint256String,
  v1NetworkSchema,
} from "./primitives";

const text = (max: number) => z.string().max(max);

export const ResourceInfoSchema = z.looseObject({
  url: text(2048),
  description: text(1024).optional(),
  mimeType: text(256).optional(),
  serviceName: text(256).optional(),
  tags: z.array(text(64)).max(32).optional(),
  iconUrl: text(2048).optional(),
});

export const PaymentRequirementsSchema = z.looseObject({
  scheme: schemeSchema,
  network: caip2Schema,
  asset: text(128).min(1),
  amount: uint256String,
  payTo: text(128).min(1),
  maxTimeoutSeconds: secondsNumber,
  extra: extraRecord.default({}),
});

export const PaymentRequiredSchema = z.looseObject({
  x402Version: z.literal(2),
  error: text(1024).optional(),
  resource: ResourceInfoSchema,
  accepts: z.array(PaymentRequirementsSchema).max(32),
  extensions: extraRecord.optional(),
});

export const PaymentPayloadSchema = z.looseObject({
  x402Version: z.literal(2),
  resource: ResourceInfoSchema.optional(),
  accepted: PaymentRequirementsSchema,
  payload: extraRecord,
  extensions: extraRecord.optional(),
});

export const PaymentRequirementsV1Schema = z.looseObject({
  scheme: schemeSchema,
  network: v1NetworkSchema,
  maxAmountRequired: uint256String,
  resource: text(2048),
  description: text(1024).default(""),
  mimeType: text(256).default(""),
  outputSchema: extraRecord.nullable().optional(),
  payTo: text(128).min(1),
  maxTimeoutSeconds: secondsNumber,
  asset: text(128).min(1),
  extra: extraRecord.nullable().optional(),
});

export const PaymentRequiredV1Schema = z.looseObject({
  x402Version: z.literal(1),
  error: text(1024).default(""),
  accepts: z.array(PaymentRequirementsV1Schema).max(32),
});

export const PaymentPayloadV1Schema = z.looseObject({
  x402Version: z.literal(1),
  scheme: schemeSchema,
  network: v1NetworkSchema,
  payload: extraRecord,
});

/** Settlement result, v2 (`PAYMENT-RESPONSE`) or v1 (`X-PAYMENT-RESPONSE`): networks in either form. */
export const SettleResponseSchema = z.looseObject({
  success: z.boolean(),
  errorReason: text(256).optional(),
  errorMessage: text(1024).optional(),
  payer: text(128).optional(),
  transaction: text(256),
  network: z.union([caip2Schema, v1NetworkSchema]),
  amount: z.union([uint256String, z.literal("")]).optional(),
  extensions: extraRecord.optional(),
  extra: extraRecord.optional(),
});
