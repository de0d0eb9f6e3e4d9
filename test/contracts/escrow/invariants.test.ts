import { expect } from "chai";
import fc from "fast-check";
import hre, { ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { BaseWallet } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { MockEIP3009Token, Z402Escrow } from "../../../typechain-types";
import {
  MIN_DELAY,
  claimRow,
  escrowDomain,
  EIP712_TYPES,
  packEntry,
  signClaimBatch,
  type ChannelConfig,
} from "./support/escrow-fixture";

/**
 * Model-based property test: random sequences of deposit / claim / stale claim / over-claim / refund /
 * initiate+finalize withdraw / settle by random actors, checked after every step against a model and against
 * the escrow's invariants. Runs are bounded so the suite stays fast (fewer under coverage instrumentation);
 * set Z402_PROPERTY_RUNS to run more.
 */
const underCoverage =
  process.env.SOLIDITY_COVERAGE !== undefined ||
  (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;
const RUNS = Number(process.env.Z402_PROPERTY_RUNS ?? (underCoverage ? 60 : 300));

const INITIAL = 10n ** 8n;

interface ChannelModel {
  config: ChannelConfig;
  id: string;
  key: BaseWallet;
  balance: bigint;
  totalClaimed: bigint;
  signedMax: bigint;
  lastSignature: string;
  pending: bigint;
}

interface Model {
  channels: ChannelModel[];
  claimedBy: Map<string, bigint>;
}

interface Real {
  escrow: Z402Escrow;
  token: MockEIP3009Token;
  payers: HardhatEthersSigner[];
  receivers: HardhatEthersSigner[];
  stranger: HardhatEthersSigner;
}

async function propertyFixture() {
  const signers = await ethers.getSigners();
  const payers = signers.slice(1, 3);
  const receivers = signers.slice(3, 5);
  const stranger = signers[5];
  const token = await ethers.deployContract("MockEIP3009Token");
  const escrow = await ethers.deployContract("Z402Escrow");
  for (const p of payers) {
    await token.mint(p.address, 10n ** 12n);
    await token.connect(p).approve(await escrow.getAddress(), ethers.MaxUint256);
  }
  const keys: BaseWallet[] = [];
  const configs: ChannelConfig[] = [];
  for (let i = 0; i < 4; i++) {
    const key = new ethers.Wallet(ethers.zeroPadValue(ethers.toBeHex(1000 + i), 32));
    keys.push(key);
    configs.push({
      payer: payers[i % 2].address,
      payerAuthorizer: key.address,
      receiver: receivers[Math.floor(i / 2)].address,
      receiverAuthorizer: receivers[Math.floor(i / 2)].address,
      token: await token.getAddress(),
      withdrawDelay: MIN_DELAY,
      salt: ethers.zeroPadValue(ethers.toBeHex(i + 1), 32),
    });
  }
  const ids = await Promise.all(configs.map((c) => escrow.getChannelId(c)));
  // Every run starts with each channel funded, so claims, refunds and withdrawals have something to act on.
  for (const [i, c] of configs.entries())
    await escrow.connect(payers[i % 2]).deposit(c, INITIAL, ethers.ZeroAddress, "0x");
  return { escrow, token, payers, receivers, stranger, keys, configs, ids };
}

const receiverOf = (real: Real, ch: ChannelModel) =>
  real.receivers.find((r) => r.address === ch.config.receiver)!;
const payerOf = (real: Real, ch: ChannelModel) => real.payers.find((p) => p.address === ch.config.payer)!;
const unclaimed = (ch: ChannelModel) => ch.balance - ch.totalClaimed;

async function signFor(real: Real, ch: ChannelModel, max: bigint) {
  const domain = await escrowDomain(real.escrow);
  return ch.key.signTypedData(
    domain,
    { Voucher: EIP712_TYPES.Voucher },
    { channelId: ch.id, maxClaimableAmount: max },
  );
}

/** Checks every invariant against chain state. */
async function checkInvariants(m: Model, real: Real) {
  const escrowAddr = await real.escrow.getAddress();
  let sumBalances = 0n;
  for (const ch of m.channels) {
    const onChain = await real.escrow.channels(ch.id);
    expect(onChain.balance).to.equal(ch.balance);
    expect(onChain.totalClaimed).to.equal(ch.totalClaimed);
    expect(onChain.totalClaimed).to.be.lte(onChain.balance);
    expect(onChain.totalClaimed).to.be.lte(ch.signedMax); // never above a signed voucher
    sumBalances += onChain.balance;
  }
  let sumSettled = 0n;
  for (const r of real.receivers) {
    const totals = await real.escrow.receivers(r.address, await real.token.getAddress());
    sumSettled += totals.totalSettled;
    expect(totals.totalSettled).to.be.lte(totals.totalClaimed);
    const signed = m.channels
      .filter((c) => c.config.receiver === r.address)
      .reduce((n, c) => n + c.signedMax, 0n);
    expect(totals.totalClaimed).to.be.lte(signed); // no receiver gets more than its payers signed
    expect(totals.totalClaimed).to.equal(m.claimedBy.get(r.address) ?? 0n);
  }
  expect(await real.token.balanceOf(escrowAddr)).to.equal(sumBalances - sumSettled);
}

type Cmd = fc.AsyncCommand<Model, Real>;

class Deposit implements Cmd {
  constructor(
    readonly c: number,
    readonly amount: bigint,
  ) {}
  check = () => true;
  async run(m: Model, real: Real) {
    const ch = m.channels[this.c];
    await real.escrow.connect(payerOf(real, ch)).deposit(ch.config, this.amount, ethers.ZeroAddress, "0x");
    ch.balance += this.amount;
    await checkInvariants(m, real);
  }
  toString = () => `deposit(${this.c}, ${this.amount})`;
}

class Claim implements Cmd {
  constructor(
    readonly c: number,
    readonly incrementPct: number,
    readonly claimPct: number,
    readonly path: "claim" | "claimWithSignature" | "claimPacked",
  ) {}
  /** The payer signs a voucher above the last one and at most the balance. */
  check = (m: Readonly<Model>) => m.channels[this.c].signedMax < m.channels[this.c].balance;
  async run(m: Model, real: Real) {
    const ch = m.channels[this.c];
    const room = ch.balance - ch.signedMax;
    const increment = (room * BigInt(this.incrementPct)) / 100n || 1n;
    const max = ch.signedMax + increment;
    const sig = await signFor(real, ch, max);
    ch.signedMax = max;
    ch.lastSignature = sig;
    const total = (max * BigInt(this.claimPct)) / 100n;
    const receiver = receiverOf(real, ch);
    if (this.path === "claim") {
      await real.escrow.connect(receiver).claim([claimRow(ch.config, max, sig, total)]);
    } else if (this.path === "claimWithSignature") {
      const auth = await signClaimBatch(receiver, real.escrow, [
        { channelId: ch.id, maxClaimableAmount: max, totalClaimed: total },
      ]);
      await real.escrow
        .connect(real.stranger)
        .claimWithSignature([claimRow(ch.config, max, sig, total)], auth);
    } else {
      const c = ch.config;
      await real.escrow
        .connect(receiver)
        .claimPacked(c.receiver, c.receiverAuthorizer, c.token, packEntry(c, max, sig, total));
    }
    if (total > ch.totalClaimed) {
      m.claimedBy.set(
        ch.config.receiver,
        (m.claimedBy.get(ch.config.receiver) ?? 0n) + total - ch.totalClaimed,
      );
      ch.totalClaimed = total;
    }
    await checkInvariants(m, real);
  }
  toString = () => `${this.path}(${this.c}, +${this.incrementPct}%, ${this.claimPct}%)`;
}

class OverClaim implements Cmd {
  constructor(readonly c: number) {}
  check = (m: Readonly<Model>) => m.channels[this.c].signedMax > m.channels[this.c].totalClaimed;
  async run(m: Model, real: Real) {
    const ch = m.channels[this.c];
    const row = claimRow(ch.config, ch.signedMax, ch.lastSignature, ch.signedMax + 1n);
    await expect(real.escrow.connect(receiverOf(real, ch)).claim([row])).to.be.reverted;
    await expect(
      real.escrow.connect(real.stranger).claim([claimRow(ch.config, ch.signedMax, ch.lastSignature)]),
    ).to.be.reverted;
    await checkInvariants(m, real);
  }
  toString = () => `overClaim(${this.c})`;
}

class Refund implements Cmd {
  constructor(
    readonly c: number,
    readonly amount: bigint,
  ) {}
  check = () => true;
  async run(m: Model, real: Real) {
    const ch = m.channels[this.c];
    await real.escrow.connect(receiverOf(real, ch)).refund(ch.config, this.amount);
    const paid = this.amount < unclaimed(ch) ? this.amount : unclaimed(ch);
    ch.balance -= paid;
    if (ch.pending > unclaimed(ch)) ch.pending = unclaimed(ch);
    await checkInvariants(m, real);
  }
  toString = () => `refund(${this.c}, ${this.amount})`;
}

class Withdraw implements Cmd {
  constructor(
    readonly c: number,
    readonly pct: number,
    readonly finalize: boolean,
  ) {}
  check = (m: Readonly<Model>) => unclaimed(m.channels[this.c]) > 0n;
  async run(m: Model, real: Real) {
    const ch = m.channels[this.c];
    const amount = (unclaimed(ch) * BigInt(this.pct)) / 100n || 1n;
    await real.escrow.connect(payerOf(real, ch)).initiateWithdraw(ch.config, amount);
    ch.pending = amount;
    if (this.finalize) {
      await time.increase(Number(MIN_DELAY));
      await real.escrow.connect(payerOf(real, ch)).finalizeWithdraw(ch.config);
      const paid = ch.pending < unclaimed(ch) ? ch.pending : unclaimed(ch);
      ch.balance -= paid;
      ch.pending = 0n;
    }
    await checkInvariants(m, real);
  }
  toString = () => `withdraw(${this.c}, ${this.pct}%, finalize=${this.finalize})`;
}

class Settle implements Cmd {
  constructor(readonly r: number) {}
  check = () => true;
  async run(m: Model, real: Real) {
    const receiver = real.receivers[this.r];
    await real.escrow.connect(real.stranger).settle(receiver.address, await real.token.getAddress());
    await checkInvariants(m, real);
  }
  toString = () => `settle(${this.r})`;
}

describe("Z402Escrow: invariants (property test)", function () {
  this.timeout(600_000);

  it(`holds over ${RUNS} random operation sequences`, async function () {
    const f = await loadFixture(propertyFixture);
    const ch = fc.integer({ min: 0, max: 3 });
    const amount = fc.bigInt({ min: 1n, max: 10n ** 8n });
    const commands = [
      fc.tuple(ch, amount).map(([c, a]) => new Deposit(c, a)),
      fc
        .tuple(
          ch,
          fc.integer({ min: 0, max: 100 }),
          fc.integer({ min: 0, max: 100 }),
          fc.constantFrom("claim" as const, "claimWithSignature" as const, "claimPacked" as const),
        )
        .map(([c, inc, pct, path]) => new Claim(c, inc, pct, path)),
      ch.map((c) => new OverClaim(c)),
      fc.tuple(ch, fc.bigInt({ min: 0n, max: 10n ** 8n })).map(([c, a]) => new Refund(c, a)),
      fc
        .tuple(ch, fc.integer({ min: 1, max: 100 }), fc.boolean())
        .map(([c, p, fin]) => new Withdraw(c, p, fin)),
      fc.integer({ min: 0, max: 1 }).map((r) => new Settle(r)),
    ];
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 16, size: "medium" }), async (cmds) => {
        const snapshot = await network.provider.send("evm_snapshot", []);
        try {
          const real: Real = { ...f };
          const model: Model = {
            channels: f.configs.map((config, i) => ({
              config,
              id: f.ids[i],
              key: f.keys[i],
              balance: INITIAL,
              totalClaimed: 0n,
              signedMax: 0n,
              lastSignature: "0x",
              pending: 0n,
            })),
            claimedBy: new Map(),
          };
          const startBalances = await Promise.all(f.payers.map((p) => f.token.balanceOf(p.address)));
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          // Every unclaimed unit comes back to its payer after the delay.
          for (const c of model.channels) {
            if (unclaimed(c) === 0n) continue;
            await f.escrow.connect(payerOf(real, c)).initiateWithdraw(c.config, unclaimed(c));
          }
          await time.increase(Number(MIN_DELAY));
          for (const c of model.channels) {
            if (unclaimed(c) === 0n) continue;
            await f.escrow.connect(payerOf(real, c)).finalizeWithdraw(c.config);
          }
          for (const [i, p] of f.payers.entries()) {
            const claimedFromPayer = model.channels
              .filter((c) => c.config.payer === p.address)
              .reduce((n, c) => n + c.totalClaimed, 0n);
            const fundedAtStart =
              BigInt(model.channels.filter((c) => c.config.payer === p.address).length) * INITIAL;
            expect(await f.token.balanceOf(p.address)).to.equal(
              startBalances[i] + fundedAtStart - claimedFromPayer,
            );
          }
        } finally {
          await network.provider.send("evm_revert", [snapshot]);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
