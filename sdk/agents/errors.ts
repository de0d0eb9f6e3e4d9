import { BaseError } from "../errors/base";

/**
 * Errors raised by the agents and discovery layers. Every error carries a stable machine-readable `code`,
 * optional `details` (the values that failed) and an optional `cause`.
 */
export type AgentErrorCode =
  | "invalid_agent_card"
  | "invalid_registration_file"
  | "invalid_agent_registry"
  | "invalid_canonical_json"
  | "card_hash_mismatch"
  | "agent_not_found"
  | "agent_uri_unsupported"
  | "agent_fetch_failed"
  | "agent_wallet_signature"
  | "a2a_payment"
  | "a2a_transport";

export class AgentError extends BaseError<AgentErrorCode> {
  override name = "AgentError";

  constructor(
    code: AgentErrorCode,
    message: string,
    opts: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(code, message, opts);
  }
}

/** A card or registration file lacks a required field or has one of the wrong shape. */
export class InvalidAgentCardError extends AgentError {
  override name = "InvalidAgentCardError";
  constructor(
    readonly problems: string[],
    kind: "card" | "registration" = "card",
  ) {
    super(
      kind === "card" ? "invalid_agent_card" : "invalid_registration_file",
      `invalid ${kind === "card" ? "agent card" : "registration file"}: ${problems.join("; ")}`,
      { details: { problems } },
    );
  }
}

/** The registration file fetched for an agent does not hash to the `cardHash` its account stores. */
export class CardHashMismatchError extends AgentError {
  override name = "CardHashMismatchError";
  constructor(expected: string, actual: string, agentId?: bigint) {
    super("card_hash_mismatch", `registration file hash ${actual} does not match cardHash ${expected}`, {
      details: { expected, actual, agentId },
    });
  }
}
