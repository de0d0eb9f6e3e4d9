/** Whole-message digests (domain + struct), as hex, for callers that do not cache the domain separator. */
import { bytesToHex, type Hex } from "../utils/hex";
import type { ChannelConfig } from "../types/batch-settlement";
import {
  hashClaimBatch,
  hashDomain,
  hashReceiveWithAuthorization,
  hashRefund,
  hashTransferWithAuthorization,
  hashVoucher,
  computeChannelId,
  typedDataDigest,
  type AuthorizationFields,
  type BigNumberish,
  type ClaimEntry,
} from "./hash";
import type { Eip712Domain } from "./types";

export function channelIdFor(config: ChannelConfig, domain: Eip712Domain): Hex {
  return computeChannelId(config, hashDomain(domain));
}

export function voucherDigest(domain: Eip712Domain, channelId: Hex, maxClaimableAmount: BigNumberish): Hex {
  return bytesToHex(typedDataDigest(hashDomain(domain), hashVoucher(channelId, maxClaimableAmount)));
}

export function refundDigest(
  domain: Eip712Domain,
  channelId: Hex,
  nonce: BigNumberish,
  amount: BigNumberish,
): Hex {
  return bytesToHex(typedDataDigest(hashDomain(domain), hashRefund(channelId, nonce, amount)));
}

export function claimBatchDigest(domain: Eip712Domain, entries: readonly ClaimEntry[]): Hex {
  return bytesToHex(typedDataDigest(hashDomain(domain), hashClaimBatch(entries)));
}

export function transferWithAuthorizationDigest(tokenDomain: Eip712Domain, a: AuthorizationFields): Hex {
  return bytesToHex(typedDataDigest(hashDomain(tokenDomain), hashTransferWithAuthorization(a)));
}

export function receiveWithAuthorizationDigest(tokenDomain: Eip712Domain, a: AuthorizationFields): Hex {
  return bytesToHex(typedDataDigest(hashDomain(tokenDomain), hashReceiveWithAuthorization(a)));
}
