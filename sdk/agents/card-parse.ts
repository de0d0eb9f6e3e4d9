import { canonicalHash } from "./canonical-json";
import { CardHashMismatchError, InvalidAgentCardError } from "./errors";
import { ERC8004_REG_TYPE, isX402ExtensionUri } from "./constants";
import type { A2AAgentCardV1, Binding, Erc8004RegistrationFile, Hex, X402PaymentRequirements } from "./types";

/** A card of either A2A version, normalized to the v1.0 shape. */
export interface ParsedAgentCard {
  /** The version the card was written in. */
  version: "1.0" | "0.3";
  card: A2AAgentCardV1;
  /** The a2a-x402 extension, when declared (either URI). */
  x402?: { uri: string; required: boolean; accepts: X402PaymentRequirements[] };
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const strArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

function commonProblems(c: Json): string[] {
  const p: string[] = [];
  for (const k of ["name", "description", "version"]) if (!str(c[k])) p.push(`${k} is required`);
  if (!isObj(c.capabilities)) p.push("capabilities is required");
  if (!strArray(c.defaultInputModes)) p.push("defaultInputModes is required");
  if (!strArray(c.defaultOutputModes)) p.push("defaultOutputModes is required");
  if (!Array.isArray(c.skills)) p.push("skills is required");
  else
    c.skills.forEach((s, i) => {
      if (!isObj(s)) return p.push(`skills[${i}] is not an object`);
      for (const k of ["id", "name", "description"]) if (!str(s[k])) p.push(`skills[${i}].${k} is required`);
      if (!strArray(s.tags)) p.push(`skills[${i}].tags is required`);
    });
  return p;
}

function x402Of(card: A2AAgentCardV1): ParsedAgentCard["x402"] {
  const ext = card.capabilities.extensions?.find((e) => isX402ExtensionUri(e.uri));
  if (!ext) return undefined;
  const accepts = Array.isArray(ext.params?.accepts)
    ? (ext.params!.accepts as X402PaymentRequirements[])
    : [];
  return { uri: ext.uri, required: ext.required ?? false, accepts };
}

function fromV03(c: Json): A2AAgentCardV1 {
  const extra = Array.isArray(c.additionalInterfaces) ? (c.additionalInterfaces as Json[]) : [];
  const preferred = { url: c.url as string, protocolBinding: (c.preferredTransport as Binding) ?? "JSONRPC" };
  const all = [
    preferred,
    ...extra.map((i) => ({ url: i.url as string, protocolBinding: i.transport as Binding })),
  ];
  const seen = new Set<string>();
  const caps = c.capabilities as Json;
  return {
    name: c.name as string,
    description: c.description as string,
    version: c.version as string,
    supportedInterfaces: all
      .filter((i) => !seen.has(`${i.url} ${i.protocolBinding}`) && seen.add(`${i.url} ${i.protocolBinding}`))
      .map((i) => ({ ...i, protocolVersion: "0.3" })),
    ...(isObj(c.provider) ? { provider: c.provider as { organization: string; url: string } } : {}),
    ...(str(c.iconUrl) ? { iconUrl: c.iconUrl } : {}),
    ...(str(c.documentationUrl) ? { documentationUrl: c.documentationUrl } : {}),
    capabilities: {
      streaming: caps.streaming as boolean | undefined,
      pushNotifications: caps.pushNotifications as boolean | undefined,
      extendedAgentCard: c.supportsAuthenticatedExtendedCard as boolean | undefined,
      extensions: (caps.extensions as A2AAgentCardV1["capabilities"]["extensions"]) ?? [],
    },
    defaultInputModes: c.defaultInputModes as string[],
    defaultOutputModes: c.defaultOutputModes as string[],
    skills: c.skills as A2AAgentCardV1["skills"],
  };
}

/**
 * Parses an AgentCard of A2A v1.0 (`supportedInterfaces`) or v0.3 (`url` + `protocolVersion`), normalized to
 * the v1.0 shape. Throws {@link InvalidAgentCardError} listing every missing required field.
 */
export function parseAgentCard(json: unknown): ParsedAgentCard {
  if (!isObj(json)) throw new InvalidAgentCardError(["card is not a JSON object"]);
  const problems = commonProblems(json);
  let version: "1.0" | "0.3";
  if (Array.isArray(json.supportedInterfaces)) {
    version = "1.0";
    if (json.supportedInterfaces.length === 0) problems.push("supportedInterfaces must not be empty");
    json.supportedInterfaces.forEach((i, n) => {
      if (!isObj(i) || !str(i.url) || !str(i.protocolBinding) || !str(i.protocolVersion))
        problems.push(`supportedInterfaces[${n}] needs url, protocolBinding and protocolVersion`);
    });
  } else if (str(json.url) || str(json.protocolVersion)) {
    version = "0.3";
    if (!str(json.url)) problems.push("url is required");
    if (!str(json.protocolVersion)) problems.push("protocolVersion is required");
  } else {
    problems.push("neither supportedInterfaces (A2A 1.0) nor url (A2A 0.3)");
    version = "1.0";
  }
  if (problems.length > 0) throw new InvalidAgentCardError(problems);
  const card = version === "1.0" ? (structuredClone(json) as unknown as A2AAgentCardV1) : fromV03(json);
  return { version, card, x402: x402Of(card) };
}

/** Validates the shape of an ERC-8004 registration-v1 file. */
export function parseRegistrationFile(json: unknown): Erc8004RegistrationFile {
  const p: string[] = [];
  if (!isObj(json))
    throw new InvalidAgentCardError(["registration file is not a JSON object"], "registration");
  if (json.type !== ERC8004_REG_TYPE) p.push(`type must be ${ERC8004_REG_TYPE}`);
  if (!str(json.name)) p.push("name is required");
  if (typeof json.description !== "string") p.push("description is required");
  if (
    !Array.isArray(json.services) ||
    json.services.some((s) => !isObj(s) || !str(s.name) || !str(s.endpoint))
  )
    p.push("services must be a list of {name, endpoint}");
  if (json.x402Support !== undefined && typeof json.x402Support !== "boolean")
    p.push("x402Support must be a boolean");
  if (json.active !== undefined && typeof json.active !== "boolean") p.push("active must be a boolean");
  if (json.registrations !== undefined && !Array.isArray(json.registrations))
    p.push("registrations must be a list");
  if (p.length > 0) throw new InvalidAgentCardError(p, "registration");
  return json as Erc8004RegistrationFile;
}

/**
 * Parses registration-file text and checks it against `expectedHash` (keccak256 of its RFC 8785 form, so
 * whitespace and member order do not matter). Throws {@link CardHashMismatchError} on a mismatch.
 */
export function verifyRegistrationText(
  text: string,
  expectedHash: Hex,
  agentId?: bigint,
): Erc8004RegistrationFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidAgentCardError(["registration file is not JSON"], "registration");
  }
  const actual = canonicalHash(json);
  if (actual.toLowerCase() !== expectedHash.toLowerCase())
    throw new CardHashMismatchError(expectedHash, actual, agentId);
  return parseRegistrationFile(json);
}
