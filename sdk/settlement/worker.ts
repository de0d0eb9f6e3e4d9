import type { Signer } from "ethers";
import type { ChannelRecord, QuarantineEntry, VoucherStore } from "../store/types";
import type { ChainChannel, ClaimRow, EscrowChain } from "../server/chain";
import { escrowRevertReason } from "../server/claim-revert";
import { notify } from "../server/events";
import type { ChainMirror } from "../server/mirror";
import type { ChannelConfigWire } from "../server/crypto";
import { PaymentRefusal } from "../server/reasons";
import type { ClaimSubmitter } from "./facilitator-submitter";
import type { QuarantinedRow } from "./quarantine";

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

/** One channel to claim in a round. */
interface Item {
  rec: ChannelRecord;
  onChain: ChainChannel;
  row: ClaimRow;
  /** Its quarantine entry from an earlier round (its voucher has changed since): released once it is claimed. */
  held?: QuarantineEntry;
}

type Simulate = (claims: ClaimRow[], authorizerSignature: string) => Promise<string | undefined>;
type Pairs = Map<string, { receiver: string; token: string }>;

/** Sends before giving up on a batch the chain refuses although its simulation passed (its state moved between). */
const SEND_PASSES = 3;

/**
 * Why a claim was refused, or undefined for a failure worth retrying: a revert or malformed row (decoded), or a
 * facilitator's refusal; a facilitator that is down or whose outcome is unknown (503) is not a refusal.
 */
function refusalOf(err: unknown): string | undefined {
  if (err instanceof PaymentRefusal)
    return err.status === 503 ? undefined : `facilitator refused: ${err.reason}`;
  return escrowRevertReason(err);
}

/**
 * A refusal no row causes alone: `claimWithSignature` checks the authorizer's signature after every row, and a
 * batch holds one receiverAuthorizer, so every row of the batch shares it (and bisecting would only repeat it).
 */
function batchWide(reason: string): boolean {
  return reason.startsWith("EscrowInvalidAuthorizerSignature");
}

