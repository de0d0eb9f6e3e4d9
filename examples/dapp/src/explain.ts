/** Turns any failure into one sentence for the page: SDK errors carry codes, wallets and RPCs their own shapes. */
export function explain(err: unknown): string {
  const e = err as { code?: string | number; shortMessage?: string; message?: string; reason?: string };
  if (e?.code === "INSUFFICIENT_FUNDS") return "Insufficient funds: the account cannot pay for gas.";
  if (e?.code === "ACTION_REJECTED" || e?.code === 4001) return "You rejected the request in your wallet.";
  if (e?.code === "NETWORK_ERROR" || e?.code === "SERVER_ERROR")
    return "The chain does not answer: is `npx z402 node` running?";
  if (e?.message?.includes("Failed to fetch")) return "A server did not answer: is the demo seller running?";
  if (e?.reason) return e.reason;
  return e?.shortMessage ?? e?.message ?? String(err);
}
