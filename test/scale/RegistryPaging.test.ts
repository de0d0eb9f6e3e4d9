import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployWithAgent } from "../contracts/identity/support/fixtures";

const CLIENTS = 2_000;
const BATCH = 100;
const PAGE = 250;

/** One agent with thousands of distinct clients, created by throw-away contracts in batches. */
async function crowdedAgent() {
  const f = await deployWithAgent();
  const spawner = await ethers.deployContract("SybilSpawnerMock");
  for (let i = 0; i < CLIENTS / BATCH; i++) {
    await spawner.spawn(await f.reputation.getAddress(), f.agentId, BATCH, 50);
  }
  return f;
}

describe("registry paging at scale", function () {
  this.timeout(600_000);

  it(`reads ${CLIENTS} clients page by page, each page bounded`, async function () {
    const { reputation, agentId } = await loadFixture(crowdedAgent);
    expect(await reputation.clientCount(agentId)).to.equal(BigInt(CLIENTS));
    const seen = new Set<string>();
    let maxGas = 0n;
    for (let offset = 0; offset < CLIENTS; offset += PAGE) {
      const page = await reputation.getClientsPage(agentId, offset, PAGE);
      expect(page.length).to.equal(Math.min(PAGE, CLIENTS - offset));
      page.forEach((a) => seen.add(a));
      const gas = await reputation.getClientsPage.estimateGas(agentId, offset, PAGE);
      if (gas > maxGas) maxGas = gas;
    }
    expect(seen.size).to.equal(CLIENTS);
    expect(await reputation.getClientsPage(agentId, CLIENTS, PAGE)).to.deep.equal([]);
    // A page of 250 addresses stays far below a block: the read never grows with the list.
    expect(maxGas < 2_000_000n).to.equal(true);
  });

  it("summarizes the crowd one client page at a time", async function () {
    const { reputation, agentId } = await loadFixture(crowdedAgent);
    let count = 0n;
    for (let offset = 0; offset < CLIENTS; offset += PAGE) {
      const page = [...(await reputation.getClientsPage(agentId, offset, PAGE))];
      const [n, value, decimals, truncated] = await reputation.getSummaryPage(agentId, page, "", "", 1n, 10n);
      expect([value, decimals, truncated]).to.deep.equal([50n, 0n, false]);
      count += n;
    }
    expect(count).to.equal(BigInt(CLIENTS));
  });

  it("pages hundreds of validation requests of one agent", async function () {
    const { validation, owner, validator, agentId } = await loadFixture(deployWithAgent);
    for (let i = 0; i < 300; i++) {
      await validation.connect(owner).validationRequest(validator.address, agentId, "", ethers.id(`r${i}`));
    }
    expect(await validation.agentValidationCount(agentId)).to.equal(300n);
    const got: string[] = [];
    for (let offset = 0; offset < 300; offset += 64) {
      got.push(...(await validation.getAgentValidationsPage(agentId, offset, 64)));
    }
    expect(got).to.deep.equal([...Array(300).keys()].map((i) => ethers.id(`r${i}`)));
  });
});
