/** Runs the demo's steps in order, reporting each one, and names the step that failed. */

export class DemoStepError extends Error {
  override readonly name = "DemoStepError";
  constructor(
    readonly step: string,
    cause: unknown,
  ) {
    super(`${step} failed: ${cause instanceof Error ? cause.message.split("\n")[0] : String(cause)}`, {
      cause,
    });
  }
}

export interface StepRecord {
  name: string;
  status: "ok" | "unavailable";
  ms: number;
  detail?: string;
}

export class Steps {
  readonly records: StepRecord[] = [];
  constructor(private readonly log: (line: string) => void) {}

  /** Runs one step; its result is returned, a failure becomes a DemoStepError naming the step. */
  async run<T>(name: string, fn: () => Promise<T>, describe?: (value: T) => string): Promise<T> {
    const start = performance.now();
    let value: T;
    try {
      value = await fn();
    } catch (err) {
      this.log(`  ✗ ${name}`);
      throw new DemoStepError(name, err);
    }
    const ms = performance.now() - start;
    const detail = describe?.(value);
    this.records.push({ name, status: "ok", ms, detail });
    this.log(
      `  ✓ ${name}${detail ? `: ${detail}` : ""} (${ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`})`,
    );
    return value;
  }

  /** Records a step that this build cannot run, and why. */
  unavailable(name: string, why: string): void {
    this.records.push({ name, status: "unavailable", ms: 0, detail: why });
    this.log(`  – ${name}: unavailable (${why})`);
  }
}
