import { AgentError } from "./errors";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
const JSON_DATA_PREFIX = "data:application/json;base64,";

/** Standard base64 (with padding) of UTF-8 text; browser-safe (no Buffer). */
export function utf8ToBase64(text: string): string {
  const bytes = encoder.encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Inverse of {@link utf8ToBase64}; refuses invalid base64 or invalid UTF-8. */
export function base64ToUtf8(b64: string): string {
  let binary: string;
  try {
    binary = atob(b64);
  } catch (cause) {
    throw new AgentError("agent_uri_unsupported", "invalid base64 in data URI", { cause });
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new AgentError("agent_uri_unsupported", "data URI is not UTF-8", { cause });
  }
}

/** `data:application/json;base64,...` of the given JSON text. */
export function jsonDataUri(jsonText: string): `data:application/json;base64,${string}` {
  return `${JSON_DATA_PREFIX}${utf8ToBase64(jsonText)}`;
}

/**
 * Decodes a `data:` URI carrying JSON (`data:application/json;base64,` or the URL-encoded form), returning the
 * raw text. Other media types are refused.
 */
export function decodeJsonDataUri(uri: string): string {
  const m = /^data:([^,;]*)((?:;[^,;]*)*),(.*)$/s.exec(uri);
  if (!m) throw new AgentError("agent_uri_unsupported", "malformed data URI");
  const mediaType = (m[1] || "text/plain").toLowerCase();
  if (mediaType !== "application/json")
    throw new AgentError("agent_uri_unsupported", `data URI media type ${mediaType} is not application/json`);
  const params = m[2].toLowerCase().split(";");
  if (params.includes("base64")) return base64ToUtf8(m[3]);
  try {
    return decodeURIComponent(m[3]);
  } catch (cause) {
    throw new AgentError("agent_uri_unsupported", "malformed percent-encoding in data URI", { cause });
  }
}
