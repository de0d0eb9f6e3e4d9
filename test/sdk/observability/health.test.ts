import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { JsonRpcProvider, Network } from "ethers";
import { ChainMirror } from "../../../sdk/server";
import { SqliteVoucherStore } from "../../../sdk/store";
import { withMetrics, type HealthChecks } from "../../../sdk/observability";
import { deploy, startServer, type Deployment, type TestServer } from "../paid-http/support/fixture";
import { testObservability } from "./support";

interface Readiness {
  status: string;
  checks: Record<string, { ok: boolean; error?: string; block?: number; lagMs?: number }>;
}

/** Serves the health endpoints for `checks` on loopback and GETs `path` once. */
async function probe(checks: HealthChecks, path: string): Promise<{ status: number; body: Readiness }> {
  const { obs } = testObservability();
  const server = http.createServer(withMetrics(obs, (_req, res) => void res.end(), { health: checks }));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    return { status: res.status, body: (await res.json()) as Readiness };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe("observability: health", function () {
  let d: Deployment;
  let server: TestServer;
  let checks: HealthChecks;
  before(async () => {
    d = await deploy();
    server = await startServer(d);
    checks = { store: server.store, chain: d.relayer.provider!, mirror: server.mirror };
  });
  after(async () => server.close());

  it("answers /healthz with 200", async () => {
    expect(await probe({}, "/healthz")).to.deep.equal({ status: 200, body: { status: "ok" } });
  });

  it("answers /readyz with 200 and each check when store, chain and mirror answer", async () => {
    const { status, body } = await probe(checks, "/readyz");
    const oks = Object.fromEntries(Object.entries(body.checks).map(([k, v]) => [k, v.ok]));
    expect([status, body.status, oks]).to.deep.equal([
      200,
      "ready",
      { store: true, chain: true, mirror: true },
    ]);
  });

  it("reports the chain's block number in the chain check", async () => {
    const { body } = await probe(checks, "/readyz");
    expect(body.checks.chain.block).to.equal(await d.relayer.provider!.getBlockNumber());
  });

  it("answers 503 with the store check failed when the store is closed", async () => {
    const store = new SqliteVoucherStore({ filename: ":memory:" });
    await store.close();
    const { status, body } = await probe({ ...checks, store }, "/readyz");
    expect([status, body.status, body.checks.store.ok, body.checks.chain.ok]).to.deep.equal([
      503,
      "not_ready",
      false,
      true,
    ]);
  });

  it("answers 503 with the chain check failed when the RPC is unreachable", async () => {
    const network = Network.from(d.chainId);
    const provider = new JsonRpcProvider(`http://127.0.0.1:${await deadPort()}`, network, {
      staticNetwork: network,
    });
    try {
      const { status, body } = await probe({ ...checks, chain: provider, checkTimeoutMs: 1000 }, "/readyz");
      expect([status, body.checks.chain.ok, typeof body.checks.chain.error]).to.deep.equal([
        503,
        false,
        "string",
      ]);
    } finally {
      provider.destroy();
    }
  });

  it("fails the chain check of a chain that does not answer in time", async () => {
    const hung = { blockNumber: () => new Promise<number>(() => undefined) };
    const { status, body } = await probe({ chain: hung, checkTimeoutMs: 100 }, "/readyz");
    expect([status, body.checks.chain.error]).to.deep.equal([503, "no answer within 100 ms"]);
  });

  it("answers 503 with the mirror check failed when the mirror is stopped", async () => {
    const mirror = new ChainMirror(server.chain, { pollMs: 60_000 });
    await mirror.start();
    await mirror.stop();
    const { status, body } = await probe({ mirror }, "/readyz");
    expect([status, body.checks.mirror.ok, body.checks.mirror.error]).to.deep.equal([
      503,
      false,
      "mirror not running",
    ]);
  });

  it("answers 503 when the mirror last caught up longer ago than the maximum lag", async () => {
    const mirror = new ChainMirror(server.chain, { pollMs: 60_000 });
    await mirror.start();
    try {
      await new Promise((r) => setTimeout(r, 30));
      const { status, body } = await probe({ mirror, maxMirrorLagMs: 10 }, "/readyz");
      expect([status, body.checks.mirror.ok]).to.deep.equal([503, false]);
    } finally {
      await mirror.stop();
    }
  });
});
