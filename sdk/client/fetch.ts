import { acceptedOf, ChannelBook, channelConfigOf, type ClientChain } from "./channels";
import { SpendCapError, SpendCaps, type SpendCapOptions } from "./caps";
import { encodeJson, paymentRequiredOf, type Offer } from "./wire";
import { adoptCorrective, applyPaymentResponse, PaymentResponseError } from "./answers";
import { refundChannel, type RefundOptions } from "./refund";
import { X402_REASONS } from "../errors/reasons";

export { PaymentResponseError };
import {
  randomBytes32,
  signDepositAuthorization,
  signExactAuthorization,
  signVoucher,
  type TypedDataSigner,
} from "./sign";

export interface WrapFetchOptions {
  /** The paying wallet: signs deposits (`receiveWithAuthorization`) and `exact` payments. */
  payer: TypedDataSigner;
  /** The channel's `payerAuthorizer` (a session key): signs vouchers. */
  sessionKey: TypedDataSigner;
  chainId: bigint;
  escrow: string;
  depositCollector: string;
  chain: ClientChain;
  /** Deposit `amount` when opening or topping up; never let a channel's balance exceed `max`. */
  deposit: { amount: bigint; max: bigint };
  caps?: SpendCapOptions;
  /** Channel salt (default zero: one channel per payer/receiver/token/terms). */
  channelSalt?: string;
  /** Pay only with `exact` (skip the escrow). */
  exactOnly?: boolean;
  /**
   * A voucher request that fails at the network level is re-sent unchanged (same voucher, same payment
   * identifier), so the server either serves it for the first time or answers from its stored copy of the first
   * answer, without running the handler or charging again. Waits double from `delayMs` (at most 2 s each).
   */
  networkRetry?: { attempts: number; delayMs: number };
}

/** Default re-sends of a payment lost at the network level: 0.2 + 0.4 + 0.8 + 1.6 + 2 s of waiting at most. */
export const DEFAULT_NETWORK_RETRY = { attempts: 6, delayMs: 200 };

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** The token and its EIP-712 domain name and version, as an offer names them. */
const tokenOf = (offer: Offer) => ({
  address: offer.asset,
  name: String(offer.extra.name),
  version: String(offer.extra.version),
});

/**
 * A fetch that pays 402s: the escrow scheme when offered (one deposit, then a voucher per request),
 * `exact` otherwise. Spend caps and the deposit cap are checked before anything is signed. Its
 * `refund(url, { amount?, init? })` asks the server behind `url` to return the channel's unspent balance.
 */
