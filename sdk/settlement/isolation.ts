import { claimBatchTypes, ESCROW_DOMAIN_NAME, ESCROW_DOMAIN_VERSION } from "../eip712/types";
import type { ClaimRow } from "../server/chain";
import { batchWide, refusalOf, retry } from "./failures";
import { hold, recordClaimed, type Item, type RoundContext } from "./ledger";

type Simulate = (claims: ClaimRow[], authorizerSignature: string) => Promise<string | undefined>;

/** Sends before giving up on a batch the chain refuses although its simulation passed (its state moved between). */
const SEND_PASSES = 3;

/**
 * Claims batches so that one bad row never blocks the others: each batch is simulated first; a refused batch is
 * bisected down to the rows the chain refuses, those are quarantined (in the store, with the decoded reason) and the
 * rest is claimed. A failure that is not a refusal (RPC down) is retried, never quarantined.
 */
export class ClaimBatcher {
  constructor(private readonly ctx: RoundContext) {}

  /** Claims `items` (one receiverAuthorizer), quarantining the rows the chain refuses. */
  async claim(items: Item[]): Promise<void> {
    const simulate = this.simulator();
    if (!simulate) return this.sendBisecting(items);
    let rest = items;
    for (let pass = 1; ; pass++) {
      const refused = await this.findRefused(rest, simulate);
      for (const [item, reason] of refused) await hold(this.ctx, item.rec, reason);
      const bad = new Set(refused.map(([item]) => item));
      rest = rest.filter((item) => !bad.has(item));
      if (rest.length === 0) return;
      const outcome = await this.send(rest);
      if ("tx" in outcome) return recordClaimed(this.ctx, rest, outcome.tx);
      if (pass >= SEND_PASSES) {
        throw new Error(`claim batch refused although its simulation passed: ${outcome.refused}`);
      }
    }
  }

  /** The batch simulator: the submitter's, else the chain's; undefined when there is none or `simulate` is false. */
  private simulator(): Simulate | undefined {
    const { opts, submitter } = this.ctx;
    if (opts.simulate === false) return undefined;
    if (submitter.simulateClaim) return (c, s) => submitter.simulateClaim!(c, s);
    if (opts.chain.simulateClaim) return (c, s) => opts.chain.simulateClaim!(c, s);
    return undefined;
  }

  /**
   * The rows of `items` the chain refuses, each with its reason, found by bisection. `known` is the refusal of
   * `items` when already known. Rows of different channels are independent: when a refused batch's first half
   * passes, its first refused row (and the batch's reason) is in the second half, which then needs no simulation.
   */
  private async findRefused(
    items: Item[],
    simulate: Simulate,
    known?: string,
  ): Promise<Array<[Item, string]>> {
    const reason = known ?? (await this.probe(items, simulate));
    if (reason === undefined) return [];
    if (items.length === 1 || batchWide(reason)) return items.map((item) => [item, reason]);
    const mid = Math.ceil(items.length / 2);
    const first = await this.findRefused(items.slice(0, mid), simulate);
    const second = await this.findRefused(
      items.slice(mid),
      simulate,
      first.length === 0 ? reason : undefined,
    );
    return [...first, ...second];
  }

  /** Why the chain would refuse `items` as one batch, or undefined when it would take it. Retries RPC failures. */
  private async probe(items: Item[], simulate: Simulate): Promise<string | undefined> {
    const rows = items.map((item) => item.row);
    let signature: string;
    try {
      signature = await this.sign(items);
    } catch (err) {
      const reason = refusalOf(err);
      if (reason === undefined) throw err;
      return reason;
    }
    return retry(this.ctx.opts, () => simulate(rows, signature));
  }

  /** Sends `items` as one batch: its transaction, or the chain's (or facilitator's) refusal. Retries RPC failures. */
  private async send(items: Item[]): Promise<{ tx: string } | { refused: string }> {
    const rows = items.map((item) => item.row);
    try {
      const signature = await this.sign(items);
      return { tx: await retry(this.ctx.opts, () => this.ctx.submitter.claimWithSignature(rows, signature)) };
    } catch (err) {
      const reason = refusalOf(err);
      if (reason === undefined) throw err;
      return { refused: reason };
    }
  }

  /** Without a simulator: send, and on a refusal send each half, down to the refused rows. */
  private async sendBisecting(items: Item[]): Promise<void> {
    const outcome = await this.send(items);
    if ("tx" in outcome) return recordClaimed(this.ctx, items, outcome.tx);
    if (items.length === 1 || batchWide(outcome.refused)) {
      for (const item of items) await hold(this.ctx, item.rec, outcome.refused);
      return;
    }
    const mid = Math.ceil(items.length / 2);
    await this.sendBisecting(items.slice(0, mid));
    await this.sendBisecting(items.slice(mid));
  }

  /** The receiverAuthorizer's `ClaimBatch` signature over `items`. */
  private sign(items: Item[]): Promise<string> {
    const { chain, authorizer } = this.ctx.opts;
    const domain = {
      name: ESCROW_DOMAIN_NAME,
      version: ESCROW_DOMAIN_VERSION,
      chainId: chain.chainId,
      verifyingContract: chain.escrow,
    };
    const claims = items.map(({ rec, row }) => ({
      channelId: rec.channelId,
      maxClaimableAmount: rec.signedMax,
      totalClaimed: row.totalClaimed,
    }));
    return authorizer.signTypedData(domain, claimBatchTypes, { claims });
  }
}
