/**
 * Review attacks on the gateway: request targets that the paywall's route matching reads as a free path while
 * the upstream, which resolves dot segments as every WHATWG-URL-based server does (here Hono on
 * @hono/node-server), serves a paid path.
 */
import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { PRICE, startGatewayFor, type World } from "./support";

/** A GET with the request target sent exactly as given (fetch would resolve the dot segments itself). */
function rawGet(base: string, target: string): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: target, method: "GET" }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("z402 gateway: review attacks", function () {
  this.timeout(60_000);
  let w: World;
  let upstream: ReturnType<typeof serve>;
  const served: string[] = [];

  before(async function () {
    const app = new Hono();
    app.get("/paid/secret", (c) => {
      served.push(new URL(c.req.url).pathname);
      return c.text("the paid secret");
    });
    app.get("/free", (c) => c.text("free"));
    upstream = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((r) => upstream.once("listening", () => r()));
    const { port } = upstream.address() as AddressInfo;
    w = await startGatewayFor(`http://127.0.0.1:${port}`);
  });
  after(async function () {
    await w?.close();
    await new Promise<void>((r) => upstream.close(() => r()));
  });

  for (const target of [
    "/free/../paid/secret",
    "/./paid/secret",
    "/x/%2e%2e/paid/secret",
    "/x/.%2E/paid/secret",
  ]) {
    it(`does not serve a paid upstream path without a charge through a dot-segment target (${target})`, async function () {
      const charged = await w.charged();
      const before = served.length;
      const res = await rawGet(w.gateway.url, target);
      expect(res.body).to.not.equal("the paid secret");
      expect(served.length, "the paid upstream handler did not run").to.equal(before);
      expect(res.status).to.be.oneOf([400, 402]);
      expect(await w.charged()).to.equal(charged);
      void PRICE;
    });
  }
});
