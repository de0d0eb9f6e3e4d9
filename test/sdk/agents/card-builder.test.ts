import { expect } from "chai";
import { AgentCard } from "@a2a-js/sdk";
import { keccak256, toUtf8Bytes, verifyTypedData, Wallet } from "ethers";
import {
  AgentCardBuilder,
  ERC8004_REG_TYPE,
  InvalidAgentCardError,
  X402_A2A_EXT_V02,
  agentWalletTypedData,
  canonicalize,
  decodeJsonDataUri,
  formatAgentRegistry,
  parseAgentRegistry,
} from "../../../sdk/agents";
import { PAY_TO, REGISTRY, USDC, sampleBuilder } from "./support/sample";

describe("agents/AgentCardBuilder", function () {
  describe("A2A v1.0 card", function () {
    it("round-trips through @a2a-js/sdk's AgentCard codec unchanged", function () {
      const card = sampleBuilder()
        .addSecurityScheme("key", { type: "apiKey", in: "header", name: "X-Key" })
        .buildA2A();
      expect(AgentCard.toJSON(AgentCard.fromJSON(card))).to.deep.equal(card);
    });

    it("lists the interfaces in order, the first being preferred", function () {
      const card = sampleBuilder().buildA2A();
      expect(card.supportedInterfaces).to.deep.equal([
        { url: "https://weather.example/a2a", protocolBinding: "JSONRPC", protocolVersion: "1.0" },
        { url: "https://weather.example/a2a/v0.3", protocolBinding: "JSONRPC", protocolVersion: "0.3" },
      ]);
    });

    it("declares the x402 extension with the payment terms as x402 v2 requirements", function () {
      const ext = sampleBuilder().buildA2A().capabilities.extensions!;
      expect(ext).to.have.length(1);
      expect(ext[0]).to.include({ uri: X402_A2A_EXT_V02, required: true });
      expect(ext[0].params).to.deep.equal({
        x402Version: 2,
        accepts: [
          {
            scheme: "batch-settlement",
            network: "eip155:84532",
            asset: USDC,
            amount: "1000",
            payTo: PAY_TO,
            maxTimeoutSeconds: 600,
            extra: {},
          },
          {
            scheme: "exact",
            network: "eip155:84532",
            asset: USDC,
            amount: "1500",
            payTo: PAY_TO,
            maxTimeoutSeconds: 600,
            extra: { name: "USDC", version: "2" },
          },
        ],
      });
    });

    it("keeps skill tags and examples", function () {
      const skills = sampleBuilder().buildA2A().skills;
      expect(skills.map((s) => s.tags)).to.deep.equal([
        ["weather", "forecast"],
        ["weather", "alerts"],
      ]);
      expect(skills[1].examples).to.deep.equal(["storms in Berlin?"]);
    });

    it("writes securityRequirements (not security) for declared schemes", function () {
      const card = sampleBuilder()
        .addSecurityScheme("bearer", { type: "http", scheme: "Bearer" }, ["read"])
        .buildA2A();
      expect(card.securitySchemes).to.deep.equal({
        bearer: { httpAuthSecurityScheme: { scheme: "Bearer" } },
      });
      expect(card.securityRequirements).to.deep.equal([{ schemes: { bearer: { list: ["read"] } } }]);
      expect(card).not.to.have.property("security");
    });
  });

  describe("A2A v0.3 card", function () {
    it("uses the preferred interface as url and the others as additionalInterfaces", function () {
      const card = sampleBuilder().buildA2Av03();
      expect(card).to.include({
        protocolVersion: "0.3.0",
        url: "https://weather.example/a2a",
        preferredTransport: "JSONRPC",
      });
      expect(card.additionalInterfaces).to.deep.equal([
        { url: "https://weather.example/a2a/v0.3", transport: "JSONRPC" },
      ]);
    });

    it("carries the same extensions and skills as the v1.0 card", function () {
      const b = sampleBuilder();
      expect(b.buildA2Av03().capabilities.extensions).to.deep.equal(b.buildA2A().capabilities.extensions);
      expect(b.buildA2Av03().skills).to.deep.equal(b.buildA2A().skills);
    });

    it("writes OpenAPI-style securitySchemes and security", function () {
      const card = sampleBuilder()
        .addSecurityScheme("key", { type: "apiKey", in: "header", name: "X-Key" })
        .buildA2Av03();
      expect(card.securitySchemes).to.deep.equal({ key: { type: "apiKey", in: "header", name: "X-Key" } });
      expect(card.security).to.deep.equal([{ key: [] }]);
    });
  });

  describe("ERC-8004 registration file", function () {
    it("points its A2A service at the well-known card of the preferred interface's origin", function () {
      const file = sampleBuilder().buildRegistrationFile();
      expect(file.type).to.equal(ERC8004_REG_TYPE);
      expect(file.services[0]).to.deep.include({
        name: "A2A",
        endpoint: "https://weather.example/.well-known/agent-card.json",
        version: "1.0",
      });
    });

    it("sets x402Support and carries the payment terms", function () {
      const file = sampleBuilder().buildRegistrationFile();
      expect(file.x402Support).to.equal(true);
      expect(file.x402!.accepts.map((a) => a.amount)).to.deep.equal(["1000", "1500"]);
      const plain = new AgentCardBuilder({ name: "n", description: "d", version: "1" })
        .addInterface("https://n.example/a2a")
        .addSkill({ id: "s", name: "S", description: "d", tags: [] })
        .buildRegistrationFile();
      expect(plain.x402Support).to.equal(false);
      expect(plain).not.to.have.property("x402");
    });

    it("lists the registration once the agent id is known, replacing an earlier one on the same registry", function () {
      const b = sampleBuilder()
        .withRegistration({ chainId: 31337, identityRegistry: REGISTRY, agentId: 7n })
        .withRegistration({ chainId: 31337, identityRegistry: REGISTRY, agentId: 8n });
      expect(b.buildRegistrationFile().registrations).to.deep.equal([
        { agentId: 8, agentRegistry: `eip155:31337:${REGISTRY}` },
      ]);
    });

    it("hashes to keccak256 of its RFC 8785 text", function () {
      const b = sampleBuilder();
      expect(b.hash()).to.equal(keccak256(toUtf8Bytes(canonicalize(b.buildRegistrationFile()))));
    });

    it("changes its hash when any field changes", function () {
      expect(sampleBuilder().active(false).hash()).not.to.equal(sampleBuilder().hash());
    });

    it("encodes the canonical text as a base64 data URI", function () {
      const b = sampleBuilder();
      const uri = b.toDataURI();
      expect(uri.startsWith("data:application/json;base64,")).to.equal(true);
      expect(decodeJsonDataUri(uri)).to.equal(b.canonicalJSON());
    });
  });

  describe("refusals", function () {
    it("refuses a card without skills, interfaces or name, listing every problem", function () {
      const b = new AgentCardBuilder({ name: "", description: "d", version: "1" });
      expect(() => b.buildA2A())
        .to.throw(InvalidAgentCardError)
        .that.satisfies((e: InvalidAgentCardError) =>
          ["name is required", "at least one interface is required", "at least one skill is required"].every(
            (m) => e.problems.includes(m),
          ),
        );
    });

    it("refuses an offer with a non-decimal amount or a v1 network name", function () {
      const b = sampleBuilder().withX402([
        {
          scheme: "exact",
          network: "base" as `eip155:${number}`,
          asset: USDC,
          payTo: PAY_TO,
          amount: "0.01",
        },
      ]);
      expect(() => b.buildRegistrationFile())
        .to.throw(InvalidAgentCardError)
        .with.property("code", "invalid_agent_card");
    });

    it("refuses duplicate skill ids and security requirements naming unknown schemes", function () {
      const b = sampleBuilder().addSkill({ id: "forecast", name: "x", description: "y", tags: [] });
      const d = b.description();
      d.securityRequirements.push({ nope: [] });
      expect(() => AgentCardBuilder.from(d).buildA2Av03())
        .to.throw(InvalidAgentCardError)
        .that.satisfies((e: InvalidAgentCardError) => e.problems.length === 2);
    });

    it("refuses a non-http interface URL", function () {
      expect(() =>
        new AgentCardBuilder({ name: "n", description: "d", version: "1" })
          .addInterface("javascript:alert(1)")
          .addSkill({ id: "s", name: "S", description: "d", tags: [] })
          .buildA2A(),
      ).to.throw(/interfaces\[0\]\.url/);
    });
  });

  describe("identity helpers", function () {
    it("formats and parses eip155 agent registry ids", function () {
      const s = formatAgentRegistry(84532, REGISTRY);
      expect(s).to.equal(`eip155:84532:${REGISTRY}`);
      expect(parseAgentRegistry(s)).to.deep.equal({ namespace: "eip155", chainId: 84532, address: REGISTRY });
      expect(() => parseAgentRegistry("eip155:1:0x12")).to.throw(/not an agent registry/);
    });

    it("builds setAgentWallet typed data that ethers signs and recovers", async function () {
      const wallet = Wallet.createRandom();
      const td = agentWalletTypedData({
        chainId: 31337,
        registry: REGISTRY,
        agentId: 3n,
        newWallet: wallet.address as `0x${string}`,
        owner: PAY_TO,
        deadline: 1000n,
      });
      const sig = await wallet.signTypedData(td.domain, td.types, td.message);
      expect(verifyTypedData(td.domain, td.types, td.message, sig)).to.equal(wallet.address);
    });
  });
});
