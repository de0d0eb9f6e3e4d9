import type { ChannelRecord, QuarantineEntry, VoucherStore } from "../store/types";
import type { ChainChannel, ClaimRow } from "../server/chain";
import { notify } from "../server/events";
import type { ClaimSubmitter } from "./facilitator-submitter";
import type { RunReport, SettlementEvents, SettlementOptions } from "./options";

/** One channel to claim in a round. */
export interface Item {
  rec: ChannelRecord;
  onChain: ChainChannel;
  row: ClaimRow;
  /** Its quarantine entry from an earlier round (its voucher has changed since): released once it is claimed. */
  held?: QuarantineEntry;
}

/** The (receiver, token) pairs a round claimed for, keyed in lower case: what it settles afterwards. */
export type Pairs = Map<string, { receiver: string; token: string }>;

/** What one claim round works with, and the report it fills in. */
export interface RoundContext {
  readonly opts: SettlementOptions;
  readonly submitter: ClaimSubmitter;
  /** The listeners at the moment of each event. */
  readonly listeners: () => readonly SettlementEvents[];
  readonly report: RunReport;
  readonly pairs: Pairs;
}

/** Whether `rec` still holds the voucher its quarantine `entry` was refused with. */
export function unchanged(entry: QuarantineEntry, rec: ChannelRecord): boolean {
  return entry.signedMax === rec.signedMax && entry.charged === rec.charged;
}

/** Records `claimed` (only ever raising it), retrying on concurrent writes by the paywall. */
export async function markClaimed(store: VoucherStore, channelId: string, claimed: bigint): Promise<void> {
  for (;;) {
    const rec = await store.get(channelId);
    if (!rec || rec.claimed >= claimed) return;
    if (await store.compareAndSet({ ...rec, claimed }, rec.version)) return;
  }
}

/** Records a landed claim of `items` in `tx`: the store, the report, the pairs to settle, the listeners. */
export async function recordClaimed(ctx: RoundContext, items: Item[], tx: string): Promise<void> {
  const { report, pairs } = ctx;
  report.transactions.push(tx);
  const before = report.claimedAmount;
  for (const { rec, onChain, held, row } of items) {
    const claimed = row.totalClaimed;
    await markClaimed(ctx.opts.store, rec.channelId, claimed);
    if (held) await ctx.opts.store.releaseQuarantine(rec.channelId);
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
  notify(ctx.listeners(), (l) => l.batch?.(batch));
}

/** Quarantines `rec` as stored now, reports it and logs one line. */
export async function hold(ctx: RoundContext, rec: ChannelRecord, reason: string): Promise<void> {
  const channelId = rec.channelId.toLowerCase();
  await ctx.opts.store.quarantine({
    channelId,
    signedMax: rec.signedMax,
    charged: rec.charged,
    reason,
    at: Date.now(),
  });
  ctx.report.quarantined.push({ channelId, reason });
  notify(ctx.listeners(), (l) => l.quarantined?.({ channelId, reason }));
  ctx.opts.logger?.(
    `z402 settlement: quarantined channel ${channelId} (charged ${rec.charged}, signedMax ${rec.signedMax}): ${reason}`,
  );
}
