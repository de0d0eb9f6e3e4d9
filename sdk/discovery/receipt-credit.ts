/**
 * Receipts (x402 offer-receipt, as the z402 paywall signs them) as evidence for paid reputation. A receipt counts
 * only when it is signed by the agent's registered receipt key, names one of the agent's receivers, and names an
 * escrow channel that exists (as the indexer saw it on chain) between that payer and that receiver; it then
 * credits at most what was claimed on that channel on chain. The agent holds its own receipt key, so it can mint
 * receipts at will: the on-chain cap is what makes a self-minted receipt worth nothing it did not really collect.
 */
import type { SignedReceipt } from "@x402/extensions/offer-receipt";
import { getAddress, isAddress, toUtf8String } from "ethers";
import { verifyReceipt } from "../verify/offer-receipt";
import type { AgentRecord, ChannelRecord } from "./types";

/** The ERC-8004 metadata key under which an agent registers the address of the key that signs its receipts. */
export const RECEIPT_SIGNER_KEY = "receiptSigner";

export type ChannelLookup = (channelId: string) => Promise<(ChannelRecord & { claimed: bigint }) | undefined>;

/** What a set of receipts credits, per payer (lowercase), and why the others were left out. */
export interface ReceiptCredit {
  credit: Map<string, bigint>;
  /** Receipts left out, by reason. */
  refused: Record<"signature" | "signer" | "agent" | "terms" | "channel" | "duplicate", number>;
}

/**
 * The address that signs the agent's receipts: metadata `receiptSigner` (20 raw bytes, or an address as UTF-8),
 * else its verified `agentWallet`. Undefined when neither is set.
 */
export function receiptKeyOf(rec: AgentRecord): string | undefined {
  const raw = rec.metadata?.[RECEIPT_SIGNER_KEY];
  if (raw && /^0x[0-9a-fA-F]{40}$/.test(raw)) return getAddress(raw);
  if (raw) {
    try {
      const text = toUtf8String(raw).trim();
      if (isAddress(text)) return getAddress(text);
    } catch {
      // not UTF-8: fall back to the agentWallet
    }
  }
  return rec.wallet ? getAddress(rec.wallet) : undefined;
}

/**
 * Credits `receipts` for the agent: per channel, the highest cumulative charge a valid receipt states, capped by
 * the channel's on-chain claimed total; summed per payer. `receivers` are the agent's receivers (lowercase).
 */
export async function receiptCredit(
  rec: AgentRecord,
  receivers: string[],
  receipts: SignedReceipt[],
  channelOf: ChannelLookup | undefined,
  token?: string,
): Promise<ReceiptCredit> {
  const refused: ReceiptCredit["refused"] = {
    signature: 0,
    signer: 0,
    agent: 0,
    terms: 0,
    channel: 0,
    duplicate: 0,
  };
  const key = receiptKeyOf(rec);
  const seen = new Set<string>();
  const perChannel = new Map<string, { payer: string; cumulative: bigint }>();
  for (const receipt of receipts) {
    if (seen.has(receipt.signature)) {
      refused.duplicate++;
      continue;
    }
    seen.add(receipt.signature);
    let verified;
    try {
      verified = await verifyReceipt(receipt);
    } catch {
      refused.signature++;
      continue;
    }
    if (!key || verified.signer !== key) {
      refused.signer++;
      continue;
    }
    const { payer, z402 } = verified.payload;
    if (!z402 || !receivers.includes(String(z402.payTo).toLowerCase())) {
      refused.agent++;
      continue;
    }
    const cumulative = /^\d{1,78}$/.test(z402.chargedCumulativeAmount ?? "")
      ? BigInt(z402.chargedCumulativeAmount!)
      : -1n;
    if (z402.scheme !== "batch-settlement" || !z402.channelId || cumulative < 0n || !isAddress(payer)) {
      refused.terms++;
      continue;
    }
    const id = z402.channelId.toLowerCase();
    const prior = perChannel.get(id);
    if (prior && prior.payer !== payer.toLowerCase()) {
      refused.terms++;
      continue;
    }
    if (prior) refused.duplicate++; // one channel's receipts are cumulative: the highest one stands for all
    if (!prior || cumulative > prior.cumulative)
      perChannel.set(id, { payer: payer.toLowerCase(), cumulative });
  }
  const credit = new Map<string, bigint>();
  for (const [id, { payer, cumulative }] of perChannel) {
    const ch = channelOf ? await channelOf(id) : undefined;
    const matches =
      ch &&
      ch.payer.toLowerCase() === payer &&
      receivers.includes(ch.receiver.toLowerCase()) &&
      (!token || ch.token.toLowerCase() === token);
    const amount = matches ? (cumulative < ch.claimed ? cumulative : ch.claimed) : 0n;
    if (amount === 0n) {
      refused.channel++;
      continue;
    }
    credit.set(payer, (credit.get(payer) ?? 0n) + amount);
  }
  return { credit, refused };
}
