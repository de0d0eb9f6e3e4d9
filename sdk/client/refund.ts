/**
 * The payer's side of a cooperative refund: a zero-charge voucher (`maxClaimableAmount` == what the server has
 * charged so far) sent to any paid route of the channel's receiver, which claims what it is owed and returns the
 * rest of the channel's balance on chain. The answer is checked before the channel's state is updated.
 */
import { PaymentError } from "../errors/classes";
import { X402_REASONS, Z402_REASONS } from "../errors/reasons";
import { adoptCorrective, PaymentResponseError } from "./answers";
import { decimalUint as uint } from "../utils/uint";
import { acceptedOf, channelConfigOf, type ChannelBook, type ClientChannel } from "./channels";
import { sendPayment, type FetchLike, type WrapFetchOptions } from "./context";
import { signVoucher } from "./sign";
import { decodeJson, paymentRequiredOf } from "./wire";

export interface RefundOptions {
  /** Atomic units to refund; default: everything the channel holds beyond what was charged. */
  amount?: bigint;
  /** Method, headers and body of the route (the refund is sent as a request to it); default GET. */
  init?: RequestInit;
}

export interface RefundResult {
  channelId: string;
  /** What the escrow returned to the payer (≤ the amount asked for). */
  amount: bigint;
  transaction: string;
  /** The channel's balance after the refund. */
  balance: bigint;
}

/** What `wrapFetch` shares with its refunds: the same channels, keys and transport. */
export interface RefundContext {
  fetchImpl: FetchLike;
  book: ChannelBook;
  options: Pick<WrapFetchOptions, "sessionKey" | "chainId" | "escrow" | "channelSalt">;
  addresses(): Promise<{ session: string; payer: string }>;
}

const HASH = /^0x[0-9a-fA-F]{64}$/;

/**
 * Asks the server behind `url` to refund this payer's channel with it. Reads the route's 402 offer (no payment),
 * signs the zero-charge voucher with the session key and sends it; a corrective 402 is adopted (when its voucher
 * is ours) and the refund retried once. Throws `PaymentError` with the server's reason when it refuses.
 */
export async function refundChannel(
  ctx: RefundContext,
  url: string,
  options: RefundOptions = {},
): Promise<RefundResult> {
  const { amount, init } = options;
  if (amount !== undefined && amount <= 0n) {
    throw new PaymentError(X402_REASONS.bsRefundAmountInvalid, "a refund amount must be positive");
  }
  const probe = await ctx.fetchImpl(url, init);
  const required = probe.status === 402 ? paymentRequiredOf(probe.headers, await probe.text()) : undefined;
  const offer = required?.accepts.find((o) => o.scheme === "batch-settlement");
  if (!required || !offer) {
    throw new PaymentError(Z402_REASONS.refundNotOffered, "the URL offers no batch-settlement channel", {
      details: { url, status: probe.status },
    });
  }
  const { session, payer } = await ctx.addresses();
  const { sessionKey, chainId, escrow, channelSalt } = ctx.options;
  const ch = ctx.book.get(channelConfigOf(offer, payer, session, channelSalt));
  return ctx.book.exclusive(ch, async () => {
    if (ch.poisoned) throw new PaymentResponseError("z402_payment_response_invalid", "channel disabled");
    await ctx.book.ensureLoaded(ch);
    for (let attempt = 0; ; attempt++) {
      const voucher = {
        channelId: ch.id,
        maxClaimableAmount: ch.charged.toString(),
        signature: await signVoucher(sessionKey, chainId, escrow, ch.id, ch.charged),
      };
      const payload = {
        type: "refund",
        channelConfig: ch.config,
        voucher,
        ...(amount !== undefined ? { amount: amount.toString() } : {}),
      };
      const res = await sendPayment(ctx.fetchImpl, url, init, {
        x402Version: 2,
        resource: required.resource,
        accepted: acceptedOf(offer),
        payload,
      });
      const receipt = res.headers.get("payment-response");
      if (res.status === 200 && receipt) return applyRefundResponse(ch, receipt, amount);
      const again = paymentRequiredOf(res.headers, await res.text());
      const corrective = again?.accepts.find((o) => o.scheme === "batch-settlement");
      const adopted =
        attempt === 0 &&
        again?.error === X402_REASONS.bsCumulativeAmountMismatch &&
        corrective !== undefined &&
        (await adoptCorrective(ch, corrective, { chainId, escrow, session, book: ctx.book }));
      if (!adopted) {
        const failed = receipt ? (decodeJson(receipt) as { errorReason?: unknown } | undefined) : undefined;
        const reason = String(failed?.errorReason ?? again?.error ?? `http_${res.status}`);
        throw new PaymentError(reason, "the server refused the refund", {
          details: { url, status: res.status },
        });
      }
    }
  });
}

/**
 * Checks a refund's `PAYMENT-RESPONSE` (x402 settle response): a mined transaction, no more refunded than asked,
 * our channel, no new charge and no claim beyond what we were charged. Then takes the channel's new balance.
 */
function applyRefundResponse(ch: ClientChannel, header: string, requested?: bigint): RefundResult {
  const pr = decodeJson(header) as
    | {
        success?: unknown;
        transaction?: unknown;
        amount?: unknown;
        extra?: { channelState?: Record<string, unknown> };
      }
    | undefined;
  const state = pr?.extra?.channelState;
  const refunded = uint(pr?.amount);
  const balance = uint(state?.balance);
  const totalClaimed = uint(state?.totalClaimed);
  // x402's facilitator leaves the cumulative charge out of a refund's state: a refund charges nothing.
  const charged =
    state?.chargedCumulativeAmount === undefined ? ch.charged : uint(state.chargedCumulativeAmount);
  const fail = (why: string) => {
    ch.poisoned = true;
    return new PaymentResponseError("z402_payment_response_invalid", why);
  };
  const transaction = pr?.transaction;
  if (pr?.success !== true || typeof transaction !== "string" || !HASH.test(transaction)) {
    throw fail("refund PAYMENT-RESPONSE carries no transaction");
  }
  if (!state || refunded === undefined || balance === undefined || totalClaimed === undefined) {
    throw fail("refund PAYMENT-RESPONSE is malformed");
  }
  if (String(state.channelId).toLowerCase() !== ch.id) throw fail("refund answered for another channel");
  if (requested !== undefined && refunded > requested) throw fail("refunded more than was asked");
  if (charged !== ch.charged || totalClaimed > ch.charged || balance < totalClaimed) {
    throw fail("channel state after the refund does not add up");
  }
  ch.balance = balance;
  return { channelId: ch.id, amount: refunded, transaction, balance };
}
