/**
 * Receipts (x402 offer-receipt) the paying fetch gets back: taken from PAYMENT-RESPONSE's
 * `extensions["offer-receipt"].info.receipt`, verified (signature and key; the payer must be ours), kept in the
 * fetch's list and handed to `onReceipt`.
 */
import type { SignedReceipt } from "@x402/extensions/offer-receipt";
import { verifyReceipt, type Z402ReceiptPayload } from "../verify/offer-receipt";
import { decodeJson } from "./wire";

export interface CapturedReceipt {
  receipt: SignedReceipt;
  /** The signed payload (resource, payer, network, time; z402's terms when signed as JWS). */
  payload?: Z402ReceiptPayload;
  /** The key that signed it (address), when the signature holds. */
  signer?: string;
  /** Signature holds and the payer is this client's. */
  verified: boolean;
  /** Why it is not verified. */
  error?: string;
}

/** The receipt a paid answer carries, if any (undefined when the header is absent or carries none). */
export function receiptOf(res: Response): SignedReceipt | undefined {
  const header = res.headers.get("payment-response") ?? res.headers.get("x-payment-response");
  if (!header) return undefined;
  try {
    const pr = decodeJson(header) as { extensions?: Record<string, { info?: { receipt?: SignedReceipt } }> };
    const receipt = pr?.extensions?.["offer-receipt"]?.info?.receipt;
    return receipt && typeof receipt.signature === "string" ? receipt : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies `receipt` for `payer` (an address this client pays with). */
export async function checkReceipt(receipt: SignedReceipt, payer: string): Promise<CapturedReceipt> {
  try {
    const { signer, payload } = await verifyReceipt(receipt);
    const mine = payload.payer?.toLowerCase() === payer.toLowerCase();
    return {
      receipt,
      payload,
      signer,
      verified: mine,
      ...(mine ? {} : { error: "receipt names another payer" }),
    };
  } catch (err) {
    return { receipt, verified: false, error: err instanceof Error ? err.message : String(err) };
  }
}
