/** `z402/axios`: an axios instance that pays 402s through `wrapFetch`, against the paid test server. */
import { expect } from "chai";
import axios, { AxiosError } from "axios";
import { ethers } from "hardhat";
import { ZeroHash } from "ethers";
import {
  deploy,
  freshKey,
  payingFetch,
  PRICE,
  startServer,
  type Deployment,
  type TestServer,
} from "./support/fixture";
import { decodeJson } from "../../../sdk/client/wire";
import { ethersClientChain, SpendCapError } from "../../../sdk/client";
import { wrapAxiosWithPayment } from "../../../sdk/client/axios";

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const chargedOf = (header: string) =>
  (decodeJson(header) as { extra: { channelState: { chargedCumulativeAmount: string } } }).extra.channelState
    .chargedCumulativeAmount;

describe("z402/axios: wrapAxiosWithPayment", function () {
  let d: Deployment;
  let server: TestServer;
  let sent: { method: string; url: string; body: string; paid: boolean; header: string | null }[];
  /** The network as the paying fetch sees it: what each request carried. */
  const recording: FetchLike = async (input, init) => {
    const req = new Request(input, init);
    sent.push({
      method: req.method,
      url: req.url,
      body: await req.clone().text(),
      paid: req.headers.has("payment-signature"),
      header: req.headers.get("x-app"),
    });
    return fetch(req);
  };

  before(async () => {
    d = await deploy();
    server = await startServer(d, {
      handler: (path) => ({ status: path.includes("fail") ? 500 : 200, body: "ok " + path }),
    });
  });
  beforeEach(() => {
    sent = [];
  });
  after(async () => server.close());

  it("pays a 402 and returns the paid answer with its payment-response header", async () => {
    const api = wrapAxiosWithPayment(axios.create({ baseURL: server.url }), payingFetch(d, {}, recording));
    const res = await api.get<string>("/paid/a");
    expect([res.status, res.data]).to.deep.equal([200, "ok /paid/a"]);
    expect(chargedOf(res.headers["payment-response"] as string)).to.equal(PRICE.toString());
    const again = await api.get("/paid/a");
    expect(chargedOf(again.headers["payment-response"] as string)).to.equal((2n * PRICE).toString());
    // One 402 round trip, then the voucher is sent up front.
    expect(sent.map((s) => s.paid)).to.deep.equal([false, true, true]);
  });

  it("keeps the request's method, headers and body through the payment", async () => {
    const api = wrapAxiosWithPayment(axios.create(), payingFetch(d, {}, recording));
    await api.post(server.url + "/dynamic", { text: "hi" }, { headers: { "x-app": "demo" } });
    expect(sent.map(({ method, body, header, paid }) => ({ method, body, header, paid }))).to.deep.equal([
      { method: "POST", body: '{"text":"hi"}', header: "demo", paid: false },
      { method: "POST", body: '{"text":"hi"}', header: "demo", paid: true },
    ]);
  });

  it("leaves free routes alone", async () => {
    const api = wrapAxiosWithPayment(axios.create(), payingFetch(d, {}, recording));
    const res = await api.get(server.url + "/free");
    expect([res.status, res.data, res.headers["payment-response"]]).to.deep.equal([
      200,
      "ok /free",
      undefined,
    ]);
    expect(sent.map((s) => s.paid)).to.deep.equal([false]);
  });

  it("takes wrapFetch's options and makes the paying fetch itself", async () => {
    const api = wrapAxiosWithPayment(axios.create(), {
      payer: d.payer,
      sessionKey: freshKey(),
      chainId: d.chainId,
      escrow: d.escrow,
      depositCollector: d.collector,
      chain: ethersClientChain(ethers.provider, d.escrow),
      deposit: { amount: 100_000n, max: 1_000_000n },
      channelSalt: ZeroHash,
    });
    const res = await api.get(server.url + "/paid/b");
    expect(chargedOf(res.headers["payment-response"] as string)).to.equal(PRICE.toString());
  });

  it("rejects as axios does: a handler's 500 is an AxiosError, a refused payment carries the SDK's error", async () => {
    const api = wrapAxiosWithPayment(axios.create(), payingFetch(d, {}, recording));
    const failed = await api.get(server.url + "/paid/fail").catch((e: unknown) => e);
    expect(failed).to.be.instanceOf(AxiosError);
    expect((failed as AxiosError).response?.status).to.equal(500);

    const capped = wrapAxiosWithPayment(
      axios.create(),
      payingFetch(d, { deposit: { amount: 1n, max: PRICE - 1n } }),
    );
    const refused = await capped.get(server.url + "/paid/a").catch((e: unknown) => e);
    expect((refused as AxiosError).cause).to.be.instanceOf(SpendCapError);
  });
});
