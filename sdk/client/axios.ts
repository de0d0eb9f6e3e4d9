/**
 * `z402/axios`: an axios instance that pays 402s, as `@x402/axios`'s `wrapAxiosWithPayment` offers. Thin over
 * `wrapFetch`: a request interceptor sends every request of the instance through axios's `fetch` adapter with
 * the paying fetch, so channels, vouchers, spend caps and idempotent retries are `wrapFetch`'s own. Needs axios
 * 1.12 or later (`env.fetch`); axios is only a type import here.
 */
import type { AxiosInstance } from "axios";
import { wrapFetch, type FetchLike, type WrapFetchOptions } from "./fetch";

/**
 * Axios's fetch adapter hands fetch a `Request` carrying the method, headers and body; the paying fetch reads
 * them from `init`. The body is read once into bytes, so it can be sent again with the payment.
 */
function fromRequest(paid: FetchLike): FetchLike {
  return async (input, init) => {
    if (typeof input === "string" || input instanceof URL) return paid(input, init);
    const body = input.body === null ? undefined : new Uint8Array(await input.arrayBuffer());
    return paid(input.url, {
      ...init,
      method: input.method,
      headers: input.headers,
      body,
      signal: input.signal,
      redirect: input.redirect,
      credentials: input.credentials,
    });
  };
}

/**
 * Makes `instance` pay 402s and returns it. `payment` is either `wrapFetch`'s options (a paying fetch over
 * `fetchImpl`, default the global `fetch`, is made here) or a paying fetch already made with `wrapFetch`, whose
 * `refund` the caller keeps. The answer's `payment-response` header is in `response.headers`; a 402 that could
 * not be paid rejects as axios rejects any 4xx.
 */
export function wrapAxiosWithPayment<T extends AxiosInstance>(
  instance: T,
  payment: WrapFetchOptions | FetchLike,
  fetchImpl: FetchLike = (input, init) => fetch(input, init),
): T {
  const paid = fromRequest(typeof payment === "function" ? payment : wrapFetch(fetchImpl, payment));
  instance.interceptors.request.use((config) => {
    config.adapter = "fetch";
    config.env = { ...config.env, fetch: paid };
    return config;
  });
  return instance;
}

export type { FetchLike, WrapFetchOptions };
