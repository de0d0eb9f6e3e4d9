import { expect } from "chai";
import { ethers, network } from "hardhat";
import { hexlify, randomBytes, ZeroAddress, type Provider, type Signer } from "ethers";
import { ChainMirror, EthersEscrowChain, type ChainChannel, type EscrowChain } from "../../../sdk/server";
import type { PollResult } from "../../../sdk/server/chain";
import { isRangeRefusal } from "../../../sdk/server/chain";
import { channelConfigFor, deploy, freshKey, type Deployment } from "./support/fixture";

const ID = "0x" + "ab".repeat(32);
const EMPTY: ChainChannel = {
  balance: 10_000n,
  totalClaimed: 0n,
  withdrawAmount: 0n,
  withdrawInitiatedAt: 0n,
  refundNonce: 0n,
};

/**
 * A chain whose reads and polls wait until the test releases them. A read returns the state as it was when the
 * read began (what an eth_call at that moment would answer), whenever it is released.
 */
function controlledChain() {
  let state = EMPTY;
  let block = 100;
  let events: Array<{ block: number; id: string }> = [];
  const reads: Array<{ release: () => void; snapshot: ChainChannel }> = [];
  const chain = {
    chainId: 31337n,
    escrow: ZeroAddress,
    readChannel: (id: string) => {
      expect(id).to.equal(ID);
      const snapshot = state;
      return new Promise<ChainChannel>((resolve) =>
        reads.push({ release: () => resolve(snapshot), snapshot }),
      );
    },
    poll: async (fromBlock: number): Promise<PollResult> => {
      const ids = events.filter((e) => e.block >= fromBlock && e.block <= block).map((e) => e.id);
      return { toBlock: block, timestamp: 1_000n, channelIds: [...new Set(ids)], head: block };
    },
    head: async () => ({ block, timestamp: 1_000n }),
  } as unknown as EscrowChain;
  return {
    chain,
    reads,
    /** A block carrying `WithdrawInitiated` for ID is mined. */
    withdraw(at: bigint) {
      block += 1;
      state = { ...state, withdrawAmount: 1_000n, withdrawInitiatedAt: at };
      events = [...events, { block, id: ID }];
    },
    /** A deposit raises the balance to `balance`. */
    deposit(balance: bigint) {
      block += 1;
      state = { ...state, balance };
      events = [...events, { block, id: ID }];
    },
    /** Lets the read-th read answer. */
    release(i: number) {
      reads[i].release();
    },
  };
}

