/** Options every SDK error takes. */
export interface BaseErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
  /** Extra machine-readable facts (the values that failed). */
  details?: Record<string, unknown>;
}

/**
 * Root of every error the SDK throws. `code` is a stable machine-readable string: an x402 reason code (see
 * `reasons.ts`) or an SDK code; `shortMessage` is the human sentence without details.
 */
export class BaseError<C extends string = string> extends Error {
  override name = "Z402Error";
  readonly code: C;
  readonly shortMessage: string;
  readonly details: Record<string, unknown>;
  override readonly cause: unknown;

  constructor(code: C, shortMessage: string, options: BaseErrorOptions = {}) {
    super(
      options.details
        ? `${shortMessage} (${code}) ${safeJson(options.details)}`
        : `${shortMessage} (${code})`,
    );
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = options.details ?? {};
    this.cause = options.cause;
  }

  /** Follows the `cause` chain; returns the first error `fn` accepts, or the deepest one when `fn` is omitted. */
  walk(fn?: (err: unknown) => boolean): unknown {
    return walkCauses(this, fn);
  }
}

function walkCauses(start: unknown, fn?: (err: unknown) => boolean): unknown {
  let current: unknown = start;
  for (let depth = 0; depth < 32; depth++) {
    if (fn?.(current)) return current;
    const next = (current as { cause?: unknown } | null)?.cause;
    if (next === undefined || next === null) return fn ? undefined : current;
    current = next;
  }
  return fn ? undefined : current;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  } catch {
    return "";
  }
}

/** True for any SDK error (across bundle copies too, by duck typing on `code` and `shortMessage`). */
export function isZ402Error(err: unknown): err is BaseError {
  return (
    err instanceof BaseError ||
    (err instanceof Error && typeof (err as BaseError).code === "string" && "shortMessage" in err)
  );
}
