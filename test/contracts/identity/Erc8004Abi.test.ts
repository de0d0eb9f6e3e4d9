import { expect } from "chai";
import { artifacts, ethers } from "hardhat";
import { Interface } from "ethers";
import { IDENTITY_SPEC, REPUTATION_SPEC, VALIDATION_SPEC, specToAbi } from "./support/erc8004-spec";

interface Signatures {
  functions: Map<string, string>;
  events: Set<string>;
}

/** Selector -> "inputs => outputs" and event topics of an interface. */
function signatures(iface: Interface): Signatures {
  const functions = new Map<string, string>();
  iface.forEachFunction((f) => {
    functions.set(
      f.selector,
      `${f.format("sighash")} => (${f.outputs.map((o) => o.format("sighash")).join(",")})`,
    );
  });
  const events = new Set<string>();
  iface.forEachEvent((e) => events.add(`${e.topicHash} ${e.format("full")}`));
  return { functions, events };
}

async function artifactSignatures(name: string): Promise<Signatures> {
  return signatures(new Interface((await artifacts.readArtifact(name)).abi));
}

/** ERC-165 id: XOR of all function selectors. */
function interfaceId(iface: Interface): string {
  let id = 0n;
  iface.forEachFunction((f) => (id ^= BigInt(f.selector)));
  return ethers.toBeHex(id, 4);
}

const CASES = [
  { spec: IDENTITY_SPEC, iface: "IERC8004Identity", impl: "IdentityRegistry", args: [] as string[] },
  { spec: REPUTATION_SPEC, iface: "IERC8004Reputation", impl: "ReputationRegistry", args: ["identity"] },
  { spec: VALIDATION_SPEC, iface: "IERC8004Validation", impl: "ValidationRegistry", args: ["identity"] },
];

describe("ERC-8004 ABI conformance", function () {
  for (const c of CASES) {
    describe(c.iface, function () {
      const spec = new Interface(specToAbi(c.spec));

      it("declares exactly the spec's functions (selectors and return types) and events", async function () {
        const ours = await artifactSignatures(c.iface);
        const expected = signatures(spec);
        expect([...ours.functions.entries()].sort()).to.deep.equal([...expected.functions.entries()].sort());
        expect([...ours.events].sort()).to.deep.equal([...expected.events].sort());
      });

      it(`${c.impl} exposes every spec selector and event`, async function () {
        const impl = await artifactSignatures(c.impl);
        const expected = signatures(spec);
        for (const [selector, sig] of expected.functions)
          expect(impl.functions.get(selector), sig).to.equal(sig);
        for (const e of expected.events) expect(impl.events.has(e), e).to.equal(true);
      });

      it(`${c.impl} reports the spec's ERC-165 id`, async function () {
        const identity = await ethers.deployContract("IdentityRegistry");
        const args = c.args.map(() => identity.target);
        const impl = c.impl === "IdentityRegistry" ? identity : await ethers.deployContract(c.impl, args);
        expect(await impl.getFunction("supportsInterface")(interfaceId(spec))).to.equal(true);
      });
    });
  }

  it("derives the identity selectors the ERC-8004 SDKs call", function () {
    const spec = new Interface(specToAbi(IDENTITY_SPEC));
    expect(spec.getFunction("register(string,(string,bytes)[])")!.selector).to.equal(
      ethers.id("register(string,(string,bytes)[])").slice(0, 10),
    );
    expect(spec.getEvent("Registered")!.topicHash).to.equal(ethers.id("Registered(uint256,string,address)"));
  });
});
