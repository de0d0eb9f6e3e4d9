import { expect } from "chai";
import hre, { ethers, ignition } from "hardhat";
import AgentsModule from "../../ignition/modules/Agents";
import RegistriesModule from "../../ignition/modules/Registries";

describe("Ignition modules: Registries and Agents", function () {
  it("Registries deploys the three registries wired to one identity registry", async function () {
    const { identityRegistry, reputationRegistry, validationRegistry } =
      await ignition.deploy(RegistriesModule);
    const identity = await identityRegistry.getAddress();
    expect(await reputationRegistry.getFunction("getIdentityRegistry")()).to.equal(identity);
    expect(await validationRegistry.getFunction("getIdentityRegistry")()).to.equal(identity);
    expect(await identityRegistry.getFunction("factory")()).to.equal(ethers.ZeroAddress);
  });

  it("Agents deploys the factory, exposes its implementation and names it in the registry", async function () {
    const { identityRegistry, agentFactory, agentAccountImpl, reputationRegistry } =
      await ignition.deploy(AgentsModule);
    const factory = await agentFactory.getAddress();
    expect(await identityRegistry.getFunction("factory")()).to.equal(factory);
    expect(await agentFactory.getFunction("implementation")()).to.equal(await agentAccountImpl.getAddress());
    expect(await agentAccountImpl.getFunction("factory")()).to.equal(factory);
    expect(await reputationRegistry.getFunction("getIdentityRegistry")()).to.equal(
      await identityRegistry.getAddress(),
    );
    const [, user] = await hre.ethers.getSigners();
    const salt = ethers.id("ignition");
    const predicted = await agentFactory.getFunction("predictAgentAccount")(user.address, salt);
    await agentFactory.connect(user).getFunction("createAgent")(salt, "ipfs://agent", ethers.ZeroHash, []);
    expect(await agentFactory.getFunction("agentAccountOf")(1n)).to.equal(predicted);
  });
});
