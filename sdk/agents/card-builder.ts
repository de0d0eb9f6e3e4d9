import {
  buildA2ACard,
  buildA2ACardV03,
  buildRegistrationFile,
  canonicalRegistration,
  registrationDataUri,
  registrationHash,
} from "./card-build";
import { X402_A2A_EXT_V02 } from "./constants";
import { registrationEntry } from "./registry-id";
import type {
  A2AAgentCardV03,
  A2AAgentCardV1,
  A2AProtocolVersion,
  Address,
  AgentDescription,
  AgentSkillDescription,
  Binding,
  Erc8004RegistrationFile,
  Hex,
  SecuritySchemeDescription,
  TrustModel,
  X402Offer,
} from "./types";

/**
 * Fluent builder over one {@link AgentDescription}: every output (A2A v1.0 card, A2A v0.3 card, ERC-8004
 * registration file, its data URI and its hash) comes from the same description.
 */
export class AgentCardBuilder {
  private readonly d: AgentDescription;

  constructor(base: { name: string; description: string; version: string; image?: string }) {
    this.d = {
      ...base,
      interfaces: [],
      capabilities: {},
      defaultInputModes: ["text/plain"],
      defaultOutputModes: ["text/plain"],
      skills: [],
      securitySchemes: {},
      securityRequirements: [],
      extensions: [],
      services: [],
      registrations: [],
      active: true,
    };
  }

  /** Starts from an existing description (deep-copied). */
  static from(d: AgentDescription): AgentCardBuilder {
    const b = new AgentCardBuilder(d);
    Object.assign(b.d, structuredClone(d));
    return b;
  }

  provider(organization: string, url: string): this {
    this.d.provider = { organization, url };
    return this;
  }
  iconUrl(url: string): this {
    this.d.iconUrl = url;
    return this;
  }
  documentationUrl(url: string): this {
    this.d.documentationUrl = url;
    return this;
  }
  /** Adds a transport endpoint; the first one added is the preferred one. */
  addInterface(url: string, binding: Binding = "JSONRPC", protocolVersion: A2AProtocolVersion = "1.0"): this {
    this.d.interfaces.push({ url, binding, protocolVersion });
    return this;
  }
  capabilities(c: AgentDescription["capabilities"]): this {
    this.d.capabilities = { ...this.d.capabilities, ...c };
    return this;
  }
  defaultModes(input: string[], output: string[]): this {
    this.d.defaultInputModes = [...input];
    this.d.defaultOutputModes = [...output];
    return this;
  }
  addSkill(s: AgentSkillDescription): this {
    this.d.skills.push(structuredClone(s));
    return this;
  }
  addSecurityScheme(name: string, scheme: SecuritySchemeDescription, scopes: string[] = []): this {
    this.d.securitySchemes[name] = { ...scheme };
    this.d.securityRequirements.push({ [name]: [...scopes] });
    return this;
  }
  addExtension(
    uri: string,
    opts: { description?: string; required?: boolean; params?: Record<string, unknown> } = {},
  ): this {
    this.d.extensions.push({ uri, ...opts });
    return this;
  }
  /** Declares the a2a-x402 extension with these payment terms and sets `x402Support`. */
  withX402(offers: X402Offer[], opts: { required?: boolean; uri?: string } = {}): this {
    this.d.x402 = {
      offers: structuredClone(offers),
      required: opts.required ?? true,
      uri: opts.uri ?? X402_A2A_EXT_V02,
    };
    return this;
  }
  addService(name: string, endpoint: string, version?: string, extra: Record<string, unknown> = {}): this {
    this.d.services.push({ name, endpoint, ...(version ? { version } : {}), ...extra });
    return this;
  }
  /** Adds (or replaces) the registration on `registry` once the agent id is known. */
  withRegistration(r: { chainId: number | bigint; identityRegistry: Address; agentId: bigint }): this {
    const entry = registrationEntry(r.chainId, r.identityRegistry, r.agentId);
    this.d.registrations = this.d.registrations.filter((x) => x.agentRegistry !== entry.agentRegistry);
    this.d.registrations.push(entry);
    return this;
  }
  supportedTrust(t: TrustModel[]): this {
    this.d.supportedTrust = [...t];
    return this;
  }
  active(a: boolean): this {
    this.d.active = a;
    return this;
  }

  /** A deep copy of the description built so far. */
  description(): AgentDescription {
    return structuredClone(this.d);
  }
  buildA2A(): A2AAgentCardV1 {
    return buildA2ACard(this.d);
  }
  buildA2Av03(): A2AAgentCardV03 {
    return buildA2ACardV03(this.d);
  }
  buildRegistrationFile(): Erc8004RegistrationFile {
    return buildRegistrationFile(this.d);
  }
  /** RFC 8785 canonical JSON of the registration file. */
  canonicalJSON(): string {
    return canonicalRegistration(this.buildRegistrationFile());
  }
  toDataURI(): `data:application/json;base64,${string}` {
    return registrationDataUri(this.buildRegistrationFile());
  }
  /** keccak256 of the canonical registration file: the AgentAccount's `cardHash`. */
  hash(): Hex {
    return registrationHash(this.buildRegistrationFile());
  }
}
