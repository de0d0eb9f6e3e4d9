import type { ethers } from "ethers";

/**
 * Waits for a transaction's receipt up to `timeoutMs`. A broadcast transaction whose receipt does not arrive in
 * time is `pending`, never a failure: answering a fresh 402 then would make a conforming payer pay twice.
 */
export async function waitOrPending(
  provider: ethers.Provider,
  hash: string,
  timeoutMs: number,
): Promise<"mined" | "reverted" | "pending"> {
  try {
    const receipt = await provider.waitForTransaction(hash, 1, timeoutMs);
    if (!receipt) return "pending";
    return receipt.status === 1 ? "mined" : "reverted";
  } catch (e) {
    if ((e as { code?: string }).code === "TIMEOUT") return "pending";
    throw e;
  }
}
