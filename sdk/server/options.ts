import type { TypedDataSigner } from "../signing/signer";
import type { VoucherStore } from "../store/types";
import type { EscrowChain } from "./chain";
import type { FacilitatorOption } from "./delegate";
import type { ChainMirror } from "./mirror";
import type { DepositRisk } from "./deposit";
import type { IdempotencyOptions } from "./idempotency";
import type { PaywallEvents } from "./events";
import type { ReceiptSigner } from "./offer-receipt";
import type { RouteSignIn } from "./sign-in";
import type { AccessStore } from "../store/access";
import type { RouteBazaar } from "./bazaar";

/** The request facts the core needs; adapters fill it from their framework. */
export interface PaywallRequest {
  method: string;
  /** Raw request target (path and query), as received. */
  url: string;
  /** Absolute URL of the resource, for the 402's `resource.url`. */
  resourceUrl: string;
  header(name: string): string | undefined;
  /**
   * The request body's bytes, read without consuming it for the handler (adapters that can). A paid retry's
   * payment identifier is bound to its digest; without it the binding covers method, target, price and payload.
   */
  body?: () => Promise<Uint8Array | undefined>;
}

export interface RouteConfig {
  /** Exact path, or a prefix ending in `/*`. Matching ignores case, a trailing slash and the query. */
  path: string;
  /** Methods the price applies to; default: all. */
  methods?: string[];
  /** Advertised price in atomic units, or a function of the request. */
  price: bigint | ((req: PaywallRequest) => bigint);
  description?: string;
  mimeType?: string;
  /** Receiver for this route; defaults to the paywall's `payTo`. */
  payTo?: string;
  /** Bazaar discovery: announced in the 402's `extensions.bazaar` (see docs/extensions.md). */
  bazaar?: RouteBazaar;
  /**
   * Sign-in-with-x: the 402 declares the extension, and a wallet that paid for this route (same route, same
   * receiver) within `accessSeconds` is served on a valid `SIGN-IN-WITH-X` header without a new charge.
   */
  signIn?: RouteSignIn;
}

export interface DepositPolicy {
  /**
   * Serve a deposit request before the deposit is mined while unconfirmed deposits plus what failed optimistic
   * deposits lost stay under this total (the lost part never frees). Each such deposit is first checked against
   * the payer's token balance and its authorization's state (one read; the chain must have `readDepositFunds`).
   * A payer whose optimistic deposit failed is served only after mining until a deposit of theirs is mined.
   */
  optimisticRiskLimit?: bigint;
  /** The risk ledger to charge, so it can be observed (`provisional`, `lost`, `failedPayers`); default: a private one. */
  risk?: DepositRisk;
}

export interface PaywallOptions {
  /** CAIP-2, e.g. `eip155:31337`. */
  network: string;
  chain: EscrowChain;
  mirror: ChainMirror;
  store: VoucherStore;
  token: { address: string; name: string; version: string };
  payTo: string;
  receiverAuthorizer: string;
  /**
   * The receiverAuthorizer's key: signs cooperative refunds (`Refund`) and the claim that precedes them
   * (`ClaimBatch`), so any `chain` signer can relay them. Without it `chain`'s signer must be the receiver or the
   * receiverAuthorizer, and calls `claim`/`refund` itself.
   */
  authorizer?: TypedDataSigner;
  withdrawDelay: number;
  /**
   * Delegate settlement to an x402 facilitator (URL, URL with headers, or client object): `exact` payments and
   * escrow deposits are verified and settled through its `/verify` + `/settle`; vouchers stay local (no call).
   */
  facilitator?: FacilitatorOption;
  /** The ERC3009 deposit collector contract. Without it (and without a facilitator) deposits are refused. */
  depositCollector?: string;
  minDeposit?: bigint;
  routes: RouteConfig[];
  /** Offer and accept `exact` (EIP-3009, settled by this server before it answers). Default true. */
  exact?: boolean;
  deposits?: DepositPolicy;
  /** Identifies this server's locks in a shared store; a restarted server with the same id frees them. */
  instanceId?: string;
  /** How long a reservation holds a channel (ms) before another request may take it over. Default 30 s. */
  lockMs?: number;
  /** How long a request waits for its channel's in-process lock before `channel_busy` (ms). Default 2 s. */
  channelWaitMs?: number;
  /** Cap on the payment header (bytes). Default 8 KiB. */
  maxHeaderBytes?: number;
  maxTimeoutSeconds?: number;
  /** Stop accepting vouchers this long before a pending withdrawal can be finalized (s). Default 300. */
  withdrawSafetySeconds?: number;
  /** Stored answers for retries that carry the same payment identifier (window and size cap). */
  idempotency?: IdempotencyOptions;
  /** A listener told of every request's outcome and on-chain action (more with `Paywall.on`). Default: none. */
  events?: PaywallEvents;
  /**
   * The agent's server key for x402 offer-receipt: signs the 402's offers (cached per resource and terms) and a
   * receipt per paid answer (PAYMENT-RESPONSE `extensions["offer-receipt"]`). An ethers `Wallet` signs JWS ES256K
   * (z402's terms in the signed payload); another typed-data signer signs EIP-712. Default: none, nothing signed.
   */
  receiptSigner?: ReceiptSigner;
  /**
   * Where sign-in routes keep paid access and used sign-in nonces. Replicas must share one (`SqliteAccessStore`
   * on one host, `RedisAccessStore`, `PostgresAccessStore`); default: this process's memory.
   */
  accessStore?: AccessStore;
}
