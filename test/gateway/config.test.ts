import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  GatewayConfigError,
  loadGatewayConfig,
  parseGatewayConfig,
  parseGatewayText,
} from "../../sdk/gateway";

const UPSTREAM = "http://127.0.0.1:8080";
const ROUTE = { path: "/api/*", price: 1000 };

/** The problems a raw config has (fails the test when it has none). */
function problems(raw: unknown): string[] {
  try {
    parseGatewayConfig(raw);
  } catch (err) {
    expect(err).to.be.instanceOf(GatewayConfigError);
    return (err as GatewayConfigError).problems;
  }
  expect.fail("the config was accepted");
}

describe("z402 gateway: config", function () {
  it("accepts a five-line config and fills in the defaults", function () {
    const text = `upstream: ${UPSTREAM}\nnetwork: local\nroutes:\n  - path: /api/*\n    price: 1000\n`;
    const config = parseGatewayConfig(parseGatewayText(text, "gateway.yaml"));
    expect(config.upstream).to.equal(UPSTREAM);
    expect(config.listen).to.deep.equal({ host: "127.0.0.1", port: 4021 });
    expect(config.routes[0].price).to.deep.equal({ kind: "fixed", amount: 1000n });
    expect(config.store).to.deep.equal({ kind: "sqlite", file: ".z402/vouchers.sqlite" });
    expect(config.admin).to.deep.equal({ metrics: "/metrics", health: "/healthz", ready: "/readyz" });
  });

  it("reads a metered price, a store URL and the settlement policy", function () {
    const config = parseGatewayConfig({
      upstream: UPSTREAM,
      store: "redis://user:pw@127.0.0.1:6379",
      settlement: { interval: "5m", riskThreshold: "1000000", maxBatch: 20 },
      routes: [{ path: "/m/*", methods: ["get"], price: { perUnit: 10, unit: "kB", max: 100000 } }],
    });
    expect(config.routes[0].price).to.deep.include({
      kind: "metered",
      perUnit: 10n,
      max: 100000n,
      unitBytes: 1000,
    });
    expect(config.routes[0].methods).to.deep.equal(["GET"]);
    expect(config.store).to.deep.equal({ kind: "redis", url: "redis://user:pw@127.0.0.1:6379" });
    expect(config.settlement).to.deep.equal({ intervalMs: 300_000, riskThreshold: 1_000_000n, maxBatch: 20 });
  });

  it("names each missing field by its path", function () {
    expect(problems({ routes: [{ path: "/a" }] })).to.deep.equal([
      "upstream: required",
      "routes[0].price: required",
    ]);
  });

  it("says a bad price needs a positive integer", function () {
    const list = problems({
      upstream: UPSTREAM,
      routes: [ROUTE, { path: "/b", price: -3 }, { path: "/c", price: 1.5 }],
    });
    expect(list).to.deep.equal([
      "routes[1].price: expected a positive integer",
      "routes[2].price: expected a positive integer",
    ]);
  });

  it("checks every field of a metered price", function () {
    const list = problems({
      upstream: UPSTREAM,
      routes: [{ path: "/m", price: { perUnit: 0, unit: "", maxx: 1 } }],
    });
    expect(list).to.include.members([
      "routes[0].price.maxx: unknown field (a metered price has perUnit, unit, max, header)",
      "routes[0].price.perUnit: expected a positive integer",
      "routes[0].price.max: required",
      "routes[0].price.unit: expected a unit name such as kB or token",
    ]);
  });

  it("refuses an unknown store with the kinds it knows", function () {
    expect(problems({ upstream: UPSTREAM, store: "mysql://db/x", routes: [ROUTE] })).to.deep.equal([
      'store: unknown store "mysql": use a SQLite file path, a redis:// URL or a postgres:// URL',
    ]);
    expect(problems({ upstream: UPSTREAM, store: { mongo: "x" }, routes: [ROUTE] })[0]).to.match(
      /^store: unknown store "mongo": use a SQLite file path/,
    );
  });

  it("names unknown fields (typos) instead of ignoring them", function () {
    expect(problems({ upstream: UPSTREAM, routes: [{ ...ROUTE, prise: 1 }], recever: "0x" })).to.deep.equal([
      "routes[0].prise: unknown field",
      "recever: unknown field",
    ]);
  });

  it("checks URLs, addresses, paths, methods, durations and the route list", function () {
    const list = problems({
      upstream: "ftp://x",
      receiver: "0x1234",
      settlement: { interval: "soon" },
      routes: [{ path: "api", methods: ["FETCH"], price: 1 }],
    });
    expect(list).to.deep.equal([
      "upstream: expected an http URL (http:// or https://)",
      "receiver: expected an address (0x followed by 40 hex digits)",
      "settlement.interval: expected a duration such as 30s, 5m or 1h (a number is seconds)",
      "routes[0].path: expected a path starting with / (a trailing /* matches a prefix)",
      "routes[0].methods: expected a list of HTTP methods among GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
    ]);
    expect(problems({ upstream: UPSTREAM, routes: [] })).to.deep.equal([
      "routes: expected at least one route",
    ]);
  });

  it("reports YAML syntax errors with their line, and JSON ones", function () {
    expect(() => parseGatewayText("upstream: x\nroutes: [\n", "g.yaml")).to.throw(
      GatewayConfigError,
      /line \d/,
    );
    expect(() => parseGatewayText("{ nope", "g.json")).to.throw(GatewayConfigError, /not valid JSON/);
  });

  it("loads a file and resolves a SQLite store against the file's folder", function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), "z402-gw-"));
    const file = path.join(dir, "gateway.json");
    writeFileSync(file, JSON.stringify({ upstream: UPSTREAM, store: "data/v.sqlite", routes: [ROUTE] }));
    expect(loadGatewayConfig(file).store).to.deep.equal({
      kind: "sqlite",
      file: path.join(dir, "data/v.sqlite"),
    });
    expect(() => loadGatewayConfig(path.join(dir, "absent.yaml"))).to.throw(
      GatewayConfigError,
      /no such file/,
    );
  });
});
