import { expect } from "chai";
import { ethers } from "hardhat";
import { ZeroAddress, type Wallet } from "ethers";
import { channelIdOf, signVoucher } from "../../../sdk/client";
import { EthersEscrowChain, type ClaimRow, type EscrowChain } from "../../../sdk/server";
import { PaymentRefusal } from "../../../sdk/server/reasons";
import { listQuarantined, releaseQuarantined, SettlementWorker } from "../../../sdk/settlement";
import { emptyRecord, SqliteVoucherStore, type VoucherStore } from "../../../sdk/store";
import { channelConfigFor, deploy, freshKey, PRICE, type Deployment } from "./support/fixture";

/** One channel written straight into the store as a paywall would after serving `charged`. */
interface Channel {
  id: string;
  session: Wallet;
  config: ReturnType<typeof channelConfigFor>;
}

/**
 * Counts what the worker asks of the chain. `fake` may stand in for the n-th simulation (throw: an outage;
 * `{ verdict }`: a stale view); returning undefined lets the real one run.
 */
function countingChain(
  chain: EscrowChain,
  fake?: (n: number) => { verdict: string | undefined } | undefined,
) {
  const counts = { simulations: 0, claims: 0, rows: [] as number[] };
  const wrapped: EscrowChain = Object.create(chain);
  wrapped.simulateClaim = async (rows, sig) => {
    counts.simulations++;
    const faked = fake?.(counts.simulations);
    return faked ? faked.verdict : chain.simulateClaim!(rows, sig);
  };
  wrapped.claimWithSignature = async (rows, sig) => {
    counts.claims++;
    counts.rows.push(rows.length);
    return chain.claimWithSignature(rows, sig);
  };
  return { wrapped, counts };
}

