/**
 * Every failure of the `z402` command ends as one sentence on stderr and a non-zero exit code, never a
 * stack trace (set `Z402_DEBUG=1` to see the full error). `renderError` maps what the layers below throw
 * (ethers, fetch, the SDK's typed errors, commander) to that sentence.
 */

import { Interface } from "ethers";
import { BaseError } from "../errors/base";
import { ESCROW_ABI, OTHER_ERRORS } from "./abi";

/** Exit codes: 1 for a failed operation, 2 for bad input. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The codes of the CLI's own errors: a failed operation or bad input. */
export type CliErrorCode = "CLI_FAILURE" | "CLI_USAGE";

/**
 * An error whose `shortMessage` is already the sentence the user should read (an SDK `BaseError`, so it
 * carries a code; the printed sentence is the `shortMessage`, without the code).
 */
export class CliError extends BaseError<CliErrorCode> {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
    options?: { cause?: unknown },
  ) {
    super(exitCode === EXIT_USAGE ? "CLI_USAGE" : "CLI_FAILURE", message, options);
  }
}

/** Bad input on the command line (a malformed address, an unknown network, a missing key...). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
  }
}

type Loose = { [key: string]: unknown };

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
]);

/** The errors of a chain of `cause`s (and ethers' `error` wrapping), outermost first. */
function chain(err: unknown): Loose[] {
  const out: Loose[] = [];
  let cur: unknown = err;
  while (cur && typeof cur === "object" && out.length < 8 && !out.includes(cur as Loose)) {
    out.push(cur as Loose);
    const next = (cur as Loose).cause ?? (cur as Loose).error;
    cur = next;
  }
  return out;
}

function firstLine(text: string): string {
  const line = text.split("\n")[0].trim();
  // ethers appends `(action="...", data=..., code=..., version=...)`: drop it.
  const cut = line.replace(/\s*\((?:action|code|argument|value|info|transaction|reason)=.*$/, "");
  return cut.length > 0 ? cut : "unknown error";
}

function sentence(text: string): string {
  const t = text.trim();
  // A sentence never starts with a URL ("Http://..."); one that does is left as it is.
  const capital = /^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** Known token and escrow custom errors, by name, as sentences. */
const REVERTS: Record<string, string> = {
  ERC20InsufficientBalance: "Insufficient funds: the token balance is too low for this operation",
  ERC20InsufficientAllowance: "Insufficient allowance: approve the escrow for this amount first",
  EscrowAmountTooLarge: "The amount is more than the channel's unclaimed balance",
  EscrowNotReceiverSide: "Only the channel's receiver or receiverAuthorizer can do this",
  EscrowNotPayerSide: "Only the channel's payer or payerAuthorizer can do this",
  EscrowNoPendingWithdrawal:
    "There is no pending withdrawal on this channel: run `z402 withdraw` without --finalize first",
  EscrowWithdrawNotReady: "The withdrawal delay has not passed yet",
  EscrowZeroAmount: "Nothing to do: the amount is zero",
  AgentAccountNotOwner: "Only the agent's owner can do this: use the key that owns the agent",
  AgentAccountNotAuthorized: "Only the agent's owner can do this: use the key that owns the agent",
  AgentFactoryAccountExists:
    "This key already created an agent with that salt: pass another --name or a --salt to create a second one",
  ReputationUnknownAgent: "There is no such agent in the identity registry",
  ReputationSelfFeedback: "An agent's owner cannot rate its own agent",
};

const KNOWN_ERRORS = new Interface([...ESCROW_ABI, ...OTHER_ERRORS]);

/** Decodes revert data against the custom errors the CLI knows. */
function decodeRevert(data: unknown): { name: string; args: unknown[] } | undefined {
  if (typeof data !== "string" || !/^0x[0-9a-f]{8}/i.test(data)) return undefined;
  try {
    const parsed = KNOWN_ERRORS.parseError(data);
    return parsed ? { name: parsed.name, args: [...parsed.args] } : undefined;
  } catch {
    return undefined;
  }
}

const NO_GAS = /doesn't have enough funds|insufficient funds for gas|insufficient funds for intrinsic/i;

function fromEthers(e: Loose): string | undefined {
  if (typeof e.message === "string" && NO_GAS.test(e.message)) {
    return "Insufficient funds: the account does not hold enough ETH to pay for gas";
  }
  switch (e.code) {
    case "INSUFFICIENT_FUNDS":
      return "Insufficient funds: the account does not hold enough ETH to pay for gas";
    case "CALL_EXCEPTION": {
      const revert =
        (e.revert as { name?: string; args?: unknown[] } | null | undefined) ?? decodeRevert(e.data);
      if (revert?.name && REVERTS[revert.name]) return REVERTS[revert.name];
      if (revert?.name)
        return `The transaction reverted with ${revert.name}(${(revert.args ?? []).join(", ")})`;
      const reason = typeof e.reason === "string" ? e.reason : undefined;
      if (reason && /exceeds balance|insufficient/i.test(reason)) return `Insufficient funds: ${reason}`;
      return reason ? `The transaction reverted: ${reason}` : "The transaction reverted without a reason";
    }
    case "NONCE_EXPIRED":
      return "The transaction nonce was already used; retry the command";
    case "INVALID_ARGUMENT": {
      const arg = typeof e.argument === "string" ? e.argument : "argument";
      return `Invalid ${arg}: ${firstLine(String(e.shortMessage ?? e.message))}`;
    }
    case "TIMEOUT":
      return "The JSON-RPC endpoint did not answer in time";
    default:
      return undefined;
  }
}

/** Turns any thrown value into the one sentence the CLI prints. */
export function renderError(err: unknown, context: { rpcUrl?: string } = {}): string {
  const errors = chain(err);
  if (errors.length === 0) return sentence(String(err));
  const top = errors[0];
  if (top instanceof CliError) return sentence(top.shortMessage);
  for (const e of errors) {
    const code = typeof e.code === "string" ? e.code : undefined;
    if (code && NETWORK_CODES.has(code)) {
      const where =
        typeof e.address === "string" ? `${e.address}:${e.port}` : (context.rpcUrl ?? "the server");
      return sentence(
        `Cannot reach ${where} (${code === "ECONNREFUSED" ? "connection refused" : code}): is it running`,
      ).replace(/\.$/, "?");
    }
  }
  // fetch's own failure ("fetch failed") names nothing: say which server, and why when the cause says.
  if (top instanceof TypeError && /^fetch failed$/i.test(String(top.message))) {
    const cause = errors[1];
    const why = typeof cause?.code === "string" ? cause.code : (cause?.message as string | undefined);
    return sentence(
      `A request got no answer${why ? ` (${firstLine(String(why))})` : ""}: is the server it went to running`,
    ).replace(/\.$/, "?");
  }
  for (const e of errors) {
    const msg = fromEthers(e);
    if (msg) return sentence(msg);
  }
  // The SDK's typed errors carry a short message and a machine-readable code.
  for (const e of errors) {
    if (typeof e.shortMessage === "string" && typeof e.code === "string" && !/^[A-Z_]+$/.test(e.code)) {
      return sentence(`${firstLine(e.shortMessage)} (${e.code})`);
    }
  }
  const msg = typeof top.shortMessage === "string" ? top.shortMessage : String(top.message ?? err);
  return sentence(firstLine(msg));
}

/** The exit code for a thrown value. */
export function exitCodeOf(err: unknown): number {
  return err instanceof CliError ? err.exitCode : EXIT_FAILURE;
}
