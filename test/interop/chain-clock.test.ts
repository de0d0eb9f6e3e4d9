import { expect } from "chai";
import hre from "hardhat";
import { startChain, type InteropChain } from "./support/chain";

/**
 * The interop chain's clock against the wall clock: clients sign EIP-3009 validity windows from one, facilitators
 * check them against the other (an `exact` payment signed from chain time has a 300 s window).
 */
describe("the interop chain's clock", function () {
  let chain: InteropChain;
  const skew = async () => {
    const head = await chain.ethersProvider.getBlock("latest");
    return Math.abs(head!.timestamp - Date.now() / 1000);
  };

  before(async function () {
    // What a run ten minutes old looks like: Hardhat fixed the network's `initialDate` when it loaded the config.
    const configured = hre.config.networks.hardhat.initialDate;
    hre.config.networks.hardhat.initialDate = new Date(Date.now() - 600_000).toISOString();
    try {
      chain = await startChain();
    } finally {
      hre.config.networks.hardhat.initialDate = configured;
    }
  });
  after(async function () {
    await chain.close();
  });

  it("starts at the wall clock's time however long after Hardhat loaded its config", async function () {
    await chain.provider.request({ method: "evm_mine", params: [] });
    expect(await skew()).to.be.lessThan(10);
  });

  it("stays on the wall clock when many blocks are mined within a second", async function () {
    for (let i = 0; i < 100; i++) await chain.provider.request({ method: "evm_mine", params: [] });
    expect(await skew()).to.be.lessThan(10);
  });
});
