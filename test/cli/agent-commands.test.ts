import { expect } from "chai";
import { isOneSentence, z402 } from "./support/cli";
import { startAgentsWorld, type AgentsWorld } from "./support/agents-world";

describe("z402 CLI: agents, discovery and feedback against a local chain", function () {
  let a: AgentsWorld;
  const cli = (args: string[]) =>
    z402([...args, "--rpc", a.world.chain.url, "--deployment", a.deploymentFile]);

  before(async function () {
    a = await startAgentsWorld();
  });
  after(async function () {
    await a?.close();
  });

  it("lists both agents created through the factory", async function () {
    const r = await cli(["agent", "list", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const rows = JSON.parse(r.stdout) as Array<{ agentId: string; name: string; card: string }>;
    expect(rows.map((x) => [x.agentId, x.name, x.card])).to.deep.equal([
      [a.sellerId.toString(), "Summarizer", "verified"],
      [a.buyerId.toString(), "Research assistant", "verified"],
    ]);
  });

  it("shows one agent with its skill, price and account", async function () {
    const r = await cli(["agent", "show", a.sellerId.toString()]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/skills\s+summarize/);
    expect(r.stdout).to.match(/price\s+0\.001 USDC per request/);
    expect(r.stdout).to.match(/account\s+0x[0-9a-fA-F]{40}/);
  });

  it("discovers the seller by skill under a price ceiling, and nobody under a lower one", async function () {
    const hit = await cli(["discover", "--skill", "summarize", "--max-price", "0.001", "--json"]);
    expect(hit.code, hit.stderr).to.equal(0);
    expect((JSON.parse(hit.stdout) as Array<{ agentId: string }>).map((m) => m.agentId)).to.deep.equal([
      a.sellerId.toString(),
    ]);
    const miss = await cli(["discover", "--skill", "summarize", "--max-price", "0.0005"]);
    expect(miss.stdout.trim()).to.equal("No agent matches.");
  });

  it("records a heartbeat from the owner and refuses another key in one sentence", async function () {
    const ok = await cli([
      "agent",
      "heartbeat",
      a.sellerId.toString(),
      "--key",
      a.world.sellerOwner.privateKey,
    ]);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.match(/^Heartbeat recorded for agent 1/);
    const no = await cli([
      "agent",
      "heartbeat",
      a.sellerId.toString(),
      "--key",
      a.world.buyerOwner.privateKey,
    ]);
    expect(no.code).to.equal(1);
    expect(no.stderr).to.match(/Only the agent's owner can do this/);
    expect(isOneSentence(no.stderr), no.stderr).to.equal(true);
  });

  it("gives feedback as a client, and refuses the owner rating its own agent", async function () {
    const ok = await cli([
      "feedback",
      a.sellerId.toString(),
      "--score",
      "90",
      "--tag",
      "summarize",
      "--key",
      a.world.buyerOwner.privateKey,
    ]);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.match(/score\s+90\/100 \(summarize\)/);
    const self = await cli([
      "feedback",
      a.sellerId.toString(),
      "--score",
      "100",
      "--key",
      a.world.sellerOwner.privateKey,
    ]);
    expect(self.code).to.equal(1);
    expect(self.stderr).to.match(/An agent's owner cannot rate its own agent\./);
  });

  it("answers an unknown agent and an out-of-range score in one sentence", async function () {
    const unknown = await cli(["agent", "show", "999"]);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr.trim()).to.equal("z402: No agent 999 on this chain.");
    const score = await cli(["feedback", "1", "--score", "101", "--key", a.world.buyerOwner.privateKey]);
    expect(score.code).to.equal(2);
    expect(score.stderr).to.match(/"101" is not a valid score/);
  });

  it("creates an agent through the factory and finds it by its skill", async function () {
    const key = a.world.deployer.privateKey;
    const r = await cli([
      "agent", "create", "--name", "Translator", "--skill", "translate", "--price", "0.002",
      "--url", "http://127.0.0.1:4999", "--key", key, "--json",
    ]); // prettier-ignore
    expect(r.code, r.stderr).to.equal(0);
    const created = JSON.parse(r.stdout);
    expect(created.agentId).to.equal("3");
    const found = await cli(["discover", "--skill", "translate", "--json"]);
    const rows = JSON.parse(found.stdout) as Array<{ agentId: string; price: string; account: string }>;
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ agentId: "3", price: "2000", account: created.account });
  });

  it("refuses to create the same agent twice with the same key and salt, in one sentence", async function () {
    const r = await cli([
      "agent", "create", "--name", "Translator", "--skill", "translate",
      "--url", "http://127.0.0.1:4999", "--key", a.world.deployer.privateKey,
    ]); // prettier-ignore
    expect(r.code).to.equal(1);
    expect(r.stderr.trim()).to.equal(
      "z402: This key already created an agent with that salt: pass another --name or a --salt to create a second one.",
    );
  });

  it("asks for a skill and an endpoint before sending anything", async function () {
    const noSkill = await cli([
      "agent",
      "create",
      "--name",
      "X",
      "--url",
      "http://127.0.0.1:1",
      "--key",
      a.world.deployer.privateKey,
    ]);
    expect(noSkill.code).to.equal(2);
    expect(noSkill.stderr).to.match(/needs at least one skill/);
    const noUrl = await cli([
      "agent",
      "create",
      "--name",
      "X",
      "--skill",
      "y",
      "--key",
      a.world.deployer.privateKey,
    ]);
    expect(noUrl.code).to.equal(2);
    expect(noUrl.stderr).to.match(/needs an endpoint/);
  });
});
