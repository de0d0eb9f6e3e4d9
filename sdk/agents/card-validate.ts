import { InvalidAgentCardError } from "./errors";
import type { AgentDescription, X402Offer } from "./types";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const DECIMAL = /^(0|[1-9][0-9]*)$/;
const CAIP2_EVM = /^eip155:[1-9][0-9]*$/;

const nonEmpty = (v: unknown): v is string => typeof v === "string" && v.trim().length > 0;

function isUrl(v: unknown, schemes = ["http:", "https:"]): boolean {
  if (typeof v !== "string") return false;
  try {
    return schemes.includes(new URL(v).protocol);
  } catch {
    return false;
  }
}

/** Problems with one x402 offer (empty when it is valid). */
export function offerProblems(o: X402Offer, at: string): string[] {
  const p: string[] = [];
  if (o.scheme !== "exact" && o.scheme !== "batch-settlement")
    p.push(`${at}.scheme must be exact or batch-settlement`);
  if (!CAIP2_EVM.test(o.network)) p.push(`${at}.network must be a CAIP-2 eip155 id`);
  if (!ADDRESS.test(o.asset)) p.push(`${at}.asset must be an address`);
  if (!ADDRESS.test(o.payTo)) p.push(`${at}.payTo must be an address`);
  if (typeof o.amount !== "string" || !DECIMAL.test(o.amount))
    p.push(`${at}.amount must be a decimal string`);
  if (
    o.maxTimeoutSeconds !== undefined &&
    !(Number.isInteger(o.maxTimeoutSeconds) && o.maxTimeoutSeconds > 0)
  )
    p.push(`${at}.maxTimeoutSeconds must be a positive integer`);
  return p;
}

/**
 * Every problem that keeps `d` from producing a valid A2A card and registration file. The A2A card needs a
 * name, description, version, at least one interface, default modes and at least one skill with id, name,
 * description and tags.
 */
export function descriptionProblems(d: AgentDescription): string[] {
  const p: string[] = [];
  if (!nonEmpty(d.name)) p.push("name is required");
  if (!nonEmpty(d.description)) p.push("description is required");
  if (!nonEmpty(d.version)) p.push("version is required");
  if (d.interfaces.length === 0) p.push("at least one interface is required");
  d.interfaces.forEach((i, n) => {
    if (!isUrl(i.url)) p.push(`interfaces[${n}].url must be an http(s) URL`);
  });
  if (d.defaultInputModes.length === 0) p.push("defaultInputModes must not be empty");
  if (d.defaultOutputModes.length === 0) p.push("defaultOutputModes must not be empty");
  if (d.skills.length === 0) p.push("at least one skill is required");
  const ids = new Set<string>();
  d.skills.forEach((s, n) => {
    if (!nonEmpty(s.id)) p.push(`skills[${n}].id is required`);
    else if (ids.has(s.id)) p.push(`skills[${n}].id ${s.id} is duplicated`);
    ids.add(s.id);
    if (!nonEmpty(s.name)) p.push(`skills[${n}].name is required`);
    if (!nonEmpty(s.description)) p.push(`skills[${n}].description is required`);
    if (!Array.isArray(s.tags) || s.tags.some((t) => !nonEmpty(t)))
      p.push(`skills[${n}].tags must be strings`);
  });
  if (d.provider && (!nonEmpty(d.provider.organization) || !isUrl(d.provider.url)))
    p.push("provider needs an organization and an http(s) url");
  if (d.iconUrl !== undefined && !isUrl(d.iconUrl)) p.push("iconUrl must be an http(s) URL");
  if (d.documentationUrl !== undefined && !isUrl(d.documentationUrl))
    p.push("documentationUrl must be an http(s) URL");
  for (const req of d.securityRequirements)
    for (const name of Object.keys(req))
      if (!(name in d.securitySchemes)) p.push(`security requirement names unknown scheme ${name}`);
  d.extensions.forEach((e, n) => {
    if (!nonEmpty(e.uri)) p.push(`extensions[${n}].uri is required`);
  });
  if (d.x402) {
    if (d.x402.offers.length === 0) p.push("x402 needs at least one offer");
    d.x402.offers.forEach((o, n) => p.push(...offerProblems(o, `x402.offers[${n}]`)));
  }
  d.services.forEach((s, n) => {
    if (!nonEmpty(s.name) || !nonEmpty(s.endpoint)) p.push(`services[${n}] needs a name and an endpoint`);
  });
  d.registrations.forEach((r, n) => {
    if (!nonEmpty(r.agentRegistry)) p.push(`registrations[${n}].agentRegistry is required`);
  });
  return p;
}

/** Throws {@link InvalidAgentCardError} listing every problem of `d`. */
export function assertValidDescription(d: AgentDescription): void {
  const problems = descriptionProblems(d);
  if (problems.length > 0) throw new InvalidAgentCardError(problems);
}
