import { sendPayment, type ClientContext } from "./context";

/** Default re-sends of a payment lost at the network level: 0.2 + 0.4 + 0.8 + 1.6 + 2 s of waiting at most. */
export const DEFAULT_NETWORK_RETRY = { attempts: 6, delayMs: 200 };

/**
 * Sends a payment, re-sending the same body (same voucher, same payment identifier) when the request fails at
 * the network level, up to `networkRetry.attempts` sends in all; the last failure is thrown.
 */
export async function sendWithRetry(
  ctx: Pick<ClientContext, "fetchImpl" | "options">,
  url: string,
  init: RequestInit | undefined,
  body: unknown,
): Promise<Response> {
  const retry = ctx.options.networkRetry ?? DEFAULT_NETWORK_RETRY;
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendPayment(ctx.fetchImpl, url, init, body);
    } catch (err) {
      if (attempt >= retry.attempts) throw err;
      // Backs off (doubling, at most 2 s), so a server that restarts after charging can still answer from its
      // stored copy of the answer.
      await new Promise((r) => setTimeout(r, Math.min(retry.delayMs * 2 ** (attempt - 1), 2_000)));
    }
  }
}