/** Resolves once the microtask queue has drained (no timers involved). */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe("ChainMirror: an event during a read is not lost", function () {
  it("a refresh asked for after a WithdrawInitiated answers with a read begun after it", async () => {
    const c = controlledChain();
    const mirror = new ChainMirror(c.chain);
    const earlier = mirror.refresh(ID); // read 0 begins: no withdrawal yet
    await settle();
    c.withdraw(1_234n);
    const later = mirror.refresh(ID);
    await settle();
    expect(c.reads).to.have.length(1, "the follow-up read waits for the one in flight");
    c.release(0);
    expect((await earlier).withdrawInitiatedAt).to.equal(0n);
    await settle();
    expect(c.reads).to.have.length(2, "a second read began after the first one answered");
    c.release(1);
    expect((await later).withdrawInitiatedAt).to.equal(1_234n);
    expect((await mirror.channel(ID)).withdrawInitiatedAt).to.equal(1_234n);
  });

  it("a poll that sees WithdrawInitiated during a first read fires onUpdate with the withdrawal", async () => {
    const c = controlledChain();
    const mirror = new ChainMirror(c.chain, { pollMs: 3_600_000 });
    await mirror.start();
    const first = mirror.channel(ID); // the paywall's first look at the channel, still in flight
    await settle();
    c.withdraw(5_000n);
    const seen: ChainChannel[] = [];
    mirror.onUpdate((id, state) => {
      expect(id).to.equal(ID);
      seen.push(state);
    });
    const polled = mirror.pollOnce();
    await settle();
    c.release(0); // the stale read answers first
    await first;
    await settle();
    c.release(1);
    await polled;
    await mirror.stop();
    expect(seen.map((s) => s.withdrawInitiatedAt)).to.deep.equal([0n, 5_000n]);
    expect((await mirror.channel(ID)).withdrawInitiatedAt).to.equal(5_000n);
  });

  it("a poll that sees WithdrawInitiated during a first read refreshes it even with no listener", async () => {
    const c = controlledChain();
    const mirror = new ChainMirror(c.chain, { pollMs: 3_600_000 });
    await mirror.start();
    const first = mirror.channel(ID);
    await settle();
    c.withdraw(9n);
    const polled = mirror.pollOnce();
    await settle();
    c.release(0);
    expect((await first).withdrawInitiatedAt).to.equal(0n);
    await settle();
    expect(c.reads).to.have.length(2);
    c.release(1);
    await polled;
    await mirror.stop();
    expect((await mirror.channel(ID)).withdrawInitiatedAt).to.equal(9n);
  });

  it("concurrent refreshes during one read share a single follow-up read", async () => {
    const c = controlledChain();
    const mirror = new ChainMirror(c.chain);
    void mirror.refresh(ID);
    await settle();
    c.withdraw(7n);
    const later = [mirror.refresh(ID), mirror.refresh(ID), mirror.refresh(ID)];
    c.release(0);
    await settle();
    expect(c.reads).to.have.length(2);
    c.release(1);
    for (const p of later) expect((await p).withdrawInitiatedAt).to.equal(7n);
  });

  it("a read begun before a learned deposit does not overwrite it, and is read again", async () => {
    const c = controlledChain();
    const mirror = new ChainMirror(c.chain);
    const stale = mirror.refresh(ID); // read 0: before the deposit
    await settle();
    c.deposit(50_000n); // a facilitator lands it and reports the new state
    mirror.learn(ID, { ...EMPTY, balance: 50_000n });
    c.release(0);
    await settle();
    expect((await mirror.channel(ID)).balance).to.equal(50_000n);
    expect(c.reads).to.have.length(2, "the overtaken read is read again");
    c.release(1);
    expect((await stale).balance).to.equal(50_000n);
  });

  it("a learned report never clears a pending withdrawal the mirror has read", async () => {
    const c = controlledChain();
    const mirror = new ChainMirror(c.chain);
    c.withdraw(321n);
    const read = mirror.refresh(ID);
    await settle();
    c.release(0);
    await read;
    mirror.learn(ID, { ...EMPTY, balance: 50_000n }); // a snapshot taken before the withdrawal
    const held = await mirror.channel(ID);
    expect([held.balance, held.withdrawInitiatedAt, held.withdrawAmount]).to.deep.equal([
      50_000n,
      321n,
      1_000n,
    ]);
  });
});

/** `provider` with `getLogs` replaced; everything else is the Hardhat provider. */
function wrapProvider(getLogs: (filter: { fromBlock: number; toBlock: number }) => Promise<unknown> | void) {
  const base = ethers.provider;
  const wrapped = Object.create(base) as Provider;
  Object.defineProperty(wrapped, "getLogs", {
    value: async (filter: { fromBlock: number; toBlock: number }) => {
      await getLogs(filter);
      return base.getLogs(filter as never);
    },
  });
  return wrapped;
}

function chainOver(d: Deployment, provider: Provider, logWindow?: number) {
  const signer = Object.create(d.relayer, { provider: { value: provider } }) as Signer;
  return new EthersEscrowChain(d.chainId, d.escrow, signer, 1, { logWindow });
}

/** Funds a new channel of `d.payer` (ChannelCreated + Deposited) and returns its id. */
async function fundChannel(d: Deployment): Promise<string> {
  const config = {
    ...channelConfigFor(d, await d.payer.getAddress(), freshKey().address),
    salt: hexlify(randomBytes(32)),
  };
  const escrow = await ethers.getContractAt("Z402Escrow", d.escrow);
  await (await d.token.connect(d.payer).approve(d.escrow, 1_000n)).wait();
  await (await escrow.connect(d.payer).deposit(config as never, 1_000n, ZeroAddress, "0x")).wait();
  return (await escrow.getChannelId(config as never)).toLowerCase();
}

