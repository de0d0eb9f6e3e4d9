import { AgentError } from "../agents/errors";
import { decodeJsonDataUri } from "../agents/data-uri";

export interface FetchFileOptions {
  fetch?: typeof fetch;
  /** Gateway for `ipfs://` URIs, e.g. `https://ipfs.io/ipfs/`; without one, IPFS URIs are refused. */
  ipfsGateway?: string;
  /** Allow plain `http:` (loopback tests); off by default. */
  allowHttp?: boolean;
  /** Largest file accepted, in bytes (default 256 KiB). */
  maxBytes?: number;
  timeoutMs?: number;
}

/** Fetches the text of an agent URI: `data:` (decoded locally), `https:`, or `ipfs://` through a gateway. */
export async function fetchAgentUri(uri: string, o: FetchFileOptions = {}): Promise<string> {
  const maxBytes = o.maxBytes ?? 256 * 1024;
  if (uri.startsWith("data:")) {
    const text = decodeJsonDataUri(uri);
    if (text.length > maxBytes) throw new AgentError("agent_fetch_failed", "data URI too large");
    return text;
  }
  let url = uri;
  if (uri.startsWith("ipfs://")) {
    if (!o.ipfsGateway)
      throw new AgentError("agent_uri_unsupported", "ipfs URI without a configured gateway");
    url = o.ipfsGateway.replace(/\/?$/, "/") + uri.slice("ipfs://".length).replace(/^ipfs\//, "");
  }
  const scheme = url.slice(0, url.indexOf(":") + 1);
  if (!(scheme === "https:" || (scheme === "http:" && o.allowHttp)))
    throw new AgentError("agent_uri_unsupported", `unsupported agent URI scheme ${scheme || "(none)"}`);
  const res = await (o.fetch ?? fetch)(url, {
    signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
    headers: { accept: "application/json" },
  }).catch((cause: unknown) => {
    throw new AgentError("agent_fetch_failed", `fetching ${url} failed`, { cause });
  });
  if (!res.ok) throw new AgentError("agent_fetch_failed", `fetching ${url} answered ${res.status}`);
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > maxBytes)
    throw new AgentError("agent_fetch_failed", `${url} is larger than ${maxBytes} bytes`);
  const text = await res.text();
  if (new TextEncoder().encode(text).length > maxBytes)
    throw new AgentError("agent_fetch_failed", `${url} is larger than ${maxBytes} bytes`);
  return text;
}
