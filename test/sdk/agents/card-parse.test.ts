import { expect } from "chai";
import {
  CardHashMismatchError,
  InvalidAgentCardError,
  X402_A2A_EXT_V01,
  parseAgentCard,
  parseRegistrationFile,
  verifyRegistrationText,
} from "../../../sdk/agents";
import { sampleBuilder } from "./support/sample";

describe("agents/card parsing", function () {
  it("detects a v1.0 card and exposes its x402 terms", function () {
    const parsed = parseAgentCard(sampleBuilder().buildA2A());
    expect(parsed.version).to.equal("1.0");
    expect(parsed.x402!.accepts.map((a) => a.scheme)).to.deep.equal(["batch-settlement", "exact"]);
  });

  it("normalizes a v0.3 card to the v1.0 shape", function () {
    const b = sampleBuilder();
    const parsed = parseAgentCard(b.buildA2Av03());
    expect(parsed.version).to.equal("0.3");
    expect(parsed.card.supportedInterfaces.map((i) => i.url)).to.deep.equal(
      b.buildA2A().supportedInterfaces.map((i) => i.url),
    );
    expect(parsed.card.skills).to.deep.equal(b.buildA2A().skills);
    expect(parsed.x402).to.deep.equal(parseAgentCard(b.buildA2A()).x402);
  });

  it("recognizes the x402 extension under its v0.1 URI", function () {
    const parsed = parseAgentCard({
      ...sampleBuilder().buildA2A(),
      capabilities: { extensions: [{ uri: X402_A2A_EXT_V01, required: true }] },
    });
    expect(parsed.x402).to.deep.equal({ uri: X402_A2A_EXT_V01, required: true, accepts: [] });
  });

  it("refuses a card missing required fields, naming them", function () {
    const card = sampleBuilder().buildA2A() as unknown as Record<string, unknown>;
    delete card.skills;
    delete card.version;
    expect(() => parseAgentCard(card))
      .to.throw(InvalidAgentCardError)
      .that.satisfies(
        (e: InvalidAgentCardError) =>
          e.problems.includes("skills is required") && e.problems.includes("version is required"),
      );
  });

  it("refuses a card with neither supportedInterfaces nor url", function () {
    const card = sampleBuilder().buildA2A() as unknown as Record<string, unknown>;
    delete card.supportedInterfaces;
    expect(() => parseAgentCard(card)).to.throw(/neither supportedInterfaces/);
  });

  it("refuses a v0.3 card without protocolVersion", function () {
    const card = sampleBuilder().buildA2Av03() as unknown as Record<string, unknown>;
    delete card.protocolVersion;
    expect(() => parseAgentCard(card)).to.throw(/protocolVersion is required/);
  });

  it("verifies registration text against its hash regardless of whitespace and member order", function () {
    const b = sampleBuilder();
    const file = b.buildRegistrationFile();
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(file).reverse()), null, 2);
    expect(verifyRegistrationText(reordered, b.hash())).to.deep.equal(file);
  });

  it("rejects registration text whose hash does not match", function () {
    const b = sampleBuilder();
    const tampered = JSON.stringify({ ...b.buildRegistrationFile(), name: "Mallory" });
    expect(() => verifyRegistrationText(tampered, b.hash())).to.throw(CardHashMismatchError);
  });

  it("refuses a registration file of another type", function () {
    expect(() => parseRegistrationFile({ type: "x", name: "n", description: "", services: [] }))
      .to.throw(InvalidAgentCardError)
      .with.property("code", "invalid_registration_file");
  });
});
