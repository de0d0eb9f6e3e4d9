import { collectorNonce } from "../eip712/hash";
import { encodeCollectorData } from "../signing/eip3009";
import type { Erc3009DepositAuthorization } from "../types/batch-settlement";
import type { Hex } from "../utils/hex";
import type { DepositFunds } from "./chain";
import { eip3009Digest, recoverSigner, type ChannelConfigWire } from "./crypto";
import type { PaywallOptions } from "./options";
import { chainFailure, PaymentRefusal, REASONS } from "./reasons";
import type { Requirements } from "./requirements";

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** A `deposit` payload's deposit part. */
export interface DepositFields {
  amount: string;
  authorization: {
    erc3009Authorization: { validAfter: string; validBefore: string; salt: string; signature: string };
  };
}

/** The payment as received, for a lander that forwards it (a facilitator wants the whole payload and offer). */
export interface DepositPayment {
  payload: unknown;
  offer: Requirements;
  /** The resource (and its Bazaar extension) a delegated deposit names to the facilitator, built only when asked. */
  told?: () => { resource: unknown; extensions?: Record<string, unknown> };
}

/** Who lands deposits for the escrow scheme: this server itself, or a facilitator (`delegated-deposit.ts`). */
export interface DepositLander {
  /** Unconfirmed deposits credited to a channel (optimistic policy). */
  provisional(channelId: string): bigint;
  /** Resolves once the channel's balance includes the deposit (or the policy lets the request through). */
  accept(
    config: ChannelConfigWire,
    channelId: string,
    d: DepositFields,
    needed: bigint,
    payment: DepositPayment,
  ): Promise<void>;
}

/** The server's own deposit policy: a non-zero amount of at least `minDeposit`. */
export function checkDepositAmount(opts: PaywallOptions, amount: bigint): void {
  if (amount === 0n || amount < (opts.minDeposit ?? 0n))
    throw new PaymentRefusal(REASONS.bsDepositBelowMinDeposit);
}

/**
 * A retried deposit (e.g. after our restart) is refused because its authorization was already used: if the
 * channel now covers the voucher, the deposit did land earlier and the request may proceed.
 */
export async function landedEarlier(
  opts: PaywallOptions,
  channelId: string,
  needed: bigint,
): Promise<boolean> {
  const state = await opts.mirror.refresh(channelId);
  return state.balance >= needed;
}

/**
 * The optimistic-deposit risk budget (server rule 11): what is credited to channels before its deposit is mined,
 * what was lost to optimistic deposits that then failed (charged for good: it never frees), and the payers whose
 * deposit failed. Pass one in `deposits.risk` to observe it; a paywall without one keeps its own.
 */
export class DepositRisk {
  private credited = 0n;
  private lostTotal = 0n;
  private readonly failed = new Set<string>();
  private readonly inFlight = new Map<string, bigint>();

  /** Deposits credited before they were mined and not yet settled either way. */
  get provisional(): bigint {
    return this.credited;
  }

  /** What failed optimistic deposits had credited (and so could have been served against): never freed. */
  get lost(): bigint {
    return this.lostTotal;
  }

  /** Payers whose deposit failed and none of whose deposits was mined since (they wait for mining). */
  get failedPayers(): string[] {
    return [...this.failed];
  }

  /** Whether `payer` lost its optimistic serving to a failed deposit. */
  hasFailed(payer: string): boolean {
    return this.failed.has(payer.toLowerCase());
  }

  /** Whether `amount` more may be credited before mining under `limit` (provisional + lost + amount ≤ limit). */
  fits(amount: bigint, limit: bigint | undefined): boolean {
    return limit !== undefined && this.credited + this.lostTotal + amount <= limit;
  }

  /** Holds `amount` of the budget (synchronously, so concurrent requests cannot overrun it). */
  hold(amount: bigint): void {
    this.credited += amount;
  }

  /** Returns a hold: the deposit was mined, or was not served optimistically after all. */
  free(amount: bigint): void {
    this.credited -= amount;
  }

