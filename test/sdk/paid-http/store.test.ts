import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import Database from "better-sqlite3";
import pg from "pg";
import {
  emptyRecord,
  PostgresVoucherStore,
  RedisVoucherStore,
  SqliteVoucherStore,
  type VoucherStore,
} from "../../../sdk/store";
import { shouldBehaveLikeVoucherStore } from "./support/store-behavior";
import { redisAvailable, startRedis, type RedisServer } from "./support/redis-server";
import {
  POSTGRES_SKIP,
  postgresAvailable,
  startPostgres,
  type PostgresServer,
} from "./support/postgres-server";
import { deploy, startServer, type TestServer } from "./support/fixture";
import { b64, openChannel, PRICE } from "./support/kit";

describe("VoucherStore", function () {
  describe("SqliteVoucherStore", function () {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "z402-sqlite-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    let n = 0;
    shouldBehaveLikeVoucherStore(
      async () => new SqliteVoucherStore({ filename: path.join(dir, `s${n++}.db`) }),
    );

    it("uses WAL journaling", async () => {
      const file = path.join(dir, "wal.db");
      const store = new SqliteVoucherStore({ filename: file });
      await store.compareAndSet(emptyRecord("0x" + "11".repeat(32)), 0);
      expect(fs.existsSync(file + "-wal")).to.equal(true);
      await store.close();
    });

    it("adds the columns of later releases to a file written by the first one", async () => {
      const file = path.join(dir, "legacy.db");
      const legacy = new Database(file);
      legacy.exec(`CREATE TABLE z402_channels (
        channel_id TEXT PRIMARY KEY, config TEXT NOT NULL, charged TEXT NOT NULL, signed_max TEXT NOT NULL,
        signature TEXT NOT NULL, claimed TEXT NOT NULL, lock TEXT NOT NULL, lock_until INTEGER NOT NULL,
        payment_id TEXT NOT NULL, last_charge TEXT NOT NULL, version INTEGER NOT NULL, owed INTEGER NOT NULL)`);
      legacy
        .prepare("INSERT INTO z402_channels VALUES (?, '{}', '4', '4', '0x', '0', '', 0, 'p', '4', 1, 1)")
        .run("0x" + "33".repeat(32));
      legacy.close();
      const store = new SqliteVoucherStore({ filename: file });
      expect(await store.get("0x" + "33".repeat(32))).to.deep.include({
        charged: 4n,
        response: "",
        requestDigest: "",
        capNonce: 0n,
      });
      await store.close();
    });

    it("keeps committed records across a reopen", async () => {
      const file = path.join(dir, "reopen.db");
      const a = new SqliteVoucherStore({ filename: file });
      await a.compareAndSet({ ...emptyRecord("0x" + "22".repeat(32)), charged: 4n, signedMax: 4n }, 0);
      await a.close();
      const b = new SqliteVoucherStore({ filename: file });
      expect((await b.get("0x" + "22".repeat(32)))!.charged).to.equal(4n);
      await b.close();
    });
  });

  describe("RedisVoucherStore (real redis-server on loopback)", function () {
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
    shouldBehaveLikeVoucherStore(async () => {
      const client = new Redis({ host: "127.0.0.1", port: server!.port, lazyConnect: false });
      clients.push(client);
      return new RedisVoucherStore({ client, prefix: `t${n++}` });
    });

    it("lets two replicas (two connections) race on one channel with one winner", async () => {
      const a = new Redis({ port: server!.port, host: "127.0.0.1" });
      const b = new Redis({ port: server!.port, host: "127.0.0.1" });
      clients.push(a, b);
      const sa = new RedisVoucherStore({ client: a, prefix: "race" });
      const sb = new RedisVoucherStore({ client: b, prefix: "race" });
      const id = "0x" + "33".repeat(32);
      const wins = await Promise.all([
        sa.compareAndSet({ ...emptyRecord(id), lock: "a:1" }, 0),
        sb.compareAndSet({ ...emptyRecord(id), lock: "b:1" }, 0),
      ]);
      expect(wins.filter(Boolean)).to.have.length(1);
    });
  });

  describe("PostgresVoucherStore (real PostgreSQL server on loopback)", function () {
    let server: PostgresServer | undefined;
    const pools: pg.Pool[] = [];
    const pool = (over: pg.PoolConfig = {}) => {
      const p = new pg.Pool({ connectionString: server!.url, ...over });
      // pool.end() resolves before every connection has closed: one the server's shutdown reaches first is an
      // `error` on the pool, which is not the test's failure.
      p.on("error", () => undefined);
      pools.push(p);
      return p;
    };
    before(async function () {
      if (!postgresAvailable()) {
        console.log(POSTGRES_SKIP);
        this.skip();
      }
      this.timeout(60_000);
      server = await startPostgres();
      console.log(`    (PostgreSQL ready in ${server.startMs} ms)`);
    });
    after(async () => {
      await Promise.all(pools.map((p) => p.end()));
      await server?.stop();
    });
    let n = 0;
    shouldBehaveLikeVoucherStore(
      async () => new PostgresVoucherStore({ connectionString: server!.url, tablePrefix: `t${n++}_` }),
    );

    it("keeps the largest uint256 exactly", async () => {
      const max = 2n ** 256n - 1n;
      const store = new PostgresVoucherStore({ pool: pool(), tablePrefix: "u256_" });
      const id = "0x" + "44".repeat(32);
      await store.compareAndSet({ ...emptyRecord(id), charged: max, signedMax: max, capBalance: max }, 0);
      expect(await store.get(id)).to.deep.include({ charged: max, signedMax: max, capBalance: max });
    });

    it("reads amounts exactly whatever the pool's NUMERIC parser", async () => {
      const lossy = pool({
        types: {
          getTypeParser: (oid: number, format?: string) =>
            oid === 1700 ? parseFloat : pg.types.getTypeParser(oid, format as "text"),
        },
      } as pg.PoolConfig);
      const store = new PostgresVoucherStore({ pool: lossy, tablePrefix: "parser_" });
      const id = "0x" + "45".repeat(32);
      await store.compareAndSet({ ...emptyRecord(id), charged: 2n ** 100n + 1n }, 0);
      expect((await store.get(id))!.charged).to.equal(2n ** 100n + 1n);
    });

    it("keeps committed records across a reopen, and creating its tables again is a no-op", async () => {
      const id = "0x" + "22".repeat(32);
      const a = new PostgresVoucherStore({ connectionString: server!.url, tablePrefix: "reopen_" });
      await a.compareAndSet({ ...emptyRecord(id), charged: 4n, signedMax: 4n }, 0);
      await a.close();
      const b = new PostgresVoucherStore({ connectionString: server!.url, tablePrefix: "reopen_" });
      await b.init();
      await b.init();
      expect(await b.get(id)).to.deep.include({ charged: 4n, version: 1 });
      await b.close();
    });

    it("adds the columns of later releases to a table written by the first one", async () => {
      const p = pool();
      await p.query(`CREATE TABLE legacy_channels (
        channel_id TEXT PRIMARY KEY, config TEXT NOT NULL, charged NUMERIC(78,0) NOT NULL,
        signed_max NUMERIC(78,0) NOT NULL, signature TEXT NOT NULL, claimed NUMERIC(78,0) NOT NULL,
        lock TEXT NOT NULL, lock_until BIGINT NOT NULL, payment_id TEXT NOT NULL,
        last_charge NUMERIC(78,0) NOT NULL, version INTEGER NOT NULL)`);
      const id = "0x" + "33".repeat(32);
      await p.query("INSERT INTO legacy_channels VALUES ($1, '{}', 4, 4, '0x', 0, '', 0, 'p', 4, 1)", [id]);
      const store = new PostgresVoucherStore({ pool: p, tablePrefix: "legacy_" });
      expect(await store.get(id)).to.deep.include({
        charged: 4n,
        response: "",
        requestDigest: "",
        respondedAt: 0,
        capNonce: 0n,
        capBalance: 0n,
      });
      expect((await store.listOwed()).map((r) => r.channelId)).to.deep.equal([id]);
    });

    it("creates its tables in the given schema, with an index for the owed list", async () => {
      const store = new PostgresVoucherStore({ pool: pool(), schema: "payments", tablePrefix: "v_" });
      await store.compareAndSet({ ...emptyRecord("0x" + "55".repeat(32)), charged: 1n }, 0);
      const { rows } = await pool().query(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'payments' ORDER BY indexname",
      );
      expect(rows.map((r) => r.indexname)).to.include.members(["v_channels_owed", "v_channels_pkey"]);
      expect(rows.find((r) => r.indexname === "v_channels_owed").indexdef).to.match(
        /WHERE \(charged > claimed\)/,
      );
    });

    it("lets several replicas create the tables at once", async () => {
      const stores = Array.from(
        { length: 4 },
        () => new PostgresVoucherStore({ connectionString: server!.url, tablePrefix: "together_" }),
      );
      await Promise.all(stores.map((s) => s.init()));
      await Promise.all(stores.map((s) => s.close()));
    });

    it("commits with synchronous_commit on even where the database's default is off", async () => {
      const url = await server!.createDatabase("lazy_commits");
      await pool().query("ALTER DATABASE lazy_commits SET synchronous_commit = off");
      const store = new PostgresVoucherStore({ connectionString: url });
      try {
        await store.init();
        const own = (store as unknown as { pool: pg.Pool }).pool;
        expect((await own.query("SHOW synchronous_commit")).rows[0].synchronous_commit).to.equal("on");
      } finally {
        await store.close();
      }
    });

    it("outlives the server dropping its idle connections (a restart, a failover)", async () => {
      const url = await server!.createDatabase("dropped");
      const store = new PostgresVoucherStore({ connectionString: url });
      try {
        const id = "0x" + "88".repeat(32);
        await store.compareAndSet({ ...emptyRecord(id), charged: 3n }, 0);
        const { rowCount } = await pool().query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'dropped'",
        );
        expect(rowCount).to.be.greaterThan(0);
        // A query may still meet the dropped connection before the pool hears of it: it fails, the next one works.
        let charged: bigint | undefined;
        for (let attempt = 0; charged === undefined && attempt < 20; attempt++) {
          charged = await store.get(id).then(
            (r) => r?.charged,
            () => new Promise<undefined>((r) => setTimeout(() => r(undefined), 100)),
          );
        }
        expect(charged).to.equal(3n);
      } finally {
        await store.close();
      }
    });

    it("refuses a pool whose sessions run with synchronous_commit off", async () => {
      const off = pool({ options: "-c synchronous_commit=off" });
      const store = new PostgresVoucherStore({ pool: off, tablePrefix: "async_" });
      await store.get("0x" + "66".repeat(32)).then(
        () => expect.fail("served by a store whose commits are not durable"),
        (err: Error) => expect(err.message).to.match(/synchronous_commit = off/),
      );
    });

    it("leaves a pool it was given open, and ends one it owns", async () => {
      const p = pool();
      await new PostgresVoucherStore({ pool: p, tablePrefix: "own_" }).close();
      expect((await p.query("SELECT 1 AS one")).rows[0].one).to.equal(1);
      const owned = pool();
      await new PostgresVoucherStore({ pool: owned, tablePrefix: "own_", ownsPool: true }).close();
      expect(owned.ending).to.equal(true);
      pools.splice(pools.indexOf(owned), 1);
    });

    it("refuses a table prefix or schema that is not a plain identifier", () => {
      expect(() => new PostgresVoucherStore({ pool: pool(), tablePrefix: 'x"; DROP TABLE y; --' })).to.throw(
        /invalid table prefix/,
      );
      expect(() => new PostgresVoucherStore({ pool: pool(), schema: "a.b" })).to.throw(/invalid schema/);
    });

    it("lets two replicas (two pools) race on one channel with one winner", async () => {
      const sa = new PostgresVoucherStore({ pool: pool(), tablePrefix: "race_" });
      const sb = new PostgresVoucherStore({ pool: pool(), tablePrefix: "race_" });
      const id = "0x" + "77".repeat(32);
      const created = await Promise.all([
        sa.compareAndSet({ ...emptyRecord(id), lock: "a:1" }, 0),
        sb.compareAndSet({ ...emptyRecord(id), lock: "b:1" }, 0),
      ]);
      expect(created.filter(Boolean)).to.have.length(1);
      const updated = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? sa : sb).compareAndSet({ ...emptyRecord(id), charged: BigInt(i + 1) }, 1),
        ),
      );
      expect(updated.filter(Boolean)).to.have.length(1);
      expect((await sa.get(id))!.version).to.equal(2);
    });

    describe("two paywall replicas on one Postgres database", function () {
      let a: TestServer;
      let b: TestServer;
      const stores: VoucherStore[] = [];
      /** Requests each replica's handler ran, by path. */
      const ran: string[] = [];
      before(async function () {
        this.timeout(60_000);
        const d = await deploy();
        const store = () => {
          const s = new PostgresVoucherStore({ connectionString: server!.url, tablePrefix: "replicas_" });
          stores.push(s);
          return s;
        };
        const handler = (path: string) => {
          ran.push(path);
          return { status: 200, body: "ok " + path };
        };
        a = await startServer(d, { store: store(), instanceId: "a", handler });
        b = await startServer(d, { store: store(), instanceId: "b", handler });
      });
      after(async () => {
        await a?.close();
        await b?.close();
        await Promise.all(stores.map((s) => s.close()));
      });

      it("never serves one payment twice when both get it at once", async () => {
        const d = await deploy();
        const kit = await openChannel(d, a);
        const header = b64(kit.body(await kit.voucher(2n * PRICE)));
        const statuses = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            fetch((i % 2 ? a : b).url + "/paid/once", { headers: { "payment-signature": header } }).then(
              (r) => r.status,
            ),
          ),
        );
        expect(statuses.filter((s) => s === 200)).to.have.length(1);
        expect(ran.filter((p) => p === "/paid/once")).to.have.length(1);
        expect((await a.store.get(kit.channelId))!.charged).to.equal(2n * PRICE);
      });

      it("serves each of successive payments raced on both replicas exactly once", async () => {
        const d = await deploy();
        const kit = await openChannel(d, b);
        const rounds = 8;
        let served = 0;
        for (let k = 2n; k < 2n + BigInt(rounds); k++) {
          const header = b64(kit.body(await kit.voucher(k * PRICE)));
          const statuses = await Promise.all(
            [a, b, a, b].map((s) =>
              fetch(s.url + "/paid/seq", { headers: { "payment-signature": header } }).then((r) => r.status),
            ),
          );
          served += statuses.filter((s) => s === 200).length;
        }
        expect(served).to.equal(rounds);
        expect(ran.filter((p) => p === "/paid/seq")).to.have.length(rounds);
        const record = (await b.store.get(kit.channelId))!;
        expect([record.charged, record.signedMax >= record.charged]).to.deep.equal([
          BigInt(rounds + 1) * PRICE,
          true,
        ]);
      });
    });
  });
});
