import { z } from "zod";

/** How many distinct passing values a memoized schema remembers before it starts over. */
const MEMO_SIZE = 10_000;

/**
 * `schema`, remembering the JSON text of the values that passed it. Every request on a channel carries the same
 * offer and channel config, so the hot path checks them with one `JSON.stringify` and a set lookup instead of
 * a full parse. Only for wire values (from `JSON.parse`): their JSON text is exactly what the schema saw. The
 * value itself is returned, so the schema must not transform it (a plain `z.object` no longer strips unknown keys;
 * callers read the fields they know).
 */
export function memoizedSchema<T>(schema: z.ZodType<T>): z.ZodType<T> {
  const passed = new Set<string>();
  return z.custom<T>((value) => {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch {
      text = undefined;
    }
    if (text !== undefined && passed.has(text)) return true;
    const ok = schema.safeParse(value).success;
    if (ok && text !== undefined) {
      if (passed.size >= MEMO_SIZE) passed.clear();
      passed.add(text);
    }
    return ok;
  });
}
