import type { Signer } from "ethers";
import type { VoucherStore } from "../store/types";
import type { EscrowChain } from "../server/chain";
import type { ChainMirror } from "../server/mirror";
import type { ClaimSubmitter } from "./facilitator-submitter";
import type { QuarantinedRow } from "./quarantine";

export interface SettlementOptions {
  store: VoucherStore;
  chain: EscrowChain;
  /** Who sends claims and settles (default: `chain`); `facilitatorSubmitter(...)` delegates them to a facilitator. */
  submit?: ClaimSubmitter;
  /** Signs `ClaimBatch` (the channels' shared receiverAuthorizer). */
  authorizer: Pick<Signer, "signTypedData">;
  /** When given, a pending withdrawal seen by the mirror triggers an immediate claim. */
  mirror?: ChainMirror;
  /** Scheduled claim interval (ms). Default 60 s. */
  intervalMs?: number;
  /** Claim at once when the unclaimed total reaches this amount (checked every `riskCheckMs`). */
  riskThreshold?: bigint;
  riskCheckMs?: number;
  /** Most channels per claim transaction. Default 50. */
  maxBatch?: number;
  /** Attempts per transaction, with `retryMs` × attempt between them. */
  attempts?: number;
  retryMs?: number;
  /** Call `settle(receiver, token)` after claiming. Default true. */
  settle?: boolean;
  /**
   * Simulate each batch (eth_call) before sending it, through `submit.simulateClaim` or else `chain.simulateClaim`.
   * Default true. Without a simulator (or with `false`) a refused batch is bisected by sending its halves.
   */
  simulate?: boolean;
  /** Gets one line per channel put in quarantine (id, amounts, reason; never a signature). Default: none. */
  logger?: (line: string) => void;
  /** A listener of rounds, claim batches, settles and quarantines (more with `on`). Default: none. */
  events?: SettlementEvents;
}

/** Plain callbacks told what the worker did (amounts in token base units, times in ms); throwing is ignored. */
export interface SettlementEvents {
  round?(e: { report: RunReport; ms: number }): void;
  /** A round that failed (RPC down after the retries, store down): nothing after the failure was done. */
  failed?(e: { error: unknown; ms: number }): void;
  /** A claim transaction landed for `channelIds`, claiming `amount` in all. */
  batch?(e: { transaction: string; channelIds: string[]; amount: bigint }): void;
  settle?(e: { transaction: string; receiver: string; token: string }): void;
  quarantined?(e: { channelId: string; reason: string }): void;
}

export interface RunReport {
  claimedChannels: number;
  claimedAmount: bigint;
  transactions: string[];
  /** Owed channels held back at the end of the round (just refused, or refused before with the same voucher). */
  quarantined: QuarantinedRow[];
}
