import { canonicalHash, canonicalize } from "./canonical-json";
import { assertValidDescription } from "./card-validate";
import { AGENT_CARD_WELL_KNOWN, ERC8004_REG_TYPE } from "./constants";
import { jsonDataUri } from "./data-uri";
import type {
  A2AAgentCardV03,
  A2AAgentCardV1,
  AgentDescription,
  Erc8004RegistrationFile,
  Erc8004Service,
  Hex,
  SecuritySchemeDescription,
  X402ExtensionParams,
  X402Offer,
  X402PaymentRequirements,
} from "./types";

/** Default `maxTimeoutSeconds` of an offer (the x402 reference default). */
export const DEFAULT_MAX_TIMEOUT_SECONDS = 600;

/** An x402 v2 PaymentRequirements entry for an offer. */
export function offerToRequirements(o: X402Offer): X402PaymentRequirements {
  return {
    scheme: o.scheme,
    network: o.network,
    asset: o.asset,
    amount: o.amount,
    payTo: o.payTo,
    maxTimeoutSeconds: o.maxTimeoutSeconds ?? DEFAULT_MAX_TIMEOUT_SECONDS,
    extra: o.extra ?? {},
  };
}

const nonEmptyOr = <T>(a: T[] | undefined): T[] | undefined => (a && a.length > 0 ? a : undefined);

function extensions(d: AgentDescription) {
  const list = d.extensions.map((e) => ({
    uri: e.uri,
    description: e.description ?? "",
    required: e.required ?? false,
    ...(e.params ? { params: e.params } : {}),
  }));
  if (d.x402) {
    const params: X402ExtensionParams = { x402Version: 2, accepts: d.x402.offers.map(offerToRequirements) };
    list.push({
      uri: d.x402.uri,
      description: "Pay per request with x402 (exact or z402 escrow vouchers)",
      required: d.x402.required,
      params: params as unknown as Record<string, unknown>,
    });
  }
  return list;
}

function skills(d: AgentDescription) {
  return d.skills.map((s) => ({
    id: s.id,
    name: s.name,
    description: s.description,
    tags: [...s.tags],
    ...(nonEmptyOr(s.examples) ? { examples: [...s.examples!] } : {}),
    ...(nonEmptyOr(s.inputModes) ? { inputModes: [...s.inputModes!] } : {}),
    ...(nonEmptyOr(s.outputModes) ? { outputModes: [...s.outputModes!] } : {}),
  }));
}

function schemeV1(s: SecuritySchemeDescription): Record<string, unknown> {
  const description = s.description ? { description: s.description } : {};
  switch (s.type) {
    case "apiKey":
      return { apiKeySecurityScheme: { ...description, location: s.in, name: s.name } };
    case "http":
      return {
        httpAuthSecurityScheme: {
          ...description,
          scheme: s.scheme,
          ...(s.bearerFormat ? { bearerFormat: s.bearerFormat } : {}),
        },
      };
    case "openIdConnect":
      return { openIdConnectSecurityScheme: { ...description, openIdConnectUrl: s.openIdConnectUrl } };
    case "mutualTLS":
      return { mtlsSecurityScheme: { ...description } };
  }
}

function optional(d: AgentDescription) {
  return {
    ...(d.provider ? { provider: { organization: d.provider.organization, url: d.provider.url } } : {}),
    ...(d.iconUrl ? { iconUrl: d.iconUrl } : {}),
    ...(d.documentationUrl ? { documentationUrl: d.documentationUrl } : {}),
  };
}

/** The A2A v1.0 AgentCard (JSON wire form). Throws InvalidAgentCardError on a missing required field. */
export function buildA2ACard(d: AgentDescription): A2AAgentCardV1 {
  assertValidDescription(d);
  const schemes = Object.entries(d.securitySchemes);
  const ext = extensions(d);
  return {
    name: d.name,
    description: d.description,
    supportedInterfaces: d.interfaces.map((i) => ({
      url: i.url,
      protocolBinding: i.binding,
      protocolVersion: i.protocolVersion,
    })),
    ...(d.provider ? { provider: { url: d.provider.url, organization: d.provider.organization } } : {}),
    version: d.version,
    ...(d.documentationUrl ? { documentationUrl: d.documentationUrl } : {}),
    capabilities: {
      ...(d.capabilities.streaming !== undefined ? { streaming: d.capabilities.streaming } : {}),
      ...(d.capabilities.pushNotifications !== undefined
        ? { pushNotifications: d.capabilities.pushNotifications }
        : {}),
      ...(ext.length > 0 ? { extensions: ext } : {}),
      ...(d.capabilities.extendedAgentCard !== undefined
        ? { extendedAgentCard: d.capabilities.extendedAgentCard }
        : {}),
    },
    ...(schemes.length > 0
      ? { securitySchemes: Object.fromEntries(schemes.map(([k, s]) => [k, schemeV1(s)])) }
      : {}),
    ...(d.securityRequirements.length > 0
      ? {
          securityRequirements: d.securityRequirements.map((r) => ({
            schemes: Object.fromEntries(
              Object.entries(r).map(([k, scopes]) => [k, scopes.length ? { list: scopes } : {}]),
            ),
          })),
        }
      : {}),
    defaultInputModes: [...d.defaultInputModes],
    defaultOutputModes: [...d.defaultOutputModes],
    skills: skills(d),
    ...(d.iconUrl ? { iconUrl: d.iconUrl } : {}),
  };
}

