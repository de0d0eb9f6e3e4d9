import { expect } from "chai";
import { Wallet } from "ethers";
import hre from "hardhat";
import { isOneSentence, z402, z402Service } from "./support/cli";
import { startEscrowWorld, type EscrowWorld } from "./support/escrow-world";

describe("z402 CLI: escrow commands against a local chain", function () {
  let w: EscrowWorld;
  const cli = (args: string[]) => z402([...args, "--rpc", w.chain.url, "--deployment", w.deploymentFile]);

  before(async function () {
    w = await startEscrowWorld();
  });
  after(async function () {
    await w?.close();
  });

  it("lists the payer's channel as JSON", async function () {
    const r = await cli(["channels", "--address", w.payer.address, "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const rows = JSON.parse(r.stdout);
    expect(rows).to.have.length(1);
    expect(rows[0].channelId).to.equal(w.channelId);
    expect(rows[0].balance).to.equal("5000000");
  });

  it("shows the channel in a table, seen from the receiver", async function () {
    const r = await cli(["channels", "--key", w.receiver.privateKey]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/channel\s+role\s+counterparty\s+balance/);
    expect(r.stdout).to.match(/receiver .* 5 USDC/);
  });

  it("says so when an address has no channels", async function () {
    const r = await cli(["channels", "--address", w.stranger.address]);
    expect(r.stdout).to.match(/^No channels for 0x/);
  });

  it("refuses a refund from someone who is not the receiver, in one sentence", async function () {
    const r = await cli(["refund", w.channelId, "--key", w.stranger.privateKey]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/Only the channel's receiver or receiverAuthorizer can do this\./);
    expect(isOneSentence(r.stderr), r.stderr).to.equal(true);
  });

  it("refuses to withdraw more than the unclaimed balance, in one sentence", async function () {
    const r = await cli(["withdraw", w.channelId, "--amount", "9", "--key", w.payer.privateKey]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/more than the channel's unclaimed balance/);
    expect(isOneSentence(r.stderr), r.stderr).to.equal(true);
  });

  it("refunds part of the channel as the receiver", async function () {
    const r = await cli(["refund", w.channelId, "--amount", "1", "--key", w.receiver.privateKey, "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).amount).to.equal("1000000");
    expect((await w.escrow.channels(w.channelId))[0]).to.equal(4_000_000n);
  });

  it("starts a withdrawal, refuses to finalize it early, then finalizes after the delay", async function () {
    const start = await cli(["withdraw", w.channelId, "--amount", "1", "--key", w.payer.privateKey]);
    expect(start.code, start.stderr).to.equal(0);
    expect(start.stdout).to.match(/withdrawal started\s+1 USDC/);
    const early = await cli(["withdraw", w.channelId, "--finalize", "--key", w.payer.privateKey]);
    expect(early.code).to.equal(1);
    expect(early.stderr).to.match(/The withdrawal is ready at .*, not yet\./);
    await hre.network.provider.request({ method: "evm_increaseTime", params: [901] });
    await hre.network.provider.request({ method: "evm_mine", params: [] });
    const done = await cli(["withdraw", w.channelId, "--finalize", "--key", w.payer.privateKey]);
    expect(done.code, done.stderr).to.equal(0);
    expect(await w.token.balanceOf(w.payer.address)).to.equal(2_000_000n);
  });

  it("settles what was claimed to the receiver, then has nothing left to settle", async function () {
    await w.claim(1_500_000n);
    const before = await w.token.balanceOf(w.receiver.address);
    const r = await cli([
      "settle",
      "--key",
      w.stranger.privateKey,
      "--receiver",
      w.receiver.address,
      "--json",
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).settled).to.equal("1500000");
    expect((await w.token.balanceOf(w.receiver.address)) - before).to.equal(1_500_000n);
    const again = await cli(["settle", "--key", w.receiver.privateKey]);
    expect(again.stdout).to.match(/Nothing to settle/);
  });

  it("reports a key without ETH for gas as insufficient funds, in one sentence", async function () {
    await w.claim(2_000_000n);
    const broke = Wallet.createRandom();
    const r = await cli(["settle", "--key", broke.privateKey, "--receiver", w.receiver.address]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/Insufficient funds: the account does not hold enough ETH to pay for gas\./);
    expect(isOneSentence(r.stderr), r.stderr).to.equal(true);
  });

  it("names a channel that does not exist", async function () {
    const r = await cli(["refund", `0x${"ab".repeat(32)}`, "--key", w.receiver.privateKey]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/No channel 0xabab.* on this escrow\./);
  });
});

describe("z402 CLI: refund and withdraw print what moved on chain", function () {
  let w: EscrowWorld;
  const cli = (args: string[]) => z402([...args, "--rpc", w.chain.url, "--deployment", w.deploymentFile]);
  const balance = async () => ((await w.escrow.channels(w.channelId)) as [bigint, bigint])[0];
  const pending = async () => (await w.escrow.pendingWithdrawals(w.channelId)) as [bigint, bigint];

  beforeEach(async function () {
    w = await startEscrowWorld(100_000n); // 0.1 USDC
  });
  afterEach(async function () {
    await w?.close();
  });

  it("prints the amount the Refunded event moved, not the larger amount asked for", async function () {
    await w.claim(25_000n);
    const before = await w.token.balanceOf(w.payer.address);
    const r = await cli(["refund", w.channelId, "--amount", "100", "--key", w.receiver.privateKey]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/refunded\s+0\.075 USDC to the payer 0x/);
    expect(r.stdout).to.include("asked for 100 USDC; only 0.075 USDC was unclaimed");
    expect(r.stdout).not.to.match(/refunded\s+100 USDC/);
    expect((await w.token.balanceOf(w.payer.address)) - before).to.equal(75_000n);
  });

  it("refuses to refund everything without --store or --yes, in one sentence, and moves nothing", async function () {
    const r = await cli(["refund", w.channelId, "--key", w.receiver.privateKey]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(
      /gives up the vouchers served on this channel but not claimed yet: pass --store/,
    );
    expect(isOneSentence(r.stderr), r.stderr).to.equal(true);
    expect(await balance()).to.equal(100_000n);
  });

  it("refunds everything with --yes and says served vouchers were given up", async function () {
    const r = await cli(["refund", w.channelId, "--yes", "--key", w.receiver.privateKey]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/refunded\s+0\.1 USDC to the payer/);
    expect(r.stdout).to.match(/given up\s+vouchers served on this channel but not claimed/);
    expect(await balance()).to.equal(0n);
  });

  it("refuses a second withdrawal while one is pending, saying when the first is ready", async function () {
    const first = await cli(["withdraw", w.channelId, "--amount", "0.01", "--key", w.payer.privateKey]);
    expect(first.code, first.stderr).to.equal(0);
    const [amount, startedAt] = await pending();
    await hre.network.provider.request({ method: "evm_increaseTime", params: [300] });
    await hre.network.provider.request({ method: "evm_mine", params: [] });
    const second = await cli(["withdraw", w.channelId, "--key", w.payer.privateKey]);
    expect(second.code).to.equal(1);
    expect(second.stderr).to.match(
      /A withdrawal of 0\.01 USDC is already pending on this channel \(ready at \d{4}-\d\d-\d\dT[\d:.]+Z\): finish it with `z402 withdraw 0x[0-9a-f]{64} --finalize`, or pass --restart/,
    );
    expect(isOneSentence(second.stderr), second.stderr).to.equal(true);
    expect(await pending()).to.deep.equal([amount, startedAt]);
  });

  it("refuses a withdrawal from the receiver while one is pending, naming the payer's key", async function () {
    await cli(["withdraw", w.channelId, "--amount", "0.01", "--key", w.payer.privateKey]);
    const r = await cli(["withdraw", w.channelId, "--key", w.receiver.privateKey]);
    expect(r.code).to.equal(1);
    expect(r.stderr.trim()).to.equal(
      "z402: Only the channel's payer or payerAuthorizer can do this: use the payer's key.",
    );
    expect((await pending())[0]).to.equal(10_000n);
  });

  it("replaces a pending withdrawal with --restart and says its delay started over", async function () {
    await cli(["withdraw", w.channelId, "--amount", "0.01", "--key", w.payer.privateKey]);
    const r = await cli([
      "withdraw",
      w.channelId,
      "--amount",
      "0.02",
      "--restart",
      "--key",
      w.payer.privateKey,
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/withdrawal started\s+0\.02 USDC \(nothing moves until --finalize\)/);
    expect(r.stdout).to.match(/replaced\s+the pending withdrawal of 0\.01 USDC \(its delay started over\)/);
    expect(r.stdout).to.match(/ready at\s+\d{4}-/);
    expect((await pending())[0]).to.equal(20_000n);
  });

  it("prints what the finalized withdrawal moved when claims took part of it meanwhile", async function () {
    await cli(["withdraw", w.channelId, "--amount", "0.05", "--key", w.payer.privateKey]);
    await w.claim(80_000n);
    await hre.network.provider.request({ method: "evm_increaseTime", params: [901] });
    await hre.network.provider.request({ method: "evm_mine", params: [] });
    const r = await cli(["withdraw", w.channelId, "--finalize", "--key", w.payer.privateKey]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/withdrawn\s+0\.02 USDC to the payer 0x[0-9a-fA-F]{40} \(asked for 0\.05 USDC/);
  });
});

describe("z402 CLI: settle finds what is owed", function () {
  let w: EscrowWorld;
  const account = Wallet.createRandom().address; // an agent's AgentAccount: the channel's receiver, not a key

  before(async function () {
    w = await startEscrowWorld(100_000n, account);
  });
  after(async function () {
    await w?.close();
  });

  it("settles to the receiver of the channels the key authorizes, without --receiver", async function () {
    await w.claim(30_000n);
    const r = await z402([
      "settle",
      "--key",
      w.receiver.privateKey,
      "--rpc",
      w.chain.url,
      "--deployment",
      w.deploymentFile,
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(new RegExp(`settled\\s+0\\.03 USDC to ${account}`));
    expect(await w.token.balanceOf(account)).to.equal(30_000n);
  });
});

describe("z402 facilitator", function () {
  let w: EscrowWorld;
  before(async function () {
    w = await startEscrowWorld();
  });
  after(async function () {
    await w?.close();
  });

  it("serves GET /supported for exact and batch-settlement on the chain, and stops on SIGINT", async function () {
    const svc = await z402Service([
      "facilitator",
      "--port",
      "0",
      "--rpc",
      w.chain.url,
      "--deployment",
      w.deploymentFile,
      "--key",
      w.stranger.privateKey,
    ]);
    try {
      const res = await fetch(`${svc.banner.url}/supported`);
      const body = (await res.json()) as { kinds: Array<{ scheme: string; network: string }> };
      const schemes = body.kinds.map((k) => `${k.scheme}@${k.network}`);
      expect(schemes).to.include.members(["exact@eip155:31337", "batch-settlement@eip155:31337"]);
    } finally {
      expect(await svc.stop()).to.equal(0);
    }
  });

  it("refuses a port that is already in use, in one sentence", async function () {
    const net = await import("node:net");
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await z402([
        "facilitator",
        "--port",
        String(port),
        "--rpc",
        w.chain.url,
        "--key",
        w.stranger.privateKey,
      ]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(new RegExp(`Port ${port} on 127.0.0.1 is already in use`));
      expect(isOneSentence(r.stderr), r.stderr).to.equal(true);
    } finally {
      blocker.close();
    }
  });
});