const mine = (blocks: number) => network.provider.send("hardhat_mine", ["0x" + blocks.toString(16)]);

describe("ChainMirror: paged log reading", function () {
  const N = 8;
  let d: Deployment;
  before(async () => {
    d = await deploy();
  });

  it("catches up across 10×N blocks through a provider that refuses ranges wider than N", async () => {
    const asked: Array<[number, number]> = [];
    const provider = wrapProvider(({ fromBlock, toBlock }) => {
      asked.push([fromBlock, toBlock]);
      if (toBlock - fromBlock + 1 > N)
        throw new Error(`block range too large: ${toBlock - fromBlock + 1} > ${N}`);
    });
    const mirror = new ChainMirror(chainOver(d, provider, 2_000));
    await mirror.start();
    const seen = new Set<string>();
    mirror.onUpdate((id) => seen.add(id));
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      ids.push(await fundChannel(d));
      await mine(N - 1);
    }
    await mirror.pollOnce();
    await mirror.stop();
    expect([...seen].sort()).to.deep.equal([...ids].sort());
    const served = asked.filter(([a, b]) => b - a + 1 <= N);
    expect(served.length).to.be.greaterThanOrEqual(10);
    // The pages that answered tile the range with no gap.
    for (let i = 1; i < served.length; i++) expect(served[i][0]).to.equal(served[i - 1][1] + 1);
  });

  it("a getLogs failure half-way leaves the cursor at the failed page, and the next poll reads it", async () => {
    let calls = 0;
    const provider = wrapProvider(() => {
      calls += 1;
      if (calls === 3) throw new Error("upstream connect error");
    });
    const mirror = new ChainMirror(chainOver(d, provider, N));
    await mirror.start();
    const seen = new Set<string>();
    mirror.onUpdate((id) => seen.add(id));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await fundChannel(d));
      await mine(N - 1);
    }
    let failure: unknown;
    await mirror.pollOnce().catch((e: unknown) => (failure = e));
    expect(String(failure)).to.contain("upstream connect error");
    expect(seen.size).to.be.lessThan(ids.length);
    await mirror.pollOnce();
    await mirror.stop();
    expect([...seen].sort()).to.deep.equal([...ids].sort());
  });

  it("does not shrink the window for an error that is not a range refusal", async () => {
    const asked: number[] = [];
    const provider = wrapProvider(({ fromBlock, toBlock }) => {
      asked.push(toBlock - fromBlock + 1);
      throw new Error("Too Many Requests: rate limit exceeded");
    });
    const chain = chainOver(d, provider, 100);
    const head = await ethers.provider.getBlockNumber();
    let failure: unknown;
    await chain.poll(head - 50).catch((e: unknown) => (failure = e));
    expect(String(failure)).to.contain("rate limit");
    expect(asked).to.deep.equal([51]);
  });

  it("recognises common providers' range refusals, and not rate limits", () => {
    for (const message of [
      "block range too large",
      "Block range is too wide",
      "exceed maximum block range: 5000",
      "query exceeds max block range 100000",
      "eth_getLogs is limited to a 10,000 range",
      "query returned more than 10000 results",
      "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range",
      "eth_getLogs range is too large, max is 1k blocks",
      "ranges over 10000 blocks are not supported on freetier",
      "limit exceeded",
    ]) {
      expect(isRangeRefusal(new Error(message)), message).to.equal(true);
      expect(isRangeRefusal({ code: "UNKNOWN_ERROR", error: { code: -32000, message } }), message).to.equal(
        true,
      );
    }
    expect(isRangeRefusal({ info: { error: { code: -32005, message: "query timeout" } } })).to.equal(true);
    for (const message of [
      "rate limit exceeded",
      "429 Too Many Requests",
      "ECONNRESET",
      "execution reverted",
    ]) {
      expect(isRangeRefusal(new Error(message)), message).to.equal(false);
    }
  });
});
