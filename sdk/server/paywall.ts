import { BatchScheme, type BatchTicket } from "./batch";
import { decodePaymentHeader, paymentIdentifier, requirementsSchema, parseWith } from "./decode";
import { delegatedContext } from "./bazaar";
import { ExactScheme, type ExactTicket } from "./exact";
import type { PaywallOptions, PaywallRequest, RouteConfig } from "./options";
import { PaywallReporter, type Note, type PaywallEvents, type Trace } from "./events";
import { PaymentRefusal, REASONS } from "./reasons";
import { isRefundPayload, RefundHandler } from "./refund";
import { bodyDigest, requestFingerprint, storeAnswer, type CapturedAnswer } from "./idempotency";
import { OfferReceiptIssuer, receiptExtensions, receiptFacts } from "./offer-receipt";
import type { ChannelRecord } from "../store/types";
import { SignIn, SIGN_IN_ACCESS_HEADER, type SignInGrant } from "./sign-in";
import {
  badRequest,
  matchRoute,
  offers,
  paymentRequired,
  paymentResponseHeaders,
  type HttpAnswer,
  type Requirements,
} from "./requirements";

export type Ticket = (BatchTicket | ExactTicket) & {
  v1: boolean;
  route: RouteConfig;
  trace?: Trace;
  /** The paid resource's URL (the receipt's `resourceUrl`). */
  resourceUrl?: string;
};

/**
 * `free` with `signIn`: served by sign-in-with-x, without a charge (the adapter adds `headers` to the answer).
 */
export type Outcome =
  | { type: "free"; signIn?: SignInGrant; headers?: Record<string, string> }
  | { type: "respond"; answer: HttpAnswer }
  | { type: "proceed"; ticket: Ticket };

/** What the adapter does after the handler: add `headers`, or replace the response with `answer`. */
export type Completion =
  { type: "headers"; headers: Record<string, string> } | { type: "respond"; answer: HttpAnswer };

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

  constructor(readonly options: PaywallOptions) {
    this.issuer = options.receiptSigner ? new OfferReceiptIssuer(options.receiptSigner) : undefined;
    this.batch = new BatchScheme(options);
    this.exact = new ExactScheme(options);
    this.refunds = new RefundHandler(options, this.batch);
    this.signIn = new SignIn(options);
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
      const more = await this.challenge(req, route);
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
    if (!trace || !reporter) return this.commit(ticket, ok, charge, answer);
    const started = performance.now();
    let done: Completion | undefined;
    try {
      return (done = await this.commit(ticket, ok, charge, answer));
    } finally {
      reporter.completed(ticket, trace, ok, done, this.chargeOf(ticket, charge), performance.now() - started);
    }
  }

  /** What a completion commits: `charge` (default: the price) clamped to [0, price]; `exact` pays the price. */
  private chargeOf(ticket: Ticket, charge?: bigint): bigint {
    if (ticket.scheme === "exact" || charge === undefined || charge > ticket.price) return ticket.price;
    return charge < 0n ? 0n : charge;
  }

  private async commit(
    ticket: Ticket,
    ok: boolean,
    charge?: bigint,
    answer?: CapturedAnswer,
  ): Promise<Completion> {
    const network = this.options.network;
    if (ticket.scheme === "exact") {
      const receipt = ok ? await this.receiptFor(ticket, ticket.price) : undefined;
      const response = {
        success: true,
        transaction: ticket.transaction,
        network,
        payer: ticket.payer,
        amount: ticket.price.toString(),
        ...receipt,
      };
      if (ok) await this.grantAccess(ticket, ticket.price);
      return { type: "headers", headers: ok ? paymentResponseHeaders(ticket.v1, response) : {} };
    }
    const actual = this.chargeOf(ticket, charge);
    // Signed once, before the answer is kept, so a replay of the stored answer carries the same receipt.
    const receipt = ok ? await this.receiptFor(ticket, actual) : undefined;
    const headersFor = (record: ChannelRecord) =>
      paymentResponseHeaders(ticket.v1, {
        success: true,
        transaction: "",
        network,
        payer: ticket.payer,
        amount: "",
        extra: {
          chargedAmount: actual.toString(),
          channelState: this.batch.channelState(record, ticket.chain),
        },
        ...receipt,
      });
    const keep = answer
      ? (record: ChannelRecord) =>
          storeAnswer(
            { ...answer, headers: { ...answer.headers, ...headersFor(record) } },
            this.options.idempotency?.maxBodyBytes,
          )
      : undefined;
    const record = await this.batch.finish(ticket, ok, actual, keep);
    if (!ok) return { type: "headers", headers: {} };
    if (!record) {
      return { type: "respond", answer: { ...badRequest(REASONS.bsChannelBusy), status: 409 } };
    }
    await this.grantAccess(ticket, actual);
    return { type: "headers", headers: headersFor(record) };
  }

  /** A charged success on a sign-in route grants its payer sign-in access (a store failure loses only that). */
  private async grantAccess(ticket: Ticket, charged: bigint): Promise<void> {
    const signIn = ticket.route.signIn;
    if (!signIn || charged <= 0n) return;
    try {
      await this.signIn.record(ticket.route, signIn, ticket.payer);
    } catch {
      // the payer pays again next time instead of signing in
    }
  }

  /** PAYMENT-RESPONSE's `extensions` with a signed receipt of this charge; undefined without a `receiptSigner`. */
  private async receiptFor(ticket: Ticket, charged: bigint) {
    if (!this.issuer) return undefined;
    return {
      extensions: receiptExtensions(await this.issuer.receipt(receiptFacts(this.options, ticket, charged))),
    };
  }

  /** Current charge function for a request (routes with dynamic prices). */
  price(req: PaywallRequest): bigint | undefined {
    const route = matchRoute(this.options.routes, req.method, req.url);
    if (!route) return undefined;
    return typeof route.price === "bigint" ? route.price : route.price(req);
  }
}
