import type { ChainChannel, EscrowChain } from "./chain";
import { notify, type MirrorEvents } from "./events";
import { FreshRuns } from "./fresh-runs";
import { MirrorPoll } from "./mirror-poll";

export interface MirrorOptions {
  /** Pause between two polls of escrow events (ms). Polls never overlap and never spin. */
  pollMs?: number;
  /** A listener of polls (more with `ChainMirror.on`). Default: none. */
  events?: MirrorEvents;
}

/**
 * Channel state mirrored from the escrow: a channel is read once when first seen, then refreshed only
 * when an escrow event names it. The hot path reads memory, never the chain.
 *
 * Ordering: every state carries the sequence number of the moment its read began (or it was learned); a state
 * older than the one held is dropped. A refresh asked for after an event always gets a read that began after it.
 */
export class ChainMirror {
  private readonly channels = new Map<string, ChainChannel>();
  /** Sequence number of the read (or `learn`) that produced each held state. */
  private readonly stateVersions = new Map<string, number>();
  /** Reads in flight (or queued) per channel; an entry is dropped once its channel is idle. */
  private readonly channelReads = new Map<string, FreshRuns<ChainChannel>>();
  private readonly listeners: Array<(channelId: string, state: ChainChannel) => void> = [];
  private stateSequence = 0;
  private chainTime = 0n;
  private seenAt = 0;
  /** The escrow event poll that refreshes the channels its events name. */
  private readonly poll: MirrorPoll;

  constructor(
    private readonly chain: EscrowChain,
    options: MirrorOptions = {},
  ) {
    this.poll = new MirrorPoll(chain, options.pollMs ?? 1000, {
      setTime: (t) => this.setTime(t),
      watches: (id) => this.watches(id),
      refresh: (id) => this.refresh(id),
    });
    if (options.events) this.on(options.events);
  }

  /** Adds a listener of polls; returns its removal. */
  on(listener: MirrorEvents): () => void {
    return this.poll.on(listener);
  }

  /** Ms since the mirror last caught up with the head (`Infinity` when not running); last block read; that head. */
  lag(): { ms: number; block: number; head: number } {
    return this.poll.lag();
  }

  /** Reads the head, then polls events every `pollMs` until `stop()`. */
  start(): Promise<void> {
    return this.poll.start();
  }

  stop(): Promise<void> {
    return this.poll.stop();
  }

  /**
   * Reads escrow events up to the head, page by page, and refreshes every channel an event touched (mirrored, being
   * read, or any when someone listens). The cursor moves past a page only once its channels are refreshed; a failed
   * page throws and is read again by the next poll, so no block is skipped. A call made while a poll runs waits for a
   * poll that starts after it. Exposed for tests and the worker.
   */
  pollOnce(): Promise<void> {
    return this.poll.pollOnce();
  }

  private watches(id: string): boolean {
    return this.channels.has(id) || this.channelReads.has(id) || this.listeners.length > 0;
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
    return this.runs(id).any();
  }

  /**
   * Re-reads a channel from chain (after a deposit we submitted, or an event). The answer comes from a read that
   * began after this call: a read already in flight is not joined, one follow-up read is queued behind it.
   */
  refresh(channelId: string): Promise<ChainChannel> {
    return this.runs(channelId.toLowerCase()).fresh();
  }

  private runs(id: string): FreshRuns<ChainChannel> {
    let runs = this.channelReads.get(id);
    if (!runs) {
      const created: FreshRuns<ChainChannel> = new FreshRuns(
        () => this.read(id),
        () => {
          if (this.channelReads.get(id) === created) this.channelReads.delete(id);
        },
      );
      runs = created;
      this.channelReads.set(id, runs);
    }
    return runs;
  }

  /**
   * Reads the channel. A read overtaken by a `learn` (which may hold a deposit this read began too early to see,
   * while this read may hold a withdrawal the report predates) is not adopted: the chain is read again.
   */
  private async read(id: string): Promise<ChainChannel> {
    for (;;) {
      const version = ++this.stateSequence;
      const state = await this.chain.readChannel(id);
      if (this.adopt(id, state, version)) return state;
    }
  }

  /** Holds `state` unless a newer one is held; tells the listeners. False if `state` was older. */
  private adopt(id: string, state: ChainChannel, version: number): boolean {
    if (version < (this.stateVersions.get(id) ?? 0)) return false;
    this.channels.set(id, state);
    this.stateVersions.set(id, version);
    // A listener's failure must not lose the state or stall the poll.
    notify(this.listeners, (l) => l(id, state));
    return true;
  }

  /**
   * Adopts a channel state reported by whoever just changed it (a facilitator that landed a deposit for us), so
   * the next request needs no read; later escrow events refresh it from chain as usual. The report may predate a
   * withdrawal the mirror has already read, so it never clears a pending withdrawal: only a chain read does.
   */
  learn(channelId: string, state: ChainChannel): void {
    const id = channelId.toLowerCase();
    const held = this.channels.get(id);
    const report =
      held && held.withdrawInitiatedAt > 0n && state.withdrawInitiatedAt === 0n
        ? { ...state, withdrawAmount: held.withdrawAmount, withdrawInitiatedAt: held.withdrawInitiatedAt }
        : state;
    this.adopt(id, report, ++this.stateSequence);
  }

  /** Called with each refreshed channel state (the settlement worker watches withdrawals). */
  onUpdate(listener: (channelId: string, state: ChainChannel) => void): void {
    this.listeners.push(listener);
  }
}
