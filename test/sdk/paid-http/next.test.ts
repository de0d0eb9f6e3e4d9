/**
 * `z402/next`: the paywall around a Next.js App Router route handler. Such a handler takes a `Request` (NextRequest
 * extends it) and returns a `Response`, so the wrapped handler is called here exactly as Next calls it, and the
 * paying fetch talks to it directly (no HTTP in between).
 */
import { expect } from "chai";
import { deploy, payingFetch, PRICE, startServer, type Deployment, type TestServer } from "./support/fixture";
import { decodeJson } from "../../../sdk/client/wire";
import { paymentOf, setCharge, withX402 } from "../../../sdk/server/adapters/next";
import type { Paywall } from "../../../sdk/server";

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
type Context = { params: Promise<{ slug: string }> };

const ORIGIN = "http://next.test";
const chargedOf = (res: Response) =>
  (
    decodeJson(res.headers.get("payment-response")!) as {
      extra: { channelState: { chargedCumulativeAmount: string } };
    }
  ).extra.channelState.chargedCumulativeAmount;

describe("z402/next: withX402 around an App Router route handler", function () {
  let d: Deployment;
  let server: TestServer;
  let runs: string[];
  let route: (req: Request, ctx: Context) => Promise<Response>;
  /** A fetch whose "network" is the wrapped route handler, with the context Next passes. */
  const viaRoute: FetchLike = (input, init) =>
    route(new Request(input, init), { params: Promise.resolve({ slug: "s" }) });

  before(async () => {
    d = await deploy();
    // The paywall only (routes /paid/* and /dynamic); its HTTP server is not used.
    server = await startServer(d);
    route = withX402(async (req: Request, ctx: Context) => {
      const path = new URL(req.url).pathname;
      runs.push(path);
      if (path.includes("throw")) throw new Error("handler crashed");
      if (path.includes("fail")) return new Response("no", { status: 500 });
      if (path.includes("cheap")) setCharge(req, 250n);
      // Response.redirect's headers are immutable: the payment headers go on a copy.
      if (path.includes("redirect")) return Response.redirect(ORIGIN + "/elsewhere", 302);
      const { slug } = await ctx.params;
      return Response.json({
        path,
        slug,
        method: req.method,
        body: await req.text(),
        paid: !!paymentOf(req),
      });
    }, server.paywall);
  });
  beforeEach(() => {
    runs = [];
  });
  after(async () => server.close());

  it("answers an unpaid request to a paid route with a 402 and never runs the handler", async () => {
    const res = await viaRoute(ORIGIN + "/paid/a");
    expect(res.status).to.equal(402);
    expect(res.headers.get("payment-required")).to.be.a("string");
    expect(runs).to.deep.equal([]);
  });

  it("runs a free route's handler untouched", async () => {
    const res = await viaRoute(ORIGIN + "/free");
    expect([res.status, res.headers.get("payment-response")]).to.deep.equal([200, null]);
    expect(await res.json()).to.include({ path: "/free", slug: "s", paid: false });
  });

  it("serves a paid request with the handler's answer, the context Next passes and PAYMENT-RESPONSE", async () => {
    const pay = payingFetch(d, {}, viaRoute);
    const first = await pay(ORIGIN + "/paid/a", { method: "POST", body: "hello" });
    expect(first.status).to.equal(200);
    expect(await first.json()).to.deep.equal({
      path: "/paid/a",
      slug: "s",
      method: "POST",
      body: "hello",
      paid: true,
    });
    expect(chargedOf(first)).to.equal(PRICE.toString());
    expect(chargedOf(await pay(ORIGIN + "/paid/a"))).to.equal((2n * PRICE).toString());
    expect(runs).to.deep.equal(["/paid/a", "/paid/a"]);
  });

  it("charges what the handler set with setCharge", async () => {
    const pay = payingFetch(d, {}, viaRoute);
    await pay(ORIGIN + "/paid/a");
    expect(chargedOf(await pay(ORIGIN + "/paid/cheap"))).to.equal((PRICE + 250n).toString());
  });

  it("charges nothing when the handler answers 500 or throws", async () => {
    // A throw reaches the paying fetch as a failed fetch: no network retries of it here.
    const pay = payingFetch(d, { networkRetry: { attempts: 1, delayMs: 0 } }, viaRoute);
    await pay(ORIGIN + "/paid/a");
    expect((await pay(ORIGIN + "/paid/fail")).status).to.equal(500);
    await expect(pay(ORIGIN + "/paid/throw")).to.be.rejectedWith("handler crashed");
    expect(chargedOf(await pay(ORIGIN + "/paid/a"))).to.equal((2n * PRICE).toString());
  });

  it("adds the payment headers to a response whose headers are immutable", async () => {
    const res = await payingFetch(d, {}, viaRoute)(ORIGIN + "/paid/redirect", { redirect: "manual" });
    expect([res.status, res.headers.get("location")]).to.deep.equal([302, ORIGIN + "/elsewhere"]);
    expect(chargedOf(res)).to.equal(PRICE.toString());
  });

  it("answers a retry of the same payment from the stored answer, without running the handler again", async () => {
    const sent: Request[] = [];
    const recording: FetchLike = (input, init) => {
      const req = new Request(input, init);
      if (req.headers.has("payment-signature")) sent.push(req.clone());
      return viaRoute(req);
    };
    const first = await payingFetch(d, {}, recording)(ORIGIN + "/paid/a");
    const body = await first.text();
    const retry = await viaRoute(sent[0]);
    expect([retry.status, await retry.text()]).to.deep.equal([200, body]);
    expect(runs).to.deep.equal(["/paid/a"]);
  });

  it("answers 503 when the paywall cannot decide", async () => {
    const broken = { handle: () => Promise.reject(new Error("store down")) } as unknown as Paywall;
    const res = await withX402(async () => new Response("never"), broken)(new Request(ORIGIN + "/paid/a"));
    expect([res.status, await res.json()]).to.deep.equal([503, { error: "z402_unavailable" }]);
  });
});
