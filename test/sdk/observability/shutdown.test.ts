import { expect } from "chai";
import { spawn } from "node:child_process";
import fs from "node:fs";
import { createServer, type RequestListener, type Server } from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { buildSync } from "esbuild";
import { SettlementWorker } from "../../../sdk/settlement";
import { gracefulShutdown, withMetrics } from "../../../sdk/observability";
import { decodeJson } from "../../../sdk/client/wire";
import { deploy, payingFetch, PRICE, type Deployment } from "../paid-http/support/fixture";
import { deferred, startNodeServer, testObservability, type NodeServer } from "./support";

/** Whether a new TCP connection to `port` is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code === "ECONNREFUSED"));
  });
}

const chargedOf = (res: Response) =>
  (decodeJson(res.headers.get("payment-response")!) as { extra: { chargedAmount: string } }).extra
    .chargedAmount;

describe("observability: graceful shutdown", function () {
  let d: Deployment;
  before(async () => {
    d = await deploy();
  });

  describe("with a slow paid request in flight", function () {
    let s: NodeServer;
    const entered = deferred();
    const release = deferred();
    const order: string[] = [];
    let answer: Response;
    let refusedWhileDraining: boolean;
    let readiness: number;
    let roundDone = false;
    let claimedChannels = 0;

    before(async () => {
      s = await startNodeServer(d, {
        gate: async () => {
          entered.resolve();
          await release.promise;
        },
      });
      const { obs } = testObservability();
      const worker = new SettlementWorker({ store: s.store, chain: s.chain, authorizer: d.authorizer });
      const { shutdown } = gracefulShutdown({ ...s, worker, obs, signals: [] });
      const pay = payingFetch(d);
      expect((await pay(s.url + "/paid/open")).status).to.equal(200);
      const inFlight = pay(s.url + "/paid/slow").then((res) => {
        order.push("answer");
        return res;
      });
      await entered.promise;
      const round = worker.run().then((r) => {
        roundDone = true;
        claimedChannels = r.claimedChannels;
      });
      const done = shutdown().then(() => order.push("shutdown"));
      refusedWhileDraining = await refused(s.port);
      const health = http(withMetrics(obs, () => undefined, { health: {} }));
      readiness = (await health.get("/readyz")).status;
      await health.close();
      release.resolve();
      answer = await inFlight;
      await Promise.all([done, round]);
    });

    it("finishes the request in flight with 200", function () {
      expect(answer.status).to.equal(200);
    });

    it("charges the request in flight", function () {
      expect(chargedOf(answer)).to.equal(PRICE.toString());
    });

    it("refuses new connections once shutting down", function () {
      expect(refusedWhileDraining).to.equal(true);
    });

    it("answers readiness with 503 while draining", function () {
      expect(readiness).to.equal(503);
    });

    it("resolves only after the request in flight was answered", function () {
      expect(order).to.deep.equal(["answer", "shutdown"]);
    });

    it("lets the worker's running round finish before resolving", function () {
      expect([roundDone, claimedChannels]).to.deep.equal([true, 1]);
    });

    it("closes the store last", async () => {
      let error: unknown;
      await s.store.get("0x" + "0".repeat(64)).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(Error);
    });
  });

  describe("with a request that never finishes", function () {
    it("ends after the timeout, destroying the connection", async () => {
      const release = deferred();
      const entered = deferred();
      const s = await startNodeServer(d, {
        gate: async () => {
          entered.resolve();
          await release.promise;
        },
      });
      const { obs, logs } = testObservability();
      const { shutdown } = gracefulShutdown({ ...s, obs, timeoutMs: 300, signals: [] });
      // One send: a destroyed connection is not retried.
      const pay = payingFetch(d, { networkRetry: { attempts: 1, delayMs: 0 } });
      expect((await pay(s.url + "/paid/open")).status).to.equal(200);
      const stuck = pay(s.url + "/paid/slow").then(
        (res) => res.status,
        () => "connection destroyed",
      );
      await entered.promise;
      const started = Date.now();
      await shutdown();
      const took = Date.now() - started;
      release.resolve();
      expect([
        await stuck,
        took < 2000,
        logs.find("shutdown timed out: connections destroyed").length,
      ]).to.deep.equal(["connection destroyed", true, 1]);
    });
  });

  describe("on SIGTERM", function () {
    it("finishes the request in flight, then ends the process by the signal", async function () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "z402-sigterm-"));
      const bundle = path.join(dir, "child.js");
      const nodeModules = path.join(__dirname, "../../../node_modules");
      buildSync({
        entryPoints: [path.join(__dirname, "sigterm-child.ts")],
        bundle: true,
        platform: "node",
        target: "node20",
        outfile: bundle,
        external: ["pino", "pino-pretty", "prom-client", "better-sqlite3", "secp256k1", "ioredis", "pg"],
        logLevel: "silent",
      });
      const child = spawn(process.execPath, [bundle], {
        env: { PATH: process.env.PATH, NODE_PATH: nodeModules },
      });
      let out = "";
      const waiting: Array<() => void> = [];
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        waiting.forEach((check) => check());
      });
      const seen = (text: string) =>
        new Promise<void>((resolve) => {
          const check = () => out.includes(text) && resolve();
          waiting.push(check);
          check();
        });
      // `close`, not `exit`: every line the child wrote has been read by then.
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
        child.once("close", (code, signal) => resolve(signal ?? code)),
      );
      try {
        await seen("READY ");
        const port = Number(/READY (\d+)/.exec(out)![1]);
        const answer = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.text());
        await seen("IN\n");
        child.kill("SIGTERM");
        expect([await answer, await exited]).to.deep.equal(["done /slow", "SIGTERM"]);
        expect(out).to.include('"msg":"shutdown complete"');
      } finally {
        child.kill("SIGKILL");
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

/** A throwaway loopback server for `handler`. */
function http(handler: RequestListener) {
  const server: Server = createServer(handler);
  const listening = new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    async get(p: string) {
      await listening;
      return fetch(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}${p}`);
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
