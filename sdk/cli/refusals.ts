/**
 * A channel the chain refused to claim (the settlement worker's quarantine), as one line a person can act on: the
 * escrow's custom error becomes words, its amounts token units. Reasons the CLI does not know are shown as they are.
 */
import { describeQuarantined, type QuarantinedRow } from "../settlement";
import { formatToken } from "./parse";

/** The escrow's refusal reasons, as `Name(channelId, a, b)`, turned into a sentence fragment. */
const EXPLAIN: Record<string, (args: string[]) => string | undefined> = {
  EscrowClaimExceedsBalance: ([, claimed, balance]) =>
    `the channel holds ${units(balance)}, less than the ${units(claimed)} its vouchers add up to (the payer withdrew or was refunded before they were claimed)`,
  EscrowClaimExceedsVoucher: ([, claimed, max]) =>
    `the claim of ${units(claimed)} is more than the ${units(max)} the voucher allows`,
  EscrowInvalidVoucherSignature: () => "the voucher is not signed by the channel's payerAuthorizer",
};

function units(raw: string | undefined): string {
  return raw !== undefined && /^\d+$/.test(raw) ? formatToken(BigInt(raw)) : String(raw);
}

function shortId(channelId: string): string {
  return channelId.length > 14 ? `${channelId.slice(0, 10)}…${channelId.slice(-4)}` : channelId;
}

/** One quarantined channel: its short id and why the chain refused it, amounts in token units. */
export function explainRefusal(row: QuarantinedRow): string {
  const match = /^(\w+)\((.*)\)$/.exec(row.reason.trim());
  const explain = match ? EXPLAIN[match[1]] : undefined;
  const text = explain?.(match![2].split(",").map((s) => s.trim()));
  return text ? `${shortId(row.channelId)} ${text}` : describeQuarantined(row);
}
