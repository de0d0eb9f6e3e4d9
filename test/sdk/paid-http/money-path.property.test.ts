import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import type { ChainMirror } from "../../../sdk/server";
import { channelIdOf, signVoucher } from "../../../sdk/client";
import { signDepositAuthorization } from "../../../sdk/client/sign";
import { channelConfigFor, deploy, freshKey, type Deployment, type TestServer } from "./support/fixture";
import { b64, openChannel, PRICE, type Kit } from "./support/kit";
import { redisAvailable } from "./support/redis-server";
import { startReplicaPair, type ReplicaPair } from "./support/replicas";

/**
 * The money path's invariant over random sequences (issue "Money path", proof): paid requests, replays of earlier
 * headers elsewhere, mutated headers, refunds, withdrawals and failed deposits against two replicas sharing one
 * Redis store (one with a chain view that lags). After every step: the prices of fresh 2xx answers sum to the
 * store's charge, which stays within what the chain lets the receiver claim; the handler ran once per charge; any
 * other 2xx is a stored answer to a byte-identical retry.
 */
const RUNS = Number(process.env.Z402_PROPERTY_RUNS ?? 40);
const PRICEY = 5n * PRICE;
const DEPOSIT = 12n * PRICE;

type Replica = 0 | 1;
type Action =
  | { t: "pay"; r: Replica; id: boolean; path: "/paid/a" | "/paid/b" }
  | { t: "replay"; r: Replica; k: number; to: "same" | "otherPath" | "post" | "pricey" }
  | { t: "mutate"; r: Replica; k: number; m: "maxUp" | "maxDown" | "sig" | "dropId" | "newId" }
  | { t: "race" }
  | { t: "refund"; r: Replica; partial: boolean }
  | { t: "withdraw" }
  | { t: "failedDeposit"; r: Replica };

const replica = fc.constantFrom<Replica>(0, 1);
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant("pay" as const), r: replica, id: fc.boolean(), path: fc.constantFrom("/paid/a" as const, "/paid/b" as const) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("replay" as const), r: replica, k: fc.nat(), to: fc.constantFrom("same" as const, "otherPath" as const, "post" as const, "pricey" as const) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("mutate" as const), r: replica, k: fc.nat(), m: fc.constantFrom("maxUp" as const, "maxDown" as const, "sig" as const, "dropId" as const, "newId" as const) }) },
  { weight: 1, arbitrary: fc.constant({ t: "race" as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("refund" as const), r: replica, partial: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ t: "withdraw" as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("failedDeposit" as const), r: replica }) },
); // prettier-ignore

interface Sent {
  header: string;
  path: string;
  method: string;
  body: Record<string, unknown>;
  ok: boolean;
}

