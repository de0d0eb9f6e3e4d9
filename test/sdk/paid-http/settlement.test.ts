import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { SettlementWorker } from "../../../sdk/settlement";
import type { EscrowChain } from "../../../sdk/server";
import { SqliteVoucherStore } from "../../../sdk/store";
import {
  channelConfigFor,
  freshKey,
  deploy,
  payingFetch,
  PRICE,
  startServer,
  WITHDRAW_DELAY,
  type Deployment,
  type TestServer,
} from "./support/fixture";

/** Counts the claim transactions a chain sends; optionally fails the first `failFirst` of them. */
function countingChain(chain: EscrowChain, failFirst = 0) {
  const counts = { claims: 0, failures: 0 };
  const wrapped: EscrowChain = Object.create(chain);
  wrapped.claimWithSignature = async (rows, sig) => {
    if (counts.failures < failFirst) {
      counts.failures++;
      throw new Error("rpc down");
    }
    counts.claims++;
    return chain.claimWithSignature(rows, sig);
  };
  return { wrapped, counts };
}

describe("settlement worker", function () {
  let d: Deployment;
  let server: TestServer;
  beforeEach(async () => {
    d = await deploy();
    server = await startServer(d, {
      store: new SqliteVoucherStore({ filename: ":memory:", synchronous: "NORMAL" }),
      handler: (path) => ({
        status: 200,
        body: "ok",
        charge: path.startsWith("/dynamic") ? 600n : undefined,
      }),
    });
  });
  afterEach(async () => server.close());

  it("claims 1,000 served requests in one batch and settles exactly the sum of charges", async function () {
    // A receiver of its own: workers of other suites share the escrow and may settle to the common one meanwhile.
    const own = { ...d, receiver: freshKey().address };
    const ownServer = await startServer(own, {
      store: new SqliteVoucherStore({ filename: ":memory:", synchronous: "NORMAL" }),
      handler: (path) => ({
        status: 200,
        body: "ok",
        charge: path.startsWith("/dynamic") ? 600n : undefined,
      }),
    });
    try {
      const receiverBefore = await d.token.balanceOf(own.receiver);
      const pay = payingFetch(d);
      let expected = 0n;
      for (let i = 0; i < 1000; i++) {
        const dynamic = i % 4 === 0;
        const res = await pay(ownServer.url + (dynamic ? "/dynamic" : "/paid/item"));
        expect(res.status).to.equal(200);
        expected += dynamic ? 600n : PRICE;
      }
      const worker = new SettlementWorker({
        store: ownServer.store,
        chain: ownServer.chain,
        authorizer: d.authorizer,
      });
      const report = await worker.run();
      expect(report.claimedAmount).to.equal(expected);
      expect((await d.token.balanceOf(own.receiver)) - receiverBefore).to.equal(expected);
    } finally {
      await ownServer.close();
    }
  });

  it("lets the payer recover the rest by refund and by timed withdrawal", async function () {
    const session = freshKey();
    const payerAddress = await d.payer.getAddress();
    const before = await d.token.balanceOf(payerAddress);
    const pay = payingFetch(d, { sessionKey: session });
    for (let i = 0; i < 5; i++) await pay(server.url + "/paid/a");
    await new SettlementWorker({ store: server.store, chain: server.chain, authorizer: d.authorizer }).run();
    const escrow = await ethers.getContractAt("Z402Escrow", d.escrow);
    const config = channelConfigFor(d, payerAddress, session.address);
    const receiverSigner = await ethers.getSigner(d.receiver);
    await escrow.connect(receiverSigner).refund(config, 40_000n);
    await escrow.connect(d.payer).initiateWithdraw(config, 100_000n - 5n * PRICE - 40_000n);
    await time.increase(WITHDRAW_DELAY);
    await escrow.connect(d.payer).finalizeWithdraw(config);
    expect(before - (await d.token.balanceOf(payerAddress))).to.equal(5n * PRICE);
  });

  it("claims at once when it sees WithdrawInitiated", async function () {
    const session = freshKey();
    const pay = payingFetch(d, { sessionKey: session });
    for (let i = 0; i < 3; i++) await pay(server.url + "/paid/a");
    const worker = new SettlementWorker({
      store: server.store,
      chain: server.chain,
      authorizer: d.authorizer,
      mirror: server.mirror,
      settle: false,
    });
    const escrow = await ethers.getContractAt("Z402Escrow", d.escrow);
    const config = channelConfigFor(d, await d.payer.getAddress(), session.address);
    const id = await escrow.getChannelId(config);
    await escrow.connect(d.payer).initiateWithdraw(config, 1_000n);
    await server.mirror.pollOnce();
    await worker.run(); // joins the round the withdrawal started
    expect((await escrow.channels(id)).totalClaimed).to.equal(3n * PRICE);
  });

  it("claims on its own once the unclaimed total crosses the risk threshold", async function () {
    const pay = payingFetch(d);
    const worker = new SettlementWorker({
      store: server.store,
      chain: server.chain,
      authorizer: d.authorizer,
      riskThreshold: 3n * PRICE,
      riskCheckMs: 20,
      intervalMs: 3_600_000,
      settle: false,
    });
    await worker.run();
    worker.start();
    for (let i = 0; i < 3; i++) await pay(server.url + "/paid/a");
    for (let i = 0; i < 100 && (await worker.exposure()) > 0n; i++)
      await new Promise((r) => setTimeout(r, 20));
    await worker.stop();
    expect(await worker.exposure()).to.equal(0n);
  });

  it("retries a failed claim transaction", async function () {
    const pay = payingFetch(d);
    await pay(server.url + "/paid/a");
    const { wrapped, counts } = countingChain(server.chain, 1);
    const worker = new SettlementWorker({
      store: server.store,
      chain: wrapped,
      authorizer: d.authorizer,
      retryMs: 1,
    });
    await worker.run();
    expect(counts).to.deep.equal({ claims: 1, failures: 1 });
  });

  it("never claims twice: after a crash between the claim and the store update it only records the claim", async function () {
    const pay = payingFetch(d);
    await pay(server.url + "/paid/a");
    const [owed] = await server.store.listOwed();
    await new SettlementWorker({ store: server.store, chain: server.chain, authorizer: d.authorizer }).run();
    // The crash: the claim was mined but the store never learned it.
    const rec = (await server.store.get(owed.channelId))!;
    await server.store.compareAndSet({ ...rec, claimed: 0n }, rec.version);
    const { wrapped, counts } = countingChain(server.chain);
    const restarted = new SettlementWorker({ store: server.store, chain: wrapped, authorizer: d.authorizer });
    await restarted.run();
    expect(counts.claims).to.equal(0);
    expect(await restarted.exposure()).to.equal(0n);
  });
});
