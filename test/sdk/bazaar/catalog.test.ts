/** Bazaar units: the client's extension echo, the facilitator's catalog and its stores, the registry merge. */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  bazaarResourceServerExtension,
  declareDiscoveryExtension,
  type DiscoveryResource,
} from "@x402/extensions/bazaar";
import { echoExtensions } from "../../../sdk/client/extensions";
import { BazaarCatalog, MemoryCatalogStore, SqliteCatalogStore } from "../../../sdk/facilitator";
import {
  DiscoveryIndexer,
  MemoryDiscoveryStore,
  catalogResources,
  queryPaidAgents,
  resourcesOfAgent,
  type DiscoveryStore,
} from "../../../sdk/discovery";
import { CONTRACTS, FakeChain, addr } from "../discovery/support/fake-chain";
import { TOKEN, agentBuilder } from "../discovery/support/agents";

const NETWORK = "eip155:84532";
const requirements = (amount: string, payTo = "0x" + "22".repeat(20)) => ({
  scheme: "exact",
  network: NETWORK,
  asset: TOKEN,
  amount,
  payTo,
  maxTimeoutSeconds: 60,
  extra: { name: "USDC", version: "2" },
});
const declared = (method: string) =>
  bazaarResourceServerExtension.enrichDeclaration!(
    declareDiscoveryExtension({ input: { q: "x" }, output: { example: { ok: true } } }).bazaar,
    { method, adapter: { getPath: () => "/" } },
  );
function payment(url: string, amount: string, extra: Record<string, unknown> = {}) {
  const req = requirements(amount);
  const extensions = { bazaar: declared("GET"), "payment-identifier": { info: { id: "abc" } }, ...extra };
  return { payload: { x402Version: 2, resource: { url }, accepted: req, payload: {}, extensions }, req };
}

describe("bazaar: the client's echo of declared extensions", function () {
  it("keeps the server's extensions and merges its own entries into them", function () {
    const server = {
      bazaar: { info: { a: 1 }, schema: {} },
      "payment-identifier": { info: { required: true } },
    };
    const out = echoExtensions(server, { "payment-identifier": { info: { id: "x" } } });
    expect(out).to.deep.equal({
      bazaar: { info: { a: 1 }, schema: {} },
      "payment-identifier": { info: { required: true, id: "x" } },
    });
    expect(echoExtensions(undefined, { p: 1 })).to.deep.equal({ p: 1 });
    expect(echoExtensions(undefined)).to.equal(undefined);
  });
});

