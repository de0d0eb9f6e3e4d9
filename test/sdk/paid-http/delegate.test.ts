import { expect } from "chai";
import { ethers } from "hardhat";
import { VoidSigner } from "ethers";
import { ChainMirror, EthersEscrowChain } from "../../../sdk/server";
import { decodeJson } from "../../../sdk/client/wire";
import { facilitatorSubmitter, SettlementWorker } from "../../../sdk/settlement";
import {
  deploy,
  freshKey,
  payingFetch,
  startServer,
  type Deployment,
  type TestServer,
} from "./support/fixture";
import { startFacilitator, type CountingFacilitator } from "./support/facilitator";
import { reasonOf } from "./support/kit";

/** A mirror that records the channels it reads from chain (it never polls: events cannot hide a read). */
class RecordingMirror extends ChainMirror {
  reads: string[] = [];
  override refresh(channelId: string) {
    this.reads.push(channelId);
    return super.refresh(channelId);
  }
}

const transactionOf = (res: Response) =>
  (decodeJson(res.headers.get("payment-response")!) as { transaction: string }).transaction;

describe("paywall: delegating settlement to a facilitator", function () {
  let d: Deployment;
  let facilitator: CountingFacilitator;
  let server: TestServer;
  let mirror: RecordingMirror;
  /** The paywall's chain can read but not send: every transaction must come from the facilitator. */
  let readOnly: EthersEscrowChain;

  before(async () => {
    d = await deploy();
    facilitator = await startFacilitator(d);
    readOnly = new EthersEscrowChain(
      d.chainId,
      d.escrow,
      new VoidSigner(await d.relayer.getAddress(), ethers.provider),
    );
    mirror = new RecordingMirror(readOnly, { pollMs: 3_600_000 });
    await mirror.start();
    server = await startServer(d, { chain: readOnly, mirror, facilitator: facilitator.url });
  });
  after(async () => {
    await server.close();
    await mirror.stop();
    await facilitator.close();
  });
  beforeEach(() => {
    facilitator.calls.length = 0;
    mirror.reads.length = 0;
  });

  describe("exact", function () {
    it("calls the facilitator's /verify then /settle before answering", async () => {
      const res = await payingFetch(d, { exactOnly: true })(server.url + "/paid/a");
      expect([res.status, facilitator.calls]).to.deep.equal([200, ["/verify", "/settle"]]);
    });

    it("answers with the facilitator's transaction in PAYMENT-RESPONSE", async () => {
      const res = await payingFetch(d, { exactOnly: true })(server.url + "/paid/a");
      const tx = await ethers.provider.getTransaction(transactionOf(res));
      expect(tx!.from).to.equal(facilitator.address);
    });

    it("answers 402 with the facilitator's reason when it refuses the payment", async () => {
      const res = await payingFetch(d, { exactOnly: true, payer: freshKey() })(server.url + "/paid/a");
      expect([res.status, await reasonOf(res)]).to.deep.equal([
        402,
        "invalid_exact_evm_insufficient_balance",
      ]);
    });
  });

  describe("batch-settlement", function () {
    it("lands a deposit through the facilitator's /verify then /settle", async () => {
      const res = await payingFetch(d)(server.url + "/paid/a");
      expect([res.status, facilitator.calls]).to.deep.equal([200, ["/verify", "/settle"]]);
    });

    it("adopts the channel snapshot of the facilitator's answer without reading the chain", async () => {
      const res = await payingFetch(d)(server.url + "/paid/a");
      expect([res.status, mirror.reads]).to.deep.equal([200, []]);
    });

    it("makes no facilitator call per voucher request", async () => {
      const pay = payingFetch(d);
      await pay(server.url + "/paid/a"); // opens the channel: one /verify, one /settle
      facilitator.calls.length = 0;
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await pay(server.url + "/paid/a")).status);
      expect([statuses.every((s) => s === 200), facilitator.calls]).to.deep.equal([true, []]);
    });

    it("answers 402 with the facilitator's reason when it refuses the deposit", async () => {
      const res = await payingFetch(d, { payer: freshKey() })(server.url + "/paid/a");
      expect([res.status, await reasonOf(res)]).to.deep.equal([
        402,
        "invalid_batch_settlement_evm_insufficient_balance",
      ]);
    });
  });

  describe("facilitator given as a URL with headers", function () {
    it("sends the headers with /verify and /settle", async () => {
      const keyed = await startServer(d, {
        chain: readOnly,
        facilitator: { url: facilitator.url, headers: { authorization: "Bearer test-key" } },
      });
      facilitator.authorizations.length = 0;
      await payingFetch(d, { exactOnly: true })(keyed.url + "/paid/a");
      await keyed.close();
      expect(facilitator.authorizations).to.deep.equal(["Bearer test-key", "Bearer test-key"]);
    });
  });

  describe("settlement worker", function () {
    it("claims and settles through the facilitator's /settle with server-authored payloads", async () => {
      const pay = payingFetch(d);
      for (let i = 0; i < 3; i++) await pay(server.url + "/paid/a");
      facilitator.calls.length = 0;
      const worker = new SettlementWorker({
        store: server.store,
        chain: readOnly,
        authorizer: d.authorizer,
        submit: facilitatorSubmitter(facilitator.url, `eip155:${d.chainId}`),
      });
      const report = await worker.run();
      const senders = await Promise.all(
        report.transactions.map(async (h) => (await ethers.provider.getTransaction(h))!.from),
      );
      expect([
        report.claimedChannels > 0,
        senders.every((s) => s === facilitator.address),
        facilitator.calls.every((c) => c === "/settle"),
      ]).to.deep.equal([true, true, true]);
    });
  });

  describe("facilitator down", function () {
    let down: TestServer;
    before(async () => {
      // Nothing listens on port 1: every facilitator call is refused at connect.
      down = await startServer(d, { chain: readOnly, facilitator: "http://127.0.0.1:1" });
    });
    after(async () => {
      await down.close();
    });

    it("answers 503 z402_facilitator_unavailable to an exact payment", async () => {
      const res = await payingFetch(d, { exactOnly: true })(down.url + "/paid/a");
      expect([res.status, await reasonOf(res)]).to.deep.equal([503, "z402_facilitator_unavailable"]);
    });

    it("answers 503 z402_facilitator_unavailable to a deposit", async () => {
      const res = await payingFetch(d)(down.url + "/paid/a");
      expect([res.status, await reasonOf(res)]).to.deep.equal([503, "z402_facilitator_unavailable"]);
    });
  });
});
