/**
 * Sign-in-with-x grants only for money the chain holds: a charge served on an optimistic deposit that reverts
 * grants no access period (review finding).
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import type { Wallet } from "ethers";
import { SIGN_IN_WITH_X } from "@x402/extensions/sign-in-with-x";
import { evm, signInHeader as header } from "./support/siwx";
import { EthersEscrowChain, type RouteConfig } from "../../../sdk/server";
import { DepositRisk } from "../../../sdk/server/deposit";
import {
  deploy,
  freshKey,
  payingFetch,
  PRICE,
  startServer,
  type Deployment,
  type TestServer,
} from "./support/fixture";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The relayer's chain with a hook run before each deposit is sent (the attacker's moment to front-run it). */
class GatedChain extends EthersEscrowChain {
  before?: () => Promise<void>;
  override async deposit(...args: Parameters<EthersEscrowChain["deposit"]>): Promise<string> {
    await this.before?.();
    return super.deposit(...args);
  }
}

describe("paid HTTP: sign-in grants need a funded charge", function () {
  this.timeout(60_000);
  let d: Deployment;
  const open: TestServer[] = [];
  const routes: RouteConfig[] = [{ path: "/paid/*", price: PRICE, signIn: { accessSeconds: 3600 } }];

  before(async () => {
    d = await deploy();
  });
  afterEach(async () => {
    while (open.length) await open.pop()!.close();
  });

  it("grants no sign-in to a payer whose optimistic deposit never landed", async () => {
    const chain = new GatedChain(d.chainId, d.escrow, d.relayer);
    let ran = 0;
    const risk = new DepositRisk();
    const server = await startServer(d, {
      routes,
      chain,
      deposits: { optimisticRiskLimit: 10n ** 9n, risk },
      handler: (p) => (ran++, { status: 200, body: "secret " + p }),
    });
    open.push(server);
    const attacker: Wallet = freshKey().connect(ethers.provider);
    await network.provider.send("hardhat_setBalance", [attacker.address, "0xDE0B6B3A7640000"]);
    const DEPOSIT = 100_000n;
    await (await d.token.mint(attacker.address, DEPOSIT)).wait();
    // Served optimistically; before its deposit is sent the attacker moves the tokens away, so it reverts.
    let answered!: () => void;
    const answer = new Promise<void>((r) => (answered = r));
    chain.before = async () => {
      await answer;
      const balance = await d.token.balanceOf(attacker.address);
      await (await d.token.connect(attacker).transfer(d.receiver, balance)).wait();
    };
    const pay = payingFetch(d, { payer: attacker, deposit: { amount: DEPOSIT, max: 10n ** 12n } });
    const res = await pay(server.url + "/paid/one");
    answered();
    expect(res.status, "served optimistically").to.equal(200);
    const end = Date.now() + 10_000;
    while (risk.provisional !== 0n && Date.now() < end) await sleep(20);
    expect(risk.provisional, "the deposit was judged").to.equal(0n);
    chain.before = undefined;
    // Nothing was ever paid; the attacker now signs in for the access period.
    const before = ran;
    let free = 0;
    for (const p of ["/paid/two", "/paid/three", "/paid/four"]) {
      const h = await header(server.url, p, await evm(attacker), `eip155:${d.chainId}`);
      const r = await fetch(server.url + p, { headers: { [SIGN_IN_WITH_X]: h } });
      if (r.status === 200) free++;
    }
    expect(free, "served by sign-in after a deposit that reverted").to.equal(0);
    expect(ran).to.equal(before);
  });
});
