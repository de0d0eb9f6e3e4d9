/** Digest of typed data whose primary type is one the SDK knows (the session signer's generic entry point). */
import { ConfigError } from "../errors/classes";
import { Z402_REASONS } from "../errors/reasons";
import type { ChannelConfig } from "../types/batch-settlement";
import type { Hex } from "../utils/hex";
import {
  hashChannelConfig,
  hashClaimBatch,
  hashDomain,
  hashReceiveWithAuthorization,
  hashRefund,
  hashTransferWithAuthorization,
  hashVoucher,
  typedDataDigest,
  type AuthorizationFields,
  type BigNumberish,
  type ClaimEntry,
} from "../eip712/hash";
import type { Eip712Domain } from "../eip712/types";

type Fields = Record<string, ReadonlyArray<{ readonly name: string; readonly type: string }>>;

function structHash(types: Fields, value: Record<string, unknown>): Uint8Array {
  const names = Object.keys(types).filter((n) => n !== "EIP712Domain");
  const primary = names.length === 2 && names.includes("ClaimBatch") ? "ClaimBatch" : names[0];
  switch (names.length <= 2 ? primary : "") {
    case "Voucher":
      return hashVoucher(value.channelId as Hex, value.maxClaimableAmount as BigNumberish);
    case "Refund":
      return hashRefund(value.channelId as Hex, value.nonce as BigNumberish, value.amount as BigNumberish);
    case "ClaimBatch":
      return hashClaimBatch(value.claims as ClaimEntry[]);
    case "ChannelConfig":
      return hashChannelConfig(value as unknown as ChannelConfig);
    case "TransferWithAuthorization":
      return hashTransferWithAuthorization(value as unknown as AuthorizationFields);
    case "ReceiveWithAuthorization":
      return hashReceiveWithAuthorization(value as unknown as AuthorizationFields);
    default:
      throw new ConfigError(Z402_REASONS.signerFailed, "session signer cannot sign this typed data", {
        details: { types: names },
      });
  }
}

/** EIP-712 digest of one of the known typed-data messages. */
export function typedDataDigestOf(
  domain: Eip712Domain,
  types: Fields,
  value: Record<string, unknown>,
): Uint8Array {
  return typedDataDigest(hashDomain(domain), structHash(types, value));
}
