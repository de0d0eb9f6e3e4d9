/**
 * Payment-header fuzz (`npx hardhat run bench/header-fuzz.bench.ts`; issue 17, "Money path"): FUZZ_HEADERS
 * (default 100,000) mutated payment headers against the Hono paywall with an in-memory SQLite store, called in
 * process (`app.fetch`, no sockets) on the in-process Hardhat chain. Seeds are valid fresh vouchers, used headers
 * (with and without a payment identifier), stale vouchers, refunds, deposits, `exact` payments and junk; mutations
 * work on the JSON (fields replaced by other types, deleted, duplicated, targeted changes), on its bytes and on the
 * base64, across methods, bodies and paths (two paid routes at two prices, free paths).
 *
 * After every request: no exception escaped, the status is < 500, and a 2xx on a paid route is a fresh charge (the
 * handler ran once with the payment, and the store's charge of that channel rose by exactly its price; for `exact`
 * the settlement's Transfer is on chain), a cached replay (`x-z402-idempotent-replay: true`, handler not run, the
 * answer first given to that very header), or a refund (settled on chain, handler not run). At the end: the
 * stores' charges add up to the fresh charges, and no channel is charged past its on-chain balance.
 *
 * FUZZ_SEED=n replays the same sequence of choices (keys derive from it; only chain timestamps differ between
 * runs). Violations are written as replayable requests to a JSON file in the OS temp dir. Rewrites the
 * `header-fuzz` section of bench/RESULTS.md; exits non-zero on any violation.
 */
import { ethers } from "hardhat";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Interface, ZeroAddress, ZeroHash, getAddress } from "ethers";
import { Hono, type Context } from "hono";
import { ChainMirror, EthersEscrowChain, Paywall, honoPaywall } from "../sdk/server";
import { paymentOf } from "../sdk/server/adapters/hono";
import { SqliteVoucherStore } from "../sdk/store";
import { SessionSigner } from "../sdk/signing";
import { channelIdOf, ethersClientChain, signVoucher, wrapFetch, type ChannelConfig } from "../sdk/client";
import { signDepositAuthorization, signExactAuthorization } from "../sdk/client/sign";
import { machineLine, writeResultsSection } from "./results";

const COUNT = Number(process.env.FUZZ_HEADERS ?? 100_000);
const SEED =
  process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
const PRICE = 1_000n;
const PRICEY = 100_000n;
const DELAY = 900;
const ORIGIN = "http://fuzz.local";
const TOKEN = { name: "USDC", version: "2" };
const SECP_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const TRANSFER = new Interface(["event Transfer(address indexed from, address indexed to, uint256 value)"]);

// ---------------------------------------------------------------------------------------------------------------
// Seeded PRNG (sfc32): every choice below comes from it.

class Rng {
  private a = 0x9e3779b9;
  private b = 0x243f6a88;
  private c = 0xb7e15162;
  private d: number;
  constructor(seed: number) {
    this.d = seed >>> 0;
    for (let i = 0; i < 16; i++) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  float(): number {
    return this.u32() / 2 ** 32;
  }
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  weighted<T>(table: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, w] of table) total += w;
    let r = this.float() * total;
    for (const [v, w] of table) if ((r -= w) < 0) return v;
    return table[table.length - 1][0];
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
  hex(nBytes: number): string {
    return "0x" + Buffer.from(this.bytes(nBytes)).toString("hex");
  }
  bigint(max: bigint): bigint {
    return BigInt("0x" + Buffer.from(this.bytes(17)).toString("hex")) % (max + 1n);
  }
}

const rng = new Rng(SEED);

// ---------------------------------------------------------------------------------------------------------------
// JSON with values plain JSON cannot hold: raw number text and objects with duplicate keys.

class Raw {
  constructor(readonly text: string) {}
}
class Dup {
  constructor(readonly entries: Array<[string, unknown]>) {}
}
type Json = Record<string, unknown>;

function serialize(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (v instanceof Dup)
    return "{" + v.entries.map(([k, x]) => JSON.stringify(k) + ":" + serialize(x)).join(",") + "}";
  if (Array.isArray(v)) return "[" + v.map(serialize).join(",") + "]";
  if (v !== null && typeof v === "object") {
    return (
      "{" +
      Object.entries(v)
        .map(([k, x]) => JSON.stringify(k) + ":" + serialize(x))
        .join(",") +
      "}"
    );
  }
  return JSON.stringify(v) ?? "null";
}

const isPlain = (v: unknown): v is Json | unknown[] =>
  v !== null && typeof v === "object" && !(v instanceof Raw) && !(v instanceof Dup);

/** Every path into plain objects and arrays (the root is `[]`). */
function pathsOf(v: unknown, at: Array<string | number> = [], out: Array<Array<string | number>> = []) {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...at, i], out));
  else if (isPlain(v)) for (const k of Object.keys(v)) pathsOf((v as Json)[k], [...at, k], out);
  return out;
}

