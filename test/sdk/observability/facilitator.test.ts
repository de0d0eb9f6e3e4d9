import { expect } from "chai";
import { ethers, network } from "hardhat";
import { BrowserProvider, VoidSigner } from "ethers";
import {
  BatchSettlementScheme,
  createFacilitator,
  serveFacilitator,
  type RunningFacilitator,
} from "../../../sdk/facilitator";
import { ChainMirror, EthersEscrowChain } from "../../../sdk/server";
import { observeFacilitator } from "../../../sdk/observability";
import {
  deploy,
  payingFetch,
  startServer,
  type Deployment,
  type TestServer,
} from "../paid-http/support/fixture";
import { metricValue, testObservability, type LogCapture } from "./support";

describe("observability: facilitator", function () {
  let d: Deployment;
  let facilitator: RunningFacilitator;
  let server: TestServer;
  let mirror: ChainMirror;
  let logs: LogCapture;
  let refusedReason: string;
  let channelId: string;
  let text: string;

  before(async () => {
    d = await deploy();
    // A plain ethers provider over the in-process chain: the facilitator waits for receipts.
    const provider = new BrowserProvider(network.provider, undefined, {
      staticNetwork: true,
      pollingInterval: 50,
    });
    const signer = await provider.getSigner(await (await ethers.getSigners())[6].getAddress());
    const f = createFacilitator([
      new BatchSettlementScheme({
        signer,
        networks: [`eip155:${d.chainId}`],
        escrow: d.escrow,
        collector: d.collector,
      }),
    ]);
    const t = testObservability();
    logs = t.logs;
    observeFacilitator(f, t.obs);
    facilitator = await serveFacilitator(f, { obs: t.obs });
    // The paywall's chain can read but not send: its deposit goes through the facilitator.
    const readOnly = new EthersEscrowChain(
      d.chainId,
      d.escrow,
      new VoidSigner(await d.relayer.getAddress(), ethers.provider),
    );
    mirror = new ChainMirror(readOnly, { pollMs: 3_600_000 });
    await mirror.start();
    server = await startServer(d, { chain: readOnly, mirror, facilitator: facilitator.url });
    expect((await payingFetch(d)(server.url + "/paid/a")).status).to.equal(200);
    const verify = await fetch(facilitator.url + "/verify", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ x402Version: 2, paymentPayload: { x402Version: 2 }, paymentRequirements: {} }),
    });
    refusedReason = ((await verify.json()) as { invalidReason: string }).invalidReason;
    channelId = (await server.store.listOwed())[0].channelId;
    text = await (await fetch(facilitator.url + "/metrics")).text();
  });
  after(async () => {
    await server.close();
    await mirror.stop();
    await facilitator.close();
  });

  it("serves GET /metrics on the facilitator's HTTP service", function () {
    expect(text).to.match(/^# TYPE z402_facilitator_requests_total counter$/m);
  });

  it("refuses other methods on /metrics with 405", async () => {
    expect((await fetch(facilitator.url + "/metrics", { method: "POST" })).status).to.equal(405);
  });

  it("counts the deposit's verify and settle as answered", function () {
    const labels = { scheme: "batch-settlement", network: `eip155:${d.chainId}`, result: "ok" };
    expect([
      metricValue(text, "z402_facilitator_requests_total", { ...labels, kind: "verify" }),
      metricValue(text, "z402_facilitator_requests_total", { ...labels, kind: "settle" }),
    ]).to.deep.equal([1, 1]);
  });

  it("counts a malformed verify as a refusal under its reason code", function () {
    expect(refusedReason).to.be.a("string").and.not.equal("");
    const labels = { kind: "verify", reason: refusedReason };
    expect(metricValue(text, "z402_facilitator_refusals_total", labels)).to.equal(1);
  });

  it("logs the settle with its transaction and channel id", function () {
    const [line] = logs.find("settled");
    expect(line.transaction).to.match(/^0x[0-9a-f]{64}$/);
    expect(line.channelId).to.equal(channelId);
  });

  it("logs a refusal with its reason", function () {
    expect(logs.find("verify refused").map((r) => r.reason)).to.deep.equal([refusedReason]);
  });
});
