import { PaymentResponseError } from "./answers";
import { acceptedOf } from "./channels";
import { clientContext, type ClientContext, type FetchLike, type WrapFetchOptions } from "./context";
import { payBatch } from "./pay-batch";
import { payExact } from "./pay-exact";
import { checkReceipt, receiptOf } from "./receipts";
import { refundChannel, type RefundOptions } from "./refund";
import { SignInBook } from "./sign-in";
import { paymentRequiredOf, type Offer } from "./wire";

export { PaymentResponseError };
export type { FetchLike, WrapFetchOptions };
export { DEFAULT_NETWORK_RETRY } from "./retry";

/** Offers seen per method + URL (without query): later requests pay up front, with no 402 round trip. */
type KnownOffers = Map<string, { offer: Offer; resource: unknown; extensions?: Record<string, unknown> }>;

/**
 * A fetch that pays 402s: the escrow scheme when offered (one deposit, then a voucher per request),
 * `exact` otherwise. Spend caps and the deposit cap are checked before anything is signed. Its
 * `refund(url, { amount?, init? })` asks the server behind `url` to return the channel's unspent balance.
 */
export function wrapFetch(fetchImpl: FetchLike, options: WrapFetchOptions) {
  const ctx = clientContext(fetchImpl, options);
  const known: KnownOffers = new Map();
  const signIns = options.signIn ? new SignInBook(ctx) : undefined;

  const refund = (url: string, refundOptions?: RefundOptions) => refundChannel(ctx, url, refundOptions);

  /** The receipts paid answers carried so far (verified or not, see `verified`), oldest first. */
  const receipts = () => [...ctx.receipts];

  return Object.assign(paidFetch, { refund, receipts });

  function paidFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    return fetchPaying(ctx, known, input, init, signIns);
  }
}

/** Pays with a known offer up front; otherwise (or when that is refused) sends the request and pays its 402. */
async function fetchPaying(
  ctx: ClientContext,
  known: KnownOffers,
  input: string | URL | Request,
  init: RequestInit | undefined,
  signIns?: SignInBook,
): Promise<Response> {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  init = await replayableInit(input, init);
  const parsed = new URL(url);
  const key = `${init?.method ?? "GET"} ${parsed.origin}${parsed.pathname}`;
  const cached = known.get(key);
  let first: Response | undefined;
  if (cached && !signIns?.has(key)) {
    const res = await pay(ctx, url, init, cached.offer, cached.resource, cached.extensions);
    if (res.status !== 402) return res;
    known.delete(key);
    first = res;
  }
  first ??= await ctx.fetchImpl(url, init);
  if (first.status !== 402) return first;
  if (signIns) return signInOrPay(ctx, known, signIns, key, url, init, first);
  return payRequired(ctx, known, key, url, init, first);
}

/** With `signIn`: a paid route's 402 that declares sign-in-with-x is answered by signing in; paying stays the fallback. */
async function signInOrPay(
  ctx: ClientContext,
  known: KnownOffers,
  signIns: SignInBook,
  key: string,
  url: string,
  init: RequestInit | undefined,
  first: Response,
): Promise<Response> {
  const declared = signIns.declared(first);
  if (declared && signIns.has(key)) {
    const res = await signIns.attempt(key, url, init, first, declared);
    if (res && res.status !== 402) return res;
    if (res) first = res;
  }
  const res = await payRequired(ctx, known, key, url, init, first);
  if (declared) signIns.paidFor(key, res);
  return res;
}

/**
 * The request as an init that can be sent more than once (a paid request may go out three times: unpaid, paid,
 * re-sent): a `Request`'s method, headers and body are taken from it, and a one-shot stream body is read once.
 */
async function replayableInit(
  input: string | URL | Request,
  init: RequestInit | undefined,
): Promise<RequestInit | undefined> {
  if (typeof input === "object" && !(input instanceof URL)) {
    const hasBody = input.body !== null && init?.body === undefined;
    init = {
      method: input.method,
      headers: input.headers,
      signal: input.signal,
      ...init,
      ...(hasBody ? { body: await input.clone().arrayBuffer() } : {}),
    };
  }
  if (init?.body instanceof ReadableStream)
    init = { ...init, body: await new Response(init.body).arrayBuffer() };
  return init;
}

/**
 * Pays a 402 with the offer it prefers, remembering a served `batch-settlement` offer for the next request.
 * A 402 with nothing it can pay is returned as it came (its body already read).
 */
async function payRequired(
  ctx: ClientContext,
  known: KnownOffers,
  key: string,
  url: string,
  init: RequestInit | undefined,
  first: Response,
): Promise<Response> {
  const body = await first.text();
  const required = paymentRequiredOf(first.headers, body);
  const offer = required && preferredOffer(required.accepts, ctx.options.exactOnly);
  if (!required || !offer) return new Response(body, { status: 402, headers: first.headers });
  const res = await pay(ctx, url, init, offer, required.resource, required.extensions);
  if (res.status !== 402 && offer.scheme === "batch-settlement") {
    const { resource, extensions } = required;
    known.set(key, { offer: acceptedOf(offer), resource, ...(extensions ? { extensions } : {}) });
  }
  return res;
}

/** `batch-settlement` unless `exactOnly`, else `exact`; undefined when neither is offered. */
function preferredOffer(accepts: Offer[], exactOnly?: boolean): Offer | undefined {
  const batch = exactOnly ? undefined : accepts.find((o) => o.scheme === "batch-settlement");
  return batch ?? accepts.find((o) => o.scheme === "exact");
}

function pay(
  ctx: ClientContext,
  url: string,
  init: RequestInit | undefined,
  offer: Offer,
  resource: unknown,
  extensions?: Record<string, unknown>,
) {
  const paid =
    offer.scheme === "batch-settlement"
      ? payBatch(ctx, url, init, offer, resource, extensions)
      : payExact(ctx, url, init, offer, resource, extensions);
  return paid.then((res) => keepReceipt(ctx, res));
}

/** Keeps (and verifies) the receipt a paid answer carries, if any. */
async function keepReceipt(ctx: ClientContext, res: Response): Promise<Response> {
  const receipt = receiptOf(res);
  if (!receipt) return res;
  const captured = await checkReceipt(receipt, (await ctx.addresses()).payer);
  if (ctx.receipts.length >= 1000) ctx.receipts.shift(); // a long-lived fetch keeps the newest 1000
  ctx.receipts.push(captured);
  ctx.options.onReceipt?.(captured);
  return res;
}
