/** Signing of the escrow's messages: vouchers, refunds and claim batches. */
import type { VoucherFields } from "../types/batch-settlement";
import type { Hex } from "../utils/hex";
import {
  hashClaimBatch,
  hashDomain,
  hashRefund,
  hashVoucher,
  toUint,
  typedDataDigest,
  type BigNumberish,
  type ClaimEntry,
} from "../eip712/hash";
import { claimBatchTypes, refundTypes, voucherTypes, type Eip712Domain } from "../eip712/types";
import { signTyped, type TypedDataSigner } from "./signer";

/** Signs a cumulative voucher; the result is the payload's `voucher` object. */
export async function signVoucher(
  signer: TypedDataSigner,
  domain: Eip712Domain,
  channelId: Hex,
  maxClaimableAmount: BigNumberish,
): Promise<VoucherFields> {
  const amount = toUint(maxClaimableAmount, 128, "maxClaimableAmount");
  const signature = await signTyped(
    signer,
    domain,
    voucherTypes,
    { channelId, maxClaimableAmount: amount },
    () => typedDataDigest(hashDomain(domain), hashVoucher(channelId, amount)),
  );
  return { channelId, maxClaimableAmount: amount.toString(), signature };
}

/** Signs a cooperative refund (by the receiverAuthorizer), for `refundWithSignature`. */
export async function signRefund(
  signer: TypedDataSigner,
  domain: Eip712Domain,
  channelId: Hex,
  nonce: BigNumberish,
  amount: BigNumberish,
): Promise<Hex> {
  const n = toUint(nonce, 256, "nonce");
  const a = toUint(amount, 128, "amount");
  return signTyped(signer, domain, refundTypes, { channelId, nonce: n, amount: a }, () =>
    typedDataDigest(hashDomain(domain), hashRefund(channelId, n, a)),
  );
}

/** Signs a claim batch (by the receiverAuthorizer), for `claimWithSignature`. */
export async function signClaimBatch(
  signer: TypedDataSigner,
  domain: Eip712Domain,
  entries: readonly ClaimEntry[],
): Promise<Hex> {
  const claims = entries.map((e) => ({
    channelId: e.channelId,
    maxClaimableAmount: toUint(e.maxClaimableAmount, 128, "maxClaimableAmount"),
    totalClaimed: toUint(e.totalClaimed, 128, "totalClaimed"),
  }));
  return signTyped(signer, domain, claimBatchTypes, { claims }, () =>
    typedDataDigest(hashDomain(domain), hashClaimBatch(claims)),
  );
}
