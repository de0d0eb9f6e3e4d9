/**
 * Event hooks of the paywall and the chain mirror: plain callbacks told what became of each request, which on-chain
 * actions requests caused, and each mirror poll. Nothing here runs unless a listener is attached (`events` options,
 * or `Paywall.on` / `ChainMirror.on`).
 */
import type { PaywallRequest, RouteConfig } from "./options";
import type { Completion, Outcome, Ticket } from "./outcome";
import { REASONS } from "./reasons";

/** What became of one request. Amounts are atomic token units; times are milliseconds. */
export interface PaywallEvent {
  /** The request, as the adapter gave it (read `x-request-id` or key per-request state on it). */
  request: PaywallRequest;
  /** The matched route's `path` pattern; "" for a request no route prices. */
  route: string;
  method: string;
  outcome: "free" | "served" | "refused" | "replayed" | "error";
  /** The reason code of a refusal or error. */
  reason?: string;
  /** The escrow channel the payment named (as sent, for a refusal). */
  channelId?: string;
  scheme?: string;
  price: bigint;
  /** What was committed (served requests). */
  charged?: bigint;
  /** Deciding on the payment: decode, verification, reservation. */
  verifyMs?: number;
  /** Committing the charge to the store. */
  storeMs?: number;
}

/** An on-chain action a request caused: a deposit submitted, an `exact` payment settled, a refund sent. */
export interface PaywallAction {
  request: PaywallRequest;
  action: "deposit" | "settle" | "refund";
  scheme: string;
  channelId?: string;
  amount?: bigint;
  transaction?: string;
}

/** Plain callbacks; a listener that throws is ignored. */
export interface PaywallEvents {
  request?(event: PaywallEvent): void;
  action?(action: PaywallAction): void;
}

/** A mirror's finished catch-up: the last block read, the head then, how long it took (ms). */
export interface MirrorPoll {
  block: number;
  head: number;
  ms: number;
}

/** Plain callbacks told of each mirror poll. */
export interface MirrorEvents {
  poll?(poll: MirrorPoll): void;
  pollFailed?(failure: { error: unknown; ms: number }): void;
}

/** Calls `call` on each listener; a listener that throws is skipped (it never reaches the caller). */
export function notify<L>(listeners: readonly L[], call: (listener: L) => void): void {
  for (const l of listeners) {
    try {
      call(l);
    } catch {
      // ignored
    }
  }
}

/** Kept on a ticket only while listeners are attached: the request and how long deciding on it took. */
export interface Trace {
  request: PaywallRequest;
  verifyMs: number;
}

/** What the paywall learned while deciding on a request (filled only while listeners are attached). */
export interface Note {
  route?: RouteConfig;
  price: bigint;
  scheme?: string;
  payload?: Record<string, unknown>;
  reason?: string;
  /** Our own failure (503), not a refusal of the payment. */
  failed?: boolean;
  replayed?: boolean;
}

/** The channel id a payload names (as sent), if any. */
const channelOf = (payload?: Record<string, unknown>) => {
  const id = (payload?.voucher as { channelId?: unknown } | undefined)?.channelId;
  return typeof id === "string" ? id.toLowerCase() : undefined;
};

/** Fans a paywall's events out to its listeners. */
export class PaywallReporter {
  private listeners: PaywallEvents[] = [];

  get empty(): boolean {
    return this.listeners.length === 0;
  }

  add(listener: PaywallEvents): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  private emit<K extends keyof PaywallEvents>(kind: K, event: Parameters<NonNullable<PaywallEvents[K]>>[0]) {
    notify(this.listeners, (l) => l[kind]?.(event as never));
  }

  /** What `handle` decided (`outcome` undefined: it threw); a paid request's outcome is told by `completed`. */
  handled(request: PaywallRequest, outcome: Outcome | undefined, note: Note, verifyMs: number): void {
    const { payload, scheme } = note;
    const base = {
      request,
      route: note.route?.path ?? "",
      method: request.method,
      price: note.price,
      scheme,
    };
    if (outcome?.type === "free") return this.emit("request", { ...base, outcome: "free" });
    if (outcome?.type === "proceed") {
      const t = outcome.ticket;
      t.trace = { request, verifyMs };
      if (t.scheme === "exact") {
        const settled = { amount: t.price, transaction: t.transaction };
        return this.emit("action", { request, action: "settle", scheme: t.scheme, ...settled });
      }
      if (payload?.type === "deposit") {
        const amount = BigInt((payload.deposit as { amount: string }).amount);
        this.emit("action", { request, action: "deposit", scheme: t.scheme, channelId: t.channelId, amount });
      }
      return;
    }
    const event = { ...base, channelId: channelOf(payload), verifyMs };
    if (note.reason !== undefined) {
      const outcome = note.failed ? "error" : "refused";
      return this.emit("request", { ...event, outcome, reason: note.reason });
    }
    if (note.replayed) return this.emit("request", { ...event, outcome: "replayed" });
    // The one other answer `handle` gives itself: a refund sent.
    this.emit("action", {
      request,
      action: "refund",
      scheme: "batch-settlement",
      channelId: event.channelId,
    });
    this.emit("request", { ...event, outcome: "served", charged: 0n });
  }

  /** What `complete` did (`done` undefined: it threw) after the handler ran; `charged` is the committed charge. */
  completed(
    ticket: Ticket,
    trace: Trace,
    ok: boolean,
    done: Completion | undefined,
    charged: bigint,
    storeMs: number,
  ) {
    const event = {
      request: trace.request,
      route: ticket.route.path,
      method: trace.request.method,
      scheme: ticket.scheme,
      channelId: ticket.scheme === "batch-settlement" ? ticket.channelId : undefined,
      price: ticket.price,
      verifyMs: trace.verifyMs,
      storeMs,
    };
    if (!done) this.emit("request", { ...event, outcome: "error", reason: "z402_store_unavailable" });
    else if (!ok) this.emit("request", { ...event, outcome: "error", reason: "handler_failed" });
    else if (done.type === "respond")
      this.emit("request", { ...event, outcome: "refused", reason: REASONS.bsChannelBusy });
    else this.emit("request", { ...event, outcome: "served", charged });
  }
}
