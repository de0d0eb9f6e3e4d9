/** `z402 discover --facilitator`: a facilitator's Bazaar catalog joined to the registry's agents. */
import { expect } from "chai";
import { bazaarResourceServerExtension, declareDiscoveryExtension } from "@x402/extensions/bazaar";
import {
  BazaarCatalog,
  MemoryCatalogStore,
  createFacilitator,
  serveFacilitator,
  type RunningFacilitator,
} from "../../sdk/facilitator";
import { z402 } from "./support/cli";
import { startAgentsWorld, type AgentsWorld } from "./support/agents-world";

/** A verified payment's payload for `url` at `amount`, declaring a GET with a `text` query parameter. */
function payment(url: string, amount: string) {
  const requirements = {
    scheme: "exact",
    network: "eip155:31337",
    asset: "0x" + "11".repeat(20),
    amount,
    payTo: "0x" + "22".repeat(20),
    maxTimeoutSeconds: 60,
    extra: {},
  };
  const bazaar = bazaarResourceServerExtension.enrichDeclaration!(
    declareDiscoveryExtension({ input: { text: "..." }, output: { example: { summary: "." } } }).bazaar,
    { method: "GET", adapter: { getPath: () => "/" } },
  );
  const payload = {
    x402Version: 2,
    resource: { url, description: "Summarize a text" },
    accepted: requirements,
    payload: {},
    extensions: { bazaar },
  };
  return [payload, requirements] as const;
}

describe("z402 discover with a facilitator's Bazaar catalog", function () {
  let a: AgentsWorld;
  let facilitator: RunningFacilitator;
  const cli = (args: string[]) =>
    z402([...args, "--rpc", a.world.chain.url, "--deployment", a.deploymentFile]);

  before(async function () {
    a = await startAgentsWorld();
    const catalog = new BazaarCatalog(new MemoryCatalogStore());
    // The demo agents register http://127.0.0.1:9: the first resource is the seller's, the second nobody's.
    await catalog.record(...payment("http://127.0.0.1:9/summarize", "500"));
    await catalog.record(...payment("https://elsewhere.example/summarize", "700"));
    facilitator = await serveFacilitator(createFacilitator([]), { catalog });
  });
  after(async function () {
    await facilitator?.close();
    await a?.close();
  });

  it("lists the seller with its cataloged resource, and the catalog's resources, in JSON", async function () {
    const r = await cli(["discover", "--skill", "summarize", "--facilitator", facilitator.url, "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as {
      agents: Array<{ agentId: string; resources: string[] }>;
      resources: Array<{ resource: string; agentId: string | null; call: string; price: string }>;
    };
    expect(out.agents.map((x) => [x.agentId, x.resources])).to.deep.equal([
      [a.sellerId.toString(), ["http://127.0.0.1:9/summarize"]],
    ]);
    expect(out.resources.map((x) => [x.resource, x.agentId, x.call, x.price])).to.deep.equal([
      ["https://elsewhere.example/summarize", null, "GET", "700"],
      ["http://127.0.0.1:9/summarize", a.sellerId.toString(), "GET", "500"],
    ]);
  });

  it("shows the catalog under the agents in the table, within the price ceiling", async function () {
    const r = await cli([
      "discover",
      "--skill",
      "summarize",
      "--max-price",
      "0.0006",
      "--facilitator",
      facilitator.url,
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include(`Catalog resources at ${facilitator.url}:`);
    expect(r.stdout).to.include("http://127.0.0.1:9/summarize");
    expect(r.stdout).to.not.include("elsewhere.example");
  });

  it("refuses an unreachable facilitator in one sentence", async function () {
    const r = await cli(["discover", "--facilitator", "http://127.0.0.1:9"]);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.match(/did not list its catalog/);
  });
});
