/** JSON parsing for wire objects: rejects prototype-polluting keys, non-objects and excessive nesting. */
import { DecodeError } from "../errors/classes";
import { X402_REASONS } from "../errors/reasons";

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const SUSPECT_RE = /__proto__|constructor|prototype|\\u/;
/** Deepest nesting a wire object may have. */
export const MAX_JSON_DEPTH = 16;

function depthOf(value: unknown, depth: number): number {
  if (depth > MAX_JSON_DEPTH || value === null || typeof value !== "object") return depth;
  let max = depth;
  // for-in over JSON.parse output (own keys only, arrays included) allocates nothing, unlike Object.values.
  const obj = value as Record<string, unknown>;
  for (const key in obj) {
    const d = depthOf(obj[key], depth + 1);
    if (d > max) max = d;
    if (max > MAX_JSON_DEPTH) return max;
  }
  return max;
}

/** Parses JSON text into a plain object; throws `DecodeError(invalid_payload)` on anything else. */
export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    // The reviver is slow: only texts that could spell a forbidden key (directly or through \u escapes) take it.
    value = SUSPECT_RE.test(text)
      ? JSON.parse(text, function (key, v) {
          if (FORBIDDEN_KEYS.has(key)) throw new SyntaxError(`forbidden key ${key}`);
          return v;
        })
      : JSON.parse(text);
  } catch (cause) {
    throw new DecodeError(X402_REASONS.invalidPayload, `${what} is not valid JSON`, { cause });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new DecodeError(X402_REASONS.invalidPayload, `${what} is not a JSON object`);
  }
  if (depthOf(value, 0) > MAX_JSON_DEPTH) {
    throw new DecodeError(X402_REASONS.invalidPayload, `${what} is nested too deeply`);
  }
  return value as Record<string, unknown>;
}

const bigintsAsStrings = (_key: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);

/** JSON text of a wire object (bigints become decimal strings). */
export function stringifyWire(value: unknown): string {
  try {
    // A replacer makes JSON.stringify several times slower: only values that hold a bigint take it.
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return JSON.stringify(value, bigintsAsStrings);
  }
}
