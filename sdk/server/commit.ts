/**
 * The paywall's step after the handler: commit the charge (or release the reservation) with the answer kept for
 * retries, sign the receipt, grant sign-in access, and build the PAYMENT-RESPONSE headers.
 */
import type { ChannelRecord } from "../store/types";
import type { BatchScheme } from "./batch";
import { keptBodyCap, storeAnswer, type CapturedAnswer } from "./idempotency";
import { receiptExtensions, receiptFacts, type OfferReceiptIssuer } from "./offer-receipt";
import type { PaywallOptions } from "./options";
import type { Completion, Ticket } from "./outcome";
import { REASONS } from "./reasons";
import { badRequest, paymentResponseHeaders } from "./requirements";
import type { SignIn } from "./sign-in";

/** What a completion commits: `charge` (default: the price) clamped to [0, price]; `exact` pays the price. */
export function chargeOf(ticket: Ticket, charge?: bigint): bigint {
  if (ticket.scheme === "exact" || charge === undefined || charge > ticket.price) return ticket.price;
  return charge < 0n ? 0n : charge;
}

export class Committer {
  constructor(
    private readonly options: PaywallOptions,
    private readonly batch: BatchScheme,
    private readonly signIn: SignIn,
    private readonly issuer: OfferReceiptIssuer | undefined,
  ) {}

  /** Commits (or, when `ok` is false, releases) and answers with the PAYMENT-RESPONSE headers or a 409. */
  async commit(ticket: Ticket, ok: boolean, charge?: bigint, answer?: CapturedAnswer): Promise<Completion> {
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
    const actual = chargeOf(ticket, charge);
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
    // The headers kept with the answer are the ones sent: built once, for the record `finish` commits.
    let kept: Record<string, string> | undefined;
    const keep = answer
      ? (record: ChannelRecord) => {
          kept = headersFor(record);
          return storeAnswer(
            { ...answer, headers: { ...answer.headers, ...kept } },
            keptBodyCap(this.options),
          );
        }
      : undefined;
    const record = await this.batch.finish(ticket, ok, actual, keep);
    if (!ok) return { type: "headers", headers: {} };
    if (!record) {
      return { type: "respond", answer: { ...badRequest(REASONS.bsChannelBusy), status: 409 } };
    }
    await this.grantAccess(ticket, actual, record);
    return { type: "headers", headers: kept ?? headersFor(record) };
  }

  /**
   * A charged success on a sign-in route grants its payer sign-in access (a store failure loses only that). An
   * escrow charge grants only when the mined balance covers it: a charge served on an optimistic deposit that may
   * still revert grants nothing, else one unfunded request would buy the whole access period.
   */
  private async grantAccess(ticket: Ticket, charged: bigint, record?: ChannelRecord): Promise<void> {
    const signIn = ticket.route.signIn;
    if (!signIn || charged <= 0n) return;
    try {
      if (ticket.scheme === "batch-settlement" && record) {
        const chain = await this.options.mirror.channel(ticket.channelId);
        if (chain.balance < record.charged) return;
      }
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
}
