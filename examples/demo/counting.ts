/**
 * Counts the chain calls each participant makes, so the demo can show that a paid request needs none.
 * The wrapped object keeps its interface; calls to `background` methods (the mirror's scheduled event poll)
 * are counted apart from the others.
 */
export class CallCounter {
  calls = 0;
  background = 0;
  readonly byMethod = new Map<string, number>();

  record(method: string, background: boolean): void {
    if (background) this.background += 1;
    else this.calls += 1;
    this.byMethod.set(method, (this.byMethod.get(method) ?? 0) + 1);
  }

  /** Calls (not background) since `mark()`. */
  since(mark: number): number {
    return this.calls - mark;
  }
}

/** A proxy of `target` whose method calls are recorded in `counter`. */
export function counted<T extends object>(target: T, counter: CallCounter, background: string[] = []): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        counter.record(String(prop), background.includes(String(prop)));
        return (value as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  });
}
