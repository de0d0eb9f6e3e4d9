import { expect } from "chai";
import { SettlementWorker } from "../../../sdk/settlement";
import { SqliteVoucherStore } from "../../../sdk/store";
import type { PaywallRequest } from "../../../sdk/server";
import { deploy, startServer, type Deployment, type TestServer } from "./support/fixture";
import { b64, openChannel, PRICE } from "./support/kit";

/** Defenses an outside review attacked and found holding (the attacks that broke something are elsewhere). */
describe("review defenses: a reservation taken over after its lock expired", function () {
  let d: Deployment;
  let a: TestServer;
  let b: TestServer;
  const store = new SqliteVoucherStore({ filename: ":memory:" });
  before(async () => {
    d = await deploy();
    a = await startServer(d, { store, instanceId: "a", lockMs: 200 });
    b = await startServer(d, { store, instanceId: "b", lockMs: 200, chain: a.chain });
  });
  after(async () => {
    await a.close();
    await b.close();
    await store.close();
  });

  const request = (header: string): PaywallRequest => ({
    method: "GET",
    url: "/paid/slow",
    resourceUrl: "http://x/paid/slow",
    header: (name) => (name === "payment-signature" ? header : undefined),
  });

  it("gives one 2xx for one voucher when a slow handler outlives its lock and another replica serves it", async () => {
    const kit = await openChannel(d, a);
    const header = b64(
      kit.body(await kit.voucher(2n * PRICE), {
        extensions: { "payment-identifier": { info: { id: "slow-handler-0001" } } },
      }),
    );
    const onA = await a.paywall.handle(request(header));
    expect(onA.type).to.equal("proceed");
    await new Promise((r) => setTimeout(r, 300)); // A's handler is still running; its store lock expired
    const onB = await b.paywall.handle(request(header));
    expect(onB.type).to.equal("proceed"); // the handler runs a second time (documented: lockMs must exceed handlers)
    if (onA.type !== "proceed" || onB.type !== "proceed") return;
    const doneB = await b.paywall.complete(onB.ticket, true);
    const doneA = await a.paywall.complete(onA.ticket, true);
    expect([doneB.type, doneA.type]).to.deep.equal(["headers", "respond"]);
    if (doneA.type === "respond") expect(doneA.answer.status).to.equal(409);
    expect((await store.get(kit.channelId))!.charged).to.equal(2n * PRICE);
  });
});

/** A 65-byte signature with v rewritten from 27/28 to 0/1: the same (r, s), a parity the escrow's ecrecover refuses. */
const zeroBasedV = (sig: string) => {
  const v = parseInt(sig.slice(-2), 16);
  return sig.slice(0, -2) + (v - 27).toString(16).padStart(2, "0");
};

describe("review defenses: voucher signatures the escrow would refuse", function () {
  let d: Deployment;
  let server: TestServer;
  before(async () => {
    d = await deploy();
    server = await startServer(d);
  });
  after(async () => server.close());

  it("refuses a voucher whose v is 0/1: the escrow refuses that parity, so it could never be claimed", async () => {
    const kit = await openChannel(d, server);
    const v = await kit.voucher(2n * PRICE);
    const res = await kit.send("/paid/a", b64(kit.body({ ...v, signature: zeroBasedV(v.signature) })));
    // Served means the receiver holds a voucher the chain cannot honour.
    if (res.status === 200) {
      const worker = new SettlementWorker({
        store: server.store,
        chain: server.chain,
        authorizer: d.authorizer,
        settle: false,
      });
      const report = await worker.run();
      expect(report.quarantined, "served voucher was quarantined by the chain").to.deep.equal([]);
    }
    expect(res.status).to.equal(402);
  });
});
