/**
 * The paid-HTTP benchmark's server, run as a child process so that it and the load
 * generator each get a core: Hono on @hono/node-server with the z402 paywall on `/paid/*` and the same handler
 * unpaid on `/free`. Configuration comes from the environment; it prints `READY <port>` once it listens and
 * answers an IPC `cpu` message with its CPU time so far (µs), so the bench can charge each route its server CPU.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Hono } from "hono";
import { createAdaptorServer } from "@hono/node-server";
import { honoPaywall } from "../sdk/server";
import { paywallFromEnv } from "../test/sdk/paid-http/support/env-paywall";

async function main(): Promise<void> {
  // Polls are not request handling: parked during the measurements (a channel is read once, when first seen).
  const { paywall, mirror, store } = await paywallFromEnv(process.env, {
    pollMs: 3_600_000,
    synchronous: process.env.Z402_SYNC as "FULL" | "NORMAL",
  });
  const app = new Hono();
  app.use("*", honoPaywall(paywall));
  app.get("*", (c) => c.text("hello"));
  const server = createAdaptorServer({ fetch: app.fetch }) as http.Server;
  server.keepAliveTimeout = 120_000;
  process.on("message", (msg) => {
    if (msg !== "cpu") return;
    const cpu = process.cpuUsage();
    process.send?.({ cpu: cpu.user + cpu.system });
  });
  process.on("disconnect", () => {
    server.close();
    server.closeAllConnections();
    void mirror
      .stop()
      .then(() => store.close())
      .finally(() => process.exit(0));
  });
  server.listen(0, "127.0.0.1", () =>
    process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`),
  );
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + "\n");
  process.exit(1);
});
