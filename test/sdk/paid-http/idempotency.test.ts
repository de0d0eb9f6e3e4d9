import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { decodeJson } from "../../../sdk/client/wire";
import { SqliteVoucherStore } from "../../../sdk/store";
import {
  deploy,
  payingFetch,
  startServer,
  type Adapter,
  type Deployment,
  type TestServer,
} from "./support/fixture";
import { b64, openChannel, PRICE, reasonOf, type Kit } from "./support/kit";

/**
 * Attacks on the retry path (issue "Money path", item 1): one header that paid once must never run a handler
 * again. A retry with the same payment identifier on the same request gets the stored answer; anything else is
 * refused, and the stored charge never moves.
 */
const ID = "pay_retry_0123456789abcdef";
const withId = (id = ID) => ({ extensions: { "payment-identifier": { info: { required: false, id } } } });
const PRICEY = 100_000n;

describe("paywall: idempotent retries (payment-identifier)", function () {
  let d: Deployment;
  before(async () => {
    d = await deploy();
  });

  /** A server whose handler counts its runs and answers with the run number. */
  async function countingServer(adapter: Adapter, over: Parameters<typeof startServer>[1] = {}) {
    const runs = { count: 0 };
    const server = await startServer(d, {
      adapter,
      routes: [
        { path: "/paid/*", price: PRICE },
        { path: "/pricey", price: PRICEY },
        { path: "/post-only", methods: ["POST"], price: PRICE },
      ],
      handler: (p) => ({
        status: 200,
        body: p === "/paid/big" ? "x".repeat(200_000) : `run ${++runs.count}`,
      }),
      ...over,
    });
    return { server, runs };
  }

  /** Pays once on `/paid/item` with a payment identifier; returns the header and what the first answer said. */
  async function paidOnce(server: TestServer, kit?: Kit) {
    kit ??= await openChannel(d, server);
    const header = b64(kit.body(await kit.voucher(2n * PRICE), withId()));
    const first = await kit.send("/paid/item", header);
    return { kit, header, first: { status: first.status, body: await first.text() } };
  }

  const chargedIn = async (server: TestServer, kit: Kit) => (await server.store.get(kit.channelId))!.charged;

  for (const adapter of ["hono", "express", "node"] as const) {
    describe(`${adapter} adapter`, function () {
      let server: TestServer;
      let runs: { count: number };
      beforeEach(async () => {
        ({ server, runs } = await countingServer(adapter));
      });
      afterEach(async () => server.close());

      it("answers a retry with the stored answer and does not run the handler again", async () => {
        const { kit, header, first } = await paidOnce(server);
        const before = runs.count;
        const again = await kit.send("/paid/item", header);
        expect([again.status, await again.text(), runs.count]).to.deep.equal([200, first.body, before]);
      });

      it("keeps the stored charge where the first payment put it after many retries", async () => {
        const { kit, header } = await paidOnce(server);
        for (let i = 0; i < 5; i++) await kit.send("/paid/item", header);
        expect(await chargedIn(server, kit)).to.equal(2n * PRICE);
      });

      it("returns the first answer's PAYMENT-RESPONSE with the replay", async () => {
        const { kit, header } = await paidOnce(server);
        const again = await kit.send("/paid/item", header);
        const response = decodeJson(again.headers.get("payment-response")!) as {
          extra: { chargedAmount: string };
        };
        expect(response.extra.chargedAmount).to.equal(PRICE.toString());
      });

      it("refuses the header on another path of the same route with 409", async () => {
        const { kit, header } = await paidOnce(server);
        const before = runs.count;
        const res = await kit.send("/paid/other", header);
        expect([res.status, await reasonOf(res), runs.count]).to.deep.equal([
          409,
          "z402_payment_identifier_conflict",
          before,
        ]);
      });

      it("refuses the header sent as a POST with 409", async () => {
        const { kit, header } = await paidOnce(server);
        const res = await kit.send("/paid/item", header, "payment-signature", "POST");
        expect([res.status, await reasonOf(res)]).to.deep.equal([409, "z402_payment_identifier_conflict"]);
      });

      it("refuses the header on a route with a higher price", async () => {
        const { kit, header } = await paidOnce(server);
        const before = runs.count;
        const res = await kit.send("/pricey", header);
        expect([res.status === 200, runs.count]).to.deep.equal([false, before]);
      });

      it("gives the same voucher under a new identifier a corrective 402", async () => {
        const { kit } = await paidOnce(server);
        const header = b64(kit.body(await kit.voucher(2n * PRICE), withId("pay_other_0123456789abcdef")));
        const res = await kit.send("/paid/item", header);
        expect([res.status, await reasonOf(res)]).to.deep.equal([
          402,
          "invalid_batch_settlement_evm_cumulative_amount_mismatch",
        ]);
      });

      it("gives the same voucher without an identifier a corrective 402", async () => {
        const { kit } = await paidOnce(server);
        const res = await kit.send("/paid/item", b64(kit.body(await kit.voucher(2n * PRICE))));
        expect(res.status).to.equal(402);
      });

      it("refuses the identifier with a different voucher signature as a conflict", async () => {
        const { kit } = await paidOnce(server);
        const forged = b64(kit.body(await kit.voucher(2n * PRICE), { ...withId(), resource: { url: "x" } }));
        const res = await kit.send("/paid/item", forged);
        expect([res.status, await reasonOf(res)]).to.deep.equal([409, "z402_payment_identifier_conflict"]);
      });

      it("refuses a retry whose answer was too large to keep, without running the handler", async () => {
        const kit = await openChannel(d, server);
        const header = b64(kit.body(await kit.voucher(2n * PRICE), withId()));
        const first = await kit.send("/paid/big", header);
        expect([first.status, (await first.text()).length]).to.deep.equal([200, 200_000]);
        const before = runs.count;
        const res = await kit.send("/paid/big", header);
        expect([res.status, await reasonOf(res), runs.count]).to.deep.equal([
          409,
          "z402_payment_identifier_answer_unavailable",
          before,
        ]);
      });
    });
  }

  describe("hono adapter, request bodies", function () {
    let server: TestServer;
    let runs: { count: number };
    before(async () => {
      ({ server, runs } = await countingServer("hono"));
    });
    after(async () => server.close());

    const post = (kit: Kit, header: string, body: string) =>
      fetch(server.url + "/paid/item", { method: "POST", headers: { "payment-signature": header }, body });

    it("answers a retry with the same body from the stored answer", async () => {
      const kit = await openChannel(d, server);
      const header = b64(kit.body(await kit.voucher(2n * PRICE), withId()));
      const first = await (await post(kit, header, '{"q":1}')).text();
      const before = runs.count;
      const again = await post(kit, header, '{"q":1}');
      expect([await again.text(), runs.count]).to.deep.equal([first, before]);
    });

    it("pays a Request object with its method and body, through the 402 and the paid re-send", async () => {
      const pay = payingFetch(d);
      const request = new Request(server.url + "/post-only", { method: "POST", body: '{"q":1}' });
      const res = await pay(request);
      expect([res.status, res.headers.has("payment-response")]).to.deep.equal([200, true]);
    });

    it("refuses a retry with another body with 409", async () => {
      const kit = await openChannel(d, server);
      const header = b64(kit.body(await kit.voucher(2n * PRICE), withId()));
      await post(kit, header, '{"q":1}');
      const res = await post(kit, header, '{"q":2}');
      expect([res.status, await reasonOf(res)]).to.deep.equal([409, "z402_payment_identifier_conflict"]);
    });
  });

  describe("window and restarts", function () {
    it("refuses a retry after the window with 409 and no handler run", async () => {
      const { server, runs } = await countingServer("hono", { idempotency: { windowMs: 0 } });
      try {
        const { kit, header } = await paidOnce(server);
        const before = runs.count;
        const res = await kit.send("/paid/item", header);
        expect([res.status, await reasonOf(res), runs.count]).to.deep.equal([
          409,
          "z402_payment_identifier_answer_unavailable",
          before,
        ]);
      } finally {
        await server.close();
      }
    });

    it("answers a retry from the stored answer after a restart on the same store file", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "z402-idem-"));
      const filename = path.join(dir, "vouchers.db");
      try {
        const store1 = new SqliteVoucherStore({ filename });
        const one = await countingServer("hono", { store: store1 });
        const { kit, header, first } = await paidOnce(one.server);
        await one.server.close();
        await store1.close();
        const store2 = new SqliteVoucherStore({ filename });
        const two = await countingServer("hono", { store: store2 });
        try {
          const again = await fetch(two.server.url + "/paid/item", {
            headers: { "payment-signature": header },
          });
          expect([again.status, await again.text(), two.runs.count]).to.deep.equal([200, first.body, 0]);
          void kit;
        } finally {
          await two.server.close();
          await store2.close();
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("paying fetch", function () {
    /** A fetch that delivers every request but loses the answer of the `nth` paid 200 (1-based) once. */
    function losing(nth: number) {
      const state = { paid: 0, dropped: false };
      const impl = async (input: string | URL | Request, init?: RequestInit) => {
        const res = await fetch(input, init);
        if (
          new Headers(init?.headers).has("payment-signature") &&
          res.status === 200 &&
          ++state.paid === nth
        ) {
          state.dropped = true;
          await res.arrayBuffer();
          throw new TypeError("fetch failed");
        }
        return res;
      };
      return { impl, state };
    }

    const chargedOf = (res: Response) =>
      (
        decodeJson(res.headers.get("payment-response")!) as {
          extra: { channelState: Record<string, string> };
        }
      ).extra.channelState;

    it("gets a voucher request's answer from the stored copy when the first answer is lost", async () => {
      const { server, runs } = await countingServer("hono");
      try {
        const lossy = losing(2);
        const pay = payingFetch(d, {}, lossy.impl);
        await pay(server.url + "/paid/open");
        const res = await pay(server.url + "/paid/item");
        expect([res.status, await res.text(), runs.count, lossy.state.dropped]).to.deep.equal([
          200,
          "run 2",
          2,
          true,
        ]);
      } finally {
        await server.close();
      }
    });

    it("gets a deposit request's answer from the stored copy when the first answer is lost", async () => {
      const { server, runs } = await countingServer("hono");
      try {
        const lossy = losing(1);
        const pay = payingFetch(d, {}, lossy.impl);
        const res = await pay(server.url + "/paid/open");
        expect([res.status, await res.text(), runs.count]).to.deep.equal([200, "run 1", 1]);
      } finally {
        await server.close();
      }
    });

    it("is charged once for a request whose first answer was lost", async () => {
      const { server } = await countingServer("hono");
      try {
        const pay = payingFetch(d, {}, losing(2).impl);
        await pay(server.url + "/paid/open");
        const { chargedCumulativeAmount, channelId } = chargedOf(await pay(server.url + "/paid/item"));
        expect([chargedCumulativeAmount, (await server.store.get(channelId))!.charged]).to.deep.equal([
          (2n * PRICE).toString(),
          2n * PRICE,
        ]);
      } finally {
        await server.close();
      }
    });
  });
});
