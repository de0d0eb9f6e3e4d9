import { ZeroHash } from "ethers";
import { channelIdOf, type ChannelConfig } from "./sign";
import type { Offer } from "./wire";

/** What the client knows of one of its channels. */
export interface ClientChannel {
  id: string;
  config: ChannelConfig;
  /** Cumulative amount the server has charged, as verified by the client. */
  charged: bigint;
  /** Channel balance (deposits minus refunds and withdrawals). */
  balance: bigint;
  loaded: boolean;
  /** Set when a server answered inconsistently: the channel is not used again. */
  poisoned: boolean;
}

/** The channel a batch-settlement offer opens for this payer and session key (salt: default zero). */
export function channelConfigOf(offer: Offer, payer: string, session: string, salt?: string): ChannelConfig {
  return {
    payer,
    payerAuthorizer: session,
    receiver: offer.payTo,
    receiverAuthorizer: String(offer.extra.receiverAuthorizer),
    token: offer.asset,
    withdrawDelay: Number(offer.extra.withdrawDelay),
    salt: salt ?? ZeroHash,
  };
}

/** An offer as a payment's `accepted`: without the corrective 402's channel and voucher state. */
export function acceptedOf(offer: Offer): Offer {
  const accepted = { ...offer, extra: { ...offer.extra } };
  delete accepted.extra.channelState;
  delete accepted.extra.voucherState;
  return accepted;
}

/** Chain reads the client needs: recovery after state loss, and chain time for authorizations. */
export interface ClientChain {
  channel(channelId: string): Promise<{ balance: bigint; totalClaimed: bigint }>;
  now(): Promise<bigint>;
}

/** Channels by id, with per-channel serialization (vouchers on one channel are strictly sequential). */
export class ChannelBook {
  private readonly channels = new Map<string, ClientChannel>();
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly chainId: bigint,
    private readonly escrow: string,
    private readonly chain: ClientChain,
  ) {}

  get(config: ChannelConfig): ClientChannel {
    const id = channelIdOf(this.chainId, this.escrow, config);
    let ch = this.channels.get(id);
    if (!ch) {
      ch = { id, config, charged: 0n, balance: 0n, loaded: false, poisoned: false };
      this.channels.set(id, ch);
    }
    return ch;
  }

  /** Runs `fn` alone on the channel. */
  async exclusive<T>(ch: ClientChannel, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(ch.id) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    this.tails.set(
      ch.id,
      prev.then(() => mine),
    );
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Loads the channel from chain when its state is unknown: on-chain `totalClaimed` is the baseline. */
  async ensureLoaded(ch: ClientChannel): Promise<void> {
    if (ch.loaded) return;
    const s = await this.chain.channel(ch.id);
    if (s.totalClaimed > ch.charged) ch.charged = s.totalClaimed;
    ch.balance = s.balance;
    ch.loaded = true;
  }

  list(): ClientChannel[] {
    return [...this.channels.values()];
  }
}
