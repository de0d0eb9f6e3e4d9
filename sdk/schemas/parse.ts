import type { z } from "zod";
import { DecodeError } from "../errors/classes";
import { X402_REASONS, type ReasonCode } from "../errors/reasons";

/** The first few schema issues, as `path: message` strings (for error details). */
export function summarizeIssues(error: z.ZodError, limit = 5): string[] {
  return error.issues.slice(0, limit).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
}

/**
 * Parses `value` with `schema`; on failure throws a `DecodeError` with `code` (default `invalid_payload`) and the
 * failing paths in `details.issues`.
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  code: ReasonCode = X402_REASONS.invalidPayload,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new DecodeError(code, `${what} does not match its schema`, {
      details: { issues: summarizeIssues(result.error) },
    });
  }
  return result.data;
}