export function wrapFetch(fetchImpl: FetchLike, options: WrapFetchOptions) {
  const book = new ChannelBook(options.chainId, options.escrow, options.chain);
  const caps = new SpendCaps(options.caps);
  let sessionAddress: string | undefined;
  let payerAddress: string | undefined;

  async function addresses() {
    sessionAddress ??= await options.sessionKey.getAddress();
    payerAddress ??= await options.payer.getAddress();
    return { session: sessionAddress, payer: payerAddress };
  }

  const send = (url: string, init: RequestInit | undefined, name: string, value: unknown) => {
    const headers = new Headers(init?.headers);
    headers.set(name, encodeJson(value));
    return fetchImpl(url, { ...init, headers });
  };

  async function sendWithRetry(url: string, init: RequestInit | undefined, body: unknown): Promise<Response> {
    const retry = options.networkRetry ?? DEFAULT_NETWORK_RETRY;
    for (let attempt = 1; ; attempt++) {
      try {
        return await send(url, init, "payment-signature", body);
      } catch (err) {
        if (attempt >= retry.attempts) throw err;
        // Backs off (doubling, at most 2 s), so a server that restarts after charging can still answer from its
        // stored copy of the answer.
        await new Promise((r) => setTimeout(r, Math.min(retry.delayMs * 2 ** (attempt - 1), 2_000)));
      }
    }
  }

  async function payExact(url: string, init: RequestInit | undefined, offer: Offer, resource: unknown) {
    const price = BigInt(offer.amount);
    const origin = new URL(url).origin;
    caps.reserve(origin, price);
    const token = tokenOf(offer);
    const now = await options.chain.now();
    const payload = await signExactAuthorization(
      options.payer,
      token,
      options.chainId,
      offer.payTo,
      price,
      now,
      offer.maxTimeoutSeconds,
    );
    const res = await send(url, init, "payment-signature", {
      x402Version: 2,
      resource,
      accepted: offer,
      payload,
    });
    if (res.status === 402 || !res.headers.get("payment-response")) caps.refund(origin, price);
    return res;
  }

  async function payBatch(url: string, init: RequestInit | undefined, offer: Offer, resource: unknown) {
    const { session, payer } = await addresses();
    const config = channelConfigOf(offer, payer, session, options.channelSalt);
    const ch = book.get(config);
    const price = BigInt(offer.amount);
    const origin = new URL(url).origin;
    return book.exclusive(ch, async () => {
      if (ch.poisoned) throw new PaymentResponseError("z402_payment_response_invalid", "channel disabled");
      await book.ensureLoaded(ch);
      caps.reserve(origin, price);
      const paymentId = randomBytes32().slice(2, 34);
      const token = tokenOf(offer);
      const accepted = acceptedOf(offer);
      let reread = false;
      for (let attempt = 0; attempt < 3; attempt++) {
        const needed = ch.charged + price;
        const max = await signVoucher(options.sessionKey, options.chainId, options.escrow, ch.id, needed);
        const voucher = { channelId: ch.id, maxClaimableAmount: needed.toString(), signature: max };
        let payload: Record<string, unknown> = { type: "voucher", channelConfig: config, voucher };
        if (needed > ch.balance) {
          let top =
            options.deposit.amount > needed - ch.balance ? options.deposit.amount : needed - ch.balance;
          if (ch.balance + top > options.deposit.max) top = options.deposit.max - ch.balance;
          if (top <= 0n || ch.balance + top < needed) {
            caps.refund(origin, price);
            throw new SpendCapError("z402_deposit_cap", "a deposit would exceed the configured maximum");
          }
          const now = await options.chain.now();
          const authorization = await signDepositAuthorization(
            options.payer,
            token,
            options.chainId,
            options.depositCollector,
            ch.id,
            top,
            now,
          );
          payload = {
            ...payload,
            type: "deposit",
            deposit: { amount: top.toString(), authorization: { erc3009Authorization: authorization } },
          };
        }
        const body = {
          x402Version: 2,
          resource,
          accepted,
          payload,
          extensions: { "payment-identifier": { info: { id: paymentId } } },
        };
        const res = await sendWithRetry(url, init, body);
        if (res.status !== 402) {
          const charged = applyPaymentResponse(ch, res.headers.get("payment-response"), price);
          if (charged < 0n) {
            caps.refund(origin, price);
            if (payload.type === "deposit") ch.loaded = false;
          } else caps.refund(origin, price - charged);
          return res;
        }
        const again = paymentRequiredOf(res.headers, undefined);
        const corrective = again?.accepts.find((o) => o.scheme === "batch-settlement");
        if (corrective && corrective.amount !== offer.amount) {
          // The price changed (a request-dependent price): let the caller start over from this 402.
          caps.refund(origin, price);
          return res;
        }
        if (again?.error === X402_REASONS.bsCumulativeExceedsBalance && !reread) {
          reread = true;
          // The channel holds less than we thought (a withdrawal or refund made elsewhere): reread it and top up.
          const believed = ch.balance;
          ch.loaded = false;
          await book.ensureLoaded(ch);
          if (ch.balance < believed) continue;
        }
        if (
          again?.error !== X402_REASONS.bsCumulativeAmountMismatch ||
          !corrective ||
          !(await adoptCorrective(ch, corrective, {
            chainId: options.chainId,
            escrow: options.escrow,
            session,
            book,
          }))
        ) {
          caps.refund(origin, price);
          return res;
        }
      }
      caps.refund(origin, price);
      throw new PaymentResponseError("z402_payment_response_invalid", "server kept refusing the voucher");
    });
  }

  /** Offers seen per method + URL (without query): later requests pay up front, with no 402 round trip. */
  const known = new Map<string, { offer: Offer; resource: unknown }>();

  const pay = (url: string, init: RequestInit | undefined, offer: Offer, resource: unknown) =>
    offer.scheme === "batch-settlement"
      ? payBatch(url, init, offer, resource)
      : payExact(url, init, offer, resource);

  const refund = (url: string, refundOptions?: RefundOptions) =>
    refundChannel({ fetchImpl, book, options, addresses }, url, refundOptions);

  return Object.assign(paidFetch, { refund });

  async function paidFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const parsed = new URL(url);
    const key = `${init?.method ?? "GET"} ${parsed.origin}${parsed.pathname}`;
    const cached = known.get(key);
    let first: Response | undefined;
    if (cached) {
      const res = await pay(url, init, cached.offer, cached.resource);
      if (res.status !== 402) return res;
      known.delete(key);
      first = res;
    }
    first ??= await fetchImpl(url, init);
    if (first.status !== 402) return first;
    const body = await first.text();
    const required = paymentRequiredOf(first.headers, body);
    if (!required) return new Response(body, { status: 402, headers: first.headers });
    const batch = options.exactOnly
      ? undefined
      : required.accepts.find((o) => o.scheme === "batch-settlement");
    const offer = batch ?? required.accepts.find((o) => o.scheme === "exact");
    if (!offer) return new Response(body, { status: 402, headers: first.headers });
    const res = await pay(url, init, offer, required.resource);
    if (res.status !== 402 && offer.scheme === "batch-settlement") {
      known.set(key, { offer: acceptedOf(offer), resource: required.resource });
    }
    return res;
  }
}
