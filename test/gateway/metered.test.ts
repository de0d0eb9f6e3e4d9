import { expect } from "chai";
import { decodeJson } from "../../sdk/client/wire";
import { payingFetch } from "../sdk/paid-http/support/fixture";
import { startGatewayFor, startUpstream, type Upstream, type World } from "./support";

/** perUnit 10 per kB (1000 bytes), max 100000; and 5 per token, max 500 (units only from the upstream's header). */
const ROUTES = [
  { path: "/metered/*", price: { perUnit: 10, unit: "kB", max: 100_000 } },
  { path: "/tokens/*", price: { perUnit: 5, unit: "token", max: 500 } },
];

describe("z402 gateway: metered routes", function () {
  let up: Upstream;
  let w: World;

  before(async function () {
    up = await startUpstream();
    w = await startGatewayFor(up.url, { routes: ROUTES });
  });
  after(async function () {
    await w?.close();
    await up?.close();
  });

  /** Pays for `path` and returns the answer, what the store charged, and the charge PAYMENT-RESPONSE states. */
  async function pay(path: string) {
    const before = await w.charged();
    const res = await payingFetch(w.d)(`${w.gateway.url}${path}`);
    const body = Buffer.from(await res.arrayBuffer());
    const receipt = decodeJson(res.headers.get("payment-response")!) as { extra: { chargedAmount: string } };
    return { res, body, charged: (await w.charged()) - before, stated: BigInt(receipt.extra.chargedAmount) };
  }

  it("charges the units the upstream states in x-z402-units, and hides that header from the client", async function () {
    const r = await pay("/metered/units");
    expect(r.res.status).to.equal(200);
    expect(r.body.toString()).to.equal("three units");
    expect(r.charged).to.equal(30n);
    expect(r.stated).to.equal(30n);
    expect(r.res.headers.get("x-z402-units")).to.equal(null);
  });

  it("caps the charge at max when the upstream states more units", async function () {
    const r = await pay("/metered/many");
    expect(r.charged).to.equal(100_000n);
    expect(r.stated).to.equal(100_000n);
  });

  it("charges a size unit from Content-Length, rounding a started unit up", async function () {
    const r = await pay("/metered/sized");
    expect(r.body.length).to.equal(2500);
    expect(r.charged).to.equal(30n); // 2500 bytes = 3 kB started
  });

  it("measures a size-metered body without Content-Length before charging it", async function () {
    const r = await pay("/metered/unsized");
    expect(r.body.length).to.equal(2500);
    expect(r.charged).to.equal(30n); // 1000 + 1500 bytes
  });

  it("charges max on a units route whose upstream states no units", async function () {
    const r = await pay("/tokens/none");
    expect(r.res.status).to.equal(200);
    expect(r.charged).to.equal(500n);
  });

  it("advertises max as the price a metered route may charge at most", async function () {
    const res = await fetch(`${w.gateway.url}/metered/units`);
    expect(res.status).to.equal(402);
    const required = decodeJson(res.headers.get("payment-required")!) as {
      accepts: Array<{ amount: string }>;
    };
    expect(required.accepts[0].amount).to.equal("100000");
  });
});
