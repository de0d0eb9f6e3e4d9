import { keccak_256 } from "@noble/hashes/sha3.js";
import { AgentError } from "./errors";
import type { Hex } from "./types";

/**
 * RFC 8785 (JCS) canonical JSON: object members sorted by UTF-16 code units, no whitespace, numbers in their
 * ECMAScript shortest form, strings escaped as ECMAScript's JSON.stringify does. Values JSON cannot represent
 * (non-finite numbers, bigint, functions, lone surrogates) are refused rather than silently changed.
 */
export function canonicalize(value: unknown): string {
  return serialize(value, "$");
}

function serialize(value: unknown, path: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw invalid(path, "non-finite number");
      return Object.is(value, -0) ? "0" : JSON.stringify(value);
    case "string":
      if (/\p{Surrogate}/u.test(value) && !isWellFormed(value)) throw invalid(path, "lone surrogate");
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value))
        return `[${value.map((v, i) => serialize(v ?? null, `${path}[${i}]`)).join(",")}]`;
      const obj = value as Record<string, unknown>;
      if (typeof (obj as { toJSON?: unknown }).toJSON === "function")
        throw invalid(path, "object with toJSON");
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${serialize(k, path)}:${serialize(obj[k], `${path}.${k}`)}`).join(",")}}`;
    }
    default:
      throw invalid(path, `unsupported ${typeof value}`);
  }
}

function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = s.charCodeAt(i + 1);
      if (!(n >= 0xdc00 && n <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

function invalid(path: string, what: string): AgentError {
  return new AgentError("invalid_canonical_json", `cannot canonicalize ${what} at ${path}`, {
    details: { path },
  });
}

const encoder = new TextEncoder();

/** keccak256 of UTF-8 bytes, as 0x-prefixed lowercase hex. */
export function keccakUtf8(text: string): Hex {
  const digest = keccak_256(encoder.encode(text));
  let hex = "0x";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return hex as Hex;
}

/** keccak256 of the JCS form of `value`: the `cardHash` of a registration file. */
export function canonicalHash(value: unknown): Hex {
  return keccakUtf8(canonicalize(value));
}
