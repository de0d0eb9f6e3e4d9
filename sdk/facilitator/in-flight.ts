/**
 * Joins concurrent calls for the same key: the second settle of one payment waits for the first and gets its answer
 * (same transaction), instead of racing it to the chain and reporting a failure for a payment that went through.
 */
export class InFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  run(key: string | undefined, work: () => Promise<T>): Promise<T> {
    if (key === undefined) return work();
    const existing = this.running.get(key);
    if (existing) return existing;
    const started = work().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }
}
