import type { ethers } from "ethers";
import { serialized } from "../utils/send-queue";
import { Reason } from "./reasons";
import { waitOrPending } from "./receipts";
import type { SettleResult } from "./types";

/** A failed settlement with nothing broadcast. */
export function fail(errorReason: string, network: string, payer?: string, message?: string): SettleResult {
  return {
    success: false,
    errorReason,
    ...(message ? { errorMessage: message.slice(0, 300) } : {}),
    transaction: "",
    network,
    ...(payer ? { payer } : {}),
  };
}

/** Sends a transaction and returns its hash; a revert while estimating gas is `reason` with nothing broadcast. */
export async function send(
  signer: ethers.Signer,
  run: (overrides: { nonce: number }) => Promise<ethers.ContractTransactionResponse>,
  reason: string,
  network: string,
  payer?: string,
): Promise<string | SettleResult> {
  try {
    return (await serialized(signer, run)).hash;
  } catch (e) {
    return fail(reason, network, payer, (e as Error).message);
  }
}

/**
 * Waits for `hash`: mined gives success (plus whatever `done` adds), reverted gives `revertReason` with the hash,
 * and no receipt in time gives `settlement_pending` with the hash.
 */
export async function finish(
  provider: ethers.Provider,
  timeoutMs: number,
  hash: string,
  network: string,
  payer: string | undefined,
  revertReason: string,
  done?: () => Promise<Partial<SettleResult>>,
): Promise<SettleResult> {
  const outcome = await waitOrPending(provider, hash, timeoutMs);
  const who = payer ? { payer } : {};
  if (outcome === "pending") {
    return { success: false, errorReason: Reason.settlementPending, transaction: hash, network, ...who };
  }
  if (outcome === "reverted")
    return { success: false, errorReason: revertReason, transaction: hash, network, ...who };
  return { success: true, transaction: hash, network, ...who, ...(done ? await done() : {}) };
}
