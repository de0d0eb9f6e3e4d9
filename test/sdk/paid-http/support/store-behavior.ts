import { expect } from "chai";
import { emptyRecord, type ChannelRecord, type VoucherStore } from "../../../../sdk/store";

const ID = "0x" + "ab".repeat(32);

function rec(over: Partial<ChannelRecord> = {}): ChannelRecord {
  return { ...emptyRecord(ID, '{"payer":"0x1"}'), ...over };
}

/** The behaviour every VoucherStore implementation must have. */
export function shouldBehaveLikeVoucherStore(make: () => Promise<VoucherStore>): void {
  let store: VoucherStore;
  beforeEach(async () => {
    store = await make();
  });
  afterEach(async () => {
    await store.close();
  });

  it("returns undefined for an unknown channel", async () => {
    expect(await store.get(ID)).to.equal(undefined);
  });

  it("creates a record when the expected version is 0", async () => {
    expect(await store.compareAndSet(rec({ signedMax: 5n, signature: "0xsig" }), 0)).to.equal(true);
    const got = await store.get(ID);
    expect(got).to.deep.include({ signedMax: 5n, signature: "0xsig", version: 1, config: '{"payer":"0x1"}' });
  });

  it("keeps bigints above 2^64 exactly", async () => {
    const big = 2n ** 127n + 3n;
    await store.compareAndSet(rec({ charged: big, signedMax: big, claimed: 1n, lastCharge: big }), 0);
    expect(await store.get(ID)).to.deep.include({ charged: big, signedMax: big, lastCharge: big });
  });

  it("refuses to create a record twice", async () => {
    await store.compareAndSet(rec(), 0);
    expect(await store.compareAndSet(rec({ charged: 9n }), 0)).to.equal(false);
    expect((await store.get(ID))!.charged).to.equal(0n);
  });

  it("keeps the stored answer, its request fingerprint and the refund cap", async () => {
    const kept = {
      requestDigest: "ab".repeat(32),
      response: '{"status":200}',
      respondedAt: 1_700_000_000_123,
    };
    await store.compareAndSet(rec({ ...kept, capNonce: 3n, capBalance: 2n ** 100n }), 0);
    expect(await store.get(ID)).to.deep.include({ ...kept, capNonce: 3n, capBalance: 2n ** 100n });
  });

  it("updates when the version matches and bumps it", async () => {
    const r = rec();
    await store.compareAndSet(r, 0);
    expect(await store.compareAndSet({ ...r, charged: 7n, signedMax: 7n }, 1)).to.equal(true);
    expect(await store.get(ID)).to.deep.include({ charged: 7n, version: 2 });
  });

  it("rejects a stale version and leaves the record unchanged", async () => {
    const r = rec();
    await store.compareAndSet(r, 0);
    await store.compareAndSet({ ...r, charged: 1n, signedMax: 1n }, 1);
    expect(await store.compareAndSet({ ...r, charged: 99n }, 1)).to.equal(false);
    expect((await store.get(ID))!.charged).to.equal(1n);
  });

  it("lets exactly one of many concurrent writers with the same version win", async () => {
    await store.compareAndSet(rec(), 0);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.compareAndSet(rec({ charged: BigInt(i + 1) }), 1)),
    );
    expect(results.filter(Boolean)).to.have.length(1);
  });

  it("lists channels owed a claim (charged > claimed) only", async () => {
    const other = "0x" + "cd".repeat(32);
    await store.compareAndSet(rec({ charged: 5n, signedMax: 5n }), 0);
    await store.compareAndSet({ ...emptyRecord(other), charged: 3n, claimed: 3n }, 0);
    const owed = await store.listOwed();
    expect(owed.map((r) => r.channelId)).to.deep.equal([ID]);
  });

  it("drops a channel from the owed list once fully claimed", async () => {
    const r = rec({ charged: 5n, signedMax: 5n });
    await store.compareAndSet(r, 0);
    await store.compareAndSet({ ...r, claimed: 5n }, 1);
    expect(await store.listOwed()).to.deep.equal([]);
  });

  it("clears only the locks of the given instance", async () => {
    const other = "0x" + "cd".repeat(32);
    await store.compareAndSet(rec({ lock: "a:1", lockUntil: Date.now() + 60_000 }), 0);
    await store.compareAndSet({ ...emptyRecord(other), lock: "b:1", lockUntil: Date.now() + 60_000 }, 0);
    expect(await store.clearLocks("a")).to.equal(1);
    expect((await store.get(ID))!.lock).to.equal("");
    expect((await store.get(other))!.lock).to.equal("b:1");
  });

  it("normalizes channel ids to lower case", async () => {
    await store.compareAndSet(rec({ channelId: ID.toUpperCase().replace("0X", "0x") }), 0);
    expect(await store.get(ID)).to.not.equal(undefined);
  });

  it("keeps a quarantined channel with its voucher amounts and reason, apart from the channel record", async () => {
    const big = 2n ** 127n + 1n;
    await store.compareAndSet(rec({ charged: 5n, signedMax: 5n }), 0);
    await store.quarantine({
      channelId: ID.toUpperCase().replace("0X", "0x"),
      signedMax: big,
      charged: 5n,
      reason: "EscrowClaimExceedsBalance",
      at: 1,
    });
    expect(await store.listQuarantined()).to.deep.equal([
      { channelId: ID, signedMax: big, charged: 5n, reason: "EscrowClaimExceedsBalance", at: 1 },
    ]);
    expect(await store.get(ID)).to.deep.include({ charged: 5n, signedMax: 5n, version: 1 });
    expect((await store.listOwed()).map((r) => r.channelId)).to.deep.equal([ID]);
  });

  it("upserts a quarantine entry by channel id", async () => {
    await store.quarantine({ channelId: ID, signedMax: 5n, charged: 5n, reason: "first", at: 1 });
    await store.quarantine({ channelId: ID, signedMax: 9n, charged: 7n, reason: "second", at: 2 });
    expect(await store.listQuarantined()).to.deep.equal([
      { channelId: ID, signedMax: 9n, charged: 7n, reason: "second", at: 2 },
    ]);
  });

  it("releases one quarantined channel and leaves the others", async () => {
    const other = "0x" + "cd".repeat(32);
    await store.quarantine({ channelId: ID, signedMax: 5n, charged: 5n, reason: "a", at: 1 });
    await store.quarantine({ channelId: other, signedMax: 3n, charged: 3n, reason: "b", at: 2 });
    await store.releaseQuarantine(ID.toUpperCase().replace("0X", "0x"));
    await store.releaseQuarantine("0x" + "ee".repeat(32)); // unknown: a no-op
    expect((await store.listQuarantined()).map((e) => e.channelId)).to.deep.equal([other]);
  });
}
