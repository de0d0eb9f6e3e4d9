import { expect } from "chai";
import type { ChainMirror } from "../../../sdk/server";
import { deploy, startServer, type Deployment, type TestServer } from "./support/fixture";
import { b64, openChannel, PRICE, reasonOf } from "./support/kit";
import { redisAvailable } from "./support/redis-server";
import { startReplicaPair, type ReplicaPair } from "./support/replicas";

/**
 * Replica safety (issue "Money path", item 5): a refund one instance makes lowers a cap in the shared channel
 * record before its transaction, so another instance whose chain view predates the refund serves nothing past it.
 */
describe("paywall replicas: a refund on one instance caps the others at once", function () {
  let d: Deployment;
  let pair: ReplicaPair | undefined;
  let a: TestServer;
  let b: TestServer;
  let staleMirror: ChainMirror;

  before(async function () {
    if (!redisAvailable()) {
      console.log("    skipped: redis-server binary not found");
      this.skip();
    }
    d = await deploy();
    pair = await startReplicaPair(d, "caps", { authorizer: d.authorizer });
    ({ a, b, lagging: staleMirror } = pair);
  });
  after(async () => pair?.close());

  /** A channel of 10 × PRICE opened on A and known to B's mirror, then refunded on A by `amount` (all: undefined). */
  async function refundedOnA(amount?: bigint) {
    const kit = await openChannel(d, a, 10n * PRICE);
    await staleMirror.channel(kit.channelId); // B has seen the funded channel
    const res = await kit.send("/paid/refund", b64(kit.refundBody(await kit.voucher(PRICE), amount)));
    expect(res.status).to.equal(200);
    return kit;
  }

  it("refuses on B a voucher past a full refund made on A", async () => {
    const kit = await refundedOnA();
    const res = await fetch(b.url + "/paid/x", {
      headers: { "payment-signature": b64(kit.body(await kit.voucher(2n * PRICE))) },
    });
    expect([res.status, await reasonOf(res)]).to.deep.equal([
      402,
      "invalid_batch_settlement_evm_cumulative_exceeds_balance",
    ]);
  });

  it("serves on B up to the balance a partial refund on A left", async () => {
    const kit = await refundedOnA(5n * PRICE); // leaves 5 × PRICE, 1 × PRICE of it charged
    const res = await fetch(b.url + "/paid/x", {
      headers: { "payment-signature": b64(kit.body(await kit.voucher(2n * PRICE))) },
    });
    expect(res.status).to.equal(200);
  });

  it("refuses on B a voucher past what a partial refund on A left", async () => {
    const kit = await refundedOnA(5n * PRICE);
    let status = 200;
    for (let n = 2n; status === 200 && n <= 10n; n++) {
      const res = await fetch(b.url + "/paid/x", {
        headers: { "payment-signature": b64(kit.body(await kit.voucher(n * PRICE))) },
      });
      status = res.status;
      if (status !== 200)
        expect([n, await reasonOf(res)]).to.deep.equal([
          6n,
          "invalid_batch_settlement_evm_cumulative_exceeds_balance",
        ]);
    }
    expect(status).to.equal(402);
  });

  it("keeps the store's charge within the balance left on chain", async () => {
    const kit = await refundedOnA(5n * PRICE);
    for (let n = 2n; n <= 10n; n++) {
      await fetch(b.url + "/paid/x", {
        headers: { "payment-signature": b64(kit.body(await kit.voucher(n * PRICE))) },
      });
    }
    const onChain = await a.chain.readChannel(kit.channelId);
    expect((await b.store.get(kit.channelId))!.charged <= onChain.balance).to.equal(true);
  });

  it("lifts the cap once B's chain view has the refund", async () => {
    const kit = await refundedOnA(5n * PRICE);
    await staleMirror.refresh(kit.channelId);
    const record = (await b.store.get(kit.channelId))!;
    const view = await staleMirror.channel(kit.channelId);
    expect(view.refundNonce >= record.capNonce).to.equal(true);
  });
});

/**
 * Servers of one receiver with separate stores (issue "Money path", item 11): each must have its own
 * receiverAuthorizer. The channel config commits to it, so a voucher for one server's channel is refused by the
 * other and one payment can never be served by both.
 */
describe("paywall servers of one receiver with separate stores", function () {
  let d: Deployment;
  let first: TestServer;
  let second: TestServer;
  before(async () => {
    d = await deploy();
    first = await startServer(d);
    second = await startServer(d, { receiverAuthorizer: "0x" + "5e".repeat(20) });
  });
  after(async () => {
    await first.close();
    await second.close();
  });

  it("refuses on the second server a voucher for a channel the first serves", async () => {
    const kit = await openChannel(d, first);
    const header = b64(kit.body(await kit.voucher(2n * PRICE)));
    const res = await fetch(second.url + "/paid/x", { headers: { "payment-signature": header } });
    expect([res.status, await reasonOf(res)]).to.deep.equal([
      402,
      "invalid_batch_settlement_evm_receiver_authorizer_mismatch",
    ]);
  });

  it("serves the voucher once, on the server whose channel it is", async () => {
    const kit = await openChannel(d, first);
    const header = b64(kit.body(await kit.voucher(2n * PRICE)));
    const statuses = [];
    for (const s of [second, first, second]) {
      statuses.push((await fetch(s.url + "/paid/x", { headers: { "payment-signature": header } })).status);
    }
    expect(statuses).to.deep.equal([402, 200, 402]);
  });
});
