import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BASE,
  BASE_SEPOLIA,
  caip2ToV1Name,
  chainIdFromCaip2,
  chainIdOf,
  contractAddress,
  getChainPreset,
  LOCAL,
  parseDeployments,
  toCaip2,
  v1NameToCaip2,
} from "../../../sdk/networks";
import { loadDeployments } from "../../../sdk/networks/deployments-node";
import { ConfigError, DecodeError } from "../../../sdk/errors";

const ESCROW = "0x4020074e9dF2ce1deE5A9C1b5c3f541D02a10003";

describe("sdk/networks", function () {
  it("presets Base Sepolia USDC with the domain name USDC/2", function () {
    expect(BASE_SEPOLIA.chainId).to.equal(84532);
    expect(BASE_SEPOLIA.usdc).to.include({
      address: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
      name: "USDC",
      version: "2",
      decimals: 6,
    });
  });

  it("presets Base USDC with the domain name USD Coin/2", function () {
    expect(BASE.chainId).to.equal(8453);
    expect(BASE.usdc).to.include({
      address: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
      name: "USD Coin",
      version: "2",
    });
  });

  it("presets the local chain without a token", function () {
    expect(getChainPreset(31337)).to.equal(LOCAL);
    expect(LOCAL.usdc).to.equal(undefined);
  });

  it("throws z402_unknown_chain for a chain without a preset", function () {
    expect(() => getChainPreset(1))
      .to.throw(ConfigError)
      .with.property("code", "z402_unknown_chain");
  });

  it("maps CAIP-2 ids and v1 names both ways", function () {
    expect(v1NameToCaip2("base-sepolia")).to.equal("eip155:84532");
    expect(v1NameToCaip2("base")).to.equal("eip155:8453");
    expect(caip2ToV1Name("eip155:84532")).to.equal("base-sepolia");
    expect(caip2ToV1Name("eip155:31337")).to.equal(undefined);
    expect(chainIdOf("base")).to.equal(8453);
    expect(chainIdOf("eip155:31337")).to.equal(31337);
    expect(toCaip2(31337)).to.equal("eip155:31337");
  });

  it("rejects unknown v1 names and non-EVM CAIP-2 ids with invalid_network", function () {
    expect(() => v1NameToCaip2("toString"))
      .to.throw(DecodeError)
      .with.property("code", "invalid_network");
    expect(() => chainIdFromCaip2("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp")).to.throw(DecodeError);
    expect(() => chainIdFromCaip2("eip155:0")).to.throw(DecodeError);
    expect(() => chainIdFromCaip2("eip155:01")).to.throw(DecodeError);
  });

  describe("deployments", function () {
    const good = {
      chainId: 31337,
      contracts: { Z402Escrow: { address: ESCROW, blockNumber: 3 } },
      deployer: "x",
    };

    it("parses a deployments object and keeps extra fields", function () {
      const d = parseDeployments(good, 31337);
      expect(contractAddress(d, "Z402Escrow")).to.equal(ESCROW);
      expect(d.deployer).to.equal("x");
    });

    it("rejects a file for another chain", function () {
      expect(() => parseDeployments(good, 84532))
        .to.throw(ConfigError)
        .with.property("code", "z402_deployments_invalid");
    });

    it("rejects a malformed address", function () {
      const bad = { chainId: 1, contracts: { A: { address: "0x1234" } } };
      expect(() => parseDeployments(bad)).to.throw(ConfigError);
    });

    it("throws for a contract that is not deployed", function () {
      expect(() => contractAddress(parseDeployments(good), "toString")).to.throw(ConfigError);
    });

    it("loads deployments/<chainId>.json from a directory", async function () {
      const dir = mkdtempSync(join(tmpdir(), "z402-deployments-"));
      writeFileSync(join(dir, "31337.json"), JSON.stringify(good));
      const d = await loadDeployments(31337, dir);
      expect(d.contracts.Z402Escrow.blockNumber).to.equal(3);
    });

    it("reports a missing file as z402_deployments_invalid", async function () {
      const dir = mkdtempSync(join(tmpdir(), "z402-deployments-"));
      const err = await loadDeployments(84532, dir).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(ConfigError).with.property("code", "z402_deployments_invalid");
    });
  });
});
