import { BaseError } from "../errors/base";

/** Local spending limits: a 402 can never make the client pay past them. */
export interface SpendCapOptions {
  /** Most one payment may cost. */
  maxPrice?: bigint;
  /** Most the client spends per origin over its lifetime. */
  perOrigin?: bigint;
  /** Most the client spends across all origins within any window of `windowMs`. */
  perWindow?: { amount: bigint; windowMs: number };
}

/** A payment the local spend caps (or the deposit cap) do not allow; nothing was signed. */
export class SpendCapError extends BaseError<
  "z402_max_price" | "z402_origin_cap" | "z402_window_cap" | "z402_deposit_cap"
> {
  override name = "SpendCapError";
}

/** Tracks spend per origin and in a sliding window; `reserve` throws before a payment would exceed a cap. */
export class SpendCaps {
  private readonly byOrigin = new Map<string, bigint>();
  private readonly recent: Array<{ at: number; amount: bigint }> = [];

  constructor(private readonly options: SpendCapOptions = {}) {}

  private windowTotal(now: number): bigint {
    const w = this.options.perWindow;
    if (!w) return 0n;
    while (this.recent.length > 0 && this.recent[0].at <= now - w.windowMs) this.recent.shift();
    return this.recent.reduce((s, r) => s + r.amount, 0n);
  }

  /** Counts a price against the caps, or throws without counting anything. */
  reserve(origin: string, amount: bigint, now = Date.now()): void {
    const o = this.options;
    if (o.maxPrice !== undefined && amount > o.maxPrice) {
      throw new SpendCapError("z402_max_price", `price ${amount} above maxPrice ${o.maxPrice}`);
    }
    this.count(origin, amount, now);
  }

  /**
   * Counts an amount the payer is committed to beyond one price (a corrective 402's charge it adopted) against the
   * origin and window caps, or throws without counting anything.
   */
  count(origin: string, amount: bigint, now = Date.now()): void {
    const o = this.options;
    const spent = this.byOrigin.get(origin) ?? 0n;
    if (o.perOrigin !== undefined && spent + amount > o.perOrigin) {
      throw new SpendCapError("z402_origin_cap", `spend cap for ${origin} reached`);
    }
    if (o.perWindow && this.windowTotal(now) + amount > o.perWindow.amount) {
      throw new SpendCapError("z402_window_cap", "spend cap for the time window reached");
    }
    this.byOrigin.set(origin, spent + amount);
    if (o.perWindow) this.recent.push({ at: now, amount });
  }

  /** Gives back what a payment did not cost (actual charge below the price, or a refused request). */
  refund(origin: string, amount: bigint): void {
    if (amount <= 0n) return;
    this.byOrigin.set(origin, (this.byOrigin.get(origin) ?? 0n) - amount);
    for (let i = this.recent.length - 1; i >= 0 && amount > 0n; i--) {
      const take = this.recent[i].amount < amount ? this.recent[i].amount : amount;
      this.recent[i].amount -= take;
      amount -= take;
    }
  }

  spentAt(origin: string): bigint {
    return this.byOrigin.get(origin) ?? 0n;
  }
}
