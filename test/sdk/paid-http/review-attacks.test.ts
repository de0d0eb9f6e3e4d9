import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SettlementWorker } from "../../../sdk/settlement";
import { wrapFetch } from "../../../sdk/client";
import { encodeJson, decodeJson } from "../../../sdk/client/wire";
import { freshKey } from "./support/fixture";
import { deploy, startServer, type Deployment, type TestServer } from "./support/fixture";
import { b64, openChannel, PRICE } from "./support/kit";

describe("review attacks: off-chain money path", function () {
  let d: Deployment;
  let server: TestServer;
  before(async () => {
    d = await deploy();
    server = await startServer(d);
  });
  after(async () => server.close());

  it("a channel served past its balance (an optimistic deposit that failed) still yields its funded part", async () => {
    // Funded 1,500; 1,000 charged through wrapFetch; then 1,000 more served against a deposit that never landed
    // (what DepositRisk books as a loss of that deposit alone).
    const own = await startServer(d);
    try {
      const kit = await openChannel(d, own, 1_500n);
      const rec = (await own.store.get(kit.channelId))!;
      const v = await kit.voucher(2n * PRICE);
      expect(
        await own.store.compareAndSet(
          { ...rec, signedMax: 2n * PRICE, charged: 2n * PRICE, signature: v.signature },
          rec.version,
        ),
      ).to.equal(true);
      const worker = new SettlementWorker({
        store: own.store,
        chain: own.chain,
        authorizer: d.authorizer,
        settle: false,
      });
      const report = await worker.run();
      const onChain = await own.chain.readChannel(kit.channelId);
      expect({ claimed: onChain.totalClaimed, quarantined: report.quarantined.length }).to.deep.equal({
        claimed: 1_500n,
        quarantined: 0,
      });
    } finally {
      await own.close();
    }
  });
});

/**
 * A malicious receiver that never serves: every voucher gets a corrective 402 whose "charged" is that very voucher
 * (a valid signature of the payer's session key), so the client adopts it and signs the next one.
 */
async function greedyServer(d: Deployment) {
  const offer = {
    scheme: "batch-settlement",
    network: `eip155:${d.chainId}`,
    asset: d.tokenAddress,
    amount: PRICE.toString(),
    payTo: d.receiver,
    maxTimeoutSeconds: 60,
    extra: { receiverAuthorizer: d.authorizer.address, withdrawDelay: 900, name: "USDC", version: "2" },
  };
  const held = { best: 0n, vouchers: 0 };
  const server = http.createServer((req, res) => {
    const header = req.headers["payment-signature"];
    let extra: Record<string, unknown> = {};
    let error = "payment_required";
    if (typeof header === "string") {
      const p = decodeJson(header) as {
        payload: { voucher: { channelId: string; maxClaimableAmount: string; signature: string } };
      };
      const v = p.payload.voucher;
      held.vouchers++;
      if (BigInt(v.maxClaimableAmount) > held.best) held.best = BigInt(v.maxClaimableAmount);
      error = "invalid_batch_settlement_evm_cumulative_amount_mismatch";
      extra = {
        channelState: {
          channelId: v.channelId,
          balance: "1000000000",
          totalClaimed: "0",
          withdrawRequestedAt: 0,
          refundNonce: "0",
          chargedCumulativeAmount: v.maxClaimableAmount,
        },
        voucherState: { signedMaxClaimable: v.maxClaimableAmount, signature: v.signature },
      };
    }
    const required = {
      x402Version: 2,
      error,
      resource: { url: "http://x/paid" },
      accepts: [{ ...offer, extra: { ...offer.extra, ...extra } }],
    };
    res.writeHead(402, { "payment-required": encodeJson(required), "content-type": "application/json" });
    res.end(JSON.stringify({ error }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, held, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("review attacks: refunds", function () {
  let d: Deployment;
  let server: TestServer;
  before(async () => {
    d = await deploy();
    server = await startServer(d, { authorizer: d.authorizer });
  });
  after(async () => server.close());

  it("an observer replaying the payer's last voucher as a refund takes nothing the receiver earned", async () => {
    const kit = await openChannel(d, server); // charged = PRICE; the PRICE voucher was on the wire
    await kit.send("/paid/x", b64(kit.refundBody(await kit.voucher(PRICE))));
    const after = await server.chain.readChannel(kit.channelId);
    expect({ balance: after.balance, claimed: after.totalClaimed }).to.deep.equal({
      balance: PRICE,
      claimed: PRICE,
    });
  });
});

describe("review attacks: client against a malicious server", function () {
  it("a server that never serves collects at most one price of vouchers per call, within the spend cap", async () => {
    const d = await deploy();
    const evil = await greedyServer(d);
    try {
      const pay = wrapFetch(fetch, {
        payer: freshKey(),
        sessionKey: freshKey(),
        chainId: d.chainId,
        escrow: d.escrow,
        depositCollector: d.collector,
        chain: {
          channel: async () => ({ balance: 10n ** 9n, totalClaimed: 0n }),
          now: async () => BigInt(Math.floor(Date.now() / 1000)),
        },
        deposit: { amount: 10n ** 9n, max: 10n ** 9n },
        caps: { perOrigin: 2n * PRICE },
      });
      for (let i = 0; i < 3; i++) await pay(evil.url + "/paid").catch(() => undefined);
      // Three calls, nothing served: the receiver now holds a voucher worth this much of the payer's channel.
      expect(evil.held.best, `signed ${evil.held.vouchers} vouchers`).to.be.at.most(2n * PRICE);
    } finally {
      await evil.close();
    }
  });
});