describe("bazaar: the facilitator's catalog", function () {
  it("catalogs one entry per resource and method, keeps only the bazaar extension, and updates accepts", async function () {
    const catalog = new BazaarCatalog(new MemoryCatalogStore());
    const a = payment("https://a.example/x?q=1", "100");
    expect(await catalog.record(a.payload, a.req)).to.equal(true);
    const b = payment("https://a.example/x", "90");
    expect(await catalog.record(b.payload, b.req)).to.equal(true);
    const list = await catalog.list();
    expect(list.pagination).to.deep.equal({ limit: 20, offset: 0, total: 1 });
    expect(list.items[0].resource).to.equal("https://a.example/x");
    expect(list.items[0].accepts.map((x) => x.amount)).to.deep.equal(["90"]);
    expect(Object.keys(list.items[0].extensions!)).to.deep.equal(["bazaar"]);
  });

  it("refuses payloads without valid bazaar info or with mismatched requirements", async function () {
    const catalog = new BazaarCatalog(new MemoryCatalogStore());
    const none = payment("https://a.example/x", "1", { bazaar: undefined });
    expect(await catalog.record(none.payload, none.req)).to.equal(false);
    const p = payment("https://a.example/x", "1");
    expect(await catalog.record(p.payload, { ...p.req, scheme: "upto" })).to.equal(false);
    expect(await catalog.record("junk", {})).to.equal(false);
    expect((await catalog.list()).items).to.deep.equal([]);
  });

  it("persists in SQLite across reopening", async function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bazaar-"));
    try {
      const file = path.join(dir, "catalog.sqlite");
      const first = new BazaarCatalog(new SqliteCatalogStore(file));
      const p = payment("https://b.example/y", "5");
      await first.record(p.payload, p.req);
      await first.store.close();
      const again = new BazaarCatalog(new SqliteCatalogStore(file));
      const list = await again.list({ maxAmount: 5n, query: "b.example" });
      expect(list.items.map((i) => i.resource)).to.deep.equal(["https://b.example/y"]);
      expect((await again.list({ maxAmount: 4n })).items).to.deep.equal([]);
      await again.store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("pages by cursor in search", async function () {
    const catalog = new BazaarCatalog(new MemoryCatalogStore());
    for (const n of [1, 2, 3]) {
      const p = payment(`https://c.example/r${n}`, "1");
      await catalog.record(p.payload, p.req);
    }
    const first = await catalog.search({ query: "c.example", limit: 2 });
    expect(first.resources).to.have.length(2);
    const second = await catalog.search({ query: "c.example", limit: 2, cursor: first.pagination!.cursor! });
    expect(second.resources).to.have.length(1);
    expect(second.pagination!.cursor).to.equal(null);
  });
});

describe("bazaar: the catalog merged with the registry", function () {
  let store: DiscoveryStore;
  const resource = (url: string, amount: string): DiscoveryResource => ({
    resource: url,
    type: "http",
    x402Version: 2,
    accepts: [requirements(amount) as never],
    lastUpdated: "2026-01-01T00:00:00.000Z",
  });
  // Agents 1..4 register https://agentN.example/a2a; even ids translate, odd ids forecast; file price 100+i.
  const catalog = [
    resource("https://agent2.example/translate", "50"),
    resource("https://agent3.example/forecast", "500"),
    resource("https://agent2.example.evil/translate", "1"),
    resource("http://agent4.example/translate", "1"),
  ];

  before(async function () {
    const chain = new FakeChain();
    const hashes = new Map<string, string>();
    for (let i = 1; i <= 4; i++) {
      const account = addr(i, 0xaa);
      const b = agentBuilder(i, account);
      hashes.set(account, b.hash());
      chain
        .registered(BigInt(i), b.toDataURI(), addr(i, 0x0b))
        .agentCreated(BigInt(i), account, addr(i, 0x0b));
    }
    store = new MemoryDiscoveryStore();
    await new DiscoveryIndexer({
      source: chain,
      store,
      contracts: CONTRACTS,
      cardHashOf: async (a) => hashes.get(a),
    }).sync();
  });

  it("attaches a resource to an agent only when its origin is one of the agent's endpoints' origins", async function () {
    const agent2 = (await store.agent(2n))!;
    expect(resourcesOfAgent(agent2, catalog).map((r) => r.resource)).to.deep.equal([
      "https://agent2.example/translate",
    ]);
    expect(resourcesOfAgent((await store.agent(4n))!, catalog)).to.deep.equal([]); // http vs https
  });

  it("finds agents by skill with their resources, passing the price through the file or the catalog", async function () {
    const all = await queryPaidAgents(store, catalog, { skill: "translate" });
    expect(all.map((m) => [Number(m.agent.agentId), m.resources.length])).to.deep.equal([
      [2, 1],
      [4, 0],
    ]);
    // Files ask 102 and 104; agent 2's cataloged resource costs 50.
    const cheap = await queryPaidAgents(store, catalog, { skill: "translate", maxPrice: 60n });
    expect(cheap.map((m) => [Number(m.agent.agentId), m.cheapest, m.resources.length])).to.deep.equal([
      [2, undefined, 1],
    ]);
    const onlyListed = await queryPaidAgents(store, catalog, { withResourcesOnly: true });
    expect(onlyListed.map((m) => Number(m.agent.agentId))).to.deep.equal([2, 3]);
  });

  it("reads a source page by page", async function () {
    const source = new BazaarCatalog(new MemoryCatalogStore());
    for (let n = 0; n < 3; n++) {
      const p = payment(`https://d.example/r${n}`, "1");
      await source.record(p.payload, p.req);
    }
    const calls: number[] = [];
    const listing = {
      listResources: (q?: { offset?: number }) => {
        calls.push(q?.offset ?? 0);
        return source.list({ ...q, limit: 2 });
      },
    };
    expect(await catalogResources(listing)).to.have.length(3);
    expect(calls).to.deep.equal([0, 2]);
  });
});
