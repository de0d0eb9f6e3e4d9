/** Zod schemas of the escrow scheme's payloads and `extra` objects. */
import { z } from "zod";
import {
  addressSchema,
  bytes32Schema,
  signatureSchema,
  uint128String,
  uint256String,
  uint40Number,
} from "./primitives";

export const ChannelConfigSchema = z.object({
  payer: addressSchema,
  payerAuthorizer: addressSchema,
  receiver: addressSchema,
  receiverAuthorizer: addressSchema,
  token: addressSchema,
  withdrawDelay: uint40Number,
  salt: bytes32Schema,
});

export const VoucherFieldsSchema = z.object({
  channelId: bytes32Schema,
  maxClaimableAmount: uint128String,
  signature: signatureSchema,
});

export const Erc3009DepositAuthorizationSchema = z.object({
  validAfter: uint256String,
  validBefore: uint256String,
  salt: bytes32Schema,
  signature: signatureSchema,
});

export const DepositPayloadSchema = z.object({
  type: z.literal("deposit"),
  channelConfig: ChannelConfigSchema,
  voucher: VoucherFieldsSchema,
  deposit: z.object({
    amount: uint128String,
    authorization: z.object({ erc3009Authorization: Erc3009DepositAuthorizationSchema }),
  }),
});

export const VoucherPayloadSchema = z.object({
  type: z.literal("voucher"),
  channelConfig: ChannelConfigSchema,
  voucher: VoucherFieldsSchema,
});

export const RefundPayloadSchema = z.object({
  type: z.literal("refund"),
  channelConfig: ChannelConfigSchema,
  voucher: VoucherFieldsSchema,
  amount: uint128String.optional(),
});

export const BatchSettlementPayloadSchema = z.discriminatedUnion("type", [
  DepositPayloadSchema,
  VoucherPayloadSchema,
  RefundPayloadSchema,
]);

export const ChannelStateExtraSchema = z.object({
  channelId: bytes32Schema,
  balance: uint128String,
  totalClaimed: uint128String,
  withdrawRequestedAt: uint40Number,
  refundNonce: uint256String,
  chargedCumulativeAmount: uint128String.optional(),
});

export const VoucherStateExtraSchema = z.object({
  signedMaxClaimable: uint128String.optional(),
  signature: signatureSchema.optional(),
});

export const BatchSettlementRequirementsExtraSchema = z.looseObject({
  receiverAuthorizer: addressSchema,
  withdrawDelay: uint40Number,
  name: z.string().min(1).max(64),
  version: z.string().min(1).max(16),
  minDeposit: uint128String.optional(),
  assetTransferMethod: z.enum(["eip3009", "permit2"]).optional(),
  channelState: ChannelStateExtraSchema.optional(),
  voucherState: VoucherStateExtraSchema.optional(),
});

export const BatchSettlementResponseExtraSchema = z.looseObject({
  chargedAmount: uint128String.optional(),
  channelState: ChannelStateExtraSchema.optional(),
  voucherState: VoucherStateExtraSchema.optional(),
});
