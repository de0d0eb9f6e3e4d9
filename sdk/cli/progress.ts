/**
 * Progress lines on stderr for commands that take a while (stdout stays the result, JSON included): one line per
 * step, and a reminder every `everyMs` while a step lasts.
 */
export interface Progress {
  step(line: string): void;
  done(): void;
}

export function progress(
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  everyMs = 10_000,
): Progress {
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  return {
    step(line) {
      stop();
      write(`z402: ${line}`);
      const started = Date.now();
      timer = setInterval(() => {
        write(`z402: … still working (${Math.round((Date.now() - started) / 1000)} s)`);
      }, everyMs);
      timer.unref?.();
    },
    done: stop,
  };
}
