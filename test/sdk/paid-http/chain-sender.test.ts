import { expect } from "chai";
import { ethers, network } from "hardhat";
import { BrowserProvider, Wallet } from "ethers";
import { EthersEscrowChain } from "../../../sdk/server";
import { deploy, freshKey, type Deployment } from "./support/fixture";

/**
 * The paywall's chain sends deposits, refunds, claims and settles from one account, sometimes at once. Over a
 * plain ethers provider (which caches the pending nonce for a moment, as a production server's does) every send
 * must still get its own nonce.
 */
describe("EthersEscrowChain: sending from one account", function () {
  let d: Deployment;
  let wallet: Wallet;
  let chain: EthersEscrowChain;

  beforeEach(async () => {
    d = await deploy();
    const provider = new BrowserProvider(network.provider, undefined, {
      staticNetwork: true,
      pollingInterval: 50,
    });
    wallet = freshKey().connect(provider);
    const [funder] = await ethers.getSigners();
    await (await funder.sendTransaction({ to: wallet.address, value: 10n ** 18n })).wait();
    chain = new EthersEscrowChain(d.chainId, d.escrow, wallet);
  });

  it("mines transactions sent at once, each with its own nonce", async () => {
    await Promise.all([1, 2, 3].map(() => chain.settle(d.receiver, d.tokenAddress)));
    expect(await ethers.provider.getTransactionCount(wallet.address)).to.equal(3);
  });

  it("mines transactions sent back to back while the provider still caches the pending nonce", async () => {
    for (let i = 0; i < 3; i++) await chain.settle(d.receiver, d.tokenAddress);
    expect(await ethers.provider.getTransactionCount(wallet.address)).to.equal(3);
  });

  it("skips a nonce another sender of the same account took", async () => {
    await chain.settle(d.receiver, d.tokenAddress);
    await (await wallet.sendTransaction({ to: wallet.address, nonce: 1 })).wait();
    await chain.settle(d.receiver, d.tokenAddress);
    expect(await ethers.provider.getTransactionCount(wallet.address)).to.equal(3);
  });
});
