import { notify } from "../server/events";
import type { ClaimSubmitter } from "./facilitator-submitter";
import { unchanged } from "./ledger";
import type { RunReport, SettlementEvents, SettlementOptions } from "./options";
import { claimRound } from "./round";

export type { RunReport, SettlementEvents, SettlementOptions } from "./options";

/**
 * Claims served vouchers in batches with `claimWithSignature`, then settles. Its work list is the store
 * (restart-safe); before claiming it reads each channel's on-chain `totalClaimed`, so a claim that was
 * mined before a crash is recorded, not repeated. Runs never overlap.
 *
 * One bad row never blocks the others: each batch is simulated first; a refused batch is bisected down to the rows
 * the chain refuses, those are quarantined (in the store, with the decoded reason) and the rest is claimed. A
 * quarantined channel is skipped while its stored voucher stays the same, and tried again once it changes or is
 * released (`releaseQuarantined`). A failure that is not a refusal (RPC down) is retried, never quarantined.
 */
export class SettlementWorker {
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<RunReport> | undefined;
  private again = false;

  private readonly submitter: ClaimSubmitter;
  private events: SettlementEvents[] = [];

  constructor(private readonly opts: SettlementOptions) {
    this.submitter = opts.submit ?? opts.chain;
    if (opts.events) this.on(opts.events);
    opts.mirror?.onUpdate((channelId, state) => {
      if (state.withdrawInitiatedAt > 0n) void this.onWithdraw(channelId);
    });
  }

  /** Adds a listener; returns its removal. */
  on(listener: SettlementEvents): () => void {
    this.events = [...this.events, listener];
    return () => {
      this.events = this.events.filter((l) => l !== listener);
    };
  }

  start(): void {
    this.stopped = false;
    const every = (ms: number, fn: () => Promise<unknown>) => {
      const tick = () => {
        if (this.stopped) return;
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
  private stopped = false;

  /** Stops scheduling rounds and waits for the running one (a round asked for during it is not run). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    if (this.riskTimer) clearInterval(this.riskTimer);
    this.timers = [];
    while (this.running) await this.running.catch(() => undefined);
  }

  private async onWithdraw(channelId: string): Promise<void> {
    const rec = await this.opts.store.get(channelId);
    if (rec && rec.charged > rec.claimed) await this.run().catch(() => undefined);
  }

  /** Unclaimed total across the store. */
  async exposure(): Promise<bigint> {
    return (await this.opts.store.listOwed()).reduce((s, r) => s + (r.charged - r.claimed), 0n);
  }

  /** Unclaimed total the next round would try to claim: quarantined channels with unchanged vouchers left out. */
  private async claimableExposure(): Promise<bigint> {
    const held = new Map(
      (await this.opts.store.listQuarantined()).map((e) => [e.channelId.toLowerCase(), e]),
    );
    return (await this.opts.store.listOwed()).reduce((s, r) => {
      const entry = held.get(r.channelId.toLowerCase());
      return entry && unchanged(entry, r) ? s : s + (r.charged - r.claimed);
    }, 0n);
  }

  private async checkRisk(): Promise<void> {
    if (this.running || this.opts.riskThreshold === undefined) return;
    if ((await this.claimableExposure()) >= this.opts.riskThreshold) await this.run().catch(() => undefined);
  }

  /** One claim round (joins the current one if a round is running, then runs once more). */
  run(): Promise<RunReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.observed().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        if (this.stopped) return;
        void this.run().catch(() => undefined);
      }
    });
    return this.running;
  }

  /** A round, told to the listeners. */
  private async observed(): Promise<RunReport> {
    if (this.events.length === 0) return this.round();
    const started = Date.now();
    try {
      const report = await this.round();
      notify(this.events, (l) => l.round?.({ report, ms: Date.now() - started }));
      return report;
    } catch (error) {
      notify(this.events, (l) => l.failed?.({ error, ms: Date.now() - started }));
      throw error;
    }
  }

  private round(): Promise<RunReport> {
    return claimRound({
      opts: this.opts,
      submitter: this.submitter,
      listeners: () => this.events,
      report: { claimedChannels: 0, claimedAmount: 0n, transactions: [], quarantined: [] },
      pairs: new Map(),
    });
  }
}
