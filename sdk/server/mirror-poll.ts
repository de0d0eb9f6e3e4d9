import type { EscrowChain } from "./chain";
import { notify, type MirrorEvents } from "./events";
import { FreshRuns } from "./fresh-runs";

/** Channel reads a poll runs in parallel (a page after an outage may touch many channels). */
const READS_AT_ONCE = 8;

/** What a poll needs of the mirror it feeds. */
export interface PollTarget {
  /** Takes the chain time of the head just read. */
  setTime(t: bigint): void;
  /** Whether an event naming the channel `id` (lower case) must refresh it. */
  watches(id: string): boolean;
  /** Re-reads the channel `id` with a read that begins after this call. */
  refresh(id: string): Promise<unknown>;
}

/**
 * The mirror's read of escrow events: a cursor over blocks, moved page by page up to the head every `pollMs`, and
 * how far behind the head it is.
 */
export class MirrorPoll {
  private nextBlock = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private polling: Promise<void> | undefined;
  private readonly pollRuns = new FreshRuns(() => this.tracked());
  private events: MirrorEvents[] = [];
  /** When the mirror last caught up with the head (epoch ms; 0: never), and that head's block. */
  private caughtUpAt = 0;
  private headBlock = 0;

  constructor(
    private readonly chain: EscrowChain,
    private readonly pollMs: number,
    private readonly target: PollTarget,
  ) {}

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
    this.target.setTime(head.timestamp);
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
   * poll that starts after it.
   */
  pollOnce(): Promise<void> {
    return this.pollRuns.fresh();
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      const from = this.nextBlock;
      const page = await this.chain.poll(from);
      this.target.setTime(page.timestamp);
      this.headBlock = page.head ?? page.toBlock;
      const touched = page.channelIds.map((id) => id.toLowerCase()).filter((id) => this.target.watches(id));
      for (let i = 0; i < touched.length; i += READS_AT_ONCE) {
        await Promise.all(touched.slice(i, i + READS_AT_ONCE).map((id) => this.target.refresh(id)));
      }
      if (page.toBlock < from) return; // nothing new
      this.nextBlock = page.toBlock + 1;
      if (page.head === undefined || page.toBlock >= page.head) return;
    }
  }
}