describe("money path: property over random sequences on two replicas sharing Redis", function () {
  let d: Deployment;
  let pair: ReplicaPair | undefined;
  let servers: TestServer[];
  let lagging: ChainMirror;
  const runs = { count: 0 };

  before(async function () {
    if (!redisAvailable()) {
      console.log("    skipped: redis-server binary not found");
      this.skip();
    }
    d = await deploy();
    pair = await startReplicaPair(d, "property", {
      routes: [
        { path: "/paid/*", price: PRICE },
        { path: "/pricey", price: PRICEY },
      ],
      handler: () => {
        runs.count++;
        return { status: 200, body: `run ${runs.count}` };
      },
      authorizer: d.authorizer,
    });
    servers = [pair.a, pair.b];
    lagging = pair.lagging;
  });
  after(async () => pair?.close());

  /** One random sequence on a fresh channel; throws on the first broken invariant. */
  async function runSequence(actions: Action[]) {
    const kit = await openChannel(d, servers[0], DEPOSIT);
    await lagging.channel(kit.channelId);
    const store = servers[0].store;
    const escrow = await ethers.getContractAt("Z402Escrow", d.escrow);
    const base = (await store.get(kit.channelId))!.charged;
    const runsAtStart = runs.count;
    let fresh = 0n;
    const sent: Sent[] = [];
    let ids = 0;

    const send = async (r: Replica, s: Omit<Sent, "ok">) => {
      const before = runs.count;
      const res = await fetch(servers[r].url + s.path, {
        method: s.method,
        headers: { "payment-signature": s.header },
        ...(s.method === "POST" ? { body: "{}" } : {}),
      });
      await res.arrayBuffer();
      const ok = res.status >= 200 && res.status < 300;
      if ((s.body.payload as { type: string }).type === "refund") {
        // A refund answers 200 without a charge or a handler run (a replayed one returns more of the payer's own
        // unspent funds to the payer, after claiming what was charged).
        expect(runs.count).to.equal(before);
      } else if (ok && res.headers.get("x-z402-idempotent-replay") === "true") {
        // A stored answer: only for a byte-identical request that was answered before, and nothing ran.
        const original = sent.find(
          (x) => x.ok && x.header === s.header && x.path === s.path && x.method === s.method,
        );
        expect(original, "replayed answer without an identical paid request").to.not.equal(undefined);
        expect(runs.count).to.equal(before);
      } else if (ok) {
        fresh++;
      }
      sent.push({ ...s, ok });
      return res.status;
    };
    const voucherBody = async (max: bigint, id: boolean) =>
      kit.body(await kit.voucher(max), id ? { extensions: { "payment-identifier": { info: { id: `prop_${Date.now()}_${ids++}_aaaaaaaaaaaa` } } } } : {}); // prettier-ignore
    const charged = async () => (await store.get(kit.channelId))!.charged;

    for (const a of actions) {
      switch (a.t) {
        case "pay": {
          const body = await voucherBody((await charged()) + PRICE, a.id);
          await send(a.r, { header: b64(body), path: a.path, method: "GET", body });
          break;
        }
        case "replay": {
          if (sent.length === 0) break;
          const s = sent[a.k % sent.length];
          const path = a.to === "otherPath" ? "/paid/zzz" : a.to === "pricey" ? "/pricey" : s.path;
          const method = a.to === "post" ? (s.method === "POST" ? "GET" : "POST") : s.method;
          await send(a.r, { ...s, path, method });
          break;
        }
        case "mutate": {
          if (sent.length === 0) break;
          const s = sent[a.k % sent.length];
          const body = structuredClone(s.body) as {
            payload: { voucher: Record<string, string> };
            extensions?: unknown;
          };
          const v = body.payload.voucher;
          if (a.m === "maxUp") v.maxClaimableAmount = (BigInt(v.maxClaimableAmount) + 1n).toString();
          if (a.m === "maxDown") v.maxClaimableAmount = (BigInt(v.maxClaimableAmount) - 1n).toString();
          if (a.m === "sig")
            v.signature =
              v.signature.slice(0, 10) + (v.signature[10] === "a" ? "b" : "a") + v.signature.slice(11);
          if (a.m === "dropId") delete body.extensions;
          if (a.m === "newId")
            body.extensions = { "payment-identifier": { info: { id: `mut_${ids++}_bbbbbbbbbbbbbbbb` } } };
          await send(a.r, { header: b64(body), path: s.path, method: s.method, body });
          break;
        }
        case "race": {
          const body = await voucherBody((await charged()) + PRICE, false);
          const header = b64(body);
          await Promise.all(
            [0, 1].map((r) => send(r as Replica, { header, path: "/paid/a", method: "GET", body })),
          );
          break;
        }
        case "refund": {
          const body = kit.refundBody(await kit.voucher(await charged()), a.partial ? PRICE : undefined);
          await send(a.r, { header: b64(body), path: "/paid/a", method: "GET", body });
          break;
        }
        case "withdraw": {
          const [balance, claimed] = (await escrow.channels(kit.channelId)) as [bigint, bigint];
          const [pending] = (await escrow.pendingWithdrawals(kit.channelId)) as [bigint, bigint];
          if (balance > claimed && pending === 0n) {
            await (await escrow.connect(d.payer).initiateWithdraw(kit.config, 1n)).wait();
          }
          break;
        }
        case "failedDeposit":
          await failedDeposit(a.r, kit);
          break;
      }
      await checkInvariants();
    }

    async function checkInvariants() {
      const record = (await store.get(kit.channelId))!;
      const [balance] = (await escrow.channels(kit.channelId)) as [bigint, bigint];
      expect(record.charged, "store charge = prices of fresh 2xx answers").to.equal(base + fresh * PRICE);
      expect(BigInt(runs.count - runsAtStart), "one handler run per charge").to.equal(fresh);
      expect(record.signedMax >= record.charged, "a stored voucher covers the charge").to.equal(true);
      expect(record.charged <= balance, "the receiver can claim every charge").to.equal(true);
    }

    /** A deposit from a wallet without tokens, on a channel of its own: never served. */
    async function failedDeposit(r: Replica, k: Kit) {
      const empty = freshKey();
      const session = freshKey();
      const config = channelConfigFor(d, empty.address, session.address);
      const channelId = channelIdOf(d.chainId, d.escrow, config);
      const amount = 10n * PRICE;
      const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
      const authorization = await signDepositAuthorization(empty, { address: d.tokenAddress, name: "USDC", version: "2" }, d.chainId, d.collector, channelId, amount, now); // prettier-ignore
      const voucher = {
        channelId,
        maxClaimableAmount: PRICE.toString(),
        signature: await signVoucher(session, d.chainId, d.escrow, channelId, PRICE),
      };
      const body = {
        x402Version: 2,
        accepted: k.accepted,
        payload: { type: "deposit", channelConfig: config, voucher, deposit: { amount: amount.toString(), authorization: { erc3009Authorization: authorization } } },
      }; // prettier-ignore
      const before = runs.count;
      const res = await fetch(servers[r].url + "/paid/a", { headers: { "payment-signature": b64(body) } });
      expect([res.status >= 200 && res.status < 300, runs.count]).to.deep.equal([false, before]);
    }
  }

  it("keeps served ≤ charged ≤ claimable and one handler run per charge", async function () {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 4, maxLength: 14 }), async (actions) => {
        await runSequence(actions);
      }),
      { numRuns: RUNS },
    );
  });
});
