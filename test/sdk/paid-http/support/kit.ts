import type { Wallet } from "ethers";
import { channelIdOf, signVoucher, type ChannelConfig } from "../../../../sdk/client";
import { encodeJson, decodeJson } from "../../../../sdk/client/wire";
import { channelConfigFor, freshKey, payingFetch, PRICE, type Deployment, type TestServer } from "./fixture";

export interface Kit {
  session: Wallet;
  config: ChannelConfig;
  channelId: string;
  accepted: Record<string, unknown>;
  /** Signs a voucher for `max` with the session key. */
  voucher(
    max: bigint,
    key?: Wallet,
  ): Promise<{ channelId: string; maxClaimableAmount: string; signature: string }>;
  /** A v2 payment body around a `voucher` payload. */
  body(voucher: unknown, over?: Record<string, unknown>): Record<string, unknown>;
  /** A v2 payment body around a `refund` payload (optional `amount`, channel config overrides). */
  refundBody(voucher: unknown, amount?: bigint, config?: Partial<ChannelConfig>): Record<string, unknown>;
  send(path: string, header: string, headerName?: string, method?: string): Promise<Response>;
}

/** Opens a channel (one paid request through wrapFetch, so `charged == PRICE`) and returns raw payment tools. */
export async function openChannel(d: Deployment, server: TestServer, deposit = 100_000n): Promise<Kit> {
  const session = freshKey();
  const pay = payingFetch(d, { sessionKey: session, deposit: { amount: deposit, max: 10n ** 9n } });
  const first = await pay(server.url + "/paid/open");
  if (first.status !== 200) throw new Error(`could not open a channel: ${first.status}`);
  const required = decodeJson((await fetch(server.url + "/paid/a")).headers.get("payment-required")!) as {
    accepts: Record<string, unknown>[];
  };
  const config = channelConfigFor(d, await d.payer.getAddress(), session.address);
  const channelId = channelIdOf(d.chainId, d.escrow, config);
  const accepted = required.accepts[0];
  return {
    session,
    config,
    channelId,
    accepted,
    voucher: async (max, key = session) => ({
      channelId,
      maxClaimableAmount: max.toString(),
      signature: await signVoucher(key, d.chainId, d.escrow, channelId, max),
    }),
    body(voucher, over = {}) {
      return {
        x402Version: 2,
        accepted,
        payload: { type: "voucher", channelConfig: config, voucher },
        ...over,
      };
    },
    refundBody: (voucher, amount, over = {}) => ({
      x402Version: 2,
      accepted,
      payload: {
        type: "refund",
        channelConfig: { ...config, ...over },
        voucher,
        ...(amount !== undefined ? { amount: amount.toString() } : {}),
      },
    }),
    send: (path, header, headerName = "payment-signature", method = "GET") =>
      fetch(server.url + path, { method, headers: { [headerName]: header } }),
  };
}

export const b64 = (value: unknown) =>
  typeof value === "string" ? Buffer.from(value).toString("base64") : encodeJson(value);

/** The reason of a 400/402: `error` in the JSON body (v1 and v2 bodies both carry it). */
export async function reasonOf(res: Response): Promise<string> {
  const text = await res.text();
  try {
    return (JSON.parse(text) as { error: string }).error;
  } catch {
    return `<non-json ${res.status}>`;
  }
}

export { PRICE };
