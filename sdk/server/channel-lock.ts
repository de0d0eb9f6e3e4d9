import { PaymentRefusal, REASONS } from "./reasons";

/**
 * Per-channel mutual exclusion inside one process: requests on a channel run one at a time, in
 * arrival order; a request that waits longer than `waitMs` gives up with `channel_busy`.
 */
export class ChannelLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async acquire(channelId: string, waitMs: number): Promise<() => void> {
    const prev = this.tails.get(channelId);
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev ? prev.then(() => mine) : mine;
    this.tails.set(channelId, tail);
    void tail.then(() => {
      if (this.tails.get(channelId) === tail) this.tails.delete(channelId);
    });
    // A free channel is taken at once: no wait, so no timer.
    if (!prev) return release;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), waitMs)));
    const won = await Promise.race([prev.then(() => "ok" as const), timedOut]);
    clearTimeout(timer);
    if (won === "timeout") {
      // Keep the queue intact: pass our turn on as soon as it comes.
      void prev.then(release);
      throw new PaymentRefusal(REASONS.bsChannelBusy, 402);
    }
    return release;
  }
}
