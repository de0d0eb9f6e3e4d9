import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import {
  DiscoveryIndexer,
  MemoryDiscoveryStore,
  SqliteDiscoveryStore,
  type DiscoveryStore,
} from "../../../sdk/discovery";
import { CONTRACTS, FakeChain, addr } from "./support/fake-chain";
import { agentBuilder } from "./support/agents";

type StoreFactory = { name: string; open: (dir: string) => DiscoveryStore };
const stores: StoreFactory[] = [
  { name: "memory", open: () => new MemoryDiscoveryStore() },
  { name: "sqlite", open: (dir) => new SqliteDiscoveryStore(path.join(dir, "z402.db")) },
];

/** Registers agents [from, to) through the factory, each with a data: URI and its cardHash. */
function createAgents(chain: FakeChain, hashes: Map<string, string>, from: number, to: number) {
  for (let i = from; i < to; i++) {
    const account = addr(i, 0xaa);
    const b = agentBuilder(i, account);
    hashes.set(account, b.hash());
    chain.registered(BigInt(i), b.toDataURI(), addr(i, 0x0b)).agentCreated(BigInt(i), account, addr(i, 0x0b));
    if (i % 10 === 0) chain.mine();
  }
}

/** 1,000 agents, ten per block (blocks 1..100), built once for the whole file. */
let template: { chain: FakeChain; hashes: Map<string, string> } | undefined;
function thousandAgents() {
  if (!template) {
    template = { chain: new FakeChain(), hashes: new Map() };
    createAgents(template.chain, template.hashes, 1, 1001);
  }
  return { chain: template.chain.copy(), hashes: new Map(template.hashes) };
}

