import type { ClaimRow } from "../server/chain";
import type { ChannelConfigWire } from "../server/crypto";
import { notify } from "../server/events";
import { retry } from "./failures";
import { ClaimBatcher } from "./isolation";
import { hold, markClaimed, unchanged, type Item, type RoundContext } from "./ledger";
import type { RunReport } from "./options";

/**
 * One claim round over the store's owed channels: skips the quarantined ones whose voucher has not changed, records
 * claims the chain already holds, claims the rest in batches per receiverAuthorizer, then settles what it claimed.
 */
export async function claimRound(ctx: RoundContext): Promise<RunReport> {
  const { opts, report } = ctx;
  const { store } = opts;
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
    const onChain = await retry(opts, () => opts.chain.readChannel(rec.channelId));
    // Served past the balance (an optimistic deposit that never landed): claim the funded part. With nothing
    // funded left to claim, the full charge goes to the chain, which refuses it, and the row is quarantined.
    const funded = rec.charged < onChain.balance ? rec.charged : onChain.balance;
    const claimable = funded > onChain.totalClaimed ? funded : rec.charged;
    if (onChain.totalClaimed >= rec.charged) await markClaimed(store, rec.channelId, onChain.totalClaimed);
    else if (rec.signature) {
      let channel: ChannelConfigWire;
      try {
        channel = JSON.parse(rec.config) as ChannelConfigWire;
        if (typeof channel?.receiverAuthorizer !== "string") throw new Error("no receiverAuthorizer");
      } catch {
        await hold(ctx, rec, "malformed channel config in the store");
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
  const batcher = new ClaimBatcher(ctx);
  const size = opts.maxBatch ?? 50;
  for (const items of groups.values()) {
    for (let i = 0; i < items.length; i += size) await batcher.claim(items.slice(i, i + size));
  }
  if (opts.settle !== false) {
    for (const { receiver, token } of ctx.pairs.values()) {
      const transaction = await retry(opts, () => ctx.submitter.settle(receiver, token));
      report.transactions.push(transaction);
      notify(ctx.listeners(), (l) => l.settle?.({ transaction, receiver, token }));
    }
  }
  return report;
}
