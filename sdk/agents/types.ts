/** Pure types of the agents layer: one AgentDescription is the source of every card we publish. */
import type { OfferedRequirements } from "../types/offer";

export type Hex = `0x${string}`;
export type Address = `0x${string}`;
/** A2A transport bindings (A2A v1.0 `protocolBinding`, v0.3 `transport`). */
export type Binding = "JSONRPC" | "HTTP+JSON" | "GRPC";
/** A2A protocol versions we publish. */
export type A2AProtocolVersion = "1.0" | "0.3";
/** ERC-8004 trust models. */
export type TrustModel = "reputation" | "crypto-economic" | "tee-attestation";

/** One way to pay the agent: an x402 v2 `PaymentRequirements` entry. */
export interface X402Offer {
  scheme: "exact" | "batch-settlement";
  network: `eip155:${number}`;
  asset: Address;
  payTo: Address;
  /** Price per request in the asset's smallest unit (decimal string). */
  amount: string;
  maxTimeoutSeconds?: number;
  extra?: Record<string, unknown>;
}

/** Parameters of the a2a-x402 extension entry in `capabilities.extensions` (z402 payment terms). */
export interface X402ExtensionParams {
  x402Version: 2;
  accepts: X402PaymentRequirements[];
}

/** x402 v2 PaymentRequirements as carried in cards (amounts are decimal strings): an offered `accepts[]` entry. */
export type X402PaymentRequirements = OfferedRequirements;

export interface AgentSkillDescription {
  id: string;
  name: string;
  description: string;
  tags: string[];
  examples?: string[];
  inputModes?: string[];
  outputModes?: string[];
}

export interface AgentInterfaceDescription {
  url: string;
  binding: Binding;
  protocolVersion: A2AProtocolVersion;
}

export interface AgentExtensionDescription {
  uri: string;
  description?: string;
  required?: boolean;
  params?: Record<string, unknown>;
}

/** OpenAPI-style security scheme (the v0.3 shape); mapped to the v1.0 oneof on output. */
export type SecuritySchemeDescription =
  | { type: "apiKey"; in: "header" | "query" | "cookie"; name: string; description?: string }
  | { type: "http"; scheme: string; bearerFormat?: string; description?: string }
  | { type: "openIdConnect"; openIdConnectUrl: string; description?: string }
  | { type: "mutualTLS"; description?: string };

export interface Erc8004Service {
  name: string;
  endpoint: string;
  version?: string;
  [extra: string]: unknown;
}

export interface Erc8004Registration {
  /** A JSON number when it fits in 2^53, else a decimal string. */
  agentId: number | string;
  agentRegistry: string;
}

/** The single source of truth from which the A2A cards and the ERC-8004 registration file are built. */
export interface AgentDescription {
  name: string;
  description: string;
  version: string;
  image?: string;
  iconUrl?: string;
  documentationUrl?: string;
  provider?: { organization: string; url: string };
  interfaces: AgentInterfaceDescription[];
  capabilities: { streaming?: boolean; pushNotifications?: boolean; extendedAgentCard?: boolean };
  defaultInputModes: string[];
  defaultOutputModes: string[];
  skills: AgentSkillDescription[];
  securitySchemes: Record<string, SecuritySchemeDescription>;
  /** Each entry: scheme name → scopes. */
  securityRequirements: Record<string, string[]>[];
  extensions: AgentExtensionDescription[];
  x402?: { offers: X402Offer[]; required: boolean; uri: string };
  services: Erc8004Service[];
  registrations: Erc8004Registration[];
  supportedTrust?: TrustModel[];
  active: boolean;
}

/** The ERC-8004 registration-v1 file (the agent URI's content). */
export interface Erc8004RegistrationFile {
  type: string;
  name: string;
  description: string;
  image?: string;
  services: Erc8004Service[];
  x402Support: boolean;
  active: boolean;
  registrations: Erc8004Registration[];
  supportedTrust?: string[];
  /** z402 addition: the payment terms, so discovery can filter by price without fetching the A2A card. */
  x402?: { x402Version: 2; accepts: X402PaymentRequirements[] };
  [extra: string]: unknown;
}

/** A2A v0.3 AgentCard (JSON). */
export interface A2AAgentCardV03 {
  protocolVersion: string;
  name: string;
  description: string;
  version: string;
  url: string;
  preferredTransport: Binding;
  additionalInterfaces?: { url: string; transport: Binding }[];
  provider?: { organization: string; url: string };
  iconUrl?: string;
  documentationUrl?: string;
  capabilities: {
    streaming?: boolean;
    pushNotifications?: boolean;
    stateTransitionHistory?: boolean;
    extensions?: AgentExtensionDescription[];
  };
  securitySchemes?: Record<string, Record<string, unknown>>;
  security?: Record<string, string[]>[];
  defaultInputModes: string[];
  defaultOutputModes: string[];
  skills: AgentSkillDescription[];
  supportsAuthenticatedExtendedCard?: boolean;
}

/** A2A v1.0 AgentCard in its JSON wire form (what `/.well-known/agent-card.json` serves). */
export interface A2AAgentCardV1 {
  name: string;
  description: string;
  version: string;
  supportedInterfaces: {
    url: string;
    protocolBinding: Binding | string;
    protocolVersion: string;
    tenant?: string;
  }[];
  provider?: { organization: string; url: string };
  iconUrl?: string;
  documentationUrl?: string;
  capabilities: {
    streaming?: boolean;
    pushNotifications?: boolean;
    extendedAgentCard?: boolean;
    extensions?: AgentExtensionDescription[];
  };
  securitySchemes?: Record<string, Record<string, unknown>>;
  securityRequirements?: { schemes: Record<string, { list?: string[] }> }[];
  defaultInputModes: string[];
  defaultOutputModes: string[];
  skills: AgentSkillDescription[];
  signatures?: unknown[];
}
