/**
 * x402 v2 asks a payment payload to echo the extensions the server declared in its 402 (`extensions.bazaar` and
 * the others): the client's own entries (`payment-identifier`) are merged into them, the server's fields kept.
 */

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The declared extensions with `own` merged in (per key, and per key inside `info`); undefined when both are. */
export function echoExtensions(
  declared: Record<string, unknown> | undefined,
  own?: Record<string, unknown>,
): Record<string, unknown> | undefined {
  if (!declared) return own;
  const out: Record<string, unknown> = { ...declared };
  for (const [key, mine] of Object.entries(own ?? {})) {
    const theirs = out[key];
    if (!isRecord(theirs) || !isRecord(mine)) {
      out[key] = mine;
      continue;
    }
    const info =
      isRecord(theirs.info) && isRecord(mine.info) ? { info: { ...theirs.info, ...mine.info } } : {};
    out[key] = { ...theirs, ...mine, ...info };
  }
  return out;
}

/** A 402's `extensions`, when it is an object. */
export const extensionsOf = (value: unknown) => (isRecord(value) ? value : undefined);
