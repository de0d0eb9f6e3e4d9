import { escrowRevertReason } from "../server/claim-revert";
import { PaymentRefusal } from "../server/reasons";
import type { SettlementOptions } from "./options";

/**
 * Why a claim was refused, or undefined for a failure worth retrying: a revert or malformed row (decoded), or a
 * facilitator's refusal; a facilitator that is down or whose outcome is unknown (503) is not a refusal.
 */
export function refusalOf(err: unknown): string | undefined {
  if (err instanceof PaymentRefusal)
    return err.status === 503 ? undefined : `facilitator refused: ${err.reason}`;
  return escrowRevertReason(err);
}

/**
 * A refusal no row causes alone: `claimWithSignature` checks the authorizer's signature after every row, and a
 * batch holds one receiverAuthorizer, so every row of the batch shares it (and bisecting would only repeat it).
 */
export function batchWide(reason: string): boolean {
  return reason.startsWith("EscrowInvalidAuthorizerSignature");
}

/** Runs `fn`, retrying failures that are not refusals: `attempts` in all, `retryMs` × attempt between them. */
export async function retry<T>(
  opts: Pick<SettlementOptions, "attempts" | "retryMs">,
  fn: () => Promise<T>,
): Promise<T> {
  const attempts = opts.attempts ?? 3;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      // A refusal is an answer: asking again gets the same one.
      if (i >= attempts || refusalOf(err) !== undefined) throw err;
      await new Promise((r) => setTimeout(r, (opts.retryMs ?? 500) * i));
    }
  }
}
