import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { Hono } from "hono";
import { createAdaptorServer } from "@hono/node-server";
import { metricsMiddleware, metricsResponse } from "../../../sdk/observability";
import { testObservability } from "./support";

async function listen(server: http.Server) {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    get: (path: string) => fetch(url + path),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe("observability: mounting /metrics in one's own server", function () {
  const { obs } = testObservability();

  it("serves Prometheus text from Express middleware", async () => {
    const app = express();
    app.use(metricsMiddleware(obs));
    const s = await listen(http.createServer(app));
    try {
      const res = await s.get("/metrics");
      expect([
        res.status,
        res.headers.get("content-type"),
        /^# TYPE z402_requests_total counter$/m.test(await res.text()),
      ]).to.deep.equal([200, obs.registry.contentType, true]);
    } finally {
      await s.close();
    }
  });

  it("passes other paths on to the app", async () => {
    const app = express();
    app.use(metricsMiddleware(obs));
    app.get("/hello", (_req, res) => void res.send("hi"));
    const s = await listen(http.createServer(app));
    try {
      expect(await (await s.get("/hello")).text()).to.equal("hi");
    } finally {
      await s.close();
    }
  });

  it("serves the health endpoints from the middleware when given checks", async () => {
    const app = express();
    app.use(metricsMiddleware(obs, { health: {} }));
    const s = await listen(http.createServer(app));
    try {
      expect([(await s.get("/healthz")).status, (await s.get("/readyz")).status]).to.deep.equal([200, 200]);
    } finally {
      await s.close();
    }
  });

  it("serves Prometheus text from a Hono route", async () => {
    const app = new Hono();
    app.get("/metrics", () => metricsResponse(obs));
    const s = await listen(createAdaptorServer({ fetch: app.fetch }) as http.Server);
    try {
      const res = await s.get("/metrics");
      expect([res.status, /^z402_unclaimed_exposure/m.test(await res.text())]).to.deep.equal([200, true]);
    } finally {
      await s.close();
    }
  });
});
