import { expect } from "chai";
import { SettlementWorker } from "../../../sdk/settlement";
import { observePaywall, observeWorker } from "../../../sdk/observability";
import { decodeJson } from "../../../sdk/client/wire";
import {
  deploy,
  freshKey,
  payingFetch,
  startServer,
  type Deployment,
  type TestServer,
} from "../paid-http/support/fixture";
import { b64, openChannel, PRICE, type Kit } from "../paid-http/support/kit";
import { testObservability, type LogCapture } from "./support";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("observability: logs", function () {
  let d: Deployment;
  let server: TestServer;
  let logs: LogCapture;
  let kit: Kit;
  const session = freshKey();
  /** Every payment header the paying client sent. */
  const sent: string[] = [];

  before(async () => {
    d = await deploy();
    server = await startServer(d);
    const t = testObservability();
    logs = t.logs;
    observePaywall(server.paywall, t.obs);
    const spy = (input: string | URL | Request, init?: RequestInit) => {
      const header = new Headers(init?.headers).get("payment-signature");
      if (header) sent.push(header);
      return fetch(input, init);
    };
    const pay = payingFetch(d, { sessionKey: session }, spy);
    for (let i = 0; i < 2; i++) {
      const res = await pay(server.url + "/paid/item", { headers: { "x-request-id": `paid-${i}` } });
      expect(res.status).to.equal(200);
    }
    kit = await openChannel(d, server);
    const bad = b64(kit.body(await kit.voucher(5n * PRICE)));
    await fetch(server.url + "/paid/x", { headers: { "payment-signature": bad, "x-request-id": "bad-1" } });
    await fetch(server.url + "/paid/x", { headers: { "payment-signature": bad } });
    const worker = new SettlementWorker({
      store: server.store,
      chain: server.chain,
      authorizer: d.authorizer,
    });
    observeWorker(worker, t.obs);
    await worker.run();
    // What a careless caller might log: an error quoting a signature, secret-named fields, a header.
    const signature = (await kit.voucher(2n * PRICE)).signature;
    t.obs.logger.error(
      {
        err: new Error(`execution reverted: data=${signature}`),
        wallet: { privateKey: session.privateKey },
        headers: { authorization: "Bearer receiver-secret-0123456789", "payment-signature": bad },
      },
      `could not pay with ${bad}`,
    );
    t.obs.logger.info({ voucher: { signature } }, "voucher");
  });
  after(async () => server.close());

  it("writes one JSON object per line with the service name and a level label", function () {
    const first = logs.records()[0];
    expect([first.service, typeof first.level, typeof first.time]).to.deep.equal([
      "z402-test",
      "string",
      "string",
    ]);
  });

  it("gives a refusal's line the request id, the channel id and the reason code", function () {
    const line = logs.find("payment refused").find((r) => r.requestId === "bad-1");
    expect(line).to.include({
      channelId: kit.channelId.toLowerCase(),
      reason: "invalid_batch_settlement_evm_cumulative_amount_mismatch",
      route: "/paid/*",
    });
  });

  it("generates a request id for a request without x-request-id", function () {
    const ids = logs.find("payment refused").map((r) => r.requestId as string);
    expect(ids.filter((id) => UUID.test(id))).to.have.length.greaterThan(0);
  });

  it("gives the deposit's line the request id, the channel id and the amount", function () {
    const [line] = logs.find("deposit submitted").filter((r) => r.requestId === "paid-0");
    expect(line).to.include({ action: "deposit", amount: "100000" });
    expect(line.channelId).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("gives each claim batch a line with its channel ids and transaction", function () {
    const [line] = logs.find("claim batch landed");
    expect(line.transaction).to.match(/^0x[0-9a-f]{64}$/);
    expect((line.channelIds as string[]).map((id) => id.toLowerCase())).to.include(
      kit.channelId.toLowerCase(),
    );
  });

  it("gives the settle a line with its transaction", function () {
    expect(logs.find("settled")[0].transaction).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("truncates a signature field to its first 10 characters", function () {
    const signature = (logs.find("voucher")[0].voucher as { signature: string }).signature;
    expect(signature).to.match(/^0x[0-9a-f]{8}…$/);
  });

  it("never writes a full signature, payment header, private key or secret", function () {
    const signatures = sent.flatMap((h) => {
      const p = decodeJson(h) as { payload: Record<string, unknown> };
      const voucher = p.payload.voucher as { signature: string };
      const deposit = p.payload.deposit as
        { authorization: { erc3009Authorization: { signature: string } } } | undefined;
      return [voucher.signature, deposit?.authorization.erc3009Authorization.signature].filter(Boolean);
    }) as string[];
    expect(signatures.length).to.be.greaterThan(1);
    const secrets = [...sent, ...signatures, ...signatures.map((s) => s.slice(2)), session.privateKey];
    secrets.push(session.privateKey.slice(2), "receiver-secret-0123456789");
    const text = logs.lines.join("\n");
    expect(secrets.filter((s) => text.includes(s))).to.deep.equal([]);
  });
});
