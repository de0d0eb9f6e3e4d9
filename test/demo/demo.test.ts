import { expect } from "chai";
import { execFile } from "node:child_process";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function demo(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "scripts/demo.ts", ...args],
      { cwd: root, timeout: 120_000, maxBuffer: 16 << 20, env: { ...process.env, HARDHAT_NETWORK: "" } },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe("npm run demo", function () {
  this.timeout(120_000);
  let run: Run;
  let report: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  before(async function () {
    run = await demo(["--requests", "20", "--json"]);
    report = JSON.parse(run.stdout);
  });

  it("exits 0 and prints one JSON report on stdout, the steps on stderr", function () {
    expect(run.code, run.stderr).to.equal(0);
    expect(report.ok).to.equal(true);
    expect(run.stderr).to.match(/✓ start a local chain and deploy the system/);
  });

  it("makes the requested paid HTTP requests plus one paid A2A question, each charged the price", function () {
    expect(report.requests).to.equal(20);
    expect(report.a2aRequests).to.equal(1);
    expect(report.seller.priceAtomic).to.equal("1000");
    expect(report.totalPaidAtomic).to.equal("21000");
  });

  it("creates both agents through the factory, the seller paid into its AgentAccount", function () {
    expect(report.seller.agentId).to.equal("1");
    expect(report.buyer.agentId).to.equal("2");
    expect(report.seller.account).to.match(/^0x[0-9a-fA-F]{40}$/);
  });

  it("finds the seller through the registry and, after the deposit, through the facilitator's catalog", function () {
    expect(report.catalog.agentId).to.equal(report.seller.agentId);
    expect(report.catalog.facilitator).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(report.catalog.resources).to.deep.equal([
      { resource: `${report.seller.url}/summarize`, method: "POST", serviceName: "Summarizer" },
    ]);
    expect(run.stderr).to.match(
      /✓ find the seller through the registry and through the facilitator's Bazaar catalog: agent #1 in the registry, POST http:\S+\/summarize in the catalog at http:/,
    );
  });

  it("settles exactly what was paid into the seller's balance", function () {
    const gained = BigInt(report.sellerBalanceAfterAtomic) - BigInt(report.sellerBalanceBeforeAtomic);
    expect(gained.toString()).to.equal(report.totalPaidAtomic);
  });

  it("ends with the buyer's feedback counted in the seller's paid reputation", function () {
    expect(report.reputation).to.deep.equal({
      score: 95,
      paidClients: 1,
      feedbackCount: 1,
      totalPaidAtomic: "21000",
    });
  });

  it("reads the chain zero times on the hot path", function () {
    expect(report.hotPathRpcCalls).to.equal(0);
  });

  it("reports latency percentiles and gas per request", function () {
    expect(report.latencyMs.p50).to.be.greaterThan(0);
    expect(report.latencyMs.p99).to.be.at.least(report.latencyMs.p50);
    expect(report.gasPerRequest).to.be.greaterThan(0);
    expect(Number(report.gasTotal)).to.equal(Math.round(report.gasPerRequest * 20));
  });

  it("names every step it ran or could not run", function () {
    const names = (report.steps as Array<{ name: string; status: string }>).map((s) => s.name);
    expect(names).to.include("start a local chain and deploy the system");
    for (const s of report.steps) expect(s.status).to.be.oneOf(["ok", "unavailable"]);
  });
});

describe("npm run demo: bad arguments", function () {
  it("rejects a malformed --requests with one sentence and exit code 2", async function () {
    const r = await demo(["--requests", "many"]);
    expect(r.code).to.equal(2);
    expect(r.stderr.trim()).to.equal('demo: --requests must be an integer from 1 to 100000, not "many"');
  });
});
