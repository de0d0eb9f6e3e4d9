import { BatchScheme } from "./batch";
import { decodePaymentHeader, paymentIdentifier, requirementsSchema, parseWith } from "./decode";
import { delegatedContext } from "./bazaar";
import { ExactScheme } from "./exact";
import type { PaywallOptions, PaywallRequest, RouteConfig } from "./options";
import { PaywallReporter, type Note, type PaywallEvents } from "./events";
import { PaymentRefusal, REASONS } from "./reasons";
import { isRefundPayload, RefundHandler } from "./refund";
import { bodyDigest, requestFingerprint, type CapturedAnswer } from "./idempotency";
import { OfferReceiptIssuer } from "./offer-receipt";
import { SignIn, SIGN_IN_ACCESS_HEADER } from "./sign-in";
import { chargeOf, Committer } from "./commit";
import type { Completion, Outcome, Ticket } from "./outcome";
import { badRequest, matchRoute, offers, paymentRequired, type Requirements } from "./requirements";

export type { Ticket, Outcome, Completion } from "./outcome";

const V1_NETWORKS: Record<string, string> = { "base-sepolia": "eip155:84532", base: "eip155:8453" };

/**
 * The framework-agnostic paywall. `handle` decides before the handler (free, answer now, or proceed
 * with a reservation); `complete` commits the actual charge after the handler succeeded.
 */
export class Paywall {
  private readonly batch: BatchScheme;
  private readonly exact: ExactScheme;
  private readonly refunds: RefundHandler;
  private readonly signIn: SignIn;
  /** Undefined while nobody listens: the hot path then times nothing and builds no events. */
  private reporter: PaywallReporter | undefined;
  /** Signs offers and receipts (x402 offer-receipt) when `receiptSigner` is set. */
  private readonly issuer: OfferReceiptIssuer | undefined;
  private readonly committer: Committer;

  constructor(readonly options: PaywallOptions) {
    this.issuer = options.receiptSigner ? new OfferReceiptIssuer(options.receiptSigner) : undefined;
    this.batch = new BatchScheme(options);
    this.exact = new ExactScheme(options);
    this.refunds = new RefundHandler(options, this.batch);
    this.signIn = new SignIn(options);
    this.committer = new Committer(options, this.batch, this.signIn, this.issuer);
    if (options.events) this.on(options.events);
  }

  /** Adds a listener of request outcomes and on-chain actions; returns its removal. */
  on(listener: PaywallEvents): () => void {
    const reporter = (this.reporter ??= new PaywallReporter());
    const remove = reporter.add(listener);
    return () => {
      remove();
      if (reporter.empty && this.reporter === reporter) this.reporter = undefined;
    };
  }

  /** Frees this instance's stale reservations (after a restart). Call once before serving. */
  async start(): Promise<void> {
    await this.batch.init();
    await this.options.store.clearLocks(this.batch.instance);
  }

  async handle(req: PaywallRequest): Promise<Outcome> {
    const reporter = this.reporter;
    if (!reporter) return this.withOffers(await this.decide(req));
    const note: Note = { price: 0n };
    const started = performance.now();
    try {
      const outcome = await this.withOffers(await this.decide(req, note));
      reporter.handled(req, outcome, note, performance.now() - started);
      return outcome;
    } catch (err) {
      reporter.handled(req, undefined, { ...note, reason: REASONS.chainUnavailable, failed: true }, 0);
      throw err;
    }
  }

  /** A 402 with signed offers in its `extensions` when a `receiptSigner` is set; other outcomes as they are. */
  private async withOffers(outcome: Outcome): Promise<Outcome> {
    if (!this.issuer || outcome.type !== "respond" || outcome.answer.status !== 402) return outcome;
    return { type: "respond", answer: await this.issuer.signed(outcome.answer) };
  }

