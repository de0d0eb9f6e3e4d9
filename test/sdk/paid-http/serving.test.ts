import { expect } from "chai";
import { ethers, network } from "hardhat";
import { BrowserProvider, ZeroAddress, ZeroHash } from "ethers";
import { Redis } from "ioredis";
import { ChainMirror, EthersEscrowChain } from "../../../sdk/server";
import { RedisVoucherStore } from "../../../sdk/store";
import { decodeJson } from "../../../sdk/client/wire";
import { ethersClientChain } from "../../../sdk/client";
import {
  freshKey,
  deploy,
  payingFetch,
  startServer,
  WITHDRAW_DELAY,
  type Adapter,
  type Deployment,
  type TestServer,
} from "./support/fixture";
import { b64, openChannel, PRICE } from "./support/kit";
import { redisAvailable, startRedis, type RedisServer } from "./support/redis-server";

const chargedOf = (res: Response) =>
  (
    decodeJson(res.headers.get("payment-response")!) as {
      extra: { channelState: { chargedCumulativeAmount: string } };
    }
  ).extra.channelState.chargedCumulativeAmount;

describe("paywall: serving paid requests", function () {
  let d: Deployment;
  before(async () => {
    d = await deploy();
  });

  for (const adapter of ["hono", "express", "node"] as Adapter[]) {
    describe(`${adapter} adapter`, function () {
      let server: TestServer;
      before(async () => {
        server = await startServer(d, {
          adapter,
          handler: (path) => {
            if (path.includes("throw")) throw new Error("handler crashed");
            return {
              status: path.includes("fail") ? 500 : 200,
              body: "ok",
              charge: path.includes("cheap") ? 250n : undefined,
            };
          },
        });
      });
      after(async () => server.close());

      it("charges the price and reports it in PAYMENT-RESPONSE", async () => {
        const pay = payingFetch(d);
        await pay(server.url + "/paid/a");
        expect(chargedOf(await pay(server.url + "/paid/a"))).to.equal((2n * PRICE).toString());
      });

      it("charges the handler's actual amount when below the price", async () => {
        const pay = payingFetch(d);
        await pay(server.url + "/paid/a");
        expect(chargedOf(await pay(server.url + "/paid/cheap"))).to.equal((PRICE + 250n).toString());
      });

      it("charges nothing when the handler fails", async () => {
        const kit = await openChannel(d, server);
        expect((await kit.send("/paid/fail", b64(kit.body(await kit.voucher(2n * PRICE))))).status).to.equal(
          500,
        );
        expect((await server.store.get(kit.channelId))!.charged).to.equal(PRICE);
      });

      it("answers 500 and charges nothing when the handler throws", async () => {
        const kit = await openChannel(d, server);
        const res = await kit.send("/paid/throw", b64(kit.body(await kit.voucher(2n * PRICE))));
        expect([res.status, (await server.store.get(kit.channelId))!.charged]).to.deep.equal([500, PRICE]);
      });

      it("accepts the same voucher again after a failed handler", async () => {
        const kit = await openChannel(d, server);
        await kit.send("/paid/fail", b64(kit.body(await kit.voucher(2n * PRICE))));
        expect((await kit.send("/paid/a", b64(kit.body(await kit.voucher(2n * PRICE))))).status).to.equal(
          200,
        );
      });
    });
  }

  describe("hot path", function () {
    let server: TestServer;
    let calls: string[];
    before(async () => {
      calls = [];
      const counting = new BrowserProvider(
        {
          request: async (args: { method: string; params?: unknown[] }) => {
            calls.push(args.method);
            return network.provider.request(args);
          },
        },
        undefined,
        { staticNetwork: true, cacheTimeout: -1 },
      );
      const signer = await counting.getSigner(await d.relayer.getAddress());
      const chain = new EthersEscrowChain(d.chainId, d.escrow, signer);
      const mirror = new ChainMirror(chain, { pollMs: 3_600_000 });
      await mirror.start();
      server = await startServer(d, {
        mirror,
        chain,
        handler: () => ({ status: 200, body: "ok" }),
      });
    });
    after(async () => {
      await server.close();
      await server.mirror.stop();
    });

    it("makes no RPC call per voucher request", async () => {
      const pay = payingFetch(d, { deposit: { amount: 1_000_000n, max: 10n ** 9n } });
      await pay(server.url + "/paid/a"); // opens the channel: one deposit, one read
      calls.length = 0;
      for (let i = 0; i < 200; i++) await pay(server.url + "/paid/a");
      expect(calls).to.deep.equal([]);
    });

    it("persists the voucher before the handler runs", async () => {
      const kit = await openChannel(d, server);
      let seen: bigint | undefined;
      const checking = await startServer(d, {
        store: server.store,
        handler: () => {
          void server.store.get(kit.channelId).then((r) => (seen = r?.signedMax));
          return { status: 200, body: "ok" };
        },
      });
      await kit.send("/paid/a", b64(kit.body(await kit.voucher(2n * PRICE)))).catch(() => undefined);
      await fetch(checking.url + "/paid/a", {
        headers: { "payment-signature": b64(kit.body(await kit.voucher(3n * PRICE))) },
      });
      await checking.close();
      expect(seen).to.equal(3n * PRICE);
    });

    it("serves an idempotent retry (same payment-identifier) without charging again", async () => {
      const kit = await openChannel(d, server);
      const ext = { extensions: { "payment-identifier": { info: { id: "retry-0123456789abcdef" } } } };
      const header = b64(kit.body(await kit.voucher(2n * PRICE), ext));
      await kit.send("/paid/a", header);
      const again = await kit.send("/paid/a", header);
      expect([again.status, chargedOf(again)]).to.deep.equal([200, (2n * PRICE).toString()]);
    });

    it("serves exactly one of 100 parallel copies of one voucher", async () => {
      const kit = await openChannel(d, server);
      const header = b64(kit.body(await kit.voucher(2n * PRICE)));
      const statuses = await Promise.all(
        Array.from({ length: 100 }, () => kit.send("/paid/a", header).then((r) => r.status)),
      );
      expect(statuses.filter((s) => s === 200)).to.have.length(1);
    });

    it("serves 100 parallel requests on one channel through wrapFetch, each charged once", async () => {
      const pay = payingFetch(d);
      await pay(server.url + "/paid/a");
      const res = await Promise.all(Array.from({ length: 100 }, () => pay(server.url + "/paid/a")));
      const charged = res
        .map(chargedOf)
        .map(BigInt)
        .sort((a, b) => (a < b ? -1 : 1));
      expect(charged.at(-1)).to.equal(101n * PRICE);
    });

    it("serves 1,000 channels in parallel (funded in bulk, at most 100 connections at a time)", async function () {
      const escrow = await ethers.getContractAt("Z402Escrow", d.escrow);
      const payer = await d.payer.getAddress();
      const keys = Array.from({ length: 1000 }, () => freshKey());
      await d.token.connect(d.payer).approve(d.escrow, 10n ** 12n);
      for (let i = 0; i < keys.length; i += 100) {
        const calls = keys.slice(i, i + 100).map((k) =>
          escrow.interface.encodeFunctionData("deposit", [
            {
              payer,
              payerAuthorizer: k.address,
              receiver: d.receiver,
              receiverAuthorizer: d.authorizer.address,
              token: d.tokenAddress,
              withdrawDelay: WITHDRAW_DELAY,
              salt: ZeroHash,
            },
            10_000n,
            ZeroAddress,
            "0x",
          ]),
        );
        await escrow.connect(d.payer).multicall(calls);
      }
      const pays = keys.map((sessionKey) => payingFetch(d, { sessionKey }));
      const statuses: number[] = [];
      let next = 0;
      const lane = async () => {
        while (next < pays.length) {
          const pay = pays[next++];
          statuses.push((await pay(server.url + "/paid/a")).status);
        }
      };
      await Promise.all(Array.from({ length: 100 }, lane));
      expect(statuses.filter((s) => s === 200)).to.have.length(1000);
    });
  });

  describe("exact (EIP-3009)", function () {
    let server: TestServer;
    before(async () => {
      server = await startServer(d);
    });
    after(async () => server.close());

    it("verifies, settles on chain before answering, and reports the transaction", async () => {
      const before = await d.token.balanceOf(d.receiver);
      const res = await payingFetch(d, { exactOnly: true })(server.url + "/paid/a");
      const pr = decodeJson(res.headers.get("payment-response")!) as { transaction: string };
      expect([
        res.status,
        (await d.token.balanceOf(d.receiver)) - before,
        pr.transaction.length,
      ]).to.deep.equal([200, PRICE, 66]);
    });

    it("refuses an authorization used twice", async () => {
      let captured = "";
      const pay = payingFetch(d, { exactOnly: true });
      await (async () => {
        const spy = async (input: string | URL | Request, init?: RequestInit) => {
          const h = new Headers(init?.headers).get("payment-signature");
          if (h) captured = h;
          return fetch(input, init);
        };
        const { wrapFetch } = await import("../../../sdk/client");
        void pay;
        const spying = wrapFetch(spy, { ...payingFetchOptions(d), exactOnly: true });
        await spying(server.url + "/paid/a");
      })();
      const again = await fetch(server.url + "/paid/a", { headers: { "payment-signature": captured } });
      expect(again.status).to.equal(402);
    });

    it("answers 503 (not 402) when the chain is unreachable while settling", async () => {
      const down = await startServer(d, {
        chain: Object.assign(Object.create(server.chain), {
          transferWithAuthorization: async () => {
            throw Object.assign(new Error("connect ECONNREFUSED"), { code: "NETWORK_ERROR" });
          },
        }),
      });
      const res = await payingFetch(d, { exactOnly: true })(down.url + "/paid/a");
      await down.close();
      expect([res.status, JSON.parse(await res.text()).error]).to.deep.equal([503, "z402_chain_unavailable"]);
    });

    it("refuses a value that differs from the price", async () => {
      const pay = payingFetch(d, { exactOnly: true });
      const first = await fetch(server.url + "/paid/a");
      expect(first.status).to.equal(402);
      const { signExactAuthorization } = await import("../../../sdk/client/sign");
      const required = decodeJson(first.headers.get("payment-required")!) as {
        accepts: Record<string, unknown>[];
      };
      const offer = required.accepts[1];
      const payload = await signExactAuthorization(
        d.payer,
        { address: d.tokenAddress, name: "USDC", version: "2" },
        d.chainId,
        d.receiver,
        PRICE - 1n,
        BigInt((await ethers.provider.getBlock("latest"))!.timestamp),
        60,
      );
      void pay;
      const res = await fetch(server.url + "/paid/a", {
        headers: { "payment-signature": b64({ x402Version: 2, accepted: offer, payload }) },
      });
      expect(JSON.parse(await res.text()).error).to.equal(
        "invalid_exact_evm_payload_authorization_value_mismatch",
      );
    });
  });

  describe("two replicas sharing Redis", function () {
    let redis: RedisServer | undefined;
    let a: TestServer;
    let b: TestServer;
    const clients: Redis[] = [];
    before(async function () {
      if (!redisAvailable()) {
        console.log("    skipped: redis-server binary not found");
        this.skip();
      }
      redis = await startRedis();
      const mk = () => {
        const c = new Redis({ host: "127.0.0.1", port: redis!.port });
        clients.push(c);
        return new RedisVoucherStore({ client: c, prefix: "replicas" });
      };
      a = await startServer(d, { store: mk(), instanceId: "a" });
      b = await startServer(d, { store: mk(), instanceId: "b" });
    });
    after(async () => {
      await a?.close();
      await b?.close();
      await Promise.all(clients.map((c) => c.quit()));
      await redis?.stop();
    });

    it("never serves one payment twice", async () => {
      const kit = await openChannel(d, a);
      const header = b64(kit.body(await kit.voucher(2n * PRICE)));
      const statuses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          fetch((i % 2 ? a : b).url + "/paid/x", { headers: { "payment-signature": header } }).then(
            (r) => r.status,
          ),
        ),
      );
      expect(statuses.filter((s) => s === 200)).to.have.length(1);
    });

    it("lets a client alternate between replicas on one channel", async () => {
      const pay = payingFetch(d);
      for (let i = 0; i < 10; i++) expect((await pay((i % 2 ? a : b).url + "/paid/x")).status).to.equal(200);
    });
  });
});

function payingFetchOptions(d: Deployment) {
  return {
    payer: d.payer,
    sessionKey: freshKey(),
    chainId: d.chainId,
    escrow: d.escrow,
    depositCollector: d.collector,
    chain: ethersClientChain(ethers.provider, d.escrow),
    deposit: { amount: 100_000n, max: 1_000_000n },
  };
}
