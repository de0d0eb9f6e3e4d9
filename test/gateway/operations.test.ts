import { expect } from "chai";
import { createObservability } from "../../sdk/observability";
import { payingFetch } from "../sdk/paid-http/support/fixture";
import { PRICE, startGatewayFor, startUpstream, type Upstream, type World } from "./support";

const field = (raw: string[], name: string) =>
  raw.filter((_, i) => i % 2 === 1 && raw[i - 1].toLowerCase() === name);

describe("z402 gateway: metrics, health, logs and shutdown", function () {
  let up: Upstream;
  let w: World;
  const lines: string[] = [];

  before(async function () {
    up = await startUpstream();
    const obs = createObservability({ service: "gateway-test", destination: { write: (l: string) => lines.push(l) } }); // prettier-ignore
    w = await startGatewayFor(up.url, { admin: { metrics: "/_z402/metrics" } }, obs);
  });
  after(async function () {
    await w?.close();
    await up?.close();
  });

  it("serves Prometheus metrics on its admin path that count the paid request and its charge", async function () {
    const res = await payingFetch(w.d)(`${w.gateway.url}/paid/hello`);
    expect(res.status).to.equal(200);
    const text = await (await fetch(`${w.gateway.url}/_z402/metrics`)).text();
    expect(text).to.match(/z402_requests_total\{route="\/paid\/\*",outcome="[a-z]+"\} [1-9]/);
    expect(text).to.include(`z402_charged_total{route="/paid/*"} ${PRICE}`);
  });

  it("answers /healthz and /readyz itself (store, chain and mirror checked), never the upstream", async function () {
    const hits = up.hits.size;
    expect((await fetch(`${w.gateway.url}/healthz`)).status).to.equal(200);
    const ready = await fetch(`${w.gateway.url}/readyz`);
    const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(ready.status, JSON.stringify(body)).to.equal(200);
    expect(Object.keys(body.checks)).to.have.members(["store", "chain", "mirror"]);
    expect(up.hits.size).to.equal(hits);
  });

  it("proxies a path the admin config moved away (/metrics here) like any other", async function () {
    const res = await fetch(`${w.gateway.url}/metrics`);
    expect(res.status).to.equal(200);
    expect(((await res.json()) as { url: string }).url).to.equal("/metrics");
  });

  it("sends the upstream a request id: the caller's, or a new one", async function () {
    await fetch(`${w.gateway.url}/free/id`);
    const [id] = field(up.last.raw, "x-request-id");
    expect(id).to.match(/^[\w-]{8,}$/);
    await fetch(`${w.gateway.url}/free/id`, { headers: { "x-request-id": "caller-42" } });
    expect(field(up.last.raw, "x-request-id")).to.deep.equal(["caller-42"]);
  });

  it("logs each charge as JSON without payment headers or signatures", async function () {
    await payingFetch(w.d)(`${w.gateway.url}/paid/hello`);
    const charged = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === "charged");
    expect(charged.length).to.be.greaterThan(0);
    expect(charged[0]).to.include({ route: "/paid/*", charge: PRICE.toString(), component: "gateway" });
    expect(lines.join("")).to.not.match(/0x[0-9a-fA-F]{130}/);
  });

  it("shuts down gracefully: a streaming exchange in flight finishes, then new connections are refused", async function () {
    const res = await payingFetch(w.d)(`${w.gateway.url}/paid/stream`);
    const reader = res.body!.getReader();
    await reader.read(); // the first event
    const closing = w.close();
    await new Promise((r) => setTimeout(r, 100));
    up.releaseStream();
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read())
      rest += Buffer.from(r.value).toString();
    expect(rest).to.equal("data: second\n\ndata: last\n\n");
    await closing;
    const refused = await fetch(`${w.gateway.url}/healthz`).then(
      () => "answered",
      () => "refused",
    );
    expect(refused).to.equal("refused");
  });
});
