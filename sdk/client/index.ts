export { wrapFetch, PaymentResponseError, type WrapFetchOptions } from "./fetch";
export type { RefundOptions, RefundResult } from "./refund";
export { SpendCaps, SpendCapError, type SpendCapOptions } from "./caps";
export { ChannelBook, type ClientChain, type ClientChannel } from "./channels";
export { ethersClientChain } from "./chain";
export { channelIdOf, signVoucher, voucherSigner, type ChannelConfig, type TypedDataSigner } from "./sign";
export { receiptOf, checkReceipt, type CapturedReceipt } from "./receipts";
export {
  verifyReceipt,
  verifyOffer,
  type Z402ReceiptPayload,
  type Z402ReceiptTerms,
} from "../verify/offer-receipt";
