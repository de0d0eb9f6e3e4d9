import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import Database from "better-sqlite3";
import { emptyRecord, RedisVoucherStore, SqliteVoucherStore } from "../../../sdk/store";
import { shouldBehaveLikeVoucherStore } from "./support/store-behavior";
import { redisAvailable, startRedis, type RedisServer } from "./support/redis-server";

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
});
