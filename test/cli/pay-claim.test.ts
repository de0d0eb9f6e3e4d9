import { expect } from "chai";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
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

const TEXT = JSON.stringify({ text: "One. Two sentences here. Three is the last sentence of this text." });

describe("z402 CLI: pay and claim against a paid server", function () {
  let a: AgentsWorld;
  let seller: Seller;
  let clientState: string;
  let settleHint: string;
  const cli = (args: string[], env: Record<string, string> = {}, cwd?: string) =>
    z402([...args, "--rpc", a.world.chain.url, "--deployment", a.deploymentFile], env, 60_000, cwd);
  const payArgs = (body = TEXT, key = a.world.buyerOwner.privateKey) => [
    "pay",
    `${seller.url}/summarize`,
    "-X",
    "POST",
    "-d",
    body,
    "--store",
    clientState,
    "--key",
    key,
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

  it("shows the 402 offer, opens a channel with a deposit and prints what was charged and deposited", async function () {
    const r = await cli(payArgs());
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/402 offer from http:\/\/127\.0\.0\.1:\d+\/summarize/);
    expect(r.stdout).to.match(/batch-settlement\s+eip155:31337\s+0\.001 USDC/);
    expect(r.stdout).to.match(/^Paid 0\.001 USDC \(a batch-settlement voucher; .*\)\. 200 OK$/m);
    expect(r.stdout).to.match(/^Deposited 0\.1 USDC into channel 0x[0-9a-f]{64} \(on chain\)\.$/m);
  });

  it("reuses the channel on the next run (the session key is kept in the state file)", async function () {
    const r = await cli([...payArgs(), "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout);
    expect(out.receipt.extra.channelState.chargedCumulativeAmount).to.equal("2000");
    expect(out).to.include({ charged: "1000", deposited: "0" });
  });

  it("prints the receipt's amounts in token units and leaves out its blank fields", async function () {
    const r = await cli(payArgs());
    expect(r.code, r.stderr).to.equal(0);
    const receipt = r.stdout.slice(r.stdout.indexOf("Receipt (PAYMENT-RESPONSE):"));
    expect(receipt).to.match(/extra\.chargedAmount\s+0\.001 USDC/);
    expect(receipt).to.match(/extra\.channelState\.chargedCumulativeAmount\s+0\.003 USDC/);
    expect(receipt).not.to.match(/^(transaction|amount)\b/m);
    expect(receipt).not.to.match(/^\S+\s*$/m); // no key without a value
  });

  it("exits 1 on a non-2xx answer, says nothing was charged and never prints Paid", async function () {
    const r = await cli(payArgs("{}"));
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(
      /The server answered 400 Bad Request \(.*\) and charged nothing: check the request/,
    );
    expect(isOneSentence(r.stderr), r.stderr).to.equal(true);
    expect(r.stdout).not.to.match(/Paid/);
    expect(r.stdout).to.match(/^Not charged \(no PAYMENT-RESPONSE\)\. 400 Bad Request$/m);
  });

  it("claims the served vouchers and names the exact settle command for their receiver", async function () {
    const r = await cli(["claim", "--store", seller.storeFile, "--key", a.world.sellerOwner.privateKey]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/claimed\s+0\.003 USDC/);
    const hint =
      /next\s+(z402 settle --receiver (0x[0-9a-fA-F]{40}))(?: \(moves 0\.003 USDC to the receiver\))/.exec(
        r.stdout,
      );
    expect(hint, r.stdout).to.not.equal(null);
    expect(hint![2]).to.equal(a.world.sellerOwner.address);
    settleHint = hint![1];
  });

  it("has nothing left to claim on a second run", async function () {
    const again = await cli(["claim", "--store", seller.storeFile, "--key", a.world.sellerOwner.privateKey]);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.match(/^Nothing to claim/);
  });

  it("pays out what was claimed with the settle command claim named", async function () {
    const before = (await a.world.token.balanceOf(a.world.sellerOwner.address)) as bigint;
    const r = await cli([...settleHint.split(" ").slice(1), "--key", a.world.sellerOwner.privateKey]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/settled\s+0\.003 USDC to 0x/);
    expect((await a.world.token.balanceOf(a.world.sellerOwner.address)) - before).to.equal(3000n);
  });

  it("ranks an agent with paid reputation above a cheaper unrated one", async function () {
    const rated = await cli([
      "feedback",
      a.sellerId.toString(),
      "--score",
      "95",
      "--tag",
      "summarize",
      "--key",
      a.world.buyerOwner.privateKey,
    ]);
    expect(rated.code, rated.stderr).to.equal(0);
    const cheap = await cli([
      "agent", "create", "--name", "Cheap summarizer", "--skill", "summarize", "--price", "0.0005",
      "--url", "http://127.0.0.1:4998", "--key", a.world.deployer.privateKey,
    ]); // prettier-ignore
    expect(cheap.code, cheap.stderr).to.equal(0);
    const r = await cli(["discover", "--skill", "summarize"]);
    expect(r.code, r.stderr).to.equal(0);
    const rows = r.stdout.split("\n").slice(2);
    expect(rows[0]).to.match(/Summarizer\s+0\.001 USDC\s+95\.0 \(1 paying\)\s+65\.0/);
    expect(rows[1]).to.match(/Cheap summarizer\s+0\.0005 USDC\s+-\s+50\.0/);
  });

  it("puts each agent's paid reputation and ranking score in --json", async function () {
    const r = await cli(["discover", "--skill", "summarize", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const [first, second] = JSON.parse(r.stdout);
    expect(first).to.deep.include({ rank: 1, agentId: a.sellerId.toString(), score: 65 });
    expect(first.reputation).to.deep.include({
      score: 95,
      paidClients: 1,
      feedbackCount: 1,
      totalPaid: "3000",
    });
    expect(second).to.deep.include({ rank: 2, score: 50 });
    expect(second.reputation).to.deep.include({ score: null, paidClients: 0 });
  });

  it("refund --store claims the channel's served vouchers first, then refunds the rest", async function () {
    const paid = await cli([...payArgs(), "--json"]);
    expect(paid.code, paid.stderr).to.equal(0);
    const { channelId } = JSON.parse(paid.stdout) as { channelId: string };
    const r = await cli([
      "refund",
      channelId,
      "--store",
      seller.storeFile,
      "--key",
      a.world.sellerOwner.privateKey,
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/claimed first\s+0\.001 USDC of served vouchers/);
    expect(r.stdout).to.match(/refunded\s+0\.096 USDC to the payer/);
    expect(r.stdout).to.match(/left\s+0 USDC unclaimed/);
  });

  it("refuses an offer on another network before signing, naming the --network to pass", async function () {
    const r = await cli([...payArgs(), "--network", "eip155:84532"]);
    expect(r.code).to.equal(1);
    expect(r.stderr.trim()).to.equal(
      "z402: The server asks to be paid on eip155:31337, but the CLI is on base-sepolia (eip155:84532): pass --network local.",
    );
  });

  it("refuses before signing when the payer holds too little USDC for the deposit", async function () {
    const broke = Wallet.createRandom();
    const r = await cli(payArgs(TEXT, broke.privateKey));
    expect(r.code).to.equal(1);
    expect(r.stderr.trim()).to.equal(
      `z402: The payer ${broke.address} holds 0 USDC on local, less than the 0.1 USDC deposit this payment needs: send it USDC or pass a smaller --deposit (at least 0.001).`,
    );
  });

  it("says so in one sentence when the server is down, and that nothing was paid", async function () {
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
    expect(r.stderr.trim()).to.equal(
      `z402: Cannot reach the server at 127.0.0.1:${port} (connection refused), so nothing was paid: is it running?`,
    );
  });

  it("refuses a URL that is not a paid resource, in a sentence that starts with a word", async function () {
    const r = await cli([
      "pay",
      `${seller.url}/free`,
      "--store",
      clientState,
      "--key",
      a.world.buyerOwner.privateKey,
    ]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(
      /^z402: The server at http:\/\/127\.0\.0\.1:\d+\/free answered 404 Not Found, not 402 Payment Required/,
    );
    expect(isOneSentence(r.stderr), r.stderr).to.equal(true);
  });

  it("keeps the session key in the user's config folder (0600), not in the working directory", async function () {
    const config = mkdtempSync(path.join(os.tmpdir(), "z402-xdg-"));
    const work = mkdtempSync(path.join(os.tmpdir(), "z402-work-"));
    const args = payArgs().filter((_, i, all) => all[i] !== "--store" && all[i - 1] !== "--store");
    const r = await cli(args, { XDG_CONFIG_HOME: config }, work);
    expect(r.code, r.stderr).to.equal(0);
    const file = path.join(config, "z402", "client.json");
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).to.equal(0o700);
    expect(existsSync(path.join(work, ".z402"))).to.equal(false);
  });

  it("reports a missing voucher store in one sentence", async function () {
    const r = await cli(["claim", "--store", "/nonexistent.sqlite", "--key", a.world.sellerOwner.privateKey]);
    expect(r.code).to.equal(1);
    expect(r.stderr.trim()).to.equal(
      "z402: No voucher store at /nonexistent.sqlite: pass the server's --store file.",
    );
  });
});