describe("settlement worker: one bad row never blocks the others", function () {
  let d: Deployment;
  let chain: EthersEscrowChain;
  let store: VoucherStore;
  let payer: string;

  before(async () => {
    d = await deploy();
    chain = new EthersEscrowChain(d.chainId, d.escrow, d.relayer);
    payer = await d.payer.getAddress();
  });
  beforeEach(() => {
    store = new SqliteVoucherStore({ filename: ":memory:", synchronous: "NORMAL" });
  });
  afterEach(async () => store.close());

  const escrow = () => ethers.getContractAt("Z402Escrow", d.escrow);

  function channel(): Channel {
    const session = freshKey();
    const config = channelConfigFor(d, payer, session.address);
    return { id: channelIdOf(d.chainId, d.escrow, config), session, config };
  }

  /** Deposits `amount` into each channel, all in one multicall transaction from the payer. */
  async function fund(channels: Channel[], amount = 10n * PRICE): Promise<void> {
    const e = await escrow();
    await d.token.connect(d.payer).approve(d.escrow, amount * BigInt(channels.length));
    await e
      .connect(d.payer)
      .multicall(
        channels.map((c) => e.interface.encodeFunctionData("deposit", [c.config, amount, ZeroAddress, "0x"])),
      );
  }

  /** Stores a served voucher for `charged` (signed by `signer`, the session key unless given). */
  async function serve(c: Channel, charged = PRICE, signer: Wallet = c.session): Promise<void> {
    const signature = await signVoucher(signer, d.chainId, d.escrow, c.id, charged);
    const current = await store.get(c.id);
    const base = current ?? emptyRecord(c.id, JSON.stringify(c.config));
    await store.compareAndSet({ ...base, charged, signedMax: charged, signature }, current?.version ?? 0);
  }

  const claimedOnChain = async (c: Channel) =>
    ((await (await escrow()).channels(c.id)) as [bigint, bigint])[1];

  /** 49 funded, served channels and one `poisoned` one (stored 18th), all owed. */
  async function fiftyWithOnePoisoned(poison: (c: Channel) => Promise<void>) {
    const honest = Array.from({ length: 49 }, channel);
    const bad = channel();
    await fund(honest);
    for (const [i, c] of honest.entries()) {
      if (i === 17) await poison(bad);
      await serve(c);
    }
    return { honest, bad };
  }

  const worker = (over: Partial<ConstructorParameters<typeof SettlementWorker>[0]> = {}) =>
    new SettlementWorker({ store, chain, authorizer: d.authorizer, settle: false, retryMs: 1, ...over });

  it("claims the 49 honest channels of a 50-row batch and quarantines the never-funded one with its reason", async function () {
    const { honest, bad } = await fiftyWithOnePoisoned((c) => serve(c));
    const lines: string[] = [];
    const { wrapped, counts } = countingChain(chain);
    const report = await worker({ chain: wrapped, logger: (l) => lines.push(l) }).run();

    expect(report.claimedChannels).to.equal(49);
    expect(report.claimedAmount).to.equal(49n * PRICE);
    for (const c of honest) expect(await claimedOnChain(c)).to.equal(PRICE);
    expect(await claimedOnChain(bad)).to.equal(0n);
    const reason = `EscrowClaimExceedsBalance(${bad.id}, ${PRICE}, 0)`;
    expect(report.quarantined).to.deep.equal([{ channelId: bad.id, reason }]);
    const [entry] = await listQuarantined(store);
    expect(entry).to.deep.include({ channelId: bad.id, signedMax: PRICE, charged: PRICE, reason });
    expect((await store.listOwed()).map((r) => r.channelId)).to.deep.equal([bad.id]);
    // One transaction for the 49; the bisection costs eth_calls only (1 + at most 2 per halving of 50).
    expect(counts.claims).to.equal(1);
    expect(counts.rows).to.deep.equal([49]);
    expect(counts.simulations).to.be.at.most(1 + 2 * Math.ceil(Math.log2(50)));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include(bad.id).and.include("EscrowClaimExceedsBalance");
    expect(lines[0]).to.not.include((await store.get(bad.id))!.signature.slice(2, 40));
    const gas = (await ethers.provider.getTransactionReceipt(report.transactions[0]))!.gasUsed;
    console.log(
      `      (measured: ${counts.simulations} simulations, 1 claim transaction of 49 rows, ${gas} gas)`,
    );
  });

  it("quarantines a voucher with a bad signature, by name, and claims the rest", async function () {
    const intruder = freshKey();
    const { honest, bad } = await fiftyWithOnePoisoned(async (c) => {
      await fund([c]);
      await serve(c, PRICE, intruder);
    });
    const report = await worker().run();
    expect(report.claimedChannels).to.equal(honest.length);
    expect(report.quarantined).to.deep.equal([
      { channelId: bad.id, reason: `EscrowInvalidVoucherSignature(${bad.id})` },
    ]);
  });

  it("claims the funded part of a charge above the channel's balance, with the rest", async function () {
    const { honest, bad } = await fiftyWithOnePoisoned(async (c) => {
      await fund([c], PRICE / 2n);
      await serve(c, PRICE);
    });
    const report = await worker().run();
    const onChain = await chain.readChannel(bad.id);
    expect([report.claimedChannels, onChain.totalClaimed]).to.deep.equal([honest.length + 1, PRICE / 2n]);
  });

  it("quarantines the unfunded rest of a charge above the channel's balance next round", async function () {
    const { bad } = await fiftyWithOnePoisoned(async (c) => {
      await fund([c], PRICE / 2n);
      await serve(c, PRICE);
    });
    await worker().run();
    const report = await worker().run();
    expect(report.quarantined).to.deep.equal([
      { channelId: bad.id, reason: `EscrowClaimExceedsBalance(${bad.id}, ${PRICE}, ${PRICE / 2n})` },
    ]);
  });

  it("does not resend a quarantined row next round while its voucher is unchanged", async function () {
    const good = channel();
    const bad = channel();
    await fund([good]);
    await serve(good);
    await serve(bad);
    await worker().run();
    const { wrapped, counts } = countingChain(chain);
    const report = await worker({ chain: wrapped }).run();
    expect(counts).to.deep.include({ simulations: 0, claims: 0 });
    expect(report.claimedChannels).to.equal(0);
    expect(report.quarantined.map((q) => q.channelId)).to.deep.equal([bad.id]);
    expect((await listQuarantined(store)).map((q) => q.channelId)).to.deep.equal([bad.id]);
  });

  it("retries a quarantined row once its stored voucher changes, and releases it when claimed", async function () {
    const bad = channel();
    await serve(bad);
    expect((await worker().run()).quarantined).to.have.length(1);
    // The payer funds the channel and pays again: a new voucher (charged and signedMax move).
    await fund([bad]);
    await serve(bad, 2n * PRICE);
    const report = await worker().run();
    expect(report.claimedChannels).to.equal(1);
    expect(report.quarantined).to.deep.equal([]);
    expect(await claimedOnChain(bad)).to.equal(2n * PRICE);
    expect(await listQuarantined(store)).to.deep.equal([]);
  });

  it("retries a quarantined row with the same voucher after an explicit release", async function () {
    const bad = channel();
    await serve(bad);
    await worker().run();
    await fund([bad]); // the chain now takes the same voucher
    expect((await worker().run()).claimedChannels).to.equal(0);
    await releaseQuarantined(store, bad.id);
    expect((await worker().run()).claimedChannels).to.equal(1);
    expect(await claimedOnChain(bad)).to.equal(PRICE);
  });

  it("resolves the round (never throws) when the bad row is the only one, and reports it", async function () {
    const bad = channel();
    await serve(bad);
    const report = await worker().run();
    expect(report).to.deep.include({ claimedChannels: 0, transactions: [] });
    expect(report.quarantined.map((q) => q.channelId)).to.deep.equal([bad.id]);
  });

  it("without a simulator, bisects on a facilitator's refusal and claims the rest", async function () {
    const rows = Array.from({ length: 7 }, channel);
    const bad = channel();
    await fund(rows);
    for (const c of [...rows.slice(0, 3), bad, ...rows.slice(3)]) await serve(c);
    // A facilitator-like submitter: a reverting batch comes back as a 402 refusal, not as a revert.
    let sends = 0;
    const submit = {
      claimWithSignature: async (claims: ClaimRow[], sig: string) => {
        sends++;
        try {
          return await chain.claimWithSignature(claims, sig);
        } catch {
          throw new PaymentRefusal("invalid_batch_settlement_evm_claim_simulation_failed");
        }
      },
      settle: (receiver: string, token: string) => chain.settle(receiver, token),
    };
    const report = await worker({ submit, simulate: false }).run();
    expect(report.claimedChannels).to.equal(7);
    for (const c of rows) expect(await claimedOnChain(c)).to.equal(PRICE);
    expect(report.quarantined).to.deep.equal([
      {
        channelId: bad.id,
        reason: "facilitator refused: invalid_batch_settlement_evm_claim_simulation_failed",
      },
    ]);
    console.log(`      (measured without simulation: ${sends} sends, ${report.transactions.length} mined)`);
  });

  it("retries a simulation that failed for RPC reasons and quarantines nothing", async function () {
    const rows = Array.from({ length: 3 }, channel);
    await fund(rows);
    for (const c of rows) await serve(c);
    const { wrapped, counts } = countingChain(chain, (n) => {
      if (n <= 2)
        throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "NETWORK_ERROR" });
      return undefined;
    });
    const report = await worker({ chain: wrapped, attempts: 3 }).run();
    expect(counts.simulations).to.equal(3);
    expect(report.claimedChannels).to.equal(3);
    expect(report.quarantined).to.deep.equal([]);
    expect(await listQuarantined(store)).to.deep.equal([]);
  });

  it("fails the round without quarantining anything when the RPC stays down", async function () {
    const c = channel();
    await fund([c]);
    await serve(c);
    const { wrapped } = countingChain(chain, () => {
      throw new Error("rpc down");
    });
    let failed: unknown;
    await worker({ chain: wrapped, attempts: 2 })
      .run()
      .catch((err: unknown) => (failed = err));
    expect(String(failed)).to.include("rpc down");
    expect(await listQuarantined(store)).to.deep.equal([]);
    expect((await store.listOwed()).map((r) => r.channelId)).to.deep.equal([c.id]);
  });

  it("simulates again when the chain refuses a batch whose simulation passed, and claims the rest", async function () {
    const rows = Array.from({ length: 3 }, channel);
    const bad = channel();
    await fund(rows);
    for (const c of [...rows, bad]) await serve(c);
    // A stale first simulation says yes; the send is refused; the worker looks again and isolates the bad row.
    const { wrapped, counts } = countingChain(chain, (n) => (n === 1 ? { verdict: undefined } : undefined));
    const report = await worker({ chain: wrapped }).run();
    expect(report.claimedChannels).to.equal(3);
    expect(report.quarantined.map((q) => q.channelId)).to.deep.equal([bad.id]);
    expect(counts.claims).to.equal(2);
  });
});
