/** A one-line progress bar with live requests/s and latency, redrawn at most every 100 ms on a TTY. */
import { percentile } from "./stats";

export class ProgressBar {
  private done = 0;
  private readonly latencies: number[] = [];
  private readonly started = performance.now();
  private lastDraw = 0;

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled = Boolean(stream.isTTY),
  ) {}

  /** Records one finished request and its latency in milliseconds. */
  tick(latencyMs: number): void {
    this.done += 1;
    this.latencies.push(latencyMs);
    const now = performance.now();
    if (this.enabled && (now - this.lastDraw > 100 || this.done === this.total)) {
      this.lastDraw = now;
      this.stream.write(`\r${this.line(now)}`);
    }
  }

  /** Ends the bar (newline on a TTY). */
  finish(): void {
    if (this.enabled) this.stream.write("\n");
  }

  private line(now: number): string {
    const width = 30;
    const filled = Math.round((this.done / this.total) * width);
    const elapsed = (now - this.started) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const recent = this.latencies.slice(-200).sort((a, b) => a - b);
    return (
      `  [${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(this.done).padStart(String(this.total).length)}/${this.total}` +
      `  ${rate.toFixed(0).padStart(5)} req/s  latency p50 ${percentile(recent, 50).toFixed(2)} ms`
    );
  }
}
