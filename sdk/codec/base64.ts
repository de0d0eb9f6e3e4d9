/**
 * Standard base64 (RFC 4648 §4, `+/` alphabet, `=` padding) of UTF-8 JSON, strict in both directions.
 * Browser safe: uses `Buffer` when the runtime has it (faster), `btoa`/`atob` otherwise.
 */
import { DecodeError } from "../errors/classes";
import { Z402_REASONS } from "../errors/reasons";

/** Headers longer than this are refused before any decoding (8 KiB). */
export const MAX_HEADER_BYTES = 8192;

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

type BufferLike = {
  from(data: Uint8Array | string, enc?: string): { toString(enc: string): string } & Uint8Array;
};
const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;

function bytesToBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes).toString("base64");
  let bin = "";
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
  return btoa(bin);
}

/** Browser decoding (Node decodes in `canonicalBytesNode`). */
function base64ToBytes(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** With `==` the last data character carries 4 unused bits, with `=` 2: they must be zero. */
function canonicalTail(value: string): boolean {
  if (!value.endsWith("=")) return true;
  const double = value.endsWith("==");
  const last = ALPHABET.indexOf(value[value.length - (double ? 3 : 2)]);
  return (last & (double ? 0x0f : 0x03)) === 0;
}

/**
 * Node: decode, then encode again; only canonical padded standard base64 comes back identical (the decoder skips
 * what it does not understand, so every deviation shows). Much faster than the regex on kilobyte headers.
 */
function canonicalBytesNode(value: string): Uint8Array {
  const bytes = NodeBuffer!.from(value, "base64");
  if (bytes.toString("base64") !== value) {
    throw new DecodeError(Z402_REASONS.headerEncoding, "header is not canonical padded base64");
  }
  return bytes;
}

function canonicalBytesPortable(value: string): Uint8Array {
  if (!BASE64_RE.test(value)) {
    throw new DecodeError(Z402_REASONS.headerEncoding, "header is not standard padded base64");
  }
  // Canonical form only: the bits the padding drops must be zero (so one payload has exactly one encoding).
  if (!canonicalTail(value)) {
    throw new DecodeError(Z402_REASONS.headerEncoding, "header is not canonical base64");
  }
  return base64ToBytes(value);
}

/** base64 of the UTF-8 bytes of `text`. */
export function encodeBase64Utf8(text: string): string {
  return bytesToBase64(encoder.encode(text));
}

/**
 * Decodes strict padded base64 into UTF-8 text. Throws `DecodeError`: `z402_header_too_large` when the input is longer
 * than `maxLength` (checked first), `z402_header_encoding` for anything but canonical padded base64 of valid UTF-8.
 */
export function decodeBase64Utf8(value: string, maxLength = MAX_HEADER_BYTES): string {
  if (typeof value !== "string") {
    throw new DecodeError(Z402_REASONS.headerEncoding, "header value is not a string");
  }
  if (value.length > maxLength) {
    throw new DecodeError(Z402_REASONS.headerTooLarge, "header exceeds the size limit", {
      details: { length: value.length, limit: maxLength },
    });
  }
  if (value.length === 0) {
    throw new DecodeError(Z402_REASONS.headerEncoding, "header is not standard padded base64");
  }
  const bytes = NodeBuffer ? canonicalBytesNode(value) : canonicalBytesPortable(value);
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new DecodeError(Z402_REASONS.headerEncoding, "header is not valid UTF-8", { cause });
  }
}
