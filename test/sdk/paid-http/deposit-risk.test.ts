import { expect } from "chai";
import { ethers, network } from "hardhat";
import type { Wallet } from "ethers";
import { EthersEscrowChain } from "../../../sdk/server";
import { MULTICALL3 } from "../../../sdk/server/chain";
import { DepositRisk } from "../../../sdk/server/deposit";
import { REASONS } from "../../../sdk/server/reasons";
import { channelIdOf, signVoucher } from "../../../sdk/client";
import { decodeJson, encodeJson } from "../../../sdk/client/wire";
import {
  channelConfigFor,
  deploy,
  freshKey,
  payingFetch,
  PRICE,
  startServer,
  type Deployment,
  type TestServer,
} from "./support/fixture";
import { reasonOf } from "./support/kit";

const DEPOSIT = 100_000n;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The relayer's chain with a hook run before each deposit is sent: the attacker's moment to front-run it. */
class GatedChain extends EthersEscrowChain {
  sent = 0;
  /** Runs before a deposit is sent, with the deposit's channel config. */
  before?: (config: Parameters<EthersEscrowChain["deposit"]>[0]) => Promise<void>;
  override async deposit(...args: Parameters<EthersEscrowChain["deposit"]>): Promise<string> {
    this.sent++;
    await this.before?.(args[0]);
    return super.deposit(...args);
  }
}

interface Served {
  server: TestServer;
  chain: GatedChain;
  risk: DepositRisk;
  /** How many times the paid handler ran. */
  ran: () => number;
}

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not reached");
    await sleep(20);
  }
}

