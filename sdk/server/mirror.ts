import type { ChainChannel, EscrowChain } from "./chain";

export interface MirrorOptions {
  /** Pause between two polls of escrow events (ms). Polls never overlap and never spin. */
  pollMs?: number;
}

/**
 * Channel state mirrored from the escrow: a channel is read once when first seen, then refreshed only
 * when an escrow event names it. The hot path reads memory, never the chain.
 */
export class ChainMirror {
  private readonly channels = new Map<string, ChainChannel>();
  private readonly loading = new Map<string, Promise<ChainChannel>>();
  private readonly listeners: Array<(channelId: string, state: ChainChannel) => void> = [];
  private nextBlock = 0;
  private chainTime = 0n;
  private seenAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private polling: Promise<void> | undefined;
  private readonly pollMs: number;

  constructor(
    private readonly chain: EscrowChain,
    options: MirrorOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 1000;
  }

  /** Reads the head, then polls events every `pollMs` until `stop()`. */
  async start(): Promise<void> {
    const head = await this.chain.head();
    this.nextBlock = head.block + 1;
    this.setTime(head.timestamp);
    this.running = true;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.polling = this.pollOnce()
        .catch(() => undefined)
        .finally(() => this.schedule());
    }, this.pollMs);
    this.timer.unref?.();
  }

  /** One poll: refreshes every mirrored channel an event touched. Exposed for tests and the worker. */
  async pollOnce(): Promise<void> {
    const result = await this.chain.poll(this.nextBlock);
    this.setTime(result.timestamp);
    for (const id of result.channelIds) {
      if (this.channels.has(id) || this.listeners.length > 0) await this.refresh(id);
    }
    this.nextBlock = result.toBlock + 1;
  }

  private setTime(t: bigint): void {
    this.chainTime = t;
    this.seenAt = Date.now();
  }

  /** Chain time estimate: the last head's timestamp plus the wall time elapsed since it was seen. */
  now(): bigint {
    return this.chainTime + BigInt(Math.floor((Date.now() - this.seenAt) / 1000));
  }

  /** Mirrored state; reads the chain only the first time a channel is seen. */
  async channel(channelId: string): Promise<ChainChannel> {
    const id = channelId.toLowerCase();
    const known = this.channels.get(id);
    if (known) return known;
    return this.refresh(id);
  }

  /** Re-reads a channel from chain (after a deposit we submitted, or an event). */
  refresh(channelId: string): Promise<ChainChannel> {
    const id = channelId.toLowerCase();
    const pending = this.loading.get(id);
    if (pending) return pending;
    const load = this.chain
      .readChannel(id)
      .then((state) => {
        this.channels.set(id, state);
        for (const l of this.listeners) l(id, state);
        return state;
      })
      .finally(() => this.loading.delete(id));
    this.loading.set(id, load);
    return load;
  }

  /**
   * Adopts a channel state reported by whoever just changed it (a facilitator that landed a deposit for us), so
   * the next request needs no read; later escrow events refresh it from chain as usual.
   */
  learn(channelId: string, state: ChainChannel): void {
    const id = channelId.toLowerCase();
    this.channels.set(id, state);
    for (const l of this.listeners) l(id, state);
  }

  /** Called with each refreshed channel state (the settlement worker watches withdrawals). */
  onUpdate(listener: (channelId: string, state: ChainChannel) => void): void {
    this.listeners.push(listener);
  }
}
