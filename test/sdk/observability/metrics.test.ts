import { expect } from "chai";
import { SettlementWorker } from "../../../sdk/settlement";
import { ChainMirror } from "../../../sdk/server";
import { observeMirror, observePaywall, observeWorker } from "../../../sdk/observability";
import {
  deploy,
  freshKey,
  payingFetch,
  startServer,
  type Deployment,
  type TestServer,
} from "../paid-http/support/fixture";
import { b64, openChannel, PRICE, reasonOf } from "../paid-http/support/kit";
import { metricValue, scrape, testObservability } from "./support";

const ROUTE = { route: "/paid/*" };

describe("observability: metrics", function () {
  let d: Deployment;
  before(async () => {
    d = await deploy();
  });

  describe("three paid requests, a bad voucher, then a worker round", function () {
    let server: TestServer;
    const { obs } = testObservability();
    let text: { paid: string; refused: string; claimed: string };
    let refusedReason: string;

    before(async () => {
      server = await startServer(d);
      observePaywall(server.paywall, obs);
      const pay = payingFetch(d);
      for (let i = 0; i < 3; i++) expect((await pay(server.url + "/paid/item")).status).to.equal(200);
      const paid = await scrape(obs);
      const kit = await openChannel(d, server);
      // A voucher for the right amount signed by a key that is not the channel's payerAuthorizer.
      const res = await kit.send("/paid/x", b64(kit.body(await kit.voucher(2n * PRICE, freshKey()))));
      refusedReason = await reasonOf(res);
      const refused = await scrape(obs);
      const worker = new SettlementWorker({
        store: server.store,
        chain: server.chain,
        authorizer: d.authorizer,
      });
      observeWorker(worker, obs);
      await worker.run();
      text = { paid, refused, claimed: await scrape(obs) };
    });
    after(async () => server.close());

    it("counts each paid request as served under its route", function () {
      expect(metricValue(text.paid, "z402_requests_total", { ...ROUTE, outcome: "served" })).to.equal(3);
    });

    it("adds each charge to the charged total, in token base units", function () {
      expect(metricValue(text.paid, "z402_charged_total", ROUTE)).to.equal(3 * Number(PRICE));
    });

    it("counts the first request's deposit as an on-chain action", function () {
      const labels = { action: "deposit", scheme: "batch-settlement" };
      expect(metricValue(text.paid, "z402_onchain_actions_total", labels)).to.equal(1);
    });

    it("times the verification of each paid request and the store commit of each charge", function () {
      const scheme = { scheme: "batch-settlement" };
      expect([
        metricValue(text.paid, "z402_verify_duration_seconds_count", scheme),
        metricValue(text.paid, "z402_store_duration_seconds_count", scheme),
      ]).to.deep.equal([3, 3]);
    });

    it("shows the charged and unclaimed amount as exposure", function () {
      expect(metricValue(text.paid, "z402_unclaimed_exposure")).to.equal(3 * Number(PRICE));
    });

    it("counts a voucher signed by the wrong key once under its reason code", function () {
      expect(refusedReason).to.equal("invalid_batch_settlement_evm_voucher_signature");
      const labels = { ...ROUTE, reason: refusedReason };
      expect(metricValue(text.refused, "z402_refusals_total", labels)).to.equal(1);
    });

    it("adds what the worker claimed to the claimed total", function () {
      // Three requests on the first channel, one (the opening request) on the kit's channel.
      expect(metricValue(text.claimed, "z402_claimed_total")).to.equal(4 * Number(PRICE));
    });

    it("counts the worker's claim batch, its settle and its round", function () {
      expect([
        metricValue(text.claimed, "z402_settlement_batches_total"),
        metricValue(text.claimed, "z402_settlement_settles_total"),
        metricValue(text.claimed, "z402_settlement_rounds_total", { result: "ok" }),
        metricValue(text.claimed, "z402_settlement_failures_total"),
      ]).to.deep.equal([1, 1, 1, 0]);
    });

    it("shows no exposure once everything is claimed", function () {
      expect(metricValue(text.claimed, "z402_unclaimed_exposure")).to.equal(0);
    });
  });

  describe("worker failures", function () {
    it("counts a round that fails as a failure", async () => {
      const { obs } = testObservability();
      const server = await startServer(d);
      try {
        const worker = new SettlementWorker({
          store: server.store,
          chain: server.chain,
          authorizer: d.authorizer,
        });
        observeWorker(worker, obs);
        await server.store.close();
        await worker.run().catch(() => undefined);
        const text = await scrape(obs);
        expect(metricValue(text, "z402_settlement_failures_total")).to.equal(1);
      } finally {
        await server.close().catch(() => undefined);
      }
    });
  });

  describe("mirror lag", function () {
    let server: TestServer;
    before(async () => {
      server = await startServer(d);
    });
    after(async () => server.close());

    it("shows the seconds since the mirror last caught up, under a few polls while it runs", async () => {
      const { obs } = testObservability();
      const mirror = new ChainMirror(server.chain, { pollMs: 50 });
      await mirror.start();
      try {
        observeMirror(mirror, obs);
        await mirror.pollOnce();
        const lag = metricValue(await scrape(obs), "z402_mirror_lag_seconds");
        expect(lag).to.be.within(0, 1);
      } finally {
        await mirror.stop();
      }
    });

    it("shows the last block the mirror read after a poll", async () => {
      const { obs } = testObservability();
      const mirror = new ChainMirror(server.chain, { pollMs: 60_000 });
      await mirror.start();
      try {
        observeMirror(mirror, obs);
        await mirror.pollOnce();
        const block = await d.relayer.provider!.getBlockNumber();
        expect(metricValue(await scrape(obs), "z402_mirror_block")).to.equal(block);
      } finally {
        await mirror.stop();
      }
    });

    it("shows an infinite lag for a stopped mirror", async () => {
      const { obs } = testObservability();
      const mirror = new ChainMirror(server.chain, { pollMs: 60_000 });
      await mirror.start();
      observeMirror(mirror, obs);
      await mirror.stop();
      expect(await scrape(obs)).to.match(/^z402_mirror_lag_seconds \+Inf$/m);
    });
  });
});
