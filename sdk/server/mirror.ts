import type { ChainChannel, EscrowChain } from "./chain";
import { notify, type MirrorEvents } from "./events";

export interface MirrorOptions {
  /** Pause between two polls of escrow events (ms). Polls never overlap and never spin. */
  pollMs?: number;
  /** A listener of polls (more with `ChainMirror.on`). Default: none. */
  events?: MirrorEvents;
}

/** Channel reads a poll runs in parallel (a page after an outage may touch many channels). */
const READS_AT_ONCE = 8;

/**
 * Runs `task` at most once at a time, and never hands a caller a run that started before its call: a call during a
 * run waits for one follow-up run (shared by every call made during that run). An event seen after a read began is
 * therefore never answered with that read.
 */
class FreshRuns<T> {
  private running: Promise<T> | undefined;
  private queued: Promise<T> | undefined;

  constructor(
    private readonly task: () => Promise<T>,
    private readonly onIdle?: () => void,
  ) {}

  get idle(): boolean {
    return this.running === undefined && this.queued === undefined;
  }

  /** A run that starts after this call. */
  fresh(): Promise<T> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    const queued = this.running.then(
      () => this.next(),
      () => this.next(),
    );
    this.queued = queued;
    return queued;
  }

  /** Any run: the current one if there is one (for callers that need some state, not a newer one). */
  any(): Promise<T> {
    return this.running ?? this.queued ?? this.start();
  }

  private next(): Promise<T> {
    this.queued = undefined;
    return this.start();
  }

  private start(): Promise<T> {
    const run = Promise.resolve()
      .then(this.task)
      .finally(() => {
        if (this.running === run) this.running = undefined;
        if (this.idle) this.onIdle?.();
      });
    this.running = run;
    return run;
  }
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
  private nextBlock = 0;
  private chainTime = 0n;
  private seenAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private polling: Promise<void> | undefined;
  private readonly pollRuns = new FreshRuns(() => this.tracked());
  private readonly pollMs: number;
  private events: MirrorEvents[] = [];
  /** When the mirror last caught up with the head (epoch ms; 0: never), and that head's block. */
  private caughtUpAt = 0;
  private headBlock = 0;

  constructor(
    private readonly chain: EscrowChain,
    options: MirrorOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 1000;
    if (options.events) this.on(options.events);
  }

  /** Adds a listener of polls; returns its removal. */
  on(listener: MirrorEvents): () => void {
    this.events = [...this.events, listener];
    return () => {
      this.events = this.events.filter((l) => l !== listener);
    };
  }

  /** Ms since the mirror last caught up with the head (`Infinity` when not running); last block read; that head. */
  lag(): { ms: number; block: number; head: number } {
    const ms = this.running && this.caughtUpAt > 0 ? Date.now() - this.caughtUpAt : Infinity;
    return { ms, block: this.nextBlock - 1, head: this.headBlock };
  }

  /** A catch-up that records when it finished and tells the listeners. */
  private async tracked(): Promise<void> {
    const started = Date.now();
    await this.catchUp().catch((error: unknown) => {
      notify(this.events, (l) => l.pollFailed?.({ error, ms: Date.now() - started }));
      throw error;
    });
    this.caughtUpAt = Date.now();
    const poll = { block: this.nextBlock - 1, head: this.headBlock, ms: this.caughtUpAt - started };
    notify(this.events, (l) => l.poll?.(poll));
  }

  /** Reads the head, then polls events every `pollMs` until `stop()`. */
  async start(): Promise<void> {
    const head = await this.chain.head();
    this.nextBlock = head.block + 1;
    this.headBlock = head.block;
    this.caughtUpAt = Date.now();
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

  /**
   * Reads escrow events up to the head, page by page, and refreshes every channel an event touched (mirrored, being
   * read, or any when someone listens). The cursor moves past a page only once its channels are refreshed; a failed
   * page throws and is read again by the next poll, so no block is skipped. A call made while a poll runs waits for a
   * poll that starts after it. Exposed for tests and the worker.
   */
  pollOnce(): Promise<void> {
    return this.pollRuns.fresh();
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      const from = this.nextBlock;
      const page = await this.chain.poll(from);
      this.setTime(page.timestamp);
      this.headBlock = page.head ?? page.toBlock;
      const touched = page.channelIds.map((id) => id.toLowerCase()).filter((id) => this.watches(id));
      for (let i = 0; i < touched.length; i += READS_AT_ONCE) {
        await Promise.all(touched.slice(i, i + READS_AT_ONCE).map((id) => this.refresh(id)));
      }
      if (page.toBlock < from) return; // nothing new
      this.nextBlock = page.toBlock + 1;
      if (page.head === undefined || page.toBlock >= page.head) return;
    }
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
    for (const l of this.listeners) {
      try {
        l(id, state);
      } catch {
        // A listener's failure must not lose the state or stall the poll.
      }
    }
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