for (const { name, open } of stores) {
  describe(`discovery/DiscoveryIndexer (${name} store)`, function () {
    let dir: string;
    let chain: FakeChain;
    let hashes: Map<string, string>;
    let store: DiscoveryStore;
    const indexer = (s = store, chunkSize = 50) =>
      new DiscoveryIndexer({
        source: chain,
        store: s,
        contracts: CONTRACTS,
        chunkSize,
        cardHashOf: async (account) => hashes.get(account),
      });

    beforeEach(function () {
      dir = mkdtempSync(path.join(os.tmpdir(), "z402-discovery-"));
      chain = new FakeChain();
      hashes = new Map();
      store = open(dir);
    });
    afterEach(async function () {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("catches up over 1,000 agents and verifies every registration file", async function () {
      ({ chain, hashes } = thousandAgents());
      const r = await indexer().sync();
      expect(r.verified).to.equal(1000);
      const agents = await store.agents();
      expect(agents).to.have.length(1000);
      expect(agents.every((a) => a.status === "verified")).to.equal(true);
      expect(agents[41]).to.deep.include({ agentId: 42n, account: addr(42, 0xaa), owner: addr(42, 0x0b) });
      expect(agents[41].file!.name).to.equal("Agent 42");
    });

    it("resumes after a restart without missing or duplicating events", async function () {
      ({ chain, hashes } = thousandAgents());
      const channel = "0x" + "11".repeat(32);
      chain.channel(channel, addr(1, 0xcc), addr(1, 0xaa), addr(9, 0xdd)).claimed(channel, 5n, 5n);
      chain.mine().claimed(channel, 7n, 12n);
      const fullHead = chain.head;
      chain.head = 30; // agents 1..300 are mined, the rest not yet
      await indexer().sync();
      expect(await store.cursor()).to.equal(30);
      expect(await store.agents()).to.have.length(300);
      if (name === "sqlite") {
        await store.close();
        store = open(dir); // the same file, as after a process restart
      }
      chain.head = fullHead;
      const r = await indexer().sync();
      expect(r.fromBlock).to.equal(31);
      const agents = await store.agents();
      expect(agents.map((a) => Number(a.agentId))).to.deep.equal(
        Array.from({ length: 1000 }, (_, i) => i + 1),
      );
      expect((await store.paidBy([addr(1, 0xaa)])).get(addr(1, 0xcc))).to.equal(12n);
    });

    it("does nothing when called again at the same head", async function () {
      createAgents(chain, hashes, 1, 11);
      await indexer().sync();
      const calls = chain.getLogsCalls;
      const r = await indexer().sync();
      expect(r.ranges).to.equal(0);
      expect(chain.getLogsCalls).to.equal(calls);
    });

    it("rejects a registration file whose hash does not match the account's cardHash", async function () {
      createAgents(chain, hashes, 1, 3);
      hashes.set(addr(2, 0xaa), agentBuilder(99, addr(2, 0xaa)).hash());
      const r = await indexer().sync();
      expect(r.rejected).to.equal(1);
      expect((await store.agent(2n))!.status).to.equal("mismatch");
      expect((await store.agent(2n))!.file).to.equal(undefined);
    });

    it("re-fetches and re-verifies after URIUpdated", async function () {
      createAgents(chain, hashes, 1, 2);
      await indexer().sync();
      const next = agentBuilder(1, addr(1, 0xaa), { price: 7n });
      hashes.set(addr(1, 0xaa), next.hash());
      chain.mine().uriUpdated(1n, next.toDataURI(), addr(1, 0x0b));
      await indexer().sync();
      const rec = (await store.agent(1n))!;
      expect(rec.status).to.equal("verified");
      expect(rec.file!.x402!.accepts[0].amount).to.equal("7");
    });

    it("tracks agentWallet, and clears it and changes the owner on transfer", async function () {
      createAgents(chain, hashes, 1, 2);
      chain.metadataSet(1n, "agentWallet", addr(5, 0xfe));
      await indexer().sync();
      expect((await store.agentByAddress(addr(5, 0xfe)))!.agentId).to.equal(1n);
      chain.mine().transfer(addr(1, 0x0b), addr(2, 0x0b), 1n);
      await indexer().sync();
      const rec = (await store.agent(1n))!;
      expect(rec.owner).to.equal(addr(2, 0x0b));
      expect(rec.wallet).to.equal(undefined);
    });

    it("finds an agent by its AgentAccount", async function () {
      createAgents(chain, hashes, 1, 4);
      await indexer().sync();
      expect((await store.agentByAddress(addr(3, 0xaa).toUpperCase().replace("0X", "0x")))!.agentId).to.equal(
        3n,
      );
    });

    it("marks agents registered without an account or cardHash as unverified", async function () {
      chain.registered(7n, agentBuilder(7, addr(7)).toDataURI(), addr(7, 0x0b));
      await indexer().sync();
      expect((await store.agent(7n))!.status).to.equal("unverified");
    });

    it("records an unreachable or unsupported URI as an error", async function () {
      chain
        .registered(8n, "ipfs://bafy/agent.json", addr(8, 0x0b))
        .registered(9n, "ftp://x/y", addr(9, 0x0b));
      await indexer().sync();
      expect((await store.agent(8n))!.error).to.match(/gateway/);
      expect((await store.agent(9n))!.status).to.equal("error");
    });

    it("ignores logs from contracts it does not follow", async function () {
      createAgents(chain, hashes, 1, 2);
      chain.all.push({ ...chain.all[0], address: addr(1, 0x99) });
      const s = new DiscoveryIndexer({ source: chain, store, contracts: { identity: CONTRACTS.identity } });
      await s.sync();
      expect(await store.agents()).to.have.length(1);
    });
  });
}

describe("discovery/DiscoveryIndexer over https", function () {
  let server: Server;
  let base: string;
  const files = new Map<string, string>();
  before(async function () {
    server = createServer((req, res) => {
      const body = files.get(req.url ?? "");
      res.writeHead(body ? 200 : 404, { "content-type": "application/json" }).end(body ?? "");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it("fetches a registration file over HTTP(S) and verifies it in any member order", async function () {
    const chain = new FakeChain();
    const b = agentBuilder(1, addr(1, 0xaa));
    files.set("/agent1.json", JSON.stringify(b.buildRegistrationFile(), null, 2));
    chain.registered(1n, `${base}/agent1.json`, addr(1, 0x0b)).agentCreated(1n, addr(1, 0xaa), addr(1, 0x0b));
    chain
      .registered(2n, `${base}/missing.json`, addr(2, 0x0b))
      .agentCreated(2n, addr(2, 0xaa), addr(2, 0x0b));
    const store = new MemoryDiscoveryStore();
    await new DiscoveryIndexer({
      source: chain,
      store,
      contracts: CONTRACTS,
      cardHashOf: async () => b.hash(),
      fetch: { allowHttp: true },
    }).sync();
    expect((await store.agent(1n))!.status).to.equal("verified");
    expect((await store.agent(2n))!.error).to.match(/404/);
  });
});