/** The A2A v0.3 AgentCard for older peers: `url` is the preferred interface, the rest are additional. */
export function buildA2ACardV03(d: AgentDescription): A2AAgentCardV03 {
  assertValidDescription(d);
  const [first, ...rest] = d.interfaces;
  const ext = extensions(d);
  const schemes = Object.entries(d.securitySchemes);
  return {
    protocolVersion: "0.3.0",
    name: d.name,
    description: d.description,
    version: d.version,
    url: first.url,
    preferredTransport: first.binding,
    ...(rest.length > 0
      ? { additionalInterfaces: rest.map((i) => ({ url: i.url, transport: i.binding })) }
      : {}),
    ...optional(d),
    capabilities: {
      streaming: d.capabilities.streaming ?? false,
      pushNotifications: d.capabilities.pushNotifications ?? false,
      stateTransitionHistory: false,
      ...(ext.length > 0 ? { extensions: ext } : {}),
    },
    ...(schemes.length > 0
      ? {
          securitySchemes: Object.fromEntries(
            schemes.map(([k, { ...s }]) => [k, s as Record<string, unknown>]),
          ),
        }
      : {}),
    ...(d.securityRequirements.length > 0 ? { security: d.securityRequirements.map((r) => ({ ...r })) } : {}),
    defaultInputModes: [...d.defaultInputModes],
    defaultOutputModes: [...d.defaultOutputModes],
    skills: skills(d),
    ...(d.capabilities.extendedAgentCard ? { supportsAuthenticatedExtendedCard: true } : {}),
  };
}

/** Where the A2A card of `d` is served: `<origin of the preferred interface>/.well-known/agent-card.json`. */
export function agentCardUrl(d: AgentDescription): string {
  return new URL(AGENT_CARD_WELL_KNOWN, d.interfaces[0].url).toString();
}

/**
 * The ERC-8004 registration-v1 file. Services: the explicit ones, plus an `A2A` entry pointing at the card
 * (with skill ids, names and tags for discovery) unless one was given.
 */
export function buildRegistrationFile(d: AgentDescription): Erc8004RegistrationFile {
  assertValidDescription(d);
  const services: Erc8004Service[] = d.services.map((s) => ({ ...s }));
  if (!services.some((s) => s.name === "A2A")) {
    services.unshift({
      name: "A2A",
      endpoint: agentCardUrl(d),
      version: d.interfaces[0].protocolVersion,
      skills: d.skills.map((s) => ({ id: s.id, name: s.name, tags: [...s.tags] })),
    });
  }
  return {
    type: ERC8004_REG_TYPE,
    name: d.name,
    description: d.description,
    ...(d.image ? { image: d.image } : {}),
    services,
    x402Support: d.x402 !== undefined,
    active: d.active,
    registrations: d.registrations.map((r) => ({ ...r })),
    ...(d.supportedTrust ? { supportedTrust: [...d.supportedTrust] } : {}),
    ...(d.x402 ? { x402: { x402Version: 2 as const, accepts: d.x402.offers.map(offerToRequirements) } } : {}),
  };
}

/** RFC 8785 canonical text of a registration file (the exact bytes we publish and hash). */
export function canonicalRegistration(file: Erc8004RegistrationFile): string {
  return canonicalize(file);
}

/** `cardHash`: keccak256 of the canonical registration file, as stored by AgentAccount. */
export function registrationHash(file: Erc8004RegistrationFile): Hex {
  return canonicalHash(file);
}

/** A fully on-chain agent URI: `data:application/json;base64,` of the canonical registration file. */
export function registrationDataUri(file: Erc8004RegistrationFile): `data:application/json;base64,${string}` {
  return jsonDataUri(canonicalize(file));
}
