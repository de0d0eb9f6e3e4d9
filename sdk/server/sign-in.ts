import { getAddress } from "ethers";
import type {
  SIWxExtension,
  SIWxPayload,
  SIWxValidationCode,
  SIWxVerifyCode,
} from "@x402/extensions/sign-in-with-x";
import { MemoryAccessStore, type AccessStore } from "../store/access";
import { bytesToHex } from "../utils/hex";
import type { PaywallOptions, PaywallRequest, RouteConfig } from "./options";
import { REASONS, type Reason } from "./reasons";
import { normalizePath } from "./requirements";

type Siwx = typeof import("@x402/extensions/sign-in-with-x");

/** A route's sign-in-with-x: a wallet that paid for it may come back without paying for a while. */
export interface RouteSignIn {
  /** How long one paid request of this route grants access by sign-in (seconds, from that payment). */
  accessSeconds: number;
  /** The message's statement (what the wallet is asked to sign). */
  statement?: string;
  /**
   * The public origin (`https://api.example.com`) that messages must name as `domain` and `uri`. Required in
   * production: without it sign-in works only for requests to a loopback host (development), since a Host header
   * is the sender's to choose.
   */
  origin?: string;
  /** A 402's challenge expires after this long, and no message issued longer ago is accepted (s). Default 300. */
  challengeSeconds?: number;
}

/** What a granted sign-in tells the adapter (and the handler, through the outcome). */
export interface SignInGrant {
  /** The wallet that signed in (checksummed). */
  address: string;
  /** Epoch ms when its paid access to this route ends. */
  until: number;
}

/** The headers of an answer served by sign-in (no `PAYMENT-RESPONSE`: nothing was charged). */
export const SIGN_IN_ACCESS_HEADER = "x-z402-access";

const VALIDATION: Record<SIWxValidationCode | SIWxVerifyCode, Reason> = {
  invalid_siwx_domain_mismatch: REASONS.siwxDomainMismatch,
  invalid_siwx_uri_mismatch: REASONS.siwxUriMismatch,
  invalid_siwx_issued_at: REASONS.siwxInvalid,
  invalid_siwx_issued_at_too_old: REASONS.siwxExpired,
  invalid_siwx_issued_at_in_future: REASONS.siwxNotYetValid,
  invalid_siwx_expiration_time: REASONS.siwxInvalid,
  invalid_siwx_expired: REASONS.siwxExpired,
  invalid_siwx_not_before: REASONS.siwxInvalid,
  invalid_siwx_not_yet_valid: REASONS.siwxNotYetValid,
  invalid_siwx_nonce: REASONS.siwxNonceUsed,
  invalid_siwx_signature: REASONS.siwxSignature,
  invalid_siwx_malformed_signature: REASONS.siwxSignature,
  invalid_siwx_verifier_error: REASONS.siwxSignature,
  invalid_siwx_chain_id: REASONS.siwxChainMismatch,
  invalid_siwx_unsupported_chain: REASONS.siwxChainMismatch,
};

const MAX_HEADER = 8192;

/**
 * Sign-in-with-x for the paywall, verified locally (no RPC): the 402's challenge, the check of a
 * `SIGN-IN-WITH-X` header and the record of paid access. `@x402/extensions` is loaded on first use (it pulls
 * in viem and siwe), so servers without sign-in routes never load it.
 */
/** Loopback hosts (`URL.hostname`): a development server may take its origin from the request. */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

export class SignIn {
  private mod: Promise<Siwx> | undefined;
  readonly store: AccessStore;

  constructor(private readonly options: PaywallOptions) {
    this.store = options.accessStore ?? new MemoryAccessStore();
  }

  load(): Promise<Siwx> {
    return (this.mod ??= import("@x402/extensions/sign-in-with-x"));
  }

  /** The route's identity for grants: network, receiver, methods and path (another route grants nothing here). */
  routeKey(route: RouteConfig): string {
    const payTo = (route.payTo ?? this.options.payTo).toLowerCase();
    const methods = (route.methods ?? ["*"]).map((m) => m.toUpperCase()).sort();
    return `${this.options.network} ${payTo} ${methods.join(",")} ${route.path.toLowerCase()}`;
  }

