/**
 * Issue 21's done-criterion, end to end: the demo seller (examples/demo/seller.ts) lands its deposits through the
 * demo's facilitator (examples/demo/facilitator.ts: in process, SQLite Bazaar catalog); after one paid request,
 * `z402 discover` finds the seller through the registry alone and, with `--facilitator`, with its cataloged
 * `POST /summarize` and the Bazaar schemas the route declares.
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { validateDiscoveryExtension, type DiscoveryExtension } from "@x402/extensions/bazaar";
import { devAccounts } from "../../sdk/cli/commands/node";
import { createAgent, predictAccount, sellerCard, SELLER_SALT } from "../../examples/demo/agents";
import { createBuyer, type Buyer } from "../../examples/demo/buyer";
import { startFacilitator, type DemoFacilitator } from "../../examples/demo/facilitator";
import { PRICE, startSeller, type Seller } from "../../examples/demo/seller";
import { startWorld, type World } from "../../examples/demo/world";
import { z402 } from "./support/cli";

describe("z402 discover finds the demo seller through a facilitator's catalog and the registry", function () {
  this.timeout(120_000);
  let world: World;
  let facilitator: DemoFacilitator;
  let seller: Seller;
  let buyer: Buyer;
  let agentId: string;
  let deploymentFile: string;
  const cli = (args: string[]) => z402([...args, "--rpc", world.chain.url, "--deployment", deploymentFile]);

  before(async function () {
    world = await startWorld(hre, 10_000_000n);
    const d = world.deployment;
    const chainId = BigInt(world.chain.chainId);
    const token = String(world.token.target);
    facilitator = await startFacilitator({
      chainId,
      escrow: d.escrow!,
      collector: d.collector!,
      signer: devAccounts(4)[3].connect(world.provider),
    });
    const payTo = await predictAccount(d.factory!, world.sellerOwner, SELLER_SALT);
    seller = await startSeller({
      chainId,
      escrow: d.escrow!,
      collector: d.collector!,
      token: { address: token, name: "USDC", version: "2" },
      payTo,
      relayer: world.sellerOwner,
      authorizer: world.sellerOwner,
      card: (url) => sellerCard({ url, chainId: world.chain.chainId, token, payTo }),
      facilitator: facilitator.url,
    });
    agentId = (await createAgent(d.factory!, world.sellerOwner, SELLER_SALT, seller.card)).agentId.toString();
    const dir = mkdtempSync(path.join(os.tmpdir(), "z402-cli-demo-catalog-"));
    deploymentFile = path.join(dir, `${world.chain.chainId}.json`);
    const contracts = Object.fromEntries(
      Object.entries(d.contracts).map(([name, address]) => [name, { address }]),
    );
    writeFileSync(deploymentFile, JSON.stringify({ chainId: world.chain.chainId, contracts }));
    buyer = createBuyer({
      chainId,
      escrow: d.escrow!,
      collector: d.collector!,
      provider: world.provider,
      payer: world.buyerOwner,
      deposit: PRICE * 100n,
      maxDeposit: PRICE * 200n,
    });
    // The first paid request carries the deposit, which the seller hands to the facilitator.
    await buyer.request(`${seller.url}/summarize`);
    for (let i = 0; i < 40 && (await facilitator.resources()).length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
  });
  after(async function () {
    await seller?.close();
    await facilitator?.close();
    await world?.close();
  });

  it("catalogs POST /summarize with the route's Bazaar declaration after the deposit", async function () {
    const items = await facilitator.resources();
    expect(items.map((r) => r.resource)).to.deep.equal([`${seller.url}/summarize`]);
    const [item] = items;
    expect(item).to.deep.include({
      type: "http",
      description: "Summarize a text",
      serviceName: "Summarizer",
      tags: ["summarization", "text", "nlp"],
    });
    expect(item.accepts.map((a) => [a.scheme, a.amount])).to.deep.equal([["batch-settlement", "1000"]]);
    const ext = item.extensions!.bazaar as DiscoveryExtension;
    expect(validateDiscoveryExtension(ext).valid).to.equal(true);
    expect(ext.info.input).to.deep.include({ type: "http", method: "POST", bodyType: "json" });
    expect(JSON.stringify(ext.schema)).to.include("English text to summarize");
  });

  it("keeps vouchers local: later paid requests do not reach the facilitator", async function () {
    const before = (await facilitator.resources())[0].lastUpdated;
    for (let i = 0; i < 3; i++) await buyer.request(`${seller.url}/summarize`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await facilitator.resources())[0].lastUpdated).to.equal(before);
  });

  it("`z402 discover --facilitator --json` returns the seller agent with its cataloged resource", async function () {
    const r = await cli(["discover", "--skill", "summarize", "--facilitator", facilitator.url, "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as {
      agents: Array<{ agentId: string; resources: string[] }>;
      resources: Array<{ resource: string; agentId: string | null; call: string; price: string }>;
    };
    expect(out.agents.map((x) => [x.agentId, x.resources])).to.deep.equal([
      [agentId, [`${seller.url}/summarize`]],
    ]);
    expect(out.resources.map((x) => [x.resource, x.agentId, x.call, x.price])).to.deep.equal([
      [`${seller.url}/summarize`, agentId, "POST", "1000"],
    ]);
  });

  it("`z402 discover` through the registry alone finds the same seller", async function () {
    const r = await cli(["discover", "--skill", "summarize", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const agents = JSON.parse(r.stdout) as Array<{ agentId: string }>;
    expect(agents.map((x) => x.agentId)).to.deep.equal([agentId]);
  });
});
