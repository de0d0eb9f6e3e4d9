/** Zod schemas of the `exact` (EIP-3009) payload. */
import { z } from "zod";
import { addressSchema, bytes32Schema, signatureSchema, uint256String } from "./primitives";

export const Eip3009AuthorizationSchema = z.object({
  from: addressSchema,
  to: addressSchema,
  value: uint256String,
  validAfter: uint256String,
  validBefore: uint256String,
  nonce: bytes32Schema,
});

export const ExactEvmPayloadSchema = z.object({
  signature: signatureSchema,
  authorization: Eip3009AuthorizationSchema,
});

/** `extra` of an `exact` EVM requirement: the token's EIP-712 domain name and version. */
export const ExactRequirementsExtraSchema = z.looseObject({
  name: z.string().min(1).max(64),
  version: z.string().min(1).max(16),
});
