import { expect } from "chai";
import type { PaywallRequest, Ticket } from "../../../sdk/server";
import type { PaywallEvent } from "../../../sdk/observability";
import {
  deploy,
  payingFetch,
  startServer,
  type Deployment,
  type TestServer,
} from "../paid-http/support/fixture";
import { b64, openChannel, PRICE, type Kit } from "../paid-http/support/kit";

describe("observability: the paywall's event hook", function () {
  let d: Deployment;
  let server: TestServer;
  let kit: Kit;
  before(async () => {
    d = await deploy();
    server = await startServer(d);
    kit = await openChannel(d, server);
  });
  after(async () => server.close());

  /** A paid request straight to the paywall core, as an adapter would make it. */
  async function decide(max: bigint) {
    const header = b64(kit.body(await kit.voucher(max)));
    const req: PaywallRequest = {
      method: "GET",
      url: "/paid/core",
      resourceUrl: server.url + "/paid/core",
      header: (name) => (name === "payment-signature" ? header : undefined),
    };
    const outcome = await server.paywall.handle(req);
    if (outcome.type !== "proceed") throw new Error(`expected to proceed, got ${outcome.type}`);
    return outcome.ticket as Ticket;
  }

  it("keeps nothing on a ticket while nobody listens", async () => {
    const ticket = await decide(2n * PRICE);
    await server.paywall.complete(ticket, false);
    expect(ticket.trace).to.equal(undefined);
  });

  it("tells every listener once per request, and nothing after removal", async () => {
    const a: PaywallEvent[] = [];
    const b: PaywallEvent[] = [];
    const offA = server.paywall.on({ request: (e) => a.push(e) });
    const offB = server.paywall.on({ request: (e) => b.push(e) });
    await fetch(server.url + "/paid/x");
    offA();
    await fetch(server.url + "/paid/x");
    offB();
    await fetch(server.url + "/paid/x");
    expect([a.length, b.length]).to.deep.equal([1, 2]);
  });

  it("times a paid request's verification and store commit", async () => {
    const events: PaywallEvent[] = [];
    const off = server.paywall.on({ request: (e) => events.push(e) });
    try {
      const ticket = await decide(2n * PRICE);
      await server.paywall.complete(ticket, true);
      const [e] = events;
      expect([e.outcome, e.charged, e.channelId, typeof e.verifyMs, typeof e.storeMs]).to.deep.equal([
        "served",
        PRICE,
        kit.channelId.toLowerCase(),
        "number",
        "number",
      ]);
    } finally {
      off();
    }
  });

  it("reports a failed handler as an error that charged nothing", async () => {
    const events: PaywallEvent[] = [];
    const off = server.paywall.on({ request: (e) => events.push(e) });
    try {
      expect((await payingFetch(d)(server.url + "/paid/fail")).status).to.equal(500);
      const last = events[events.length - 1];
      expect([last.outcome, last.reason, last.charged]).to.deep.equal(["error", "handler_failed", undefined]);
    } finally {
      off();
    }
  });

  it("reports a request no route prices as free", async () => {
    const events: PaywallEvent[] = [];
    const off = server.paywall.on({ request: (e) => events.push(e) });
    try {
      await fetch(server.url + "/open/page");
      expect(events.map((e) => [e.outcome, e.route])).to.deep.equal([["free", ""]]);
    } finally {
      off();
    }
  });

  it("serves a request whose listener throws", async () => {
    const off = server.paywall.on({
      request: () => {
        throw new Error("listener bug");
      },
    });
    try {
      expect((await payingFetch(d)(server.url + "/paid/x")).status).to.equal(200);
    } finally {
      off();
    }
  });
});