describe("paid HTTP: optimistic deposits are checked and their losses counted", function () {
  let d: Deployment;
  const open: TestServer[] = [];

  /** A paywall serving deposits optimistically up to `limit`, its risk ledger observable. */
  async function serve(limit: bigint, over: Parameters<typeof startServer>[1] = {}): Promise<Served> {
    const chain = new GatedChain(d.chainId, d.escrow, d.relayer);
    const risk = new DepositRisk();
    let ran = 0;
    const server = await startServer(d, {
      chain,
      deposits: { optimisticRiskLimit: limit, risk },
      handler: (path) => {
        ran++;
        return { status: 200, body: "ok " + path };
      },
      ...over,
    });
    open.push(server);
    return { server, chain, risk, ran: () => ran };
  }

  /** A fresh account with gas and `tokens`. */
  async function wallet(tokens: bigint): Promise<Wallet> {
    const w = freshKey().connect(ethers.provider);
    await network.provider.send("hardhat_setBalance", [w.address, "0xDE0B6B3A7640000"]);
    if (tokens > 0n) await (await d.token.mint(w.address, tokens)).wait();
    return w;
  }

  /** A paying fetch for `payer` on a fresh channel, depositing `amount`. */
  const payer = (w: Wallet, amount = DEPOSIT) =>
    payingFetch(d, { payer: w, deposit: { amount, max: 10n ** 12n } });

  /**
   * Pays one deposit request. A deposit the paywall credits before mining (its risk ledger holds it when the
   * deposit is sent) is held until the answer arrives; one it waits for goes through at once.
   * `servedBeforeMining` tells which of the two happened.
   */
  async function payHeld(s: Served, pay: ReturnType<typeof payer>) {
    let answered!: () => void;
    const answer = new Promise<void>((r) => (answered = r));
    let hook: Promise<boolean> | undefined;
    s.chain.before = () => {
      hook = s.risk.provisional > 0n ? answer.then(() => true) : Promise.resolve(false);
      return hook.then(() => undefined);
    };
    const res = await pay(s.server.url + "/paid/item");
    answered();
    s.chain.before = undefined;
    return { res, servedBeforeMining: hook ? await hook : undefined };
  }

  /** An attacker served optimistically who empties its wallet before the deposit is sent: it reverts. */
  async function failedDeposit(s: Served, attacker: Wallet) {
    let answered!: () => void;
    const answer = new Promise<void>((r) => (answered = r));
    s.chain.before = async () => {
      await answer;
      const balance = await d.token.balanceOf(attacker.address);
      await (await d.token.connect(attacker).transfer(d.receiver, balance)).wait();
    };
    const res = await payer(attacker)(s.server.url + "/paid/item");
    answered();
    await waitFor(() => s.risk.provisional === 0n);
    s.chain.before = undefined;
    return res;
  }

  before(async () => {
    d = await deploy();
  });
  afterEach(async () => {
    while (open.length) await open.pop()!.close();
  });

  it("serves none of 5 empty wallets that each try an optimistic deposit", async () => {
    const s = await serve(10n ** 12n);
    for (let i = 0; i < 5; i++) {
      const res = await payer(await wallet(0n))(s.server.url + "/paid/item");
      expect(res.status).to.equal(402);
      expect(await reasonOf(res)).to.equal(REASONS.bsInsufficientBalance);
    }
    expect(s.ran()).to.equal(0);
    expect(s.chain.sent, "no deposit submitted").to.equal(0);
    expect(s.risk.provisional).to.equal(0n);
    expect(s.risk.lost).to.equal(0n);
  });

  it("refuses a replayed deposit whose EIP-3009 authorization is already used", async () => {
    // An honest-looking channel: one deposit of 2 × PRICE, spent by two requests.
    const a = await serve(10n ** 12n);
    const w = await wallet(DEPOSIT);
    const sessionKey = freshKey();
    let first: string | undefined;
    const capture = (input: string | URL | Request, init?: RequestInit) => {
      first ??= new Headers(init?.headers).get("payment-signature") ?? undefined;
      return fetch(input, init);
    };
    const pay = payingFetch(
      d,
      { payer: w, sessionKey, deposit: { amount: 2n * PRICE, max: 2n * PRICE } },
      capture,
    );
    expect((await pay(a.server.url + "/paid/1")).status).to.equal(200);
    await waitFor(() => a.risk.provisional === 0n);
    expect((await pay(a.server.url + "/paid/2")).status).to.equal(200);

    // A replica (same store) gets the first deposit again with a voucher beyond the channel's balance.
    const b = await serve(10n ** 12n, { store: a.server.store });
    const payment = decodeJson(first!) as { payload: { voucher: unknown }; extensions?: unknown };
    const config = channelConfigFor(d, w.address, sessionKey.address);
    const channelId = channelIdOf(d.chainId, d.escrow, config);
    const max = 3n * PRICE;
    payment.payload.voucher = {
      channelId,
      maxClaimableAmount: max.toString(),
      signature: await signVoucher(sessionKey, d.chainId, d.escrow, channelId, max),
    };
    delete payment.extensions;
    const res = await fetch(b.server.url + "/paid/3", {
      headers: { "payment-signature": encodeJson(payment) },
    });
    expect(res.status).to.equal(402);
    expect(await reasonOf(res)).to.equal(REASONS.bsDepositAuthorizationUsed);
    expect(b.ran()).to.equal(0);
    expect(b.chain.sent, "no deposit submitted").to.equal(0);
    expect(b.risk.provisional).to.equal(0n);
  });

  it("counts a deposit that fails on chain after serving as a loss, and never frees that budget", async () => {
    const s = await serve((DEPOSIT * 3n) / 2n);
    const res = await failedDeposit(s, await wallet(DEPOSIT));
    expect(res.status, "served optimistically").to.equal(200);
    expect(s.risk.lost).to.equal(DEPOSIT);
    expect(s.risk.provisional).to.equal(0n);

    // Half the limit is left: a full deposit now waits for mining, a half one is still served at once.
    const full = await payHeld(s, payer(await wallet(DEPOSIT)));
    expect(full.res.status).to.equal(200);
    expect(full.servedBeforeMining).to.equal(false);
    const half = await payHeld(s, payer(await wallet(DEPOSIT), DEPOSIT / 2n));
    expect(half.res.status).to.equal(200);
    expect(half.servedBeforeMining).to.equal(true);
    await waitFor(() => s.risk.provisional === 0n);
    expect(s.risk.lost).to.equal(DEPOSIT);
  });

  it("serves a payer whose deposit failed only after mining, until a deposit of theirs is mined", async () => {
    const s = await serve(10n ** 12n);
    const attacker = await wallet(DEPOSIT);
    expect((await failedDeposit(s, attacker)).status).to.equal(200);
    expect(s.risk.hasFailed(attacker.address)).to.equal(true);

    await (await d.token.mint(attacker.address, 2n * DEPOSIT)).wait();
    const next = await payHeld(s, payer(attacker));
    expect(next.res.status).to.equal(200);
    expect(next.servedBeforeMining, "waited for mining").to.equal(false);
    expect(s.risk.hasFailed(attacker.address)).to.equal(false);

    const after = await payHeld(s, payer(attacker));
    expect(after.servedBeforeMining, "optimistic again once a deposit was mined").to.equal(true);
    await waitFor(() => s.risk.provisional === 0n);
  });

  it("still serves an honest payer before its deposit is mined", async () => {
    const s = await serve(10n ** 12n);
    const { res, servedBeforeMining } = await payHeld(s, payer(await wallet(DEPOSIT)));
    expect(res.status).to.equal(200);
    expect(servedBeforeMining).to.equal(true);
    await waitFor(() => s.risk.provisional === 0n);
    expect(s.risk.lost).to.equal(0n);
    expect(s.chain.sent).to.equal(1);
  });

  it("does not let one balance fund two optimistic deposits at once", async () => {
    const s = await serve(10n ** 12n);
    const w = await wallet(DEPOSIT);
    // Every deposit waits here until the test lets it go, by channel.
    const held = new Map<string, () => void>();
    s.chain.before = (config) =>
      new Promise<void>((go) => held.set(channelIdOf(d.chainId, d.escrow, config).toLowerCase(), go));
    const answers: Response[] = [];
    const both = [payer(w), payer(w)].map((pay) =>
      pay(s.server.url + "/paid/item").then((res) => answers.push(res)),
    );
    // Both deposits submitted: one served at once, the other waiting for its deposit to be mined.
    await waitFor(() => answers.length === 1 && held.size === 2);
    expect([answers.length, s.ran()], "the second waits for mining").to.deep.equal([1, 1]);
    expect(answers[0].status).to.equal(200);
    // The served channel's deposit lands first; the other then finds the wallet empty.
    const served = (
      decodeJson(answers[0].headers.get("payment-response")!) as {
        extra: { channelState: { channelId: string } };
      }
    ).extra.channelState.channelId.toLowerCase();
    held.get(served)!();
    await waitFor(() => s.risk.provisional === 0n);
    for (const [id, go] of held) if (id !== served) go();
    await Promise.all(both);
    expect(answers[1].status).to.equal(402);
    expect(await reasonOf(answers[1])).to.equal(REASONS.bsDepositTransactionFailed);
    expect(s.risk.lost).to.equal(0n);
    expect(s.ran()).to.equal(1);
  });

  it("reads balance and authorization state in one eth_call through Multicall3, two calls without", async () => {
    const provider = network.provider as unknown as { send: (m: string, p?: unknown[]) => Promise<unknown> };
    const send = provider.send.bind(provider);
    const reads = async (): Promise<number> => {
      const s = await serve(10n ** 12n);
      const targets = [d.tokenAddress.toLowerCase(), MULTICALL3.toLowerCase()];
      let n = 0;
      provider.send = (method, params) => {
        const to = (params?.[0] as { to?: string } | undefined)?.to?.toLowerCase();
        if (method === "eth_call" && to && targets.includes(to)) n++;
        return send(method, params);
      };
      try {
        const { res, servedBeforeMining } = await payHeld(s, payer(await wallet(DEPOSIT)));
        expect(res.status).to.equal(200);
        expect(servedBeforeMining).to.equal(true);
      } finally {
        provider.send = send;
      }
      await waitFor(() => s.risk.provisional === 0n);
      return n;
    };
    expect(await network.provider.send("eth_getCode", [MULTICALL3, "latest"])).to.equal("0x");
    expect(await reads(), "two parallel eth_calls").to.equal(2);
    const lite = await ethers.deployContract("MulticallLite");
    const code = await ethers.provider.getCode(await lite.getAddress());
    await network.provider.send("hardhat_setCode", [MULTICALL3, code]);
    try {
      expect(await reads(), "one eth_call").to.equal(1);
    } finally {
      await network.provider.send("hardhat_setCode", [MULTICALL3, "0x"]);
    }
  });
});
