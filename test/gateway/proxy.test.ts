import { expect } from "chai";
import http from "node:http";
import net from "node:net";
import { channelIdOf } from "../../sdk/client";
import { channelConfigFor, freshKey, payingFetch } from "../sdk/paid-http/support/fixture";
import { BIG, bytes, PRICE, sha, startGatewayFor, startUpstream, type Upstream, type World } from "./support";

/** A raw request through node:http (fetch forbids hop-by-hop fields), resolving with status, raw headers and body. */
function rawRequest(
  url: string,
  headers: string[],
  body?: Buffer,
): Promise<{ status: number; raw: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: body ? "POST" : "GET", headers: headers as never }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, raw: res.rawHeaders, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const names = (raw: string[]) => raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
const field = (raw: string[], name: string) =>
  raw.filter((_, i) => i % 2 === 1 && raw[i - 1].toLowerCase() === name);

describe("z402 gateway: proxying in front of a real upstream", function () {
  let up: Upstream;
  let w: World;

  before(async function () {
    up = await startUpstream();
    w = await startGatewayFor(up.url);
  });
  after(async function () {
    await w?.close();
    await up?.close();
  });

  it("charges a paid route once and proxies the upstream's status, headers and body", async function () {
    const direct = await fetch(`${up.url}/paid/hello`);
    const directBody = await direct.text();
    const before = await w.charged();
    const res = await payingFetch(w.d)(`${w.gateway.url}/paid/hello`);
    expect(res.status).to.equal(200);
    expect(await res.text()).to.equal(directBody);
    expect(res.headers.get("x-upstream")).to.equal("yes");
    expect(res.headers.get("content-type")).to.equal(direct.headers.get("content-type"));
    expect(res.headers.getSetCookie()).to.deep.equal(["a=1; Path=/", "b=2; Path=/"]);
    expect(res.headers.get("payment-response")).to.be.a("string");
    expect(await w.charged()).to.equal(before + PRICE);
  });

  it("answers a paid route without payment with 402 and never reaches the upstream", async function () {
    const hits = up.hits.get("/paid/unpaid") ?? 0;
    const res = await fetch(`${w.gateway.url}/paid/unpaid`);
    expect(res.status).to.equal(402);
    expect(res.headers.get("payment-required")).to.be.a("string");
    expect(up.hits.get("/paid/unpaid") ?? 0).to.equal(hits);
  });

  it("passes a free route through unpaid, body and query included", async function () {
    const before = await w.charged();
    const res = await fetch(`${w.gateway.url}/free/thing?x=1&y=two`, { method: "POST", body: "payload" });
    expect(res.status).to.equal(200);
    const seen = (await res.json()) as { method: string; url: string; length: number; sha256: string };
    expect(seen).to.include({ method: "POST", url: "/free/thing?x=1&y=two", length: 7 });
    expect(seen.sha256).to.equal(sha(Buffer.from("payload")));
    expect(await w.charged()).to.equal(before);
  });

  it("removes hop-by-hop fields both ways, adds x-forwarded-* and via, and sends the upstream's Host", async function () {
    const res = await rawRequest(`${w.gateway.url}/free/headers`, [
      "Host", new URL(w.gateway.url).host,
      "Connection", "keep-alive, x-client-hop",
      "X-Client-Hop", "drop me",
      "Keep-Alive", "timeout=5",
      "X-Kept", "one",
      "X-Kept", "two",
    ]); // prettier-ignore
    const seen = JSON.parse(res.body) as { raw: string[] };
    expect(names(seen.raw)).to.not.include.members(["x-client-hop", "keep-alive"]);
    expect(field(seen.raw, "x-kept").join(", ")).to.equal("one, two");
    expect(field(seen.raw, "host")).to.deep.equal([`127.0.0.1:${up.port}`]);
    expect(field(seen.raw, "x-forwarded-host")).to.deep.equal([new URL(w.gateway.url).host]);
    expect(field(seen.raw, "x-forwarded-for")).to.deep.equal(["127.0.0.1"]);
    expect(field(seen.raw, "x-forwarded-proto")).to.deep.equal(["http"]);
    expect(field(seen.raw, "via")).to.deep.equal(["1.1 z402-gateway"]);
    const paidHop = await payingFetch(w.d)(`${w.gateway.url}/paid/hello`);
    expect(paidHop.headers.get("x-up-hop")).to.equal(null);
  });

  it("does not forward the payment header, and tells the upstream who paid", async function () {
    const res = await payingFetch(w.d)(`${w.gateway.url}/paid/echo`);
    expect(res.status).to.equal(200);
    const seen = (await res.json()) as { raw: string[] };
    expect(names(seen.raw)).to.not.include.members(["payment-signature", "x-payment"]);
    expect(field(seen.raw, "x-z402-payer")).to.deep.equal([await w.d.payer.getAddress()]);
  });

  it("answers 503 when the upstream is down and charges nothing", async function () {
    const closed = await freePort();
    const down = await startGatewayFor(`http://127.0.0.1:${closed}`);
    try {
      const session = freshKey();
      const res = await payingFetch(down.d, { sessionKey: session })(`${down.gateway.url}/paid/anything`);
      expect(res.status).to.equal(503);
      expect(await res.json()).to.deep.equal({ error: "upstream_unavailable" });
      const config = {
        ...channelConfigFor(down.d, await down.d.payer.getAddress(), session.address),
        receiverAuthorizer: await down.d.relayer.getAddress(),
      };
      const record = await down.store.get(channelIdOf(down.d.chainId, down.d.escrow, config));
      expect(record, "the payment reached the paywall").to.not.equal(undefined);
      expect(record!.charged).to.equal(0n);
      expect(record!.lock, "reservation released").to.equal("");
      expect(await down.charged()).to.equal(0n);
    } finally {
      await down.close();
    }
  });

  it("answers 503 when the upstream does not answer in time, and charges nothing", async function () {
    const before = await w.charged();
    const started = Date.now();
    const res = await payingFetch(w.d)(`${w.gateway.url}/paid/hang`);
    expect(res.status).to.equal(503);
    expect(Date.now() - started).to.be.lessThan(5000);
    expect(await w.charged()).to.equal(before);
  });

  it("passes an upstream 500 through and charges nothing", async function () {
    const before = await w.charged();
    const pay = payingFetch(w.d);
    const res = await pay(`${w.gateway.url}/paid/fail`);
    expect(res.status).to.equal(500);
    expect(await res.text()).to.equal("boom");
    expect(res.headers.get("payment-response")).to.equal(null);
    expect(await w.charged()).to.equal(before);
    // The reservation was released: the channel pays for the next request at once.
    expect((await pay(`${w.gateway.url}/paid/hello`)).status).to.equal(200);
    expect(await w.charged()).to.equal(before + PRICE);
  });

  it("keeps a small paid answer: a retry with the same payment gets it again without reaching the upstream", async function () {
    const sent: Array<Record<string, string>> = [];
    const recording = (input: string | URL | Request, init?: RequestInit) => {
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
      sent.push(headers);
      return fetch(input, init);
    };
    const first = await payingFetch(w.d, {}, recording)(`${w.gateway.url}/paid/hello`);
    expect(first.status).to.equal(200);
    const paid = sent.find((h) => h["payment-signature"])!;
    const hits = up.hits.get("/paid/hello");
    const before = await w.charged();
    const retry = await fetch(`${w.gateway.url}/paid/hello`, { headers: paid });
    expect(retry.status).to.equal(200);
    expect(retry.headers.get("x-z402-idempotent-replay")).to.equal("true");
    expect(await retry.text()).to.equal("hello from upstream");
    expect(up.hits.get("/paid/hello")).to.equal(hits);
    expect(await w.charged()).to.equal(before);
  });

  it("passes an upstream 404 through and charges nothing", async function () {
    const before = await w.charged();
    const res = await payingFetch(w.d)(`${w.gateway.url}/paid/missing`);
    expect(res.status).to.equal(404);
    expect(await w.charged()).to.equal(before);
  });

  it("streams a 5 MB paid response through, byte for byte", async function () {
    const before = await w.charged();
    const res = await payingFetch(w.d)(`${w.gateway.url}/paid/big`);
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-length")).to.equal(String(BIG));
    const body = new Uint8Array(await res.arrayBuffer());
    expect(body.length).to.equal(BIG);
    expect(sha(body)).to.equal(sha(bytes(BIG)));
    expect(await w.charged()).to.equal(before + PRICE);
  });

  it("streams a large paid response as it comes: half of it arrives before the upstream sends the rest", async function () {
    this.timeout(20_000); // a gateway that gathered the body would never hand over the first half
    const res = await payingFetch(w.d)(`${w.gateway.url}/paid/big-paused`);
    expect(res.status).to.equal(200);
    const reader = res.body!.getReader();
    let received = 0;
    const chunks: Uint8Array[] = [];
    while (received < BIG / 2) {
      const r = await reader.read();
      chunks.push(r.value!);
      received += r.value!.length;
    }
    expect(received).to.equal(BIG / 2);
    up.releaseStream();
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    expect(sha(Buffer.concat(chunks))).to.equal(sha(bytes(BIG)));
  });

  it("streams a 5 MB request body to the upstream, which starts reading before the client has sent it all", async function () {
    const body = bytes(BIG, 3);
    const seen = await new Promise<{ length: number; sha256: string }>((resolve, reject) => {
      const req = http.request(`${w.gateway.url}/free/upload`, { method: "POST" }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve(JSON.parse(text)));
      });
      req.on("error", reject);
      // Half now; the rest only once the upstream has seen the request (it is being streamed, not gathered).
      req.write(body.subarray(0, BIG / 2));
      const wait = setInterval(() => {
        if ((up.hits.get("/free/upload") ?? 0) > 0) {
          clearInterval(wait);
          req.end(body.subarray(BIG / 2));
        }
      }, 10);
    });
    expect(seen.length).to.equal(BIG);
    expect(seen.sha256).to.equal(sha(body));
  });

  it("delivers a streamed (event-stream) paid response chunk by chunk", async function () {
    this.timeout(20_000);
    const res = await payingFetch(w.d)(`${w.gateway.url}/paid/stream`);
    expect(res.status).to.equal(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    // The upstream has not finished: its next events wait for releaseStream().
    expect(Buffer.from(first.value!).toString()).to.equal("data: first\n\n");
    up.releaseStream();
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read())
      rest += Buffer.from(r.value).toString();
    expect(rest).to.equal("data: second\n\ndata: last\n\n");
  });

  it("passes a chunked paid response through whole, charged once", async function () {
    const before = await w.charged();
    const res = await payingFetch(w.d)(`${w.gateway.url}/paid/chunked`);
    expect(await res.text()).to.equal("part one, part two");
    expect(await w.charged()).to.equal(before + PRICE);
  });
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
