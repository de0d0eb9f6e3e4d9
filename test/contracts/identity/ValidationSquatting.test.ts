import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployWithAgent, registerAgent } from "./support/fixtures";

/** The victim's payload hash, public as soon as its request is broadcast. */
const REQ = ethers.id("victim's work, agent 1");
const RESP = ethers.id("response");

/** The victim's agent 1 (owner) and a squatter's agent 2 (stranger); nothing requested yet. */
async function victimAndSquatter() {
  const f = await deployWithAgent();
  const squatterAgent = await registerAgent(f.identity, f.stranger);
  return { ...f, victimAgent: f.agentId, squatterAgent };
}

/**
 * The victim broadcasts its request; the squatter copies the hash from the mempool and outbids it, so both land
 * in the same block with the squatter's first.
 */
async function frontRun() {
  const f = await victimAndSquatter();
  const { validation, owner, stranger, validator, victimAgent, squatterAgent } = f;
  await network.provider.send("evm_setAutomine", [false]);
  try {
    const fee = { maxFeePerGas: 10n ** 10n, gasLimit: 500_000n };
    const victimTx = await validation
      .connect(owner)
      .validationRequest(validator.address, victimAgent, "ipfs://work", REQ, {
        ...fee,
        maxPriorityFeePerGas: 1n,
      });
    const squatTx = await validation
      .connect(stranger)
      .validationRequest(validator.address, squatterAgent, "ipfs://work", REQ, {
        ...fee,
        maxPriorityFeePerGas: 10n ** 9n,
      });
    await network.provider.send("evm_mine");
    return { ...f, victimTx, squatTx };
  } finally {
    await network.provider.send("evm_setAutomine", [true]);
  }
}

describe("ValidationRegistry: request squatting (front-running)", function () {
  it("the squatter's request lands first and the victim's reverts, naming the squatter's agent", async function () {
    const { validation, owner, validator, victimTx, squatTx, victimAgent, squatterAgent } =
      await loadFixture(frontRun);
    const squat = await ethers.provider.getTransactionReceipt(squatTx.hash);
    const victim = await ethers.provider.getTransactionReceipt(victimTx.hash);
    expect([squat!.blockNumber, squat!.status, victim!.status]).to.deep.equal([victim!.blockNumber, 1, 0]);
    await expect(
      validation
        .connect(owner)
        .validationRequest.staticCall(validator.address, victimAgent, "ipfs://work", REQ),
    )
      .to.be.revertedWithCustomError(validation, "ValidationDuplicateRequest")
      .withArgs(REQ, squatterAgent);
  });

  it("each squat costs the squatter several times the victim's reverted attempt", async function () {
    const { victimTx, squatTx } = await loadFixture(frontRun);
    const squat = (await ethers.provider.getTransactionReceipt(squatTx.hash))!.gasUsed;
    const victim = (await ethers.provider.getTransactionReceipt(victimTx.hash))!.gasUsed;
    expect(squat).to.be.greaterThan(victim * 3n);
  });

  it("a validator that names the victim's agent cannot credit the squatter", async function () {
    const { validation, validator, victimAgent, squatterAgent } = await loadFixture(frontRun);
    await expect(validation.connect(validator).validationResponseFor(victimAgent, REQ, 100, "", RESP, ""))
      .to.be.revertedWithCustomError(validation, "ValidationWrongAgent")
      .withArgs(REQ, victimAgent, squatterAgent);
    expect(await validation.getSummary(squatterAgent, [], "")).to.deep.equal([0n, 0n]);
    expect(await validation.hasResponse(REQ)).to.equal(false);
  });

  it("the victim's request with a fresh hash is its own, and the validator's response credits it", async function () {
    const { validation, owner, validator, victimAgent, squatterAgent } = await loadFixture(frontRun);
    const salted = ethers.id("victim's work, agent 1, nonce 2");
    await validation.connect(owner).validationRequest(validator.address, victimAgent, "ipfs://work2", salted);
    await expect(validation.connect(validator).validationResponseFor(victimAgent, salted, 100, "", RESP, ""))
      .to.emit(validation, "ValidationResponse")
      .withArgs(validator.address, victimAgent, salted, 100, "", RESP, "");
    expect(await validation.getSummary(victimAgent, [], "")).to.deep.equal([1n, 100n]);
    expect(await validation.getSummary(squatterAgent, [], "")).to.deep.equal([0n, 0n]);
  });

  it("a hash already requested cannot be taken over by a later squatter", async function () {
    const { validation, owner, stranger, validator, victimAgent, squatterAgent } =
      await loadFixture(victimAndSquatter);
    await validation.connect(owner).validationRequest(validator.address, victimAgent, "ipfs://work", REQ);
    await expect(
      validation.connect(stranger).validationRequest(validator.address, squatterAgent, "ipfs://work", REQ),
    )
      .to.be.revertedWithCustomError(validation, "ValidationDuplicateRequest")
      .withArgs(REQ, victimAgent);
    await validation.connect(validator).validationResponse(REQ, 100, "", RESP, "");
    expect(await validation.getSummary(victimAgent, [], "")).to.deep.equal([1n, 100n]);
    expect(await validation.getAgentValidations(squatterAgent)).to.deep.equal([]);
  });

  it("a squatted hash keeps one ValidationRequest event, so indexers keyed by the hash see one agent", async function () {
    const { validation, squatterAgent } = await loadFixture(frontRun);
    const logs = await validation.queryFilter(
      validation.filters.ValidationRequest(undefined, undefined, undefined, REQ),
    );
    expect(logs.map((l) => l.args.agentId)).to.deep.equal([squatterAgent]);
  });
});
