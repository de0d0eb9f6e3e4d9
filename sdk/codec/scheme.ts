/** Decoding of scheme payloads and `extra` objects inside an already-decoded envelope. */
import type {
  BatchSettlementPayload,
  BatchSettlementRequirementsExtra,
  BatchSettlementResponseExtra,
} from "../types/batch-settlement";
import type { ExactEvmPayload } from "../types/exact";
import { X402_REASONS } from "../errors/reasons";
import { parseOrThrow } from "../schemas/parse";
import {
  BatchSettlementPayloadSchema,
  BatchSettlementRequirementsExtraSchema,
  BatchSettlementResponseExtraSchema,
} from "../schemas/batch-settlement";
import { ExactEvmPayloadSchema } from "../schemas/exact";

/** The `payload` of a `batch-settlement` payment (deposit, voucher or refund). */
export function parseBatchSettlementPayload(payload: unknown): BatchSettlementPayload {
  return parseOrThrow(BatchSettlementPayloadSchema, payload, "batch-settlement payload");
}

/** `extra` of a `batch-settlement` requirement. */
export function parseBatchSettlementExtra(extra: unknown): BatchSettlementRequirementsExtra {
  return parseOrThrow(
    BatchSettlementRequirementsExtraSchema,
    extra,
    "batch-settlement extra",
    X402_REASONS.invalidPaymentRequirements,
  ) as BatchSettlementRequirementsExtra;
}

/** `extra` of a `batch-settlement` settlement response. */
export function parseBatchSettlementResponseExtra(extra: unknown): BatchSettlementResponseExtra {
  return parseOrThrow(BatchSettlementResponseExtraSchema, extra, "batch-settlement response extra");
}

/** The `payload` of an `exact` EVM payment. */
export function parseExactEvmPayload(payload: unknown): ExactEvmPayload {
  return parseOrThrow(ExactEvmPayloadSchema, payload, "exact payload");
}
