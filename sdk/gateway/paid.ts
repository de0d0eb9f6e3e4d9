/**
 * A paid request through the gateway. The paywall has reserved the price (the route's price, or a metered route's
 * `max`); the charge is committed when the upstream's status and headers arrive, before the first body byte is sent:
 *
 * - status >= 400 (4xx passed through, 5xx passed through), upstream unreachable, timed out, or the client gone
 *   before the commit: the reservation is released, nothing is charged (`complete(ticket, false)`);
 * - otherwise `complete(ticket, true, charge)`: the fixed price, or a metered route's charge (see `meter.ts`), then
 *   the body streams. A body that breaks off after the commit stays charged: a streamed answer cannot be taken back.
 *
 * Only small answers are held: one whose Content-Length is within the paywall's idempotency cap (64 KiB by default)
 * when the payment carries an identifier (it is read whole and stored, so a retry gets it again), and a
 * size-metered body without Content-Length (read ahead up to `MEASURE_WINDOW` to measure it). Everything else,
 * chunked and event streams included, streams as it comes (and a retry of it gets 409 "answer unavailable").
 */
import type { IncomingMessage } from "node:http";
import { chargeOf } from "../server/commit";
import type { Paywall, Ticket } from "../server/paywall";
import { keepsAnswer, keptBodyCap, NOT_KEPT_HEADERS, type CapturedAnswer } from "../server/idempotency";
import type { GatewayRoute } from "./config";
import { clientResponseHeaders, PAYER_HEADER, toRecord } from "./headers";
import {
  contentLength,
  MEASURE_WINDOW,
  meteredCharge,
  readAhead,
  type Metered,
  type ReadAhead,
} from "./meter";
import type { Decision, Exchange } from "./proxy";

/** Fields never kept in a stored answer (a replay must not hand out the first caller's session). */
const NOT_KEPT = new Set([...NOT_KEPT_HEADERS, "via"]);

const STORE_UNAVAILABLE = {
  status: 503,
  headers: { "content-type": "application/json", "cache-control": "no-store" },
  body: '{"error":"z402_store_unavailable"}',
};

export interface PaidEvents {
  /** After the commit (or release): what was charged, and how a metered charge was found. */
  onCharged?(info: { route: string; charge: bigint; metered?: Metered }): void;
  onReleased?(info: { route: string; reason: string }): void;
}

export function paidExchange(
  paywall: Paywall,
  ticket: Ticket,
  route: GatewayRoute,
  client: { gone(): boolean },
  events: PaidEvents = {},
): Exchange {
  let completed = false;
  const release = async (reason: string) => {
    if (completed) return;
    completed = true;
    await paywall.complete(ticket, false);
    events.onReleased?.({ route: route.path, reason });
  };
  const keepCap = keptBodyCap(paywall.options);
  const keeps = keepsAnswer(ticket);

  async function onResponse(up: IncomingMessage): Promise<Decision> {
    const status = up.statusCode ?? 502;
    if (status >= 400) {
      await release(`upstream ${status}`);
      return { type: "stream" };
    }
    const price = route.price;
    const metered = price.kind === "metered" ? price : undefined;
    const unitsValue = metered ? up.headers[metered.header] : undefined;
    const units = Array.isArray(unitsValue) ? unitsValue[0] : unitsValue;
    const length = contentLength(up);
    const measure = metered?.unitBytes !== undefined && units === undefined && length === undefined;
    const keepable = keeps && length !== undefined && length <= keepCap;
    const limit = Math.max(measure ? MEASURE_WINDOW : 0, keepable ? keepCap : 0);
    let ahead: ReadAhead = { chunks: [], bytes: 0, ended: false };
    if (limit > 0) {
      try {
        ahead = await readAhead(up, limit);
      } catch (err) {
        await release("upstream failed");
        throw err;
      }
    }
    if (client.gone()) {
      await release("client gone");
      return { type: "stream" };
    }
    const bytes = length ?? (ahead.ended ? ahead.bytes : undefined);
    const metering = metered ? meteredCharge(metered, units, bytes) : undefined;
    const drop = metered ? [metered.header] : [];
    const captured: CapturedAnswer | undefined =
      keepable && ahead.ended && ahead.bytes <= keepCap
        ? {
            status,
            headers: toRecord(clientResponseHeaders(up, drop), NOT_KEPT),
            body: Buffer.concat(ahead.chunks),
          }
        : undefined;
    completed = true;
    let done;
    try {
      done = await paywall.complete(ticket, true, metering?.charge, captured);
    } catch {
      return { type: "answer", answer: STORE_UNAVAILABLE };
    }
    if (done.type === "respond") return { type: "answer", answer: done.answer };
    const charge = chargeOf(ticket, metering?.charge);
    events.onCharged?.({ route: route.path, charge, metered: metering });
    return { type: "stream", add: done.headers, drop, head: ahead.chunks, ended: ahead.ended };
  }

  return {
    extra: [[PAYER_HEADER, ticket.payer]],
    onResponse,
    onUnavailable: (err) => release(`upstream unavailable: ${err.message}`),
  };
}
