import { BaseError } from "../errors/base";
import type { ChannelBook, ClientChannel } from "./channels";
import { voucherSigner } from "./sign";
import { decodeJson, type Offer } from "./wire";
import { decimalUint as uint } from "../utils/uint";

/** A server answer the client refuses to build on (the channel is then disabled). */
export class PaymentResponseError extends BaseError<"z402_payment_response_invalid"> {
  override name = "PaymentResponseError";
}

/**
 * Checks a voucher request's `PAYMENT-RESPONSE` before the next voucher is signed: the charge is at most the
 * price and the cumulative charge is ours plus that charge, on our channel. Returns the charge, or -1 when
 * the answer carries no payment response (nothing was charged).
 */
export function applyPaymentResponse(ch: ClientChannel, header: string | null, price: bigint): bigint {
  if (!header) return -1n;
  const pr = decodeJson(header) as {
    extra?: { chargedAmount?: unknown; channelState?: Record<string, unknown> };
  };
  const state = pr?.extra?.channelState;
  const charged = uint(pr?.extra?.chargedAmount);
  const cumulative = uint(state?.chargedCumulativeAmount);
  const balance = uint(state?.balance);
  const fail = (why: string) => {
    ch.poisoned = true;
    return new PaymentResponseError("z402_payment_response_invalid", why);
  };
  if (!state || charged === undefined || cumulative === undefined || balance === undefined) {
    throw fail("PAYMENT-RESPONSE is malformed");
  }
  if (charged > price || String(state.channelId).toLowerCase() !== ch.id) {
    throw fail("PAYMENT-RESPONSE inconsistent with the voucher");
  }
  if (cumulative !== ch.charged + charged) throw fail("cumulative charge does not add up");
  ch.charged = cumulative;
  ch.balance = balance;
  return charged;
}

/**
 * Adopts a corrective 402's channel state only when the voucher it returns is one we signed (so the server
 * can claim no more than it shows); without a voucher, only the chain's `totalClaimed` is believed.
 */
export async function adoptCorrective(
  ch: ClientChannel,
  offer: Offer,
  ctx: { chainId: bigint; escrow: string; session: string; book: ChannelBook },
): Promise<boolean> {
  const state = offer.extra.channelState as Record<string, unknown> | undefined;
  const voucher = offer.extra.voucherState as
    { signedMaxClaimable?: unknown; signature?: unknown } | undefined;
  const charged = uint(state?.chargedCumulativeAmount);
  const balance = uint(state?.balance);
  if (!state || charged === undefined || balance === undefined) return false;
  if (String(state.channelId).toLowerCase() !== ch.id) return false;
  const max = uint(voucher?.signedMaxClaimable);
  if (max !== undefined && typeof voucher?.signature === "string") {
    let signer = "";
    try {
      signer = voucherSigner(ctx.chainId, ctx.escrow, ch.id, max, voucher.signature);
    } catch {
      return false;
    }
    if (signer !== ctx.session || charged > max) return false;
    ch.charged = charged;
    ch.balance = balance;
    return true;
  }
  ch.loaded = false;
  await ctx.book.ensureLoaded(ch);
  return ch.charged === charged;
}
