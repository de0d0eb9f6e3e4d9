import type { QuarantineEntry, VoucherStore } from "../store/types";

/** One quarantined channel as a report shows it. */
export interface QuarantinedRow {
  channelId: string;
  reason: string;
}

/**
 * The channels the settlement worker holds back because the chain refused their vouchers, oldest first: the hook a
 * CLI command (`z402 claim`, a future `z402 quarantine`) calls to list them.
 */
export async function listQuarantined(store: VoucherStore): Promise<QuarantineEntry[]> {
  return (await store.listQuarantined()).sort((a, b) => a.at - b.at);
}

/** Lets a quarantined channel into the next claim round even though its voucher has not changed. */
export function releaseQuarantined(store: VoucherStore, channelId: string): Promise<void> {
  return store.releaseQuarantine(channelId);
}

/** A short, single-line view of a quarantined channel: id abbreviated, reason cut to 120 characters. */
export function describeQuarantined(row: QuarantinedRow): string {
  const id =
    row.channelId.length > 14 ? `${row.channelId.slice(0, 10)}…${row.channelId.slice(-4)}` : row.channelId;
  const reason = row.reason.length > 120 ? row.reason.slice(0, 119) + "…" : row.reason;
  return `${id} ${reason}`;
}
