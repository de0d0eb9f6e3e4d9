import type { ethers } from "ethers";

const tails = new WeakMap<object, Promise<unknown>>();

/**
 * Runs `broadcast` after every earlier broadcast by the same signer has been handed to the node, so schemes that share
 * one relayer key (the CLI gives `exact` and `batch-settlement` the same one) never race for a nonce. Only the
 * submission is serialized; receipts are awaited concurrently.
 */
export function serialized<T>(signer: ethers.Signer, broadcast: () => Promise<T>): Promise<T> {
  const previous = tails.get(signer) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(broadcast);
  tails.set(signer, next);
  return next;
}