  /** `handle`'s decision; `note` (given while listeners are attached) collects what the listeners are told. */
  private async decide(req: PaywallRequest, note?: Note): Promise<Outcome> {
    const route = matchRoute(this.options.routes, req.method, req.url);
    if (!route) return { type: "free" };
    if (note) note.route = route;
    let price: bigint;
    try {
      price = typeof route.price === "bigint" ? route.price : route.price(req);
    } catch {
      if (note) note.reason = REASONS.invalidPayload;
      return { type: "respond", answer: badRequest(REASONS.invalidPayload) };
    }
    if (note) note.price = price;
    const accepts = offers(this.options, route, price);
    const v2Header = req.header("payment-signature");
    const v1Header = req.header("x-payment");
    const header = v2Header ?? v1Header;
    let unpaid: string = REASONS.paymentRequired;
    if (route.signIn) {
      const checked = await this.checkSignIn(req, route, header === undefined);
      if (checked && "type" in checked) return checked;
      if (checked) unpaid = checked.reason;
    }
    if (header === undefined) {
      if (note) note.reason = unpaid;
      return {
        type: "respond",
        // The client's x402 version is unknown yet: v2 clients read the header, v1 clients the (v1) body.
        answer: paymentRequired(req, route, accepts, unpaid, true, 402, await this.challenge(req, route)),
      };
    }
    let v1 = v2Header === undefined;
    try {
      const payment = decodePaymentHeader(header, this.options.maxHeaderBytes ?? 8192);
      v1 = payment.x402Version === 1;
      let accepted: Requirements;
      if (payment.x402Version === 2) {
        accepted = { extra: {}, ...payment.accepted } as Requirements;
      } else {
        const offer = accepts.find((o) => o.scheme === payment.scheme);
        if (!offer) throw new PaymentRefusal(REASONS.unsupportedScheme);
        accepted = { ...offer, network: V1_NETWORKS[payment.network] ?? payment.network };
      }
      parseWith(requirementsSchema, accepted);
      const offer = accepts.find((o) => o.scheme === accepted.scheme);
      if (!offer) throw new PaymentRefusal(REASONS.unsupportedScheme);
      if (accepted.network !== offer.network) throw new PaymentRefusal(REASONS.invalidNetwork);
      if (note) Object.assign(note, { scheme: offer.scheme, payload: payment.payload });
      const paymentId = paymentIdentifier(payment);
      if (offer.scheme === "batch-settlement" && isRefundPayload(payment.payload)) {
        return { type: "respond", answer: await this.refunds.refund(accepted, offer, payment.payload, v1) };
      }
      if (offer.scheme === "exact") {
        const told = delegatedContext(req, route);
        const ticket = await this.exact.accept(accepted, offer, payment.payload, price, v1, told);
        return { type: "proceed", ticket: { ...ticket, v1, route, resourceUrl: req.resourceUrl } };
      }
      const fingerprint = paymentId ? await this.fingerprint(req, header, price) : "";
      const acceptance = await this.batch.accept(accepted, offer, payment.payload, price, {
        id: paymentId,
        fingerprint,
        told: () => delegatedContext(req, route),
      });
      if ("answer" in acceptance) {
        if (note) note.replayed = true;
        return { type: "respond", answer: acceptance.answer };
      }
      return { type: "proceed", ticket: { ...acceptance, v1, route, resourceUrl: req.resourceUrl } };
    } catch (err) {
      if (note) {
        note.failed = !(err instanceof PaymentRefusal);
        note.reason = err instanceof PaymentRefusal ? err.reason : REASONS.chainUnavailable;
      }
      // Only a 402 carries the sign-in challenge: no nonce is made for a 400, 409 or 503.
      const is402 = err instanceof PaymentRefusal && err.status === 402;
      const more = is402 ? await this.challenge(req, route) : undefined;
      return { type: "respond", answer: this.refusal(req, route, accepts, err, v1, more) };
    }
  }

  /**
   * A sign-in route's `SIGN-IN-WITH-X` header, checked before any payment: a grant serves without a charge;
   * a refusal's reason is the 402's when no payment came with it (else the payment is judged as usual).
   */
  private async checkSignIn(
    req: PaywallRequest,
    route: RouteConfig,
    unpaid: boolean,
  ): Promise<Outcome | { reason: string } | undefined> {
    try {
      const proof = await this.signIn.header(req);
      if (proof === undefined) return undefined;
      const grant = await this.signIn.verify(req, route, route.signIn!, proof);
      if ("reason" in grant) return grant;
      const headers = {
        [SIGN_IN_ACCESS_HEADER]: "sign-in",
        "access-control-expose-headers": SIGN_IN_ACCESS_HEADER,
      };
      return { type: "free", signIn: grant, headers };
    } catch {
      // The access store is down: a payment that came along is still judged; without one, retry later.
      if (!unpaid) return undefined;
      return { type: "respond", answer: { ...badRequest(REASONS.chainUnavailable), status: 503 } };
    }
  }

  /** The sign-in-with-x challenge a sign-in route's 402 declares (a fresh nonce each time). */
  private async challenge(req: PaywallRequest, route: RouteConfig) {
    return route.signIn ? this.signIn.declaration(req, route.signIn) : undefined;
  }

  /** What a payment identifier is bound to: the exact payload, method, target, price and body digest. */
  private async fingerprint(req: PaywallRequest, header: string, price: bigint): Promise<string> {
    const body = req.body ? await req.body() : undefined;
    return requestFingerprint({
      header,
      method: req.method,
      url: req.url,
      price,
      bodyDigest: bodyDigest(body),
    });
  }

  private refusal(
    req: PaywallRequest,
    route: RouteConfig,
    accepts: Requirements[],
    err: unknown,
    v1: boolean,
    more?: Record<string, unknown>,
  ) {
    // Our own failures (RPC down, store down) are 503: the payment was fine and may be retried as is.
    if (!(err instanceof PaymentRefusal)) return { ...badRequest(REASONS.chainUnavailable), status: 503 };
    if (err.status !== 402) return { ...badRequest(err.reason), status: err.status };
    const list = err.extra
      ? accepts.map((a) =>
          a.scheme === "batch-settlement" ? { ...a, extra: { ...a.extra, ...err.extra } } : a,
        )
      : accepts;
    return paymentRequired(req, route, list, err.reason, v1, 402, more);
  }

  /**
   * After the handler: `ok` false (handler failed) releases the reservation without charging;
   * otherwise commits `charge` (default: the price; clamped to [0, price]).
   */
  async complete(ticket: Ticket, ok: boolean, charge?: bigint, answer?: CapturedAnswer): Promise<Completion> {
    const { trace } = ticket;
    const reporter = this.reporter;
    if (!trace || !reporter) return this.committer.commit(ticket, ok, charge, answer);
    const started = performance.now();
    let done: Completion | undefined;
    try {
      return (done = await this.committer.commit(ticket, ok, charge, answer));
    } finally {
      reporter.completed(ticket, trace, ok, done, chargeOf(ticket, charge), performance.now() - started);
    }
  }

  /** Current charge function for a request (routes with dynamic prices). */
  price(req: PaywallRequest): bigint | undefined {
    const route = matchRoute(this.options.routes, req.method, req.url);
    if (!route) return undefined;
    return typeof route.price === "bigint" ? route.price : route.price(req);
  }
}
