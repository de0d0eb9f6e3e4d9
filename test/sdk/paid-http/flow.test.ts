import { expect } from "chai";
import {
  freshKey,
  deploy,
  payingFetch,
  PRICE,
  startServer,
  type Deployment,
  type TestServer,
} from "./support/fixture";
import { decodeJson } from "../../../sdk/client/wire";

describe("paid HTTP: deposit, vouchers, commit", function () {
  let d: Deployment;
  let server: TestServer;
  before(async () => {
    d = await deploy();
    server = await startServer(d);
  });
  after(async () => server.close());

  it("answers an unpaid request with 402 and both offers", async () => {
    const res = await fetch(server.url + "/paid/a");
    expect(res.status).to.equal(402);
    const required = decodeJson(res.headers.get("payment-required")!) as { accepts: { scheme: string }[] };
    expect(required.accepts.map((a) => a.scheme)).to.deep.equal(["batch-settlement", "exact"]);
  });

  it("opens a channel with a gasless deposit and serves the first request", async () => {
    const pay = payingFetch(d);
    const res = await pay(server.url + "/paid/a");
    expect(res.status).to.equal(200);
    expect(await res.text()).to.equal("ok /paid/a");
  });

  it("serves 20 sequential paid requests, charging the price each time", async () => {
    const sessionKey = freshKey();
    const pay = payingFetch(d, { sessionKey });
    let last: Response | undefined;
    for (let i = 0; i < 20; i++) last = await pay(server.url + "/paid/x");
    const pr = decodeJson(last!.headers.get("payment-response")!) as {
      extra: { channelState: { chargedCumulativeAmount: string } };
    };
    expect(pr.extra.channelState.chargedCumulativeAmount).to.equal((20n * PRICE).toString());
  });

  describe("pricing", function () {
    let priced: TestServer;
    before(async () => {
      priced = await startServer(d, {
        routes: [
          {
            path: "/sized",
            price: (req) => BigInt(new URL(req.url, "http://x").searchParams.get("n") ?? "1") * 100n,
          },
          { path: "/greedy", price: PRICE },
        ],
        handler: (path) => ({
          status: 200,
          body: "ok",
          charge: path === "/greedy" ? 10n * PRICE : undefined,
        }),
      });
    });
    after(async () => priced.close());

    const chargedOf = (res: Response) =>
      (decodeJson(res.headers.get("payment-response")!) as { extra: { chargedAmount: string } }).extra
        .chargedAmount;

    it("advertises a price computed from the request", async () => {
      const required = decodeJson(
        (await fetch(priced.url + "/sized?n=7")).headers.get("payment-required")!,
      ) as {
        accepts: { amount: string }[];
      };
      expect(required.accepts[0].amount).to.equal("700");
    });

    it("charges the computed price", async () => {
      expect(chargedOf(await payingFetch(d)(priced.url + "/sized?n=3"))).to.equal("300");
    });

    it("pays a new price on a route it already knows, without paying the old one", async () => {
      const pay = payingFetch(d);
      await pay(priced.url + "/sized?n=3");
      expect(chargedOf(await pay(priced.url + "/sized?n=5"))).to.equal("500");
    });

    it("never charges more than the advertised price", async () => {
      expect(chargedOf(await payingFetch(d)(priced.url + "/greedy"))).to.equal(PRICE.toString());
    });
  });
});
