/**
 * Idempotent retries, as x402's `payment-identifier` extension means them: a payment identifier is bound to the
 * exact payment payload and to the request it bought (method, target, body digest, price). The same identifier on
 * the same request gets the answer that was stored with the charge, and the handler does not run again; the same
 * identifier on anything else is a conflict (409). A voucher without a stored answer buys nothing twice.
 */
import { createHash } from "node:crypto";
import type { ChannelRecord } from "../store/types";
import { PaymentRefusal, REASONS } from "./reasons";
import type { HttpAnswer } from "./requirements";

/** What the adapter sent (or is about to send) for a paid request, before the payment headers are added. */
export interface CapturedAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** The serialized form kept in `ChannelRecord.response`. */
interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  /** Base64 of the body bytes. */
  body: string;
}

export interface IdempotencyOptions {
  /** How long a stored answer can be fetched again with its payment identifier (ms). Default 10 minutes. */
  windowMs?: number;
  /** Largest body kept for a retry (bytes); a larger answer is served once and not kept. Default 64 KiB. */
  maxBodyBytes?: number;
}

/** Headers never kept for an idempotent retry: a replayed answer must not hand out the first caller's session. */
export const NOT_KEPT_HEADERS: ReadonlySet<string> = new Set([
  "set-cookie",
  "content-length",
  "transfer-encoding",
  "connection",
]);

export const DEFAULT_WINDOW_MS = 10 * 60_000;
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** Whether a paid request's answer is kept for retries: an escrow payment that carries a payment identifier. */
export function keepsAnswer(ticket: { scheme: string; paymentId?: string }): boolean {
  return ticket.scheme === "batch-settlement" && !!ticket.paymentId;
}

/** The largest answer body kept for a retry under `options` (bytes). */
export function keptBodyCap(options: { idempotency?: IdempotencyOptions }): number {
  return options.idempotency?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
}

/** The request facts a payment identifier is bound to. */
export interface RequestFacts {
  /** The raw payment header: binding to it binds the id to the exact payment payload. */
  header: string;
  method: string;
  /** Request target (path and query). */
  url: string;
  price: bigint;
  /** Digest of the request body, "" when the body is empty or the adapter cannot read it. */
  bodyDigest: string;
}

/** SHA-256 (hex) over the request facts, each prefixed with its byte length so no two fact lists hash alike. */
export function requestFingerprint(f: RequestFacts): string {
  // Node's native SHA-256: the fingerprint is on the hot path of every paid request that carries an identifier.
  const hash = createHash("sha256");
  for (const part of [f.header, f.method.toUpperCase(), f.url, f.price.toString(), f.bodyDigest]) {
    hash.update(`${Buffer.byteLength(part)}:`).update(part);
  }
  return hash.digest("hex");
}

/** SHA-256 (hex) of a request body; "" for an empty one. */
export function bodyDigest(body: Uint8Array | undefined): string {
  return body && body.length > 0 ? createHash("sha256").update(body).digest("hex") : "";
}

/** The stored form of an answer, or "" when its body is over the cap (it is then served once and not kept). */
export function storeAnswer(answer: CapturedAnswer, maxBodyBytes = DEFAULT_MAX_BODY_BYTES): string {
  if (answer.body.length > maxBodyBytes) return "";
  const stored: StoredAnswer = {
    status: answer.status,
    headers: answer.headers,
    body: Buffer.from(answer.body).toString("base64"),
  };
  return JSON.stringify(stored);
}

/**
 * The decision for a payment whose identifier equals the channel's last committed one: the stored answer when
 * the request is the same and still inside the window; otherwise a 409 that says why. Never a reason to run the
 * handler: the payment was already charged.
 */
export function replayAnswer(
  record: ChannelRecord,
  fingerprint: string,
  now: number,
  windowMs = DEFAULT_WINDOW_MS,
): HttpAnswer {
  if (record.requestDigest !== fingerprint) throw new PaymentRefusal(REASONS.idempotencyConflict, 409);
  if (!record.response || now - record.respondedAt >= windowMs) {
    throw new PaymentRefusal(REASONS.idempotencyAnswerUnavailable, 409);
  }
  const stored = JSON.parse(record.response) as StoredAnswer;
  return {
    status: stored.status,
    headers: { ...stored.headers, "x-z402-idempotent-replay": "true" },
    body: Buffer.from(stored.body, "base64"),
  };
}
