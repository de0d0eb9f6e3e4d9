/**
 * Pays one request with `batch-settlement`: a voucher on the payer's channel with the receiver (with a deposit
 * when its balance is short), checked against the server's `PAYMENT-RESPONSE`; a corrective 402 is followed a
 * bounded number of times.
 */
import { X402_REASONS } from "../errors/reasons";
import { adoptCorrective, applyPaymentResponse, PaymentResponseError } from "./answers";
import { batchPayload, type BatchPayload } from "./batch-payload";
import { SpendCapError } from "./caps";
import { acceptedOf, channelConfigOf, type ClientChannel } from "./channels";
import type { ClientContext } from "./context";
import { echoExtensions } from "./extensions";
import { sendWithRetry } from "./retry";
import { randomBytes32 } from "./sign";
import { paymentRequiredOf, type Offer } from "./wire";

/** Vouchers sent for one request at most (the first and those after corrective 402s). */
const ATTEMPTS = 3;

export async function payBatch(
  ctx: ClientContext,
  url: string,
  init: RequestInit | undefined,
  offer: Offer,
  resource: unknown,
  declared?: Record<string, unknown>,
): Promise<Response> {
  const { book, caps, options } = ctx;
  const { session, payer } = await ctx.addresses();
  const config = channelConfigOf(offer, payer, session, options.channelSalt);
  const ch = book.get(config);
  const price = BigInt(offer.amount);
  const origin = new URL(url).origin;
  return book.exclusive(ch, async () => {
    if (ch.poisoned) throw new PaymentResponseError("z402_payment_response_invalid", "channel disabled");
    await book.ensureLoaded(ch);
    caps.reserve(origin, price);
    // One identifier for every voucher of this request, so a re-send is recognised as the same payment.
    const paymentId = randomBytes32().slice(2, 34);
    const accepted = acceptedOf(offer);
    const recovery = { reread: false };
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const payload = await batchPayload(options, ch, config, offer, price);
      if (!payload) {
        caps.refund(origin, price);
        throw new SpendCapError("z402_deposit_cap", "a deposit would exceed the configured maximum");
      }
      const res = await sendWithRetry(ctx, url, init, {
        x402Version: 2,
        resource,
        accepted,
        payload,
        extensions: echoExtensions(declared, { "payment-identifier": { info: { id: paymentId } } }),
      });
      if (res.status !== 402) return settle(ctx, ch, res, payload, price, origin);
      let retry: boolean;
      try {
        retry = await recover(ctx, ch, res, offer, session, recovery, url);
      } catch (err) {
        caps.refund(origin, price);
        throw err;
      }
      if (!retry) {
        caps.refund(origin, price);
        return res;
      }
    }
    caps.refund(origin, price);
    throw new PaymentResponseError("z402_payment_response_invalid", "server kept refusing the voucher");
  });
}

/**
 * Takes a served answer's charge from its `PAYMENT-RESPONSE` and releases the unspent part of the reservation.
 * No payment response means nothing was charged (and a deposit may not have landed: the channel is reread).
 */
function settle(
  ctx: ClientContext,
  ch: ClientChannel,
  res: Response,
  payload: BatchPayload,
  price: bigint,
  origin: string,
): Response {
  const charged = applyPaymentResponse(ch, res.headers.get("payment-response"), price);
  if (charged < 0n) {
    ctx.caps.refund(origin, price);
    if (payload.type === "deposit") ch.loaded = false;
  } else ctx.caps.refund(origin, price - charged);
  return res;
}

/**
 * After a 402 to a voucher: true when the channel's state was corrected and the voucher should be signed again
 * (the channel held less than believed, once per request; or a corrective 402 carrying our own voucher), false
 * when the 402 is the answer (the price changed, or the server refused for another reason).
 */
async function recover(
  ctx: ClientContext,
  ch: ClientChannel,
  res: Response,
  offer: Offer,
  session: string,
  recovery: { reread: boolean },
  url: string,
): Promise<boolean> {
  const again = paymentRequiredOf(res.headers, undefined);
  const corrective = again?.accepts.find((o) => o.scheme === "batch-settlement");
  // The price changed (a request-dependent price): let the caller start over from this 402.
  if (corrective && corrective.amount !== offer.amount) return false;
  if (again?.error === X402_REASONS.bsCumulativeExceedsBalance && !recovery.reread) {
    recovery.reread = true;
    // The channel holds less than we thought (a withdrawal or refund made elsewhere): reread it and top up.
    const believed = ch.balance;
    ch.loaded = false;
    await ctx.book.ensureLoaded(ch);
    if (ch.balance < believed) return true;
  }
  if (again?.error !== X402_REASONS.bsCumulativeAmountMismatch || !corrective) return false;
  const { chainId, escrow } = ctx.options;
  const before = { charged: ch.charged, balance: ch.balance };
  if (!(await adoptCorrective(ch, corrective, { chainId, escrow, session, book: ctx.book }))) return false;
  // What the payer is now committed to beyond what it believed counts against the spend caps for good, so a server
  // that answers every voucher with a corrective 402 naming it as charged collects no more than the caps allow.
  try {
    if (ch.charged > before.charged) ctx.caps.count(new URL(url).origin, ch.charged - before.charged);
  } catch (err) {
    Object.assign(ch, before);
    throw err;
  }
  return true;
}
