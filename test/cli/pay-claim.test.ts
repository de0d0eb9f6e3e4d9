import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { sellerCard } from "../../examples/demo/agents";
import { startSeller, type Seller } from "../../examples/demo/seller";
import { isOneSentence, z402 } from "./support/cli";
import { startAgentsWorld, type AgentsWorld } from "./support/agents-world";

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("z402 CLI: pay and claim against a paid server", function () {
  let a: AgentsWorld;
  let seller: Seller;
  let clientState: string;
  const cli = (args: string[]) =>
    z402([...args, "--rpc", a.world.chain.url, "--deployment", a.deploymentFile]);
  const payArgs = () => [
    "pay",
    `${seller.url}/summarize`,
    "-X",
    "POST",
    "-d",
    JSON.stringify({ text: "One. Two sentences here. Three is the last sentence of this text." }),
    "--store",
    clientState,
    "--key",
    a.world.buyerOwner.privateKey,
  ];

  before(async function () {
    a = await startAgentsWorld();
    const d = a.world.deployment;
    seller = await startSeller({
      chainId: BigInt(a.world.chain.chainId),
      escrow: d.escrow!,
      collector: d.collector!,
      token: { address: String(a.world.token.target), name: "USDC", version: "2" },
      payTo: a.world.sellerOwner.address,
      relayer: a.world.sellerOwner,
      authorizer: a.world.sellerOwner,
      card: (url) =>
        sellerCard({
          url,
          chainId: a.world.chain.chainId,
          token: String(a.world.token.target),
          payTo: a.world.sellerOwner.address,
        }),
    });
    clientState = path.join(mkdtempSync(path.join(os.tmpdir(), "z402-client-")), "client.json");
  });
  after(async function () {
    await seller?.close();
    await a?.close();
  });

  it("shows the 402 offer, opens a channel with a deposit and shows the receipt", async function () {
    const r = await cli(payArgs());
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/402 offer from http:\/\/127\.0\.0\.1:\d+\/summarize/);
    expect(r.stdout).to.match(/batch-settlement\s+eip155:31337\s+0\.001 USDC/);
    expect(r.stdout).to.match(/Paid\. 200/);
    expect(r.stdout).to.match(/extra\.chargedAmount\s+1000/);
  });

  it("reuses the channel on the next run (the session key is kept in the state file)", async function () {
    const r = await cli([...payArgs(), "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout);
    expect(out.receipt.extra.channelState.chargedCumulativeAmount).to.equal("2000");
  });

  it("claims the served vouchers from the server's store, then has nothing left to claim", async function () {
    const r = await cli([
      "claim",
      "--store",
      seller.storeFile,
      "--key",
      a.world.sellerOwner.privateKey,
      "--json",
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.include({ claimedChannels: 1, claimedAmount: "2000" });
    const again = await cli(["claim", "--store", seller.storeFile, "--key", a.world.sellerOwner.privateKey]);
    expect(again.stdout).to.match(/^Nothing to claim/);
  });

  it("says so in one sentence when the server is down", async function () {
    const port = await closedPort();
    const r = await cli([
      "pay",
      `http://127.0.0.1:${port}/summarize`,
      "--store",
      clientState,
      "--key",
      a.world.buyerOwner.privateKey,
    ]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include(`Cannot reach 127.0.0.1:${port} (connection refused): is it running?`);
    expect(isOneSentence(r.stderr), r.stderr).to.equal(true);
  });

  it("refuses a URL that is not a paid resource", async function () {
    const r = await cli([
      "pay",
      `${seller.url}/free`,
      "--store",
      clientState,
      "--key",
      a.world.buyerOwner.privateKey,
    ]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/answered 404, not 402 Payment Required/);
  });

  it("reports a missing voucher store in one sentence", async function () {
    const r = await cli(["claim", "--store", "/nonexistent.sqlite", "--key", a.world.sellerOwner.privateKey]);
    expect(r.code).to.equal(1);
    expect(r.stderr.trim()).to.equal(
      "z402: No voucher store at /nonexistent.sqlite: pass the server's --store file.",
    );
  });
});