  /**
   * The origin a sign-in message must name: the route's configured `origin`, or, for a request to a loopback host
   * (development), the request's own. Never another Host header: the message's domain is all that ties it to this
   * site, and whoever sends the request chooses the Host, so a message signed at another site would pass.
   */
  private origin(req: PaywallRequest, signIn: RouteSignIn): URL | undefined {
    if (signIn.origin) return new URL(new URL(signIn.origin).origin);
    const own = new URL(new URL(req.resourceUrl).origin);
    return LOOPBACK.test(own.hostname) ? own : undefined;
  }

  /**
   * The 402's `extensions` entry: a fresh challenge (nonce, issuedAt, expirationTime) for this resource; none when
   * the route has no `origin` and the request is not to a loopback host (sign-in is then off).
   */
  async declaration(
    req: PaywallRequest,
    signIn: RouteSignIn,
  ): Promise<Record<string, SIWxExtension> | undefined> {
    const origin = this.origin(req, signIn);
    if (!origin) return undefined;
    const m = await this.load();
    const path = new URL(req.resourceUrl);
    const uri = new URL(path.pathname + path.search, origin).toString();
    const now = Date.now();
    const nonce = bytesToHex(globalThis.crypto.getRandomValues(new Uint8Array(16))).slice(2);
    const info: SIWxExtension["info"] = {
      domain: origin.host,
      uri,
      version: "1",
      nonce,
      issuedAt: new Date(now).toISOString(),
      expirationTime: new Date(now + (signIn.challengeSeconds ?? 300) * 1000).toISOString(),
      resources: [uri],
      ...(signIn.statement ? { statement: signIn.statement } : {}),
    };
    const extension: SIWxExtension = {
      info,
      supportedChains: [{ chainId: this.options.network, type: "eip191" }],
      schema: m.buildSIWxSchema(),
    };
    return { [m.SIGN_IN_WITH_X]: extension };
  }

  /** The request's `SIGN-IN-WITH-X` header, if any (after the module is loaded). */
  async header(req: PaywallRequest): Promise<string | undefined> {
    return req.header((await this.load()).SIGN_IN_WITH_X);
  }

  /**
   * Checks a sign-in header: the stock parser and validator (domain, uri origin, issuedAt age and future,
   * expiration, notBefore), the uri's path against the request's, the chain, the EOA signature (stock verify,
   * no RPC), the wallet's paid access to this route, then takes the nonce (single use across replicas).
   */
  async verify(
    req: PaywallRequest,
    route: RouteConfig,
    signIn: RouteSignIn,
    header: string,
  ): Promise<SignInGrant | { reason: Reason }> {
    const m = await this.load();
    if (header.length > MAX_HEADER) return { reason: REASONS.siwxInvalid };
    let payload: SIWxPayload;
    try {
      payload = m.parseSIWxHeader(header);
    } catch {
      return { reason: REASONS.siwxInvalid };
    }
    const origin = this.origin(req, signIn);
    if (!origin) return { reason: REASONS.siwxDomainMismatch };
    const maxAge = (signIn.challengeSeconds ?? 300) * 1000;
    const valid = await m.validateSIWxMessage(payload, origin, { maxAge });
    if (!valid.isValid) return { reason: VALIDATION[valid.invalidReason] ?? REASONS.siwxInvalid };
    if (normalizePath(new URL(payload.uri).pathname) !== normalizePath(req.url)) {
      return { reason: REASONS.siwxUriMismatch };
    }
    if (payload.chainId !== this.options.network || payload.type !== "eip191") {
      return { reason: REASONS.siwxChainMismatch };
    }
    const verified = await m.verifySIWxSignature(payload);
    if (!verified.isValid) return { reason: VALIDATION[verified.invalidReason] ?? REASONS.siwxSignature };
    const address = getAddress(verified.payer);
    const until = await this.store.accessUntil(this.routeKey(route), address);
    if (until <= Date.now()) return { reason: REASONS.siwxNoAccess };
    // Remembered as long as the message could still validate (its issuedAt plus the accepted age, and a margin).
    const remember = Date.parse(payload.issuedAt) + maxAge + 1000;
    const fresh = await this.store.useNonce(`${address.toLowerCase()}:${payload.nonce}`, remember);
    if (!fresh) return { reason: REASONS.siwxNonceUsed };
    return { address, until };
  }

  /** After a charged 2xx of a sign-in route: its payer may sign in to it for `accessSeconds` from now. */
  async record(route: RouteConfig, signIn: RouteSignIn, payer: string): Promise<void> {
    const until = Date.now() + signIn.accessSeconds * 1000;
    await this.store.grant(this.routeKey(route), getAddress(payer), until);
  }
}
