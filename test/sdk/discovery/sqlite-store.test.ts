import { expect } from "chai";
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SqliteDiscoveryStore, emptyChangeSet } from "../../../sdk/discovery";
import { SqliteVoucherStore } from "../../../sdk/store";

describe("discovery/SqliteDiscoveryStore", function () {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), "z402-sqlite-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("lives in the same database file as the voucher store", async function () {
    const file = path.join(dir, "z402.db");
    const vouchers = new SqliteVoucherStore({ filename: file });
    const discovery = new SqliteDiscoveryStore(file);
    await discovery.apply(emptyChangeSet(42));
    await discovery.close();
    await vouchers.close();
    const db = new Database(file, { readonly: true });
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((t) => t.name);
    db.close();
    expect(tables).to.include.members(["z402_channels", "discovery_agents", "discovery_cursor"]);
  });

  it("accepts an open Database and leaves it open on close", async function () {
    const db = new Database(":memory:");
    const store = new SqliteDiscoveryStore(db);
    await store.apply(emptyChangeSet(7));
    await store.close();
    expect(await new SqliteDiscoveryStore(db).cursor()).to.equal(7);
    db.close();
  });

  it("applies a change set atomically: a failing write leaves the cursor where it was", async function () {
    const store = new SqliteDiscoveryStore(":memory:");
    await store.apply(emptyChangeSet(5));
    const bad = emptyChangeSet(9);
    bad.feedback.push({
      agentId: 1n,
      client: "0x1",
      index: 1n,
      value: 1n,
      decimals: 0,
      tag1: "",
      tag2: null as unknown as string,
      revoked: false,
    });
    await expect(store.apply(bad)).to.be.rejected;
    expect(await store.cursor()).to.equal(5);
    await store.close();
  });
});
