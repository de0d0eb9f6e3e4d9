import { expect } from "chai";
import hre from "hardhat";
import { Interface, type Fragment } from "ethers";
import { ACCOUNT_ABI, ESCROW_ABI, OTHER_ERRORS, REPUTATION_ABI } from "../../sdk/cli/abi";
import { FACTORY_ABI } from "../../sdk/cli/factory";

/** Selector or topic of every fragment, the same way for both sides. */
function signatures(iface: Interface): Set<string> {
  const out = new Set<string>();
  iface.forEachFunction((f) => out.add(f.format("sighash")));
  iface.forEachEvent((e) => out.add(e.format("sighash")));
  iface.forEachError((e) => out.add(e.format("sighash")));
  return out;
}

async function compiled(...names: string[]): Promise<Set<string>> {
  const all = new Set<string>();
  for (const name of names) {
    const artifact = await hre.artifacts.readArtifact(name);
    for (const s of signatures(new Interface(artifact.abi as Fragment[]))) all.add(s);
  }
  return all;
}

describe("z402 CLI: human-readable ABIs match the compiled contracts", function () {
  const cases: Array<[string, readonly string[], string[]]> = [
    ["escrow", ESCROW_ABI, ["Z402Escrow"]],
    ["agent factory", FACTORY_ABI, ["AgentFactory"]],
    ["agent account", ACCOUNT_ABI, ["AgentAccount"]],
    ["reputation registry", REPUTATION_ABI, ["ReputationRegistry"]],
    [
      "other errors",
      OTHER_ERRORS,
      ["MockEIP3009Token", "AgentAccount", "AgentFactory", "ReputationRegistry"],
    ],
  ];
  for (const [what, abi, contracts] of cases) {
    it(`every ${what} fragment exists in ${contracts.join(", ")}`, async function () {
      const have = await compiled(...contracts);
      for (const s of signatures(new Interface(abi))) expect(have.has(s), s).to.equal(true);
    });
  }
});
