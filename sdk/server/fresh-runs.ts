/**
 * Runs `task` at most once at a time, and never hands a caller a run that started before its call: a call during a
 * run waits for one follow-up run (shared by every call made during that run). An event seen after a read began is
 * therefore never answered with that read.
 */
export class FreshRuns<T> {
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
