/** What the paywall decides before a handler (`Outcome`) and after it (`Completion`), and a paid request's ticket. */
import type { BatchTicket } from "./batch";
import type { ExactTicket } from "./exact";
import type { Trace } from "./events";
import type { RouteConfig } from "./options";
import type { HttpAnswer } from "./requirements";
import type { SignInGrant } from "./sign-in";

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
