import { getAddress } from "ethers";
import { eip3009Digest, recoverSigner } from "./crypto";
import { exactPayloadSchema, parseWith } from "./decode";
import { FacilitatorDelegate } from "./delegate";
import type { PaywallOptions } from "./options";
import { chainFailure, PaymentRefusal, REASONS } from "./reasons";
import type { Requirements } from "./requirements";

export interface ExactTicket {
  scheme: "exact";
  payer: string;
  price: bigint;
  transaction: string;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * `exact` (EIP-3009): verified locally, then settled before the handler runs, by this server with
 * `transferWithAuthorization` or, when delegating, by the facilitator's `/verify` + `/settle`. An authorization is settled at most once (local nonce set + the token's own).
 */
export class ExactScheme {
  private readonly inFlight = new Map<string, Promise<string>>();
  /** With a facilitator, it verifies and settles (its transaction goes in PAYMENT-RESPONSE); we send nothing. */
  private readonly delegate: FacilitatorDelegate | undefined;

  constructor(private readonly opts: PaywallOptions) {
    this.delegate = opts.facilitator ? new FacilitatorDelegate(opts.facilitator) : undefined;
  }

  /** `told`: the resource (and its Bazaar extension) a delegated payment names to the facilitator. */
  async accept(
    accepted: Requirements,
    offer: Requirements,
    raw: unknown,
    price: bigint,
    v1: boolean,
    told?: { resource: unknown; extensions?: Record<string, unknown> },
  ) {
    const p = parseWith(exactPayloadSchema, raw);
    const a = p.authorization;
    if (accepted.network !== offer.network || !same(accepted.asset, offer.asset)) {
      throw new PaymentRefusal(REASONS.exactTokenMismatch);
    }
    if (!same(a.to, offer.payTo) || !same(accepted.payTo, offer.payTo)) {
      throw new PaymentRefusal(REASONS.exactRecipientMismatch);
    }
    const value = BigInt(a.value);
    if (v1 ? value < price : value !== price) throw new PaymentRefusal(REASONS.exactValueMismatch);
    const now = this.opts.mirror.now();
    if (BigInt(a.validAfter) > now) throw new PaymentRefusal(REASONS.exactValidAfter);
    if (BigInt(a.validBefore) < now + 6n) throw new PaymentRefusal(REASONS.exactValidBefore);
    const digest = eip3009Digest(this.opts.token, this.opts.chain.chainId, "TransferWithAuthorization", a);
    if (!same(recoverSigner(digest, p.signature, REASONS.exactSignature), a.from)) {
      throw new PaymentRefusal(REASONS.exactSignature);
    }
    const key = `${a.from.toLowerCase()}:${a.nonce.toLowerCase()}`;
    if (this.inFlight.has(key)) throw new PaymentRefusal(REASONS.exactNonceAlreadyUsed);
    // A v1 payment may pay more than the price (v1's amount is a maximum): the facilitator settles what was signed.
    const terms = v1 ? { ...offer, amount: a.value } : offer;
    const tx = this.delegate
      ? this.delegate
          .verifyAndSettle({ x402Version: 2, ...told, accepted: terms, payload: raw }, terms)
          .then((settled) => settled.transaction)
      : this.opts.chain.transferWithAuthorization(
          this.opts.token.address,
          { ...a, value, validAfter: BigInt(a.validAfter), validBefore: BigInt(a.validBefore) },
          p.signature,
        );
    this.inFlight.set(key, tx);
    let transaction: string;
    try {
      transaction = await tx;
    } catch (err) {
      this.inFlight.delete(key);
      throw err instanceof PaymentRefusal ? err : chainFailure(err, REASONS.exactTransactionFailed);
    }
    const ticket: ExactTicket = { scheme: "exact", payer: getAddress(a.from), price: value, transaction };
    return ticket;
  }
}
