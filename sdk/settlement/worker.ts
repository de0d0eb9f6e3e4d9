import type { Signer } from "ethers";
import type { ChannelRecord, VoucherStore } from "../store/types";
import type { ChainChannel, ClaimRow, EscrowChain } from "../server/chain";
import type { ChainMirror } from "../server/mirror";
import type { ChannelConfigWire } from "../server/crypto";
import type { ClaimSubmitter } from "./facilitator-submitter";

const CLAIM_TYPES = {
  ClaimBatch: [{ name: "claims", type: "ClaimEntry[]" }],
  ClaimEntry: [
    { name: "channelId", type: "bytes32" },
    { name: "maxClaimableAmount", type: "uint128" },
    { name: "totalClaimed", type: "uint128" },
  ],
};

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
}

export interface RunReport {
  claimedChannels: number;
  claimedAmount: bigint;
  transactions: string[];
}

/**
 * Claims served vouchers in batches with `claimWithSignature`, then settles. Its work list is the store
 * (restart-safe); before claiming it reads each channel's on-chain `totalClaimed`, so a claim that was
 * mined before a crash is recorded, not repeated. Runs never overlap.
 */
export class SettlementWorker {
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<RunReport> | undefined;
  private again = false;

  private readonly submitter: ClaimSubmitter;

  constructor(private readonly opts: SettlementOptions) {
    this.submitter = opts.submit ?? opts.chain;
    opts.mirror?.onUpdate((channelId, state) => {
      if (state.withdrawInitiatedAt > 0n) void this.onWithdraw(channelId);
    });
  }

  start(): void {
    const every = (ms: number, fn: () => Promise<unknown>) => {
      const tick = () => {
        const t = setTimeout(() => void fn().finally(tick), ms);
        t.unref?.();
        this.timers = [t];
      };
      tick();
    };
    every(this.opts.intervalMs ?? 60_000, () => this.run().catch(() => undefined));
    if (this.opts.riskThreshold !== undefined) {
      const risk = setInterval(() => void this.checkRisk(), this.opts.riskCheckMs ?? 1000);
      risk.unref?.();
      this.riskTimer = risk;
    }
  }
  private riskTimer: NodeJS.Timeout | undefined;

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    if (this.riskTimer) clearInterval(this.riskTimer);
    this.timers = [];
    await this.running?.catch(() => undefined);
  }

  private async onWithdraw(channelId: string): Promise<void> {
    const rec = await this.opts.store.get(channelId);
    if (rec && rec.charged > rec.claimed) await this.run().catch(() => undefined);
  }

  /** Unclaimed total across the store. */
  async exposure(): Promise<bigint> {
    return (await this.opts.store.listOwed()).reduce((s, r) => s + (r.charged - r.claimed), 0n);
  }

  private async checkRisk(): Promise<void> {
    if (this.running || this.opts.riskThreshold === undefined) return;
    if ((await this.exposure()) >= this.opts.riskThreshold) await this.run().catch(() => undefined);
  }

  /** One claim round (joins the current one if a round is running, then runs once more). */
  run(): Promise<RunReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.round().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.run().catch(() => undefined);
      }
    });
    return this.running;
  }

  private async retry<T>(fn: () => Promise<T>): Promise<T> {
    const attempts = this.opts.attempts ?? 3;
    for (let i = 1; ; i++) {
      try {
        return await fn();
      } catch (err) {
        if (i >= attempts) throw err;
        await new Promise((r) => setTimeout(r, (this.opts.retryMs ?? 500) * i));
      }
    }
  }

  private async round(): Promise<RunReport> {
    const report: RunReport = { claimedChannels: 0, claimedAmount: 0n, transactions: [] };
    const owed = await this.opts.store.listOwed();
    const todo: Array<{ rec: ChannelRecord; onChain: ChainChannel }> = [];
    for (const rec of owed) {
      const onChain = await this.retry(() => this.opts.chain.readChannel(rec.channelId));
      if (onChain.totalClaimed >= rec.charged) await this.markClaimed(rec.channelId, onChain.totalClaimed);
      else if (rec.signature) todo.push({ rec, onChain });
    }
    const pairs = new Map<string, { receiver: string; token: string }>();
    const size = this.opts.maxBatch ?? 50;
    for (let i = 0; i < todo.length; i += size) {
      const batch = todo.slice(i, i + size);
      const rows: ClaimRow[] = batch.map(({ rec }) => ({
        voucher: { channel: JSON.parse(rec.config) as ChannelConfigWire, maxClaimableAmount: rec.signedMax },
        signature: rec.signature,
        totalClaimed: rec.charged,
      }));
      const domain = {
        name: "x402 Batch Settlement",
        version: "1",
        chainId: this.opts.chain.chainId,
        verifyingContract: this.opts.chain.escrow,
      };
      const claims = batch.map(({ rec }) => ({
        channelId: rec.channelId,
        maxClaimableAmount: rec.signedMax,
        totalClaimed: rec.charged,
      }));
      const signature = await this.opts.authorizer.signTypedData(domain, CLAIM_TYPES, { claims });
      const tx = await this.retry(() => this.submitter.claimWithSignature(rows, signature));
      report.transactions.push(tx);
      for (const { rec, onChain } of batch) {
        await this.markClaimed(rec.channelId, rec.charged);
        report.claimedChannels++;
        report.claimedAmount +=
          rec.charged - (onChain.totalClaimed > rec.claimed ? onChain.totalClaimed : rec.claimed);
        const c = JSON.parse(rec.config) as ChannelConfigWire;
        pairs.set(`${c.receiver}:${c.token}`.toLowerCase(), { receiver: c.receiver, token: c.token });
      }
    }
    if (this.opts.settle !== false) {
      for (const { receiver, token } of pairs.values()) {
        report.transactions.push(await this.retry(() => this.submitter.settle(receiver, token)));
      }
    }
    return report;
  }

  /** Records `claimed` (only ever raising it), retrying on concurrent writes by the paywall. */
  private async markClaimed(channelId: string, claimed: bigint): Promise<void> {
    for (;;) {
      const rec = await this.opts.store.get(channelId);
      if (!rec || rec.claimed >= claimed) return;
      if (await this.opts.store.compareAndSet({ ...rec, claimed }, rec.version)) return;
    }
  }
}