function unchanged(entry: QuarantineEntry, rec: ChannelRecord): boolean {
  return entry.signedMax === rec.signedMax && entry.charged === rec.charged;
}

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

  private async retry<T>(fn: () => Promise<T>): Promise<T> {
    const attempts = this.opts.attempts ?? 3;
    for (let i = 1; ; i++) {
      try {
        return await fn();
      } catch (err) {
        // A refusal is an answer: asking again gets the same one.
        if (i >= attempts || refusalOf(err) !== undefined) throw err;
        await new Promise((r) => setTimeout(r, (this.opts.retryMs ?? 500) * i));
      }
    }
  }

  private async round(): Promise<RunReport> {
    const report: RunReport = { claimedChannels: 0, claimedAmount: 0n, transactions: [], quarantined: [] };
    const { store } = this.opts;
    const owed = await store.listOwed();
    const held = new Map((await store.listQuarantined()).map((e) => [e.channelId.toLowerCase(), e]));
    const owedIds = new Set(owed.map((r) => r.channelId.toLowerCase()));
    // A channel no longer owed (claimed since, e.g. before a refund) has nothing left to hold back.
    for (const id of held.keys()) if (!owedIds.has(id)) await store.releaseQuarantine(id);
    // One batch per receiverAuthorizer: `claimWithSignature` takes one authorizer signature for the whole batch.
    const groups = new Map<string, Item[]>();
    for (const rec of owed) {
      const id = rec.channelId.toLowerCase();
      const entry = held.get(id);
      if (entry && unchanged(entry, rec)) {
        report.quarantined.push({ channelId: id, reason: entry.reason });
        continue;
      }
      const onChain = await this.retry(() => this.opts.chain.readChannel(rec.channelId));
      // Served past the balance (an optimistic deposit that never landed): claim the funded part. With nothing
      // funded left to claim, the full charge goes to the chain, which refuses it, and the row is quarantined.
      const funded = rec.charged < onChain.balance ? rec.charged : onChain.balance;
      const claimable = funded > onChain.totalClaimed ? funded : rec.charged;
      if (onChain.totalClaimed >= rec.charged) await this.markClaimed(rec.channelId, onChain.totalClaimed);
      else if (rec.signature) {
        let channel: ChannelConfigWire;
        try {
          channel = JSON.parse(rec.config) as ChannelConfigWire;
          if (typeof channel?.receiverAuthorizer !== "string") throw new Error("no receiverAuthorizer");
        } catch {
          await this.hold(rec, "malformed channel config in the store", report);
          continue;
        }
        const row: ClaimRow = {
          voucher: { channel, maxClaimableAmount: rec.signedMax },
          signature: rec.signature,
          totalClaimed: claimable,
        };
        const key = channel.receiverAuthorizer.toLowerCase();
        const group = groups.get(key) ?? [];
        group.push({ rec, onChain, row, held: entry });
        groups.set(key, group);
      }
    }
    const pairs: Pairs = new Map();
    const size = this.opts.maxBatch ?? 50;
    for (const items of groups.values()) {
      for (let i = 0; i < items.length; i += size)
        await this.claimBatch(items.slice(i, i + size), report, pairs);
    }
    if (this.opts.settle !== false) {
      for (const { receiver, token } of pairs.values()) {
        const transaction = await this.retry(() => this.submitter.settle(receiver, token));
        report.transactions.push(transaction);
        notify(this.events, (l) => l.settle?.({ transaction, receiver, token }));
      }
    }
    return report;
  }

  /** The batch simulator: the submitter's, else the chain's; undefined when there is none or `simulate` is false. */
  private simulator(): Simulate | undefined {
    if (this.opts.simulate === false) return undefined;
    if (this.submitter.simulateClaim) return (c, s) => this.submitter.simulateClaim!(c, s);
    if (this.opts.chain.simulateClaim) return (c, s) => this.opts.chain.simulateClaim!(c, s);
    return undefined;
  }

  /** Claims `items` (one receiverAuthorizer), quarantining the rows the chain refuses. */
  private async claimBatch(items: Item[], report: RunReport, pairs: Pairs): Promise<void> {
    const simulate = this.simulator();
    if (!simulate) return this.sendBisecting(items, report, pairs);
    let rest = items;
    for (let pass = 1; ; pass++) {
      const refused = await this.findRefused(rest, simulate);
      for (const [item, reason] of refused) await this.hold(item.rec, reason, report);
      const bad = new Set(refused.map(([item]) => item));
      rest = rest.filter((item) => !bad.has(item));
      if (rest.length === 0) return;
      const outcome = await this.send(rest);
      if ("tx" in outcome) return this.recordClaimed(rest, outcome.tx, report, pairs);
      if (pass >= SEND_PASSES) {
        throw new Error(`claim batch refused although its simulation passed: ${outcome.refused}`);
      }
    }
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
    return this.retry(() => simulate(rows, signature));
  }

  /** Sends `items` as one batch: its transaction, or the chain's (or facilitator's) refusal. Retries RPC failures. */
  private async send(items: Item[]): Promise<{ tx: string } | { refused: string }> {
    const rows = items.map((item) => item.row);
    try {
      const signature = await this.sign(items);
      return { tx: await this.retry(() => this.submitter.claimWithSignature(rows, signature)) };
    } catch (err) {
      const reason = refusalOf(err);
      if (reason === undefined) throw err;
      return { refused: reason };
    }
  }

  /** Without a simulator: send, and on a refusal send each half, down to the refused rows. */
  private async sendBisecting(items: Item[], report: RunReport, pairs: Pairs): Promise<void> {
    const outcome = await this.send(items);
    if ("tx" in outcome) return this.recordClaimed(items, outcome.tx, report, pairs);
    if (items.length === 1 || batchWide(outcome.refused)) {
      for (const item of items) await this.hold(item.rec, outcome.refused, report);
      return;
    }
    const mid = Math.ceil(items.length / 2);
    await this.sendBisecting(items.slice(0, mid), report, pairs);
    await this.sendBisecting(items.slice(mid), report, pairs);
  }

  /** The receiverAuthorizer's `ClaimBatch` signature over `items`. */
  private sign(items: Item[]): Promise<string> {
    const domain = {
      name: "x402 Batch Settlement",
      version: "1",
      chainId: this.opts.chain.chainId,
      verifyingContract: this.opts.chain.escrow,
    };
    const claims = items.map(({ rec, row }) => ({
      channelId: rec.channelId,
      maxClaimableAmount: rec.signedMax,
      totalClaimed: row.totalClaimed,
    }));
    return this.opts.authorizer.signTypedData(domain, CLAIM_TYPES, { claims });
  }

  private async recordClaimed(items: Item[], tx: string, report: RunReport, pairs: Pairs): Promise<void> {
    report.transactions.push(tx);
    const before = report.claimedAmount;
    for (const { rec, onChain, held, row } of items) {
      const claimed = row.totalClaimed;
      await this.markClaimed(rec.channelId, claimed);
      if (held) await this.opts.store.releaseQuarantine(rec.channelId);
      report.claimedChannels++;
      report.claimedAmount +=
        claimed - (onChain.totalClaimed > rec.claimed ? onChain.totalClaimed : rec.claimed);
      const c = row.voucher.channel;
      pairs.set(`${c.receiver}:${c.token}`.toLowerCase(), { receiver: c.receiver, token: c.token });
    }
    const batch = {
      transaction: tx,
      channelIds: items.map((i) => i.rec.channelId),
      amount: report.claimedAmount - before,
    };
    notify(this.events, (l) => l.batch?.(batch));
  }

  /** Quarantines `rec` as stored now, reports it and logs one line. */
  private async hold(rec: ChannelRecord, reason: string, report: RunReport): Promise<void> {
    const channelId = rec.channelId.toLowerCase();
    await this.opts.store.quarantine({
      channelId,
      signedMax: rec.signedMax,
      charged: rec.charged,
      reason,
      at: Date.now(),
    });
    report.quarantined.push({ channelId, reason });
    notify(this.events, (l) => l.quarantined?.({ channelId, reason }));
    this.opts.logger?.(
      `z402 settlement: quarantined channel ${channelId} (charged ${rec.charged}, signedMax ${rec.signedMax}): ${reason}`,
    );
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
