/**
 * The durable record a server keeps per payment channel. Amounts are atomic token units.
 *
 * Invariants kept by the paywall core:
 * - `charged <= signedMax`: nothing is served without a stored voucher that covers it;
 * - `claimed <= charged`: the settlement worker only claims what was served.
 */
export interface ChannelRecord {
  /** bytes32 channel id (0x-prefixed, lower case). */
  channelId: string;
  /** JSON of the channel's `ChannelConfig` (needed to build claims). */
  config: string;
  /** Committed cumulative charge: what was served and paid for. */
  charged: bigint;
  /** `maxClaimableAmount` of the newest stored voucher. */
  signedMax: bigint;
  /** The payer's signature over that voucher. */
  signature: string;
  /** What the settlement worker has claimed on chain for this channel. */
  claimed: bigint;
  /** Owner of the in-flight request lock (`"<instance>:<ticket>"`), or "" when free. */
  lock: string;
  /** Epoch milliseconds after which the lock is stale. */
  lockUntil: number;
  /** `payment-identifier` of the last committed payment, "" if none. */
  paymentId: string;
  /** Charge committed for that payment (an idempotent retry is served without a new charge). */
  lastCharge: bigint;
  /**
   * Fingerprint of the request that payment bought (payment payload, method, target, body digest, price): a
   * retry with the same payment identifier must match it to get the stored answer.
   */
  requestDigest: string;
  /** The answer sent for that payment (`StoredAnswer` JSON), "" when none is kept (too large, or not captured). */
  response: string;
  /** Epoch milliseconds when that answer was committed (the idempotency window starts here). */
  respondedAt: number;
  /**
   * A balance cap written by an instance before a balance-lowering transaction of its own (a refund): while the
   * chain view an instance reads has `refundNonce < capNonce`, vouchers are checked against `capBalance`, so no
   * replica serves past a refund whose event its mirror has not seen yet. `capNonce` 0: no cap.
   */
  capNonce: bigint;
  capBalance: bigint;
  /** Compare-and-set counter: 0 means the record does not exist yet. */
  version: number;
}

/**
 * Durable voucher storage. Every write is a compare-and-set on `version`, so several server replicas
 * sharing one store never both serve one payment.
 */
export interface VoucherStore {
  /** The record of a channel, or undefined when none is stored. */
  get(channelId: string): Promise<ChannelRecord | undefined>;
  /**
   * Writes `record` if the stored version still equals `expectedVersion` (0: absent).
   * On success the stored version is `expectedVersion + 1` and `record.version` is updated to it.
   * The write is durable when the promise resolves.
   */
  compareAndSet(record: ChannelRecord, expectedVersion: number): Promise<boolean>;
  /** Records with `charged > claimed`: the settlement worker's work list. */
  listOwed(): Promise<ChannelRecord[]>;
  /** Releases every lock held by `instance` (called when a server restarts). Returns how many. */
  clearLocks(instance: string): Promise<number>;
  close(): Promise<void>;
  /** Holds a channel back from claim batches (upsert by channel id): the chain refused its stored voucher. */
  quarantine(entry: QuarantineEntry): Promise<void>;
  /** Every quarantined channel. */
  listQuarantined(): Promise<QuarantineEntry[]>;
  /** Lets a channel into claim batches again (a no-op when it is not quarantined). */
  releaseQuarantine(channelId: string): Promise<void>;
}

/** A fresh, empty record for a channel (version 0: not stored yet). */
export function emptyRecord(channelId: string, config = ""): ChannelRecord {
  return {
    channelId: channelId.toLowerCase(),
    config,
    charged: 0n,
    signedMax: 0n,
    signature: "",
    claimed: 0n,
    lock: "",
    lockUntil: 0,
    paymentId: "",
    lastCharge: 0n,
    requestDigest: "",
    response: "",
    respondedAt: 0,
    capNonce: 0n,
    capBalance: 0n,
    version: 0,
  };
}

/** The lock owner prefix of an instance (locks are `"<instance>:<ticket>"`). */
export function lockOwnedBy(lock: string, instance: string): boolean {
  return lock.startsWith(instance + ":");
}

/**
 * A channel the settlement worker stopped claiming: the chain refused its voucher as stored (`signedMax`,
 * `charged` then). It is tried again once the stored voucher differs from these, or after a release.
 */
export interface QuarantineEntry {
  /** bytes32 channel id (lower case). */
  channelId: string;
  signedMax: bigint;
  charged: bigint;
  /** Why the chain refused it: the decoded custom error when possible. Never a signature. */
  reason: string;
  /** Epoch milliseconds of the refusal. */
  at: number;
}
