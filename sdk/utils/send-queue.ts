import type { Signer } from "ethers";

/** One signer's lane: the last submission in line and the last nonce it used. */
interface Lane {
  tail: Promise<unknown>;
  lastNonce: number;
}

const lanes = new WeakMap<object, Lane>();

/**
 * Runs `broadcast` after every earlier broadcast by the same signer has been handed to the node, with the nonce
 * counted here: the larger of the signer's pending count and one past the last nonce this lane used. Serializing
 * alone is not enough: ethers caches the pending count for a moment, so back-to-back sends could reuse a nonce.
 * A nonce another sender of the same account took is retried once with a fresh count. Everything that sends from
 * one key (the paywall's chain, the facilitator's schemes) shares its lane; receipts are awaited concurrently.
 */
export function serialized<T>(
  signer: Signer,
  broadcast: (overrides: { nonce: number }) => Promise<T>,
): Promise<T> {
  let lane = lanes.get(signer);
  if (!lane) {
    lane = { tail: Promise.resolve(), lastNonce: -1 };
    lanes.set(signer, lane);
  }
  const own = lane;
  const nonceFrom = async (floor: number) => Math.max(await signer.getNonce("pending"), floor);
  const next = own.tail
    .catch(() => undefined)
    .then(async () => {
      let nonce = await nonceFrom(own.lastNonce + 1);
      let sent: T;
      try {
        sent = await broadcast({ nonce });
      } catch (err) {
        if ((err as { code?: unknown }).code !== "NONCE_EXPIRED") throw err;
        nonce = await nonceFrom(nonce + 1);
        sent = await broadcast({ nonce });
      }
      own.lastNonce = nonce;
      return sent;
    });
  own.tail = next;
  return next;
}
