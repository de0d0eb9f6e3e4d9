import type { ClaimRow, EscrowChain } from "../server/chain";
import { FacilitatorDelegate, type FacilitatorOption } from "../server/delegate";

/**
 * What the settlement worker sends: claim batches and sweeps, and optionally simulates a batch first (when the
 * submitter has no `simulateClaim`, the worker simulates through its chain).
 */
export type ClaimSubmitter = Pick<EscrowChain, "claimWithSignature" | "settle" | "simulateClaim">;

/**
 * Claims and sweeps sent as server-authored `/settle` payloads (x402 batch-settlement `claim` and `settle`, the
 * shapes `@x402/evm`'s channel manager sends), so the facilitator pays the gas. The requirements are the
 * manager's minimal ones: amount 0, no `extra`. Each resolves with the facilitator's transaction hash; a refusal
 * or an unknown outcome throws, and the worker retries (a claim row at or below the on-chain total is a no-op).
 * It has no simulator of its own: the worker simulates each batch through its chain when that can (`EthersEscrowChain`
 * does); without one it takes the facilitator's refusal of a batch (a 402, not a 503) as the cue to bisect it.
 */
export function facilitatorSubmitter(option: FacilitatorOption, network: string): ClaimSubmitter {
  const delegate = new FacilitatorDelegate(option);
  const send = async (receiver: string, token: string, payload: Record<string, unknown>) => {
    const requirements = {
      scheme: "batch-settlement",
      network,
      asset: token,
      amount: "0",
      payTo: receiver,
      maxTimeoutSeconds: 0,
      extra: {},
    };
    const settled = await delegate.settle({ x402Version: 2, accepted: requirements, payload }, requirements);
    return settled.transaction;
  };
  return {
    claimWithSignature(claims: ClaimRow[], authorizerSignature: string) {
      const { receiver, token } = claims[0].voucher.channel;
      const wire = claims.map((c) => ({
        voucher: { channel: c.voucher.channel, maxClaimableAmount: c.voucher.maxClaimableAmount.toString() },
        signature: c.signature,
        totalClaimed: c.totalClaimed.toString(),
      }));
      return send(receiver, token, {
        type: "claim",
        claims: wire,
        claimAuthorizerSignature: authorizerSignature,
      });
    },
    settle(receiver: string, token: string) {
      return send(receiver, token, { type: "settle", receiver, token });
    },
  };
}