  /** Moves a hold to the lost total, for good, and takes `payer` off optimistic serving. */
  lose(payer: string, amount: bigint): void {
    this.lostTotal += amount;
    this.credited -= amount;
    this.failed.add(payer.toLowerCase());
  }

  /** A deposit of `payer` was mined: it may be served optimistically again. */
  mined(payer: string): void {
    this.failed.delete(payer.toLowerCase());
  }

  /** Deposits of `payer` submitted and not yet settled (the part of its balance they will take). */
  pendingOf(payer: string): bigint {
    return this.inFlight.get(payer.toLowerCase()) ?? 0n;
  }

  /** Counts (positive) or uncounts (negative) a submitted deposit of `payer`. */
  track(payer: string, delta: bigint): void {
    const key = payer.toLowerCase();
    const left = (this.inFlight.get(key) ?? 0n) + delta;
    if (left > 0n) this.inFlight.set(key, left);
    else this.inFlight.delete(key);
  }
}

/** How a deposit proceeds once its pre-check is done. */
type Route = "optimistic" | "wait" | "landed";

/**
 * Deposits (server rule 6): the payer's EIP-3009 `receiveWithAuthorization` is verified locally, then the
 * server submits `deposit` itself, once per authorization. The request waits for the deposit to be mined,
 * unless the optimistic policy lets it through (server rule 11): the payer's balance and the authorization's
 * state are read first (one read), a payer whose deposit failed waits for mining until one of its deposits is
 * mined, and what failed optimistic deposits credited counts against the risk limit for good.
 */
export class DepositHandler implements DepositLander {
  private readonly deposits = new Map<string, Promise<void>>();
  private readonly credit = new Map<string, bigint>();
  /** The risk budget this handler charges (the policy's, or its own). */
  readonly risk: DepositRisk;

  constructor(private readonly opts: PaywallOptions) {
    this.risk = opts.deposits?.risk ?? new DepositRisk();
  }

  /** Unconfirmed deposits credited to a channel under the optimistic policy. */
  provisional(channelId: string): bigint {
    return this.credit.get(channelId) ?? 0n;
  }

  /** Verifies a deposit locally, submits it (once per authorization) and waits for it unless optimistic. */
  async accept(
    config: ChannelConfigWire,
    channelId: string,
    d: DepositFields,
    needed: bigint,
  ): Promise<void> {
    const collector = this.opts.depositCollector;
    if (!collector) throw new PaymentRefusal(REASONS.unsupportedPayloadType);
    const a = d.authorization.erc3009Authorization;
    const amount = BigInt(d.amount);
    checkDepositAmount(this.opts, amount);
    const now = this.opts.mirror.now();
    if (BigInt(a.validAfter) > now) throw new PaymentRefusal(REASONS.bsValidAfter);
    if (BigInt(a.validBefore) < now + 6n) throw new PaymentRefusal(REASONS.bsValidBefore);
    const nonce = collectorNonce(channelId as Hex, a.salt as Hex);
    const message = {
      from: config.payer,
      to: collector,
      value: amount,
      validAfter: a.validAfter,
      validBefore: a.validBefore,
      nonce,
    };
    const digest = eip3009Digest(
      this.opts.token,
      this.opts.chain.chainId,
      "ReceiveWithAuthorization",
      message,
    );
    if (!same(recoverSigner(digest, a.signature, REASONS.bsReceiveAuthorizationSignature), config.payer)) {
      throw new PaymentRefusal(REASONS.bsReceiveAuthorizationSignature);
    }
    let pending = this.deposits.get(nonce);
    if (!pending) {
      // Everything up to the first await is synchronous: the budget hold and the payer's pending amount are
      // counted before a concurrent request can look at them.
      const payer = config.payer;
      const tryOptimistic =
        this.opts.chain.readDepositFunds !== undefined &&
        !this.risk.hasFailed(payer) &&
        this.risk.fits(amount, this.opts.deposits?.optimisticRiskLimit);
      const others = this.risk.pendingOf(payer);
      if (tryOptimistic) this.risk.hold(amount);
      this.risk.track(payer, amount);
      const route: Promise<Route> = tryOptimistic
        ? this.precheck(payer, nonce, amount, others, channelId, needed)
        : Promise.resolve("wait");
      const data = encodeCollectorData(a as Erc3009DepositAuthorization);
      pending = route.then(
        (r) => {
          // The hold stays only while a deposit is credited before mining.
          if (tryOptimistic && r !== "optimistic") this.risk.free(amount);
          return this.land(r, config, channelId, amount, collector, data, nonce);
        },
        (err: unknown) => {
          this.risk.free(amount);
          this.risk.track(payer, -amount);
          throw err;
        },
      );
      this.deposits.set(nonce, pending);
      // Settled either way, the authorization is decided on chain: a replay is checked against the chain again.
      pending.then(
        () => this.deposits.delete(nonce),
        () => this.deposits.delete(nonce),
      );
      if ((await route) !== "wait") return;
    }
    try {
      await pending;
    } catch (err) {
      if (err instanceof PaymentRefusal) throw err;
      const refusal = chainFailure(err, REASONS.bsDepositTransactionFailed);
      if (refusal.status === 503) throw refusal;
      if (!(await landedEarlier(this.opts, channelId, needed))) throw refusal;
    }
  }

