import { expect } from "chai";
import { ethers } from "ethers";
import {
  BatchSettlementScheme,
  createFacilitator,
  serveFacilitator,
  type Facilitator,
  type RunningFacilitator,
} from "../../sdk/facilitator";
import { NETWORK } from "./support/chain";
import { placeEscrow, serveStockBatchExpress, stockBatchFetch } from "./support/batch";
import {
  batchRequirements,
  claimPayload,
  fundedChannel,
  postSettle,
  refundPayload,
  type Requirements,
} from "./support/receiver-side";
import { startWorld, type World } from "./support/world";

const secret = () => ethers.hexlify(ethers.randomBytes(32)).slice(2);

describe("z402 facilitator: it signs a refund or claim only for the authenticated receiver", function () {
  let world: World;
  let escrow: ethers.Contract;
  let relayer: ethers.Wallet;
  let facilitator: Facilitator;
  let running: RunningFacilitator;
  let req: Requirements;
  let otherReq: Requirements;
  const authorizer = ethers.Wallet.createRandom();
  const [mySecret, otherSecret] = [secret(), secret()];
  const bearer = (s: string) => `Bearer ${s}`;

  before(async function () {
    world = await startWorld();
    escrow = await placeEscrow(world.chain, await world.operator());
    relayer = await world.operator();
    req = batchRequirements(await world.payee(), authorizer.address);
    otherReq = batchRequirements(await world.payee(), authorizer.address);
    facilitator = createFacilitator([
      new BatchSettlementScheme({
        signer: relayer,
        networks: [NETWORK],
        authorizer,
        receiverSecrets: { [req.payTo]: mySecret, [otherReq.payTo]: otherSecret },
      }),
    ]);
    running = await serveFacilitator(facilitator);
  });
  after(async function () {
    await running.close();
    await world.close();
  });

  const sent = () => world.chain.ethersProvider.getTransactionCount(relayer.address);
  const channel = async (id: string) => (await escrow.channels(id)) as [bigint, bigint];

  it("will not start with a guessable receiver secret", function () {
    const short = () =>
      new BatchSettlementScheme({
        signer: relayer,
        networks: [NETWORK],
        authorizer,
        receiverSecrets: { [req.payTo]: "hunter2" },
      });
    expect(short).to.throw().with.property("code", "z402_receiver_secrets_invalid");
  });

  describe("refund", function () {
    it("refuses a refund with no credential (401) and sends no transaction", async function () {
      const c = await fundedChannel(world, facilitator, req);
      const txs = await sent();
      // The payer's own attack: take back everything, the 3,000 it was served included.
      const r = await postSettle(running.url, refundPayload(req, c.config, 10_000n, []), req);
      expect([r.status, r.body.errorReason, r.challenge]).to.deep.equal([
        401,
        "z402_receiver_auth_required",
        'Bearer realm="z402-facilitator"',
      ]);
      expect([await sent(), await channel(c.channelId)]).to.deep.equal([txs, [10_000n, 0n]]);
    });

    it("refuses a refund with a forged credential (401) and sends no transaction", async function () {
      const c = await fundedChannel(world, facilitator, req);
      const txs = await sent();
      const r = await postSettle(
        running.url,
        refundPayload(req, c.config, 10_000n, []),
        req,
        bearer(secret()),
      );
      expect([r.status, r.body.errorReason, await sent()]).to.deep.equal([
        401,
        "z402_receiver_auth_invalid",
        txs,
      ]);
    });

    it("refuses the secret sent other than as a bearer token (401)", async function () {
      const c = await fundedChannel(world, facilitator, req);
      const r = await postSettle(
        running.url,
        refundPayload(req, c.config, 10_000n, []),
        req,
        `Basic ${mySecret}`,
      );
      expect([r.status, r.body.errorReason]).to.deep.equal([401, "z402_receiver_auth_required"]);
    });

    it("refuses another receiver's valid credential (403) and sends no transaction", async function () {
      const c = await fundedChannel(world, facilitator, req);
      const txs = await sent();
      const r = await postSettle(
        running.url,
        refundPayload(req, c.config, 10_000n, []),
        req,
        bearer(otherSecret),
      );
      expect([r.status, r.body.errorReason, await sent()]).to.deep.equal([
        403,
        "z402_receiver_forbidden",
        txs,
      ]);
    });

    it("claims the served vouchers, then refunds the rest, for the authenticated receiver", async function () {
      const c = await fundedChannel(world, facilitator, req);
      const before = (await world.usdc.token.balanceOf(c.payer.address)) as bigint;
      const served = await c.serve(3000n);
      const r = await postSettle(
        running.url,
        refundPayload(req, c.config, 7000n, [served]),
        req,
        bearer(mySecret),
      );
      expect([r.status, r.body.success]).to.deep.equal([200, true]);
      expect(await channel(c.channelId)).to.deep.equal([3000n, 3000n]);
      expect(await world.usdc.token.balanceOf(c.payer.address)).to.equal(before + 7000n);
    });

    it("refuses a replay of an authenticated refund once it landed, and sends no second transaction", async function () {
      const c = await fundedChannel(world, facilitator, req);
      const body = refundPayload(req, c.config, 7000n, [await c.serve(3000n)]);
      expect((await postSettle(running.url, body, req, bearer(mySecret))).body.success).to.equal(true);
      const txs = await sent();
      const replay = await postSettle(running.url, body, req, bearer(mySecret));
      expect([replay.body.errorReason, await sent()]).to.deep.equal(["z402_refund_nonce_stale", txs]);
    });

    it("refuses in process too: settle without a context is unauthenticated", async function () {
      const c = await fundedChannel(world, facilitator, req);
      const r = await facilitator.settle(refundPayload(req, c.config, 10_000n, []), req);
      expect([r.success, r.errorReason, r.transaction]).to.deep.equal([
        false,
        "z402_receiver_auth_required",
        "",
      ]);
    });
  });

  describe("claim", function () {
    it("refuses to sign a claim batch with no credential (401) and sends no transaction", async function () {
      const c = await fundedChannel(world, facilitator, req);
      const txs = await sent();
      const r = await postSettle(running.url, await claimPayload(req, [await c.serve(10_000n)]), req);
      expect([r.status, r.body.errorReason, await sent()]).to.deep.equal([
        401,
        "z402_receiver_auth_required",
        txs,
      ]);
      expect((await channel(c.channelId))[1]).to.equal(0n);
    });

    it("refuses to sign a claim on another receiver's channel (403)", async function () {
      const c = await fundedChannel(world, facilitator, otherReq);
      const r = await postSettle(
        running.url,
        await claimPayload(req, [await c.serve(2000n)]),
        req,
        bearer(mySecret),
      );
      expect([r.status, r.body.errorReason]).to.deep.equal([403, "z402_receiver_forbidden"]);
    });

    it("signs and sends a claim batch for the authenticated receiver", async function () {
      const c = await fundedChannel(world, facilitator, req);
      const r = await postSettle(
        running.url,
        await claimPayload(req, [await c.serve(2000n)]),
        req,
        bearer(mySecret),
      );
      expect([r.status, r.body.success, (await channel(c.channelId))[1]]).to.deep.equal([200, true, 2000n]);
    });

    it("takes a claim batch that carries the receiverAuthorizer's own signature, with no credential", async function () {
      const c = await fundedChannel(world, facilitator, req);
      const r = await postSettle(
        running.url,
        await claimPayload(req, [await c.serve(2000n)], authorizer),
        req,
      );
      expect([r.status, r.body.success, (await channel(c.channelId))[1]]).to.deep.equal([200, true, 2000n]);
    });
  });

  describe("a stock @x402/evm server that delegates its receiverAuthorizer to this facilitator", function () {
    /** Two paid requests by the stock client, then the server's cooperative refund of the channel. */
    async function payTwiceThenRefund(settleHeaders: Record<string, string>) {
      const server = await serveStockBatchExpress(running.url, req.payTo, undefined, "1000", settleHeaders);
      try {
        const payer = await world.payer();
        const before = (await world.usdc.token.balanceOf(payer.address)) as bigint;
        const { fetch: pay } = stockBatchFetch(world.chain, payer);
        for (let i = 0; i < 2; i++) expect((await pay(`${server.url}/paid`)).status).to.equal(200);
        const refunds = await server.refundAll().catch((e: Error) => e);
        const spent = before - ((await world.usdc.token.balanceOf(payer.address)) as bigint);
        return { refunds, spent };
      } finally {
        await server.close();
      }
    }

    it("carries its refund when it sends its credential through createAuthHeaders", async function () {
      const { refunds, spent } = await payTwiceThenRefund({ Authorization: bearer(mySecret) });
      expect([Array.isArray(refunds) && refunds.length, spent]).to.deep.equal([1, 2000n]);
    });

    it("refuses its refund without the credential: the payer's deposit stays in the channel", async function () {
      const { refunds, spent } = await payTwiceThenRefund({});
      // Nothing came back: the payer is out its whole deposit, not just the 2,000 it was served.
      expect(String(refunds)).to.match(/^SettleError: z402_receiver_auth_required/);
      expect(spent > 2000n).to.equal(true);
    });
  });
});
