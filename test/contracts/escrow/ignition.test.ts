import { expect } from "chai";
import { ethers, ignition } from "hardhat";
import EscrowModule from "../../../ignition/modules/Escrow";

describe("ignition: Escrow module", function () {
  it("deploys the escrow and a collector bound to it", async function () {
    const { escrow, depositCollector } = await ignition.deploy(EscrowModule);
    expect(await depositCollector.escrow()).to.equal(await escrow.getAddress());
    const domain = await escrow.eip712Domain();
    expect(domain.name).to.equal("x402 Batch Settlement");
    expect(await ethers.provider.getCode(await escrow.getAddress())).to.not.equal("0x");
  });
});