  /**
   * The read before serving optimistically: refuses a deposit the payer's balance cannot cover, or whose
   * authorization is used (unless it landed and the channel covers the voucher). Serves optimistically only
   * when the balance also covers the payer's other deposits in flight; any doubt (a failed read) means waiting.
   */
  private async precheck(
    payer: string,
    nonce: string,
    amount: bigint,
    others: bigint,
    channelId: string,
    needed: bigint,
  ): Promise<Route> {
    let funds: DepositFunds;
    try {
      funds = await this.opts.chain.readDepositFunds!(this.opts.token.address, payer, nonce);
    } catch {
      return "wait";
    }
    if (funds.authorizationUsed) {
      const covered = await landedEarlier(this.opts, channelId, needed).catch(() => undefined);
      if (covered === undefined) return "wait";
      if (covered) return "landed";
      throw new PaymentRefusal(REASONS.bsDepositAuthorizationUsed);
    }
    if (funds.balance < amount) throw new PaymentRefusal(REASONS.bsInsufficientBalance);
    return funds.balance >= amount + others ? "optimistic" : "wait";
  }

  /** Submits the deposit (unless it landed already) and settles the budget, the channel credit and the payer. */
  private async land(
    route: Route,
    config: ChannelConfigWire,
    channelId: string,
    amount: bigint,
    collector: string,
    data: string,
    nonce: string,
  ): Promise<void> {
    const payer = config.payer;
    if (route === "landed") {
      this.risk.track(payer, -amount);
      this.risk.mined(payer);
      return;
    }
    const optimistic = route === "optimistic";
    let credited = optimistic;
    const uncredit = () => {
      if (!credited) return;
      credited = false;
      const left = (this.credit.get(channelId) ?? 0n) - amount;
      if (left > 0n) this.credit.set(channelId, left);
      else this.credit.delete(channelId);
    };
    if (optimistic) this.credit.set(channelId, (this.credit.get(channelId) ?? 0n) + amount);
    let mined = false;
    let lost = false;
    try {
      await this.opts.chain.deposit(config, amount, collector, data);
      mined = true;
      this.risk.mined(payer);
      await this.opts.mirror.refresh(channelId);
    } catch (err) {
      if (!mined && optimistic) {
        uncredit();
        if (!(await this.authorizationUsed(payer, nonce))) {
          // Served against, never funded: a loss, charged for good (the hold moves to the lost total).
          this.risk.lose(payer, amount);
          lost = true;
        }
      }
      throw err;
    } finally {
      this.risk.track(payer, -amount);
      uncredit();
      if (optimistic && !lost) this.risk.free(amount);
    }
  }

  /** Whether a failed submission landed anyway (its authorization is used); false when it cannot be told. */
  private async authorizationUsed(payer: string, nonce: string): Promise<boolean> {
    try {
      return (await this.opts.chain.readDepositFunds!(this.opts.token.address, payer, nonce))
        .authorizationUsed;
    } catch {
      return false;
    }
  }
}