function getAt(root: unknown, p: Array<string | number>): unknown {
  let v = root;
  for (const k of p) v = isPlain(v) ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// Value generators.

const UNICODE = ["é", "中文", "🙂", "\u202e", "\u0000", "\ud800", "１０００", "١٠٠٠", "\ufeff", "Ⅻ", "ß"];
const BIG_NUMBERS = [
  "1e999", "-0", "0x3e8", "1000.0", "1e3", "00", "2.0", "2e0", "-1", "1.5", "9007199254740993",
  "340282366920938463463374607431768211456", "1" + "0".repeat(80), "-1e-7", "0.000000001",
]; // prettier-ignore
const NUMERIC_STRINGS = [
  "", "0", "-1", "1000", "0x3e8", "1e3", " 1000", "1000 ", "+1000", "1_000", "１０００", "01000", "NaN",
  "Infinity", "-0", "1000.0", (2n ** 128n).toString(), (2n ** 128n - 1n).toString(), (2n ** 256n).toString(),
  "1".repeat(100),
]; // prettier-ignore

function randomString(): string {
  switch (rng.int(6)) {
    case 0:
      return "";
    case 1:
      return rng.pick(UNICODE).repeat(rng.range(1, 4));
    case 2:
      return "x".repeat(rng.pick([1, 64, 129, 1000, 5000]));
    case 3:
      return rng.hex(rng.pick([0, 1, 20, 32, 65, 66]));
    case 4:
      return rng.pick(["__proto__", "constructor", "prototype", "toString", "null", "true", "{}", "[]"]);
    default:
      return rng.pick(NUMERIC_STRINGS);
  }
}

function randomValue(depth = 0): unknown {
  const n = depth > 2 ? 7 : 10;
  switch (rng.int(n)) {
    case 0:
      return new Raw(rng.pick(BIG_NUMBERS));
    case 1:
      return rng.pick([0, 1, -1, 1000, -1000, 2 ** 53, 1e308, 0.1, 1.5, 4294967296]);
    case 2:
      return randomString();
    case 3:
      return rng.pick(NUMERIC_STRINGS);
    case 4:
      return rng.pick([null, true, false]);
    case 5:
      return rng.pick(UNICODE);
    case 6: {
      const d = rng.pick([15, 16, 17, 100, 2000]);
      return new Raw("[".repeat(d) + "]".repeat(d));
    }
    case 7:
      return Array.from({ length: rng.int(4) }, () => randomValue(depth + 1));
    case 8:
      return rng.chance(0.3)
        ? new Raw(
            rng.pick([
              '{"__proto__":{"x":1}}',
              '{"constructor":{"prototype":{"y":2}}}',
              '{"\\u005f_proto__":1}',
            ]),
          )
        : Object.fromEntries(
            Array.from({ length: rng.int(4) }, () => [randomString(), randomValue(depth + 1)]),
          );
    default:
      return {};
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The world the fuzz runs in.

interface Chan {
  id: string;
  config: ChannelConfig;
  session: SessionSigner;
  payer: SessionSigner;
  charged: bigint;
  startCharged: bigint;
  balance: bigint;
  totalClaimed: bigint;
  refundNonce: bigint;
  /** The last header that bought a fresh answer on this channel, and its payment identifier (if any). */
  lastOk?: Used;
  lastId: string;
}

interface Target {
  method: string;
  path: string;
  body?: Uint8Array;
}

/** A request that got a fresh 2xx: its headers and target, and the answer it got. */
interface Used extends Target {
  headers: Array<[string, string]>;
  sent: string;
  text: string;
}

interface Sample extends Target {
  kind: string;
  headers: Array<[string, string]>;
  mutations: string[];
  chan?: Chan;
}

interface Run {
  scheme: string;
  channelId: string;
  price: bigint;
  transaction: string;
  honoPaid: boolean;
}

interface Violation {
  index: number;
  kind: string;
  detail: string;
  status?: number;
  seedKind: string;
  mutations: string[];
  method: string;
  path: string;
  headers: Array<[string, string]>;
  bodyBase64?: string;
}

/** Paths and the price the paywall must ask on each (0: free). Checked against the server before the fuzz. */
const PATHS: Array<[string, bigint]> = [
  ["/paid/item", PRICE], ["/paid/other", PRICE], ["/paid/item?x=1", PRICE], ["/PAID/Item", PRICE],
  ["/paid/item/", PRICE], ["/paid//item", PRICE], ["/paid/%69tem", PRICE], ["/paid", PRICE], ["/paid/a/b", PRICE],
  ["/paid%2Fitem", PRICE], ["/%70aid/item", PRICE], ["/paid/item%", PRICE],
  ["/pricey", PRICEY], ["/pricey/x", PRICEY], ["/Pricey", PRICEY], ["/pricey?q=1", PRICEY],
  ["/free", 0n], ["/", 0n], ["/paidx", 0n], ["/free/paid/item", 0n], ["/pricey-not", 0n],
]; // prettier-ignore
const PRICE_OF = new Map(PATHS);
const METHODS: Array<readonly [string, number]> = [
  ["GET", 50], ["POST", 25], ["PUT", 4], ["DELETE", 4], ["PATCH", 4], ["HEAD", 8], ["OPTIONS", 5],
]; // prettier-ignore
const BODYLESS = new Set(["GET", "HEAD"]);

function randomTarget(): Target {
  const method = rng.weighted(METHODS);
  const p = rng.chance(0.85) ? rng.pick(PATHS.slice(0, 16))[0] : rng.pick(PATHS)[0];
  let body: Uint8Array | undefined;
  if (!BODYLESS.has(method) && rng.chance(0.6)) {
    body = rng.chance(0.5)
      ? Buffer.from(JSON.stringify({ q: rng.int(5), text: randomString() }))
      : rng.bytes(rng.pick([1, 16, 300, 4000]));
  }
  return { method, path: p, body };
}

const randomId = () => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  return Array.from({ length: rng.range(16, 40) }, () => alphabet[rng.int(alphabet.length)]).join("");
};
const withId = (id: string) => ({ "payment-identifier": { info: { required: false, id } } });

async function main(): Promise<void> {
  // --- Chain: token, escrow, collector (as the paid-HTTP test fixture deploys them).
  const [, relayer, , , receiverSigner] = await ethers.getSigners();
  const receiver = await receiverSigner.getAddress();
  const token = await ethers.deployContract("MockEIP3009Token");
  const escrowContract = await ethers.deployContract("Z402Escrow");
  const escrow = await escrowContract.getAddress();
  const collectorContract = await ethers.deployContract("ERC3009DepositCollector", [escrow]);
  const collector = await collectorContract.getAddress();
  const tokenAddress = await token.getAddress();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const network = `eip155:${chainId}`;
  const key = () => new SessionSigner(rng.bytes(32));
  const authorizer = key();
  const payers = [key(), key()];
  for (const p of payers) await token.mint(p.address, 10n ** 15n);

  // --- Server: Hono + the paywall + an in-memory SQLite store; the handler counts its runs.
  const chain = new EthersEscrowChain(chainId, escrow, relayer);
  const mirror = new ChainMirror(chain, { pollMs: 1000 });
  await mirror.start();
  const store = new SqliteVoucherStore({ filename: ":memory:" });
  const paywall = new Paywall({
    network,
    chain,
    mirror,
    store,
    token: { address: tokenAddress, ...TOKEN },
    payTo: receiver,
    receiverAuthorizer: authorizer.address,
    authorizer,
    withdrawDelay: DELAY,
    depositCollector: collector,
    routes: [
      { path: "/paid/*", price: PRICE },
      { path: "/pricey/*", price: PRICEY },
    ],
  });
  await paywall.start();

  const runs: Run[] = [];
  const crashes: unknown[] = [];
  const handler = (honoPaid: boolean) => async (c: Context) => {
    const t = paymentOf(c);
    const size = BODYLESS.has(c.req.method) ? 0 : (await c.req.arrayBuffer()).byteLength;
    runs.push({
      scheme: t?.scheme ?? "none",
      channelId: t?.scheme === "batch-settlement" ? t.channelId : "",
      price: t?.price ?? 0n,
      transaction: t?.scheme === "exact" ? t.transaction : "",
      honoPaid,
    });
    return c.text(`run ${runs.length} ${c.req.method} ${c.req.path} ${size}`);
  };
  const app = new Hono();
  app.onError((err, c) => {
    crashes.push(err);
    return c.text("crash", 500);
  });
  app.use("*", honoPaywall(paywall));
  app.all("/paid/*", handler(true));
  app.all("/pricey", handler(true));
  app.all("/pricey/*", handler(true));
  app.all("*", handler(false));
  process.on("unhandledRejection", (err) => crashes.push(err));

  // --- The paywall asks the price each path should cost (or nothing on free paths).
  for (const [p, price] of PATHS) {
    const res = await app.fetch(new Request(ORIGIN + p));
    const asked =
      res.status === 402
        ? BigInt(
            (
              JSON.parse(Buffer.from(res.headers.get("payment-required")!, "base64").toString()) as {
                accepts: Array<{ amount: string }>;
              }
            ).accepts[0].amount,
          )
        : 0n;
    if (asked !== price) throw new Error(`fuzz: ${p} costs ${asked}, expected ${price}`);
  }
  const offersOf = new Map<bigint, Json[]>();
  for (const [p, price] of [
    ["/paid/x", PRICE],
    ["/pricey", PRICEY],
  ] as const) {
    const res = await app.fetch(new Request(ORIGIN + p));
    const required = JSON.parse(Buffer.from(res.headers.get("payment-required")!, "base64").toString()) as {
      accepts: Json[];
    };
    offersOf.set(price, required.accepts);
  }
  const batchOffer = (price: bigint) => offersOf.get(price)![0];
  const exactOffer = (price: bigint) => offersOf.get(price)![1];

  // --- Channels: 2 payers × 3 session keys, each opened by wrapFetch with one paid request (its deposit).
  const inProcess = async (input: string | URL | Request, init?: RequestInit) =>
    app.fetch(new Request(input as string, init));
  const chans: Chan[] = [];
  for (const payer of payers) {
    for (let s = 0; s < 3; s++) {
      const session = key();
      const pay = wrapFetch(inProcess, {
        payer,
        sessionKey: session,
        chainId,
        escrow,
        depositCollector: collector,
        chain: ethersClientChain(ethers.provider, escrow),
        deposit: { amount: 50_000_000n, max: 10n ** 12n },
        channelSalt: ZeroHash,
      });
      const res = await pay(ORIGIN + "/paid/open");
      if (res.status !== 200) throw new Error(`fuzz: could not open a channel (${res.status})`);
      const config: ChannelConfig = {
        payer: payer.address,
        payerAuthorizer: session.address,
        receiver,
        receiverAuthorizer: authorizer.address,
        token: tokenAddress,
        withdrawDelay: DELAY,
        salt: ZeroHash,
      };
      const id = channelIdOf(chainId, escrow, config);
      const charged = (await store.get(id))!.charged;
      chans.push({ id, config, session, payer, charged, startCharged: charged, balance: 0n, totalClaimed: 0n,
        refundNonce: 0n, lastId: "" }); // prettier-ignore
    }
  }
  const byId = new Map(chans.map((c) => [c.id, c]));
  runs.length = 0;

  /** Re-reads every channel's chain state; returns channels whose refund nonce moved since the last read. */
  const refreshChain = async (): Promise<Chan[]> => {
    const moved: Chan[] = [];
    for (const ch of chans) {
      const c = await chain.readChannel(ch.id);
      if (c.refundNonce !== ch.refundNonce) moved.push(ch);
      ch.balance = c.balance;
      ch.totalClaimed = c.totalClaimed;
      ch.refundNonce = c.refundNonce;
    }
    return moved;
  };
  await refreshChain();

  // --- Seed material.
  const sigCache = new Map<string, string>();
  const voucher = async (ch: Chan, max: bigint) => {
    const k = `${ch.id}:${max}`;
    let signature = sigCache.get(k);
    if (!signature) {
      signature = await signVoucher(ch.session, chainId, escrow, ch.id, max < 0n ? 0n : max);
      if (sigCache.size > 50_000) sigCache.clear();
      sigCache.set(k, signature);
    }
    return { channelId: ch.id, maxClaimableAmount: max.toString(), signature };
  };
  const used: Used[] = [];
  const replayable = new Map<string, string>();
  const depositPool: Array<{ ch: Chan; deposit: Json }> = [];
  const exactPool: Json[] = [];
  const priceOfTarget = (t: Target) => PRICE_OF.get(t.path) || rng.pick([PRICE, PRICEY]);
  const headroomOf = (ch: Chan) => ch.balance - ch.charged;
  const pickChan = (need: bigint) => {
    const ok = chans.filter((c) => headroomOf(c) >= need);
    return rng.chance(0.9) && ok.length > 0 ? rng.pick(ok) : rng.pick(chans);
  };
  const v2 = (accepted: Json, payload: Json, id?: string): Json => ({
    x402Version: 2,
    ...(rng.chance(0.3) ? { resource: { url: ORIGIN + "/paid/item", description: "", mimeType: "" } } : {}),
    accepted,
    payload,
    ...(id ? { extensions: withId(id) } : {}),
  });
  const v1 = (scheme: string, payload: Json): Json => ({ x402Version: 1, scheme, network, payload });

  type Seed = {
    kind: string;
    json?: Json;
    raw?: string;
    target: Target;
    v1?: boolean;
    chan?: Chan;
    used?: Used;
  };

  async function seed(): Promise<Seed> {
    const target = randomTarget();
    const price = priceOfTarget(target);
    const kind = rng.weighted([
      ["fresh", 22], ["replay", 9], ["used-elsewhere", 5], ["stale", 6], ["id-conflict", 3], ["refund", 5],
      ["deposit-fresh", 2], ["deposit-used", 3], ["exact-fresh", 2], ["exact-used", 3], ["junk", 3], ["none", 1],
    ] as const); // prettier-ignore
    switch (kind) {
      case "fresh": {
        const ch = pickChan(price);
        const payload = {
          type: "voucher",
          channelConfig: ch.config,
          voucher: await voucher(ch, ch.charged + price),
        };
        if (rng.chance(0.12))
          return { kind, json: v1("batch-settlement", payload), target, v1: true, chan: ch };
        return {
          kind,
          json: v2(batchOffer(price), payload, rng.chance(0.6) ? randomId() : undefined),
          target,
          chan: ch,
        };
      }
      case "replay":
      case "used-elsewhere": {
        const withLast = chans.filter((c) => c.lastOk);
        if (used.length === 0) return { kind: "none", target };
        const u =
          kind === "replay" && withLast.length > 0 && rng.chance(0.6)
            ? rng.pick(withLast).lastOk!
            : rng.pick(used);
        return { kind, raw: u.sent, target: kind === "replay" ? u : target, used: u };
      }
      case "stale": {
        const ch = rng.pick(chans);
        const other = price === PRICE ? PRICEY : PRICE;
        const max = rng.pick([ch.charged, ch.charged + price + 1n, ch.charged + price - 1n, ch.charged + other,
          ch.charged + 2n * price, ch.charged - price, 0n, ch.totalClaimed + price]); // prettier-ignore
        const payload = { type: "voucher", channelConfig: ch.config, voucher: await voucher(ch, max) };
        const id = rng.chance(0.3) && ch.lastId ? ch.lastId : rng.chance(0.5) ? randomId() : undefined;
        return { kind, json: v2(batchOffer(price), payload, id), target, chan: ch };
      }
      case "id-conflict": {
        const ch = pickChan(price);
        const payload = {
          type: "voucher",
          channelConfig: ch.config,
          voucher: await voucher(ch, ch.charged + price),
        };
        return { kind, json: v2(batchOffer(price), payload, ch.lastId || randomId()), target, chan: ch };
      }
      case "refund": {
        const ch = rng.pick(chans);
        const amount = rng.weighted<() => string | undefined>([
          [() => String(rng.range(1, 50_000)), 7],
          [() => undefined, 1],
          [() => rng.pick(["0", ch.charged.toString(), (10n ** 30n).toString()]), 2],
        ])();
        const payload: Json = {
          type: "refund",
          channelConfig: ch.config,
          voucher: await voucher(ch, ch.charged),
        };
        if (amount !== undefined) payload.amount = amount;
        return {
          kind,
          json: v2(batchOffer(price), payload, rng.chance(0.2) ? randomId() : undefined),
          target,
          chan: ch,
        };
      }
      case "deposit-fresh": {
        const ch = rng.chance(0.5)
          ? chans.reduce((a, b) => (headroomOf(a) < headroomOf(b) ? a : b))
          : rng.pick(chans);
        const amount = BigInt(rng.range(Number(PRICEY), 20_000_000));
        const authorization = await signDepositAuthorization(ch.payer, { address: tokenAddress, ...TOKEN }, chainId,
          collector, ch.id, amount, mirror.now()); // prettier-ignore
        const deposit = { amount: amount.toString(), authorization: { erc3009Authorization: authorization } };
        depositPool.push({ ch, deposit });
        const payload = { type: "deposit", channelConfig: ch.config, voucher: await voucher(ch, ch.charged + price),
          deposit }; // prettier-ignore
        return {
          kind,
          json: v2(batchOffer(price), payload, rng.chance(0.5) ? randomId() : undefined),
          target,
          chan: ch,
        };
      }
      case "deposit-used": {
        if (depositPool.length === 0) return { kind: "none", target };
        const { ch, deposit } = rng.pick(depositPool);
        const max = rng.chance(0.7) ? ch.charged + price : ch.charged;
        const payload = {
          type: "deposit",
          channelConfig: ch.config,
          voucher: await voucher(ch, max),
          deposit,
        };
        return {
          kind,
          json: v2(batchOffer(price), payload, rng.chance(0.5) ? randomId() : undefined),
          target,
          chan: ch,
        };
      }
      case "exact-fresh": {
        const payer = rng.pick(payers);
        const asV1 = rng.chance(0.2);
        const value = asV1 && rng.chance(0.5) ? price + 1n : price;
        const signed = await signExactAuthorization(payer, { address: tokenAddress, ...TOKEN }, chainId, receiver,
          value, mirror.now(), 60); // prettier-ignore
        const payload = JSON.parse(
          JSON.stringify(signed, (_, x) => (typeof x === "bigint" ? x.toString() : x)),
        ) as Json;
        exactPool.push(payload);
        if (asV1) return { kind, json: v1("exact", payload), target, v1: true };
        return { kind, json: v2(exactOffer(price), payload), target };
      }
      case "exact-used": {
        if (exactPool.length === 0) return { kind: "none", target };
        const payload = rng.pick(exactPool);
        return { kind, json: v2(exactOffer(price), payload), target };
      }
      case "junk": {
        const raw = rng.weighted([
          [() => "", 1],
          [() => Buffer.from(rng.bytes(rng.range(1, 200))).toString("base64"), 2],
          [() => Buffer.from(serialize(randomValue())).toString("base64"), 2],
          [() => Buffer.from(JSON.stringify({ x402Version: rng.pick([1, 2]) })).toString("base64"), 1],
          [() => Buffer.from(rng.bytes(rng.range(1, 100))).toString("latin1"), 1],
          [() => rng.pick(["null", "true", "{}", "e30=", "bnVsbA==", "W10=", "====", "A", "x402"]), 1],
        ] as const)();
        return { kind, raw, target };
      }
      default:
        return { kind: "none", target };
    }
  }

  // --- Mutations.
  const ADDRESSES = () => [
    tokenAddress, escrow, collector, receiver, authorizer.address, ZeroAddress, payers[0].address,
    payers[1].address, rng.pick(chans).session.address, "0x" + "f".repeat(40), rng.hex(20),
  ]; // prettier-ignore
  const caseVariant = (a: string) =>
    rng.pick([a.toLowerCase(), "0x" + a.slice(2).toUpperCase(), a.slice(0, -1) + (a.endsWith("a") ? "A" : "a"),
      a.slice(0, 41), a + "0", "0X" + a.slice(2)]); // prettier-ignore
  const uintVariant = (cur: unknown) => {
    const n = typeof cur === "string" && /^\d+$/.test(cur) ? BigInt(cur) : 1000n;
    return rng.pick<unknown>([
      (n + 1n).toString(), (n - 1n).toString(), (n * 2n).toString(), "0", "-" + n, "0" + n, n.toString() + ".0",
      "0x" + n.toString(16), Number(n), new Raw(n.toString()), (n + PRICEY).toString(), (n + PRICE).toString(),
      (2n ** 128n - 1n).toString(), (2n ** 128n).toString(), (2n ** 256n).toString(), " " + n, n + "\u0000",
    ]); // prettier-ignore
  };
  const sigVariant = (cur: unknown) => {
    const sig = typeof cur === "string" && /^0x[0-9a-fA-F]{130}$/.test(cur) ? cur : rng.hex(65);
    const body = sig.slice(2);
    const flip = (i: number) => body.slice(0, i) + ((parseInt(body[i], 16) ^ (1 + rng.int(15))).toString(16)) + body.slice(i + 1); // prettier-ignore
    const s = BigInt("0x" + body.slice(64, 128));
    const v = parseInt(body.slice(128), 16);
    const highS = body.slice(0, 64) + (SECP_N - s).toString(16).padStart(64, "0") + (v === 27 ? "1c" : "1b");
    return rng.pick([
      "0x" + flip(rng.int(130)), "0x" + flip(rng.int(64)), "0x" + flip(128 + rng.int(2)), "0x" + highS,
      "0x" + body.slice(0, 128), "0x" + body + "00", "0x" + body.slice(0, 128) + rng.pick(["00", "01", "1d", "ff"]),
      "0x" + body.toUpperCase(), "0x" + "0".repeat(130), body, "0x", "0x" + body.slice(0, 64) + "0".repeat(64) + "1b",
    ]); // prettier-ignore
  };
  const bytes32Variant = () => rng.pick([rng.hex(32), ZeroHash, rng.pick(chans).id, rng.pick(chans).id.toUpperCase(), rng.hex(31), rng.hex(33)]); // prettier-ignore
  const idVariant = () =>
    rng.pick<unknown>([randomId(), rng.pick(chans).lastId || randomId(), "short", "x".repeat(129), "bad id!!!!!!!!!!!!",
      "", 12345678901234567890, null, ["a"], { id: randomId() }, randomId() + "\u00e9", randomId().toUpperCase()]); // prettier-ignore
  const TARGETED: Record<string, (cur: unknown) => unknown> = {
    x402Version: () => rng.pick<unknown>([0, 1, 2, 3, "2", new Raw("2.0"), new Raw("2e0"), -2, null, 1.5]),
    scheme: () => rng.pick(["exact", "batch-settlement", "upto", "", "BATCH-SETTLEMENT", "batch-settlement ", "batch_settlement"]), // prettier-ignore
    network: () => rng.pick(["eip155:1", network, "base", "base-sepolia", "eip155:84532", "EIP155:31337", "eip155:031337", "", "eip155:" + "9".repeat(40)]), // prettier-ignore
    type: () => rng.pick(["voucher", "deposit", "refund", "Voucher", "", "claim", "settle"]),
    maxClaimableAmount: uintVariant,
    amount: uintVariant,
    value: uintVariant,
    validAfter: uintVariant,
    validBefore: uintVariant,
    maxTimeoutSeconds: () => rng.pick<unknown>([-1, 0, 1.5, 2 ** 53, "60", 1e308]),
    withdrawDelay: () => rng.pick<unknown>([DELAY + 1, DELAY - 1, 0, String(DELAY), new Raw("900.0"), -900, 2 ** 40, 2 ** 41]), // prettier-ignore
    signature: sigVariant,
    salt: bytes32Variant,
    nonce: bytes32Variant,
    channelId: bytes32Variant,
    id: idVariant,
    required: () => rng.pick<unknown>([true, false, "yes", null]),
    extensions: () => rng.pick<unknown>([{}, [], "x", null, { "payment-identifier": null }, { "payment-identifier": { info: null } }]), // prettier-ignore
  };
  for (const k of [
    "payer",
    "payerAuthorizer",
    "receiver",
    "receiverAuthorizer",
    "token",
    "asset",
    "payTo",
    "from",
    "to",
  ]) {
    TARGETED[k] = (cur) =>
      rng.chance(0.4) && typeof cur === "string" ? caseVariant(cur) : rng.pick(ADDRESSES());
  }

  /** One JSON-level mutation of `holder.v`, in place; returns its name. */
  function mutateJson(holder: { v: unknown }): string {
    const paths = pathsOf(holder).filter((p) => p.length > 0);
    const op = rng.weighted([["targeted", 45], ["delete", 14], ["add", 8], ["duplicate", 9], ["random", 16], ["swap-type", 8]] as const); // prettier-ignore
    if (op === "duplicate") {
      const objects = paths.filter((p) => {
        const v = getAt(holder, p);
        return isPlain(v) && !Array.isArray(v) && Object.keys(v).length > 0;
      });
      if (objects.length === 0) return "none";
      const p = rng.pick(objects);
      const obj = getAt(holder, p) as Json;
      const k = rng.pick(Object.keys(obj));
      const entries: Array<[string, unknown]> = Object.entries(obj);
      const extra: [string, unknown] = [
        k,
        TARGETED[k] && rng.chance(0.7) ? TARGETED[k](obj[k]) : randomValue(),
      ];
      if (rng.chance(0.5)) entries.push(extra);
      else entries.unshift(extra);
      (getAt(holder, p.slice(0, -1)) as Record<string | number, unknown>)[p[p.length - 1]] = new Dup(entries);
      return `duplicate ${[...p.slice(1), k].join(".")}`;
    }
    let candidates = op === "random" ? paths : paths.filter((p) => p.length > 1);
    if (op === "targeted") {
      const known = candidates.filter((p) => typeof p[p.length - 1] === "string" && TARGETED[p[p.length - 1] as string]); // prettier-ignore
      if (known.length > 0) candidates = known;
    }
    if (candidates.length === 0) return "none";
    const p = rng.pick(candidates);
    const parent = getAt(holder, p.slice(0, -1)) as Record<string | number, unknown>;
    const k = p[p.length - 1];
    const name = p.slice(1).join(".") || "<root>";
    switch (op) {
      case "targeted": {
        const gen = typeof k === "string" ? TARGETED[k] : undefined;
        parent[k] = gen ? gen(parent[k]) : randomValue();
        return `set ${name}`;
      }
      case "delete":
        if (Array.isArray(parent)) parent.splice(k as number, 1);
        else delete parent[k];
        return `delete ${name}`;
      case "add": {
        const obj = isPlain(parent[k]) && !Array.isArray(parent[k]) ? (parent[k] as Json) : (parent as Json);
        obj[rng.pick(["extra", "type", "x402Version", "id", "payload", "voucher", randomString()])] =
          randomValue();
        return `add under ${name}`;
      }
      case "swap-type": {
        const cur = parent[k];
        const text = cur !== null && typeof cur === "object" ? "[object Object]" : String(cur);
        parent[k] = rng.pick<unknown>([[cur], { value: cur }, text, typeof cur === "string" ? Number(cur) : null, JSON.stringify(cur) ?? null]); // prettier-ignore
        return `retype ${name}`;
      }
      default:
        parent[k] = randomValue();
        return `random ${name}`;
    }
  }

  /** One mutation of the JSON text's bytes. */
  function mutateBytes(b: Buffer): [Buffer, string] {
    const i = b.length > 0 ? rng.int(b.length) : 0;
    switch (rng.int(8)) {
      case 0: {
        const c = Buffer.from(b);
        if (c.length) c[i] ^= 1 << rng.int(8);
        return [c, "json bit flip"];
      }
      case 1:
        return [
          Buffer.concat([b.subarray(0, i), Buffer.from(rng.bytes(rng.range(1, 3))), b.subarray(i)]),
          "json insert",
        ];
      case 2:
        return [Buffer.concat([b.subarray(0, i), b.subarray(i + rng.range(1, 4))]), "json delete"];
      case 3:
        return [b.subarray(0, i), "json truncate"];
      case 4:
        return [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]), "json BOM"];
      case 5:
        return [Buffer.concat([b.subarray(0, i), Buffer.from([rng.pick([0xc3, 0xe2, 0xff, 0x80]), 0x28]), b.subarray(i)]), "json bad utf-8"]; // prettier-ignore
      case 6:
        return [
          Buffer.concat([b, Buffer.from(rng.pick(["}", " ", "\n", "\u0000", "{}", ",", "]"]))]),
          "json trailing",
        ];
      default:
        return [
          Buffer.from(" \n\t" + b.toString("latin1").replace(/,/g, ", ") + "\n", "latin1"),
          "json whitespace",
        ];
    }
  }

  const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const anyChar = () => {
    if (rng.chance(0.7)) return B64[rng.int(64)];
    let c = rng.range(0x20, 0xff);
    if (c === 0x7f) c = 0x21;
    return String.fromCharCode(c);
  };
  /** One mutation of the base64 text. */
  function mutateBase64(s: string): [string, string] {
    const i = s.length > 0 ? rng.int(s.length) : 0;
    switch (rng.int(13)) {
      case 0:
        return [s.slice(0, i) + B64[rng.int(64)] + s.slice(i + 1), "b64 replace"];
      case 1:
        return [s.slice(0, i) + anyChar() + s.slice(i), "b64 insert"];
      case 2:
        return [s.slice(0, i) + s.slice(i + rng.range(1, 4)), "b64 delete"];
      case 3:
        return [s.slice(0, i), "b64 truncate"];
      case 4:
        return [s.replace(/=+$/, ""), "b64 unpadded"];
      case 5:
        return [s + rng.pick(["=", "==", "A=", "A==", "AAAA"]), "b64 extra padding"];
      case 6:
        return [s.replace(/\+/g, "-").replace(/\//g, "_"), "b64url"];
      case 7:
        return [s.slice(0, i) + rng.pick([" ", "\t", "  ", "%3D", "\\"]) + s.slice(i), "b64 whitespace"];
      case 8: {
        const size = rng.pick([8193, 9000, 20_000, 100_000, 300_000]);
        return [
          s.length > 0 ? s.repeat(Math.ceil(size / s.length)).slice(0, size) : "A".repeat(size),
          "huge",
        ];
      }
      case 9:
        return [s + rng.pick([", ", ","]) + s, "twice"];
      case 10: {
        const j = rng.int(Math.max(1, s.length - 8));
        return [s.slice(0, j) + s.slice(j + 4, j + 8) + s.slice(j, j + 4) + s.slice(j + 8), "b64 swap"];
      }
      case 11:
        return [rng.chance(0.5) ? s.toLowerCase() : s.toUpperCase(), "b64 case"];
      default:
        return [s.slice(0, i) + String.fromCharCode(rng.range(0x80, 0xff)) + s.slice(i + 1), "b64 latin-1"];
    }
  }

  const clean = (v: string) => v.replace(/[\0\r\n]/g, "A");

  async function sample(): Promise<Sample> {
    const s = await seed();
    const mutations: string[] = [];
    const cleanChance = s.used ? 0.5 : s.kind === "junk" || s.kind === "none" ? 0.7 : 0.22;
    const k = rng.chance(cleanChance) ? 0 : rng.weighted([[1, 60], [2, 25], [3, 15]] as const); // prettier-ignore
    let value: string | undefined;
    if (s.json) {
      const holder = { v: structuredClone(s.json) as unknown };
      const layers = Array.from({ length: k }, () => rng.weighted([["json", 55], ["bytes", 15], ["b64", 30]] as const)); // prettier-ignore
      for (const l of layers) if (l === "json") mutations.push(mutateJson(holder));
      let bytes: Buffer = Buffer.from(serialize(holder.v));
      for (const l of layers) {
        if (l !== "bytes") continue;
        const [b, m] = mutateBytes(bytes);
        bytes = b;
        mutations.push(m);
      }
      value = bytes.toString("base64");
      for (const l of layers) {
        if (l !== "b64") continue;
        const [v, m] = mutateBase64(value);
        value = v;
        mutations.push(m);
      }
    } else if (s.raw !== undefined) {
      value = s.raw;
      for (let j = 0; j < k; j++) {
        const [v, m] = mutateBase64(value);
        value = v;
        mutations.push(m);
      }
    }
    // A mutated used header goes to its own request or, half the time, to another one.
    const t = s.used && k > 0 && rng.chance(0.5) ? randomTarget() : s.target;
    const headers: Array<[string, string]> = [];
    if (s.used && k === 0) headers.push(...s.used.headers);
    else if (s.used) headers.push(["payment-signature", clean(value!)]);
    else if (value !== undefined) {
      const name = s.v1 ? (rng.chance(0.9) ? "x-payment" : "payment-signature") : rng.chance(0.92) ? "payment-signature" : "x-payment"; // prettier-ignore
      headers.push([name, clean(value)]);
      const other = name === "x-payment" ? "payment-signature" : "x-payment";
      if (rng.chance(0.03)) headers.push([name, used.length ? rng.pick(used).sent : "e30="]);
      if (rng.chance(0.04)) headers.push([other, used.length ? rng.pick(used).sent : clean(value)]);
    }
    return { kind: s.kind, method: t.method, path: t.path, body: t.body, headers, mutations, chan: s.chan };
  }

  // --- The run.
  const outcomes = new Map<string, number>();
  const reasons = new Map<string, number>();
  const byKind = new Map<string, { sent: number; ok: number }>();
  const violations: Violation[] = [];
  const freshByPrice = new Map<bigint, number>();
  const seenTx = new Set<string>();
  let handlerRanRefused = 0;
  let chargedOnFreeHandler = 0;
  let silentRefunds = 0;
  let unsendable = 0;
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

  const chargeDeltas = async (): Promise<Map<string, bigint>> => {
    const out = new Map<string, bigint>();
    for (const ch of chans) {
      const charged = (await store.get(ch.id))?.charged ?? 0n;
      if (charged !== ch.charged) {
        out.set(ch.id, charged - ch.charged);
        ch.charged = charged;
      }
    }
    return out;
  };
  const reasonOf = (res: Response, text: string): string => {
    try {
      return String((JSON.parse(text) as { error?: unknown }).error);
    } catch {
      const required = res.headers.get("payment-required");
      if (required) return String((JSON.parse(Buffer.from(required, "base64").toString()) as { error?: unknown }).error); // prettier-ignore
      return `<no body: ${res.status}>`;
    }
  };
  const idOf = (header: string): string => {
    try {
      const j = JSON.parse(Buffer.from(header, "base64").toString()) as { extensions?: Json };
      const id = (j.extensions?.["payment-identifier"] as { info?: { id?: unknown } } | undefined)?.info?.id;
      return typeof id === "string" ? id : "";
    } catch {
      return "";
    }
  };

  const started = process.hrtime.bigint();
  let lastReport = Date.now();
  for (let i = 0; i < COUNT;) {
    const s = await sample();
    const h = new Headers();
    let request: Request;
    try {
      for (const [k, v] of s.headers) h.append(k, v);
      request = new Request(ORIGIN + s.path, {
        method: s.method,
        headers: h,
        body: s.body as BodyInit | undefined,
      });
    } catch {
      unsendable++;
      continue;
    }
    i++;
    const sent = h.get("payment-signature") ?? h.get("x-payment") ?? "";
    const kindStats = byKind.get(s.kind) ?? { sent: 0, ok: 0 };
    byKind.set(s.kind, kindStats);
    kindStats.sent++;
    const violate = (kind: string, detail: string, status?: number) =>
      violations.push({ index: i, kind, detail, status, seedKind: s.kind, mutations: s.mutations, method: s.method,
        path: s.path, headers: s.headers, bodyBase64: s.body && Buffer.from(s.body).toString("base64") }); // prettier-ignore

    const before = runs.length;
    const crashesBefore = crashes.length;
    let res: Response;
    let text: string;
    try {
      res = await app.fetch(request);
      text = await res.text();
    } catch (err) {
      bump(outcomes, "crash");
      violate("crash", String((err as Error)?.stack ?? err));
      continue;
    }
    const status = res.status;
    if (crashes.length > crashesBefore) {
      violate("crash", crashes.slice(crashesBefore).map((e) => String((e as Error)?.stack ?? e)).join("\n"), status); // prettier-ignore
    }
    if (status >= 500) violate("5xx", `${status} ${reasonOf(res, text)}`, status);
    const newRuns = runs.slice(before);
    const deltas = await chargeDeltas();
    const ok = status >= 200 && status < 300;
    const replay = res.headers.get("x-z402-idempotent-replay") === "true";
    if (newRuns.length > 1) violate("handler ran twice", JSON.stringify(newRuns.length), status);
    for (const r of newRuns) {
      if (r.honoPaid && r.scheme === "none") violate("paid handler ran without a payment", s.path, status);
      if (!r.honoPaid && r.scheme !== "none") chargedOnFreeHandler++;
    }
    const paid = newRuns.filter((r) => r.scheme !== "none");
    let outcome: string;
    if (!ok) {
      outcome = [400, 402, 409].includes(status) ? String(status) : status >= 500 ? "5xx" : "other";
      if (status < 500) bump(reasons, `${status} ${reasonOf(res, text)}`);
      if (deltas.size > 0) violate("charge committed on a refused request", [...deltas].join(";"), status);
      if (paid.length > 0) handlerRanRefused++;
    } else if (replay) {
      outcome = "2xx replay";
      if (newRuns.length > 0) violate("replay ran the handler", "", status);
      if (deltas.size > 0) violate("replay moved a charge", [...deltas].join(";"), status);
      const first = replayable.get(sent);
      if (first === undefined) violate("replay of an answer this run never gave to that header", "", status);
      else if (s.method !== "HEAD" && first !== text)
        violate("replay answer differs", `${first} / ${text}`, status);
    } else if (paid.length === 1 && paid[0].scheme === "batch-settlement") {
      outcome = "2xx fresh";
      const r = paid[0];
      const ch = byId.get(r.channelId);
      if (deltas.size !== 1 || deltas.get(r.channelId) !== r.price) {
        violate("2xx without a matching charge", `price ${r.price}, deltas ${[...deltas].join(";")}`, status);
      }
      if (r.price !== PRICE_OF.get(s.path)) violate("charged a price other than the route's", `${r.price} on ${s.path}`, status); // prettier-ignore
      freshByPrice.set(r.price, (freshByPrice.get(r.price) ?? 0) + 1);
      if (ch) {
        if (ch.charged > ch.balance) {
          silentRefunds += (await refreshChain()).length;
          if (ch.charged > ch.balance) violate("charged past the on-chain balance", `${ch.charged} > ${ch.balance}`, status); // prettier-ignore
        }
        const u: Used = { method: s.method, path: s.path, body: s.body, headers: s.headers, sent, text };
        used.push(u);
        if (used.length > 2000) used.splice(0, 1000);
        ch.lastOk = u;
        ch.lastId = idOf(sent);
        if (ch.lastId) replayable.set(sent, text);
      } else violate("charge on a channel the fuzz never opened", r.channelId, status);
    } else if (paid.length === 1 && paid[0].scheme === "exact") {
      outcome = "2xx exact";
      const r = paid[0];
      if (deltas.size > 0) violate("exact moved a voucher charge", [...deltas].join(";"), status);
      const receipt = await ethers.provider.getTransactionReceipt(r.transaction);
      const transfer = receipt?.logs
        .filter((l) => l.address.toLowerCase() === tokenAddress.toLowerCase())
        .map((l) => TRANSFER.parseLog(l))
        .find((l) => l?.name === "Transfer" && getAddress(l.args.to as string) === getAddress(receiver));
      if (
        !receipt ||
        receipt.status !== 1 ||
        !transfer ||
        (transfer.args.value as bigint) !== r.price ||
        seenTx.has(r.transaction)
      ) {
        violate("exact 2xx without its own settlement", r.transaction, status);
      }
      if (r.price < PRICE_OF.get(s.path)!) violate("exact paid less than the route's price", `${r.price} on ${s.path}`, status); // prettier-ignore
      seenTx.add(r.transaction);
      used.push({ method: s.method, path: s.path, body: s.body, headers: s.headers, sent, text });
    } else if (newRuns.length === 1 && !newRuns[0].honoPaid && paid.length === 0) {
      outcome = "2xx free";
      if (deltas.size > 0) violate("free answer moved a charge", [...deltas].join(";"), status);
      if (PRICE_OF.get(s.path)) violate("paid path served free", s.path, status);
    } else {
      // The only other 2xx: a refund, which runs no handler and must be settled on chain.
      outcome = "2xx refund";
      const moved = await refreshChain();
      let response: { transaction?: string; extra?: { channelState?: { channelId?: string } } } = {};
      try {
        response = JSON.parse(Buffer.from(res.headers.get("payment-response") ?? "", "base64").toString());
      } catch {
        // checked below
      }
      const tx = response.transaction ?? "";
      const receipt = tx ? await ethers.provider.getTransactionReceipt(tx) : null;
      const channel = response.extra?.channelState?.channelId ?? "";
      if (newRuns.length > 0 || deltas.size > 0 || !receipt || receipt.status !== 1 || seenTx.has(tx) ||
        receipt.to?.toLowerCase() !== escrow.toLowerCase() || !moved.some((c) => c.id === channel)) {
        outcome = "2xx unpaid";
        violate("2xx without a fresh charge or a cached replay", `${text.slice(0, 200)} tx ${tx}`, status);
      } // prettier-ignore
      silentRefunds += moved.filter((c) => c.id !== channel).length;
      seenTx.add(tx);
    }
    bump(outcomes, outcome);
    if (ok) kindStats.ok++;
    if (i % 1000 === 0) silentRefunds += (await refreshChain()).length;
    if (i % 1000 === 0) {
      for (const ch of chans) {
        if (ch.charged > ch.balance) violate("charged past the on-chain balance", `${ch.id} ${ch.charged} > ${ch.balance}`); // prettier-ignore
      }
    }
    if (Date.now() - lastReport > 10_000 || i === COUNT) {
      lastReport = Date.now();
      const secs = Number(process.hrtime.bigint() - started) / 1e9;
      console.log(`${i}/${COUNT} in ${secs.toFixed(0)} s (${(i / secs).toFixed(0)}/s) violations ${violations.length} ${JSON.stringify(Object.fromEntries(outcomes))}`); // prettier-ignore
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  // --- End-state sanity: the stores' charges are the fresh charges; no channel is charged past its balance.
  await refreshChain();
  const chargedTotal = chans.reduce((a, c) => a + (c.charged - c.startCharged), 0n);
  const freshTotal = [...freshByPrice].reduce((a, [p, n]) => a + p * BigInt(n), 0n);
  const batchRuns = outcomes.get("2xx fresh") ?? 0;
  const sanity: string[] = [];
  if (chargedTotal !== freshTotal) sanity.push(`store charges rose by ${chargedTotal}, fresh 2xx prices sum to ${freshTotal}`); // prettier-ignore
  for (const ch of chans) {
    if (ch.charged > ch.balance)
      sanity.push(`channel ${ch.id}: charged ${ch.charged} > balance ${ch.balance}`);
    if (ch.totalClaimed > ch.charged) sanity.push(`channel ${ch.id}: claimed ${ch.totalClaimed} > charged ${ch.charged}`); // prettier-ignore
  }
  for (const r of await store.listOwed()) if (!byId.has(r.channelId)) sanity.push(`store holds unknown channel ${r.channelId}`); // prettier-ignore
  for (const s of sanity) violations.push({ index: COUNT, kind: "end-state", detail: s, seedKind: "", mutations: [], method: "", path: "", headers: [] }); // prettier-ignore

  await mirror.stop();
  await store.close();

  // --- Report.
  const count = (k: string) => outcomes.get(k) ?? 0;
  const crashCount = violations.filter((v) => v.kind === "crash").length;
  const fiveXX = count("5xx");
  const unpaid = violations.filter((v) => !["crash", "5xx", "end-state"].includes(v.kind)).length;
  let dump = "";
  if (violations.length > 0) {
    dump = path.join(os.tmpdir(), `header-fuzz-violations-${SEED}.json`);
    fs.writeFileSync(dump, JSON.stringify(violations, null, 2));
    console.log(`VIOLATIONS: ${violations.length}, written to ${dump}; first ones:`);
    for (const v of violations.slice(0, 5)) console.log(JSON.stringify(v).slice(0, 2000));
  }
  const pct = (n: number) => ((100 * n) / COUNT).toFixed(2) + " %";
  const rows: Array<[string, string]> = [
    ["2xx fresh charge (voucher or deposit: handler ran once, store charge +price)", "2xx fresh"],
    ["2xx fresh `exact` (handler ran once, its Transfer settled on chain)", "2xx exact"],
    ["2xx idempotent replay (`x-z402-idempotent-replay`, handler not run, first answer)", "2xx replay"],
    ["2xx refund (settled on chain, handler not run)", "2xx refund"],
    ["2xx free path (no payment asked)", "2xx free"],
    ["400", "400"],
    ["402", "402"],
    ["409", "409"],
    ["other status < 500", "other"],
    ["5xx", "5xx"],
    ["crash (exception out of `app.fetch` or `onError`)", "crash"],
    ["2xx without fresh charge, replay or refund", "2xx unpaid"],
  ];
  const topReasons = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 15);
  const verdict =
    violations.length === 0
      ? `**${crashCount} crashes, ${fiveXX} 5xx, ${unpaid} unpaid 2xx**; end-state checks passed.`
      : `**FAILED: ${violations.length} violations** (${crashCount} crashes, ${fiveXX} 5xx, ${unpaid} money-path, ${sanity.length} end-state); replayable requests in \`${dump}\`. First: ${violations
          .slice(0, 3)
          .map((v) => `${v.kind} (${v.detail.slice(0, 120)})`)
          .join("; ")}`;
  const lines = [
    "## Header fuzz",
    "",
    `\`bench/header-fuzz.bench.ts\`: ${COUNT.toLocaleString("en-US")} mutated payment headers against the Hono paywall`,
    "(SQLite store in memory, in-process Hardhat chain), sent in process with `app.fetch` one at a time. Seeds: fresh",
    "vouchers, used headers (with and without a payment identifier), stale vouchers, reused identifiers, refunds,",
    "deposits (fresh and used), `exact` payments (fresh and used, v1 and v2), junk; 1–3 mutations each (JSON fields",
    "replaced, deleted, retyped or duplicated, targeted changes to version, scheme, network, asset, payTo, amounts,",
    "signatures, channel config and payment id; bytes of the JSON; base64 flips, truncation, padding, foreign",
    "characters, headers up to 300 kB), over 7 methods, bodies and 21 paths (routes at 1,000 and 100,000, free paths).",
    "After each request: no exception, status < 500, and every 2xx is a fresh charge, a cached replay or a refund",
    "(see the outcome rows). Not a timing benchmark: the rate is only for scale.",
    "",
    `${machineLine()} (At the end of the run.)`,
    "",
    `Seed ${SEED} (\`FUZZ_SEED=${SEED} FUZZ_HEADERS=${COUNT}\` replays the choices). Duration ${seconds.toFixed(1)} s,`,
    `${(COUNT / seconds).toFixed(0)} requests/s; 6 channels (2 payers × 3 session keys), opened with \`wrapFetch\`.`,
    "",
    "| outcome | requests | share |",
    "|---|---:|---:|",
    ...rows.map(([label, k]) => `| ${label} | ${count(k)} | ${pct(count(k))} |`),
    "",
    "Top refusal reasons:",
    "",
    "| status and reason | requests |",
    "|---|---:|",
    ...topReasons.map(([r, n]) => `| ${r} | ${n} |`),
    "",
    "| seed | sent | 2xx |",
    "|---|---:|---:|",
    ...[...byKind].sort((a, b) => b[1].sent - a[1].sent).map(([k, v]) => `| ${k} | ${v.sent} | ${v.ok} |`),
    "",
    `Fresh charges by price: ${[...freshByPrice].map(([p, n]) => `${n} × ${p}`).join(", ")}; the stores' charges rose by`,
    `${chargedTotal} in all (fresh 2xx prices: ${freshTotal}); handler runs with a voucher answered 2xx: ${batchRuns};`,
    `handler runs whose commit was refused (not served): ${handlerRanRefused}; charged requests the app served from`,
    `its free handler (paywall path matching is wider than the router's): ${chargedOnFreeHandler}; refunds seen on`,
    `chain without a 2xx: ${silentRefunds}. Every channel's charge ≤ its on-chain balance and ≥ what was claimed.`,
    "",
    verdict,
  ];
  writeResultsSection("header-fuzz", lines.join("\n"));
  console.log(`seed ${SEED}, ${COUNT} requests in ${seconds.toFixed(1)} s; ${unsendable} unsendable skipped`);
  console.log(lines.slice(-1)[0]);
  if (violations.length > 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
