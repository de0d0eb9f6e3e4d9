/**
 * What `wrapFetch`'s payment paths and its refunds share: the options, the channels, the spend caps, the
 * payer's addresses and the transport. Both `fetch.ts` and `refund.ts` import it (neither imports the other).
 */
import { SpendCaps, type SpendCapOptions } from "./caps";
import { ChannelBook, type ClientChain } from "./channels";
import type { TokenInfo, TypedDataSigner } from "./sign";
import type { CapturedReceipt } from "./receipts";
import type { MessageSigner } from "./sign-in";
import { encodeJson, type Offer } from "./wire";

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
  /**
   * Sign-in-with-x: on a route it paid whose 402 declares sign-in, sign in (EIP-191 with the payer's key, or
   * with the signer given) before paying again; a refused sign-in falls back to paying. `true` needs a payer
   * with `signMessage` (an ethers `Signer` or `Wallet`). Default: off.
   */
  signIn?: boolean | MessageSigner;
  /** Told of each signed receipt (x402 offer-receipt) a paid answer carries, verified; also kept in `receipts()`. */
  onReceipt?: (receipt: CapturedReceipt) => void;
}

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** One `wrapFetch`'s state, passed to each step of a payment. */
export interface ClientContext {
  fetchImpl: FetchLike;
  options: WrapFetchOptions;
  book: ChannelBook;
  caps: SpendCaps;
  /** Receipts the paid answers carried, oldest first. */
  receipts: CapturedReceipt[];
  /** The session key's and the payer's addresses (asked once). */
  addresses(): Promise<{ session: string; payer: string }>;
}

export function clientContext(fetchImpl: FetchLike, options: WrapFetchOptions): ClientContext {
  const book = new ChannelBook(options.chainId, options.escrow, options.chain);
  const caps = new SpendCaps(options.caps);
  let session: string | undefined;
  let payer: string | undefined;
  return {
    fetchImpl,
    options,
    book,
    caps,
    receipts: [],
    async addresses() {
      session ??= await options.sessionKey.getAddress();
      payer ??= await options.payer.getAddress();
      return { session, payer };
    },
  };
}

/** Sends `init` to `url` with `value` as its `PAYMENT-SIGNATURE` header (other headers kept). */
export function sendPayment(
  fetchImpl: FetchLike,
  url: string,
  init: RequestInit | undefined,
  value: unknown,
) {
  const headers = new Headers(init?.headers);
  headers.set("payment-signature", encodeJson(value));
  return fetchImpl(url, { ...init, headers });
}

/** The token and its EIP-712 domain name and version, as an offer names them. */
export const tokenOf = (offer: Offer): TokenInfo => ({
  address: offer.asset,
  name: String(offer.extra.name),
  version: String(offer.extra.version),
});
