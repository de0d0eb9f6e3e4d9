import { sendPayment, tokenOf, type ClientContext } from "./context";
import { echoExtensions } from "./extensions";
import { signExactAuthorization } from "./sign";
import type { Offer } from "./wire";

/**
 * Pays one request with `exact` (a `transferWithAuthorization` for the price). The price is reserved against the
 * spend caps first and released when the server charged nothing (a 402, or no `PAYMENT-RESPONSE`).
 */
export async function payExact(
  ctx: ClientContext,
  url: string,
  init: RequestInit | undefined,
  offer: Offer,
  resource: unknown,
  declared?: Record<string, unknown>,
): Promise<Response> {
  const { options, caps } = ctx;
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
  const extensions = echoExtensions(declared);
  const res = await sendPayment(ctx.fetchImpl, url, init, {
    x402Version: 2,
    resource,
    accepted: offer,
    payload,
    ...(extensions ? { extensions } : {}),
  });
  if (res.status === 402 || !res.headers.get("payment-response")) caps.refund(origin, price);
  return res;
}
