import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import {
  MemoryAccessStore,
  PostgresAccessStore,
  RedisAccessStore,
  SqliteAccessStore,
  type AccessStore,
} from "../../../sdk/store";
import { redisAvailable, startRedis, type RedisServer } from "./support/redis-server";
import {
  POSTGRES_SKIP,
  postgresAvailable,
  startPostgres,
  type PostgresServer,
} from "./support/postgres-server";

const ROUTE = "eip155:31337 0xreceiver * /paid/*";
const PAYER = "0x00000000000000000000000000000000000000Aa";

/** What every AccessStore does; `pair` gives two stores on one backing (two replicas). */
function shouldBehaveLikeAccessStore(pair: () => Promise<[AccessStore, AccessStore]>) {
  it("grants per route and payer (case-insensitive address), keeping the later until", async () => {
    const [s] = await pair();
    const until = Date.now() + 60_000;
    expect(await s.accessUntil(ROUTE, PAYER)).to.equal(0);
    await s.grant(ROUTE, PAYER, until);
    expect(await s.accessUntil(ROUTE, PAYER.toLowerCase())).to.equal(until);
    await s.grant(ROUTE, PAYER, until - 30_000);
    expect(await s.accessUntil(ROUTE, PAYER)).to.equal(until);
    await s.grant(ROUTE, PAYER, until + 1000);
    expect(await s.accessUntil(ROUTE, PAYER)).to.equal(until + 1000);
    expect(await s.accessUntil(ROUTE + "x", PAYER)).to.equal(0);
    expect(await s.accessUntil(ROUTE, "0x" + "bb".repeat(20))).to.equal(0);
  });

  it("takes a nonce once, on either replica", async () => {
    const [a, b] = await pair();
    const until = Date.now() + 60_000;
    expect(await a.useNonce("k1", until)).to.equal(true);
    expect(await a.useNonce("k1", until)).to.equal(false);
    expect(await b.useNonce("k1", until)).to.equal(false);
    expect(await b.useNonce("k2", until)).to.equal(true);
  });

  it("lets exactly one of two racing replicas take a nonce", async () => {
    const [a, b] = await pair();
    const until = Date.now() + 60_000;
    const wins = await Promise.all([a.useNonce("race", until), b.useNonce("race", until)]);
    expect(wins.filter(Boolean)).to.have.length(1);
  });

  it("sees a grant written by the other replica", async () => {
    const [a, b] = await pair();
    const until = Date.now() + 60_000;
    await a.grant(ROUTE, PAYER, until);
    expect(await b.accessUntil(ROUTE, PAYER)).to.equal(until);
  });
}

describe("AccessStore (sign-in-with-x)", function () {
  describe("MemoryAccessStore", function () {
    shouldBehaveLikeAccessStore(async () => {
      const s = new MemoryAccessStore();
      return [s, s];
    });
  });

  describe("SqliteAccessStore", function () {
    let dir: string;
    const open: AccessStore[] = [];
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "z402-access-"));
    });
    after(async () => {
      await Promise.all(open.map((s) => s.close()));
      fs.rmSync(dir, { recursive: true, force: true });
    });
    let n = 0;
    shouldBehaveLikeAccessStore(async () => {
      const filename = path.join(dir, `a${n++}.db`);
      const pair: [AccessStore, AccessStore] = [
        new SqliteAccessStore({ filename }),
        new SqliteAccessStore({ filename }),
      ];
      open.push(...pair);
      return pair;
    });

    it("lets a remembered nonce be taken again once its until has passed", async () => {
      const s = new SqliteAccessStore({ filename: path.join(dir, "late.db") });
      open.push(s);
      expect(await s.useNonce("late", Date.now() - 1)).to.equal(true);
      expect(await s.useNonce("late", Date.now() + 60_000)).to.equal(true);
      expect(await s.useNonce("late", Date.now() + 60_000)).to.equal(false);
    });
  });

  describe("RedisAccessStore", function () {
    let server: RedisServer | undefined;
    const clients: Redis[] = [];
    before(async function () {
      if (!redisAvailable()) {
        console.log("    skipped: redis-server binary not found (apt-get install redis-server)");
        this.skip();
      }
      server = await startRedis();
    });
    after(async () => {
      await Promise.all(clients.map((c) => c.quit()));
      await server?.stop();
    });
    let n = 0;
    shouldBehaveLikeAccessStore(async () => {
      const prefix = `t${n++}`;
      const a = new Redis({ host: "127.0.0.1", port: server!.port });
      const b = new Redis({ host: "127.0.0.1", port: server!.port });
      clients.push(a, b);
      return [new RedisAccessStore({ client: a, prefix }), new RedisAccessStore({ client: b, prefix })];
    });

    it("lets grants and nonces expire with their until", async () => {
      const c = new Redis({ host: "127.0.0.1", port: server!.port });
      clients.push(c);
      const s = new RedisAccessStore({ client: c, prefix: "ttl" });
      await s.grant(ROUTE, PAYER, Date.now() + 150);
      expect(await s.useNonce("n", Date.now() + 150)).to.equal(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(await s.accessUntil(ROUTE, PAYER)).to.equal(0);
      expect(await s.useNonce("n", Date.now() + 60_000)).to.equal(true);
    });
  });

  describe("PostgresAccessStore (real PostgreSQL server on loopback)", function () {
    let server: PostgresServer | undefined;
    const pools: pg.Pool[] = [];
    before(async function () {
      if (!postgresAvailable()) {
        console.log(POSTGRES_SKIP);
        this.skip();
      }
      this.timeout(60_000);
      server = await startPostgres();
    });
    after(async () => {
      await Promise.all(pools.map((p) => p.end()));
      await server?.stop();
    });
    let n = 0;
    shouldBehaveLikeAccessStore(async () => {
      const tablePrefix = `t${n++}_`;
      const pair = [0, 1].map(() => {
        const pool = new pg.Pool({ connectionString: server!.url });
        pool.on("error", () => undefined);
        pools.push(pool);
        return new PostgresAccessStore({ pool, tablePrefix });
      });
      return [pair[0], pair[1]];
    });
  });
});
