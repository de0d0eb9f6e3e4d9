import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { deployWithAgent } from "./support/fixtures";
import { INT128_MAX, MAX, give } from "./support/reputation";
import { summaryModel } from "./support/summary-model";

describe("ReputationRegistry reads", function () {
  describe("readFeedback", function () {
    it("reads empty tags as empty strings", async function () {
      const { reputation, client, agentId } = await loadFixture(deployWithAgent);
      await give(reputation, client, agentId, -32n, 1);
      expect(await reputation.readFeedback(agentId, client.address, 1n)).to.deep.equal([
        -32n,
        1n,
        "",
        "",
        false,
      ]);
    });

    it("rejects a missing index", async function () {
      const { reputation, client, agentId } = await loadFixture(deployWithAgent);
      await expect(reputation.readFeedback(agentId, client.address, 1n)).to.be.revertedWithCustomError(
        reputation,
        "ReputationFeedbackNotFound",
      );
    });
  });

  describe("getSummary", function () {
    it("pins the reference vector: 99.77 (2 decimals), 87, 87 -> count 3, value 91, decimals 0", async function () {
      const { reputation, client, client2, agentId } = await loadFixture(deployWithAgent);
      await give(reputation, client, agentId, 9977n, 2);
      await give(reputation, client, agentId, 87n, 0);
      await give(reputation, client2, agentId, 87n, 0);
      expect(await reputation.getSummary(agentId, [client.address, client2.address], "", "")).to.deep.equal([
        3n,
        91n,
        0n,
      ]);
    });

    it("rescales to the most frequent decimals (99.77, 99.00, 87 -> 95.25 with 2 decimals)", async function () {
      const { reputation, client, agentId } = await loadFixture(deployWithAgent);
      await give(reputation, client, agentId, 9977n, 2);
      await give(reputation, client, agentId, 9900n, 2);
      await give(reputation, client, agentId, 87n, 0);
      expect(await reputation.getSummary(agentId, [client.address], "", "")).to.deep.equal([3n, 9525n, 2n]);
    });

    it("breaks a decimals tie toward the smaller decimals and rounds negatives toward zero", async function () {
      const { reputation, client, agentId } = await loadFixture(deployWithAgent);
      await give(reputation, client, agentId, -32n, 1);
      await give(reputation, client, agentId, -1n, 0);
      // (-3.2 + -1) / 2 = -2.1 -> 0 decimals -> -2
      expect(await reputation.getSummary(agentId, [client.address], "", "")).to.deep.equal([2n, -2n, 0n]);
    });

    it("requires a non-empty client list (anti-Sybil rule)", async function () {
      const { reputation, agentId } = await loadFixture(deployWithAgent);
      await expect(reputation.getSummary(agentId, [], "", "")).to.be.revertedWithCustomError(
        reputation,
        "ReputationClientsRequired",
      );
    });

    it("skips revoked feedback", async function () {
      const { reputation, client, agentId } = await loadFixture(deployWithAgent);
      await give(reputation, client, agentId, 10n);
      await give(reputation, client, agentId, 90n);
      await reputation.connect(client).revokeFeedback(agentId, 2n);
      expect(await reputation.getSummary(agentId, [client.address], "", "")).to.deep.equal([1n, 10n, 0n]);
    });

    it("filters by tag1 and tag2", async function () {
      const { reputation, client, agentId } = await loadFixture(deployWithAgent);
      await give(reputation, client, agentId, 10n, 0, "uptime", "day");
      await give(reputation, client, agentId, 20n, 0, "uptime", "week");
      await give(reputation, client, agentId, 30n, 0, "starred", "week");
      expect(await reputation.getSummary(agentId, [client.address], "uptime", "")).to.deep.equal([
        2n,
        15n,
        0n,
      ]);
      expect(await reputation.getSummary(agentId, [client.address], "", "week")).to.deep.equal([2n, 25n, 0n]);
      expect(await reputation.getSummary(agentId, [client.address], "uptime", "week")).to.deep.equal([
        1n,
        20n,
        0n,
      ]);
    });

    it("reverts instead of wrapping when the rescaled average does not fit int128", async function () {
      const { reputation, client, agentId } = await loadFixture(deployWithAgent);
      await give(reputation, client, agentId, MAX, 0);
      await give(reputation, client, agentId, 1n, 18);
      await give(reputation, client, agentId, 1n, 18);
      await expect(reputation.getSummary(agentId, [client.address], "", "")).to.be.revertedWithCustomError(
        reputation,
        "ReputationSummaryOverflow",
      );
    });

    it("returns zeros when nothing matches", async function () {
      const { reputation, client, agentId } = await loadFixture(deployWithAgent);
      expect(await reputation.getSummary(agentId, [client.address], "", "")).to.deep.equal([0n, 0n, 0n]);
    });

    it("Sybil: a thousand-to-one swarm does not move a summary over the clients a reader trusts", async function () {
      const { reputation, client, agentId } = await loadFixture(deployWithAgent);
      await give(reputation, client, agentId, 100n);
      const spawner = await ethers.deployContract("SybilSpawnerMock");
      await spawner.spawn(await reputation.getAddress(), agentId, 30, 0);
      expect(await reputation.clientCount(agentId)).to.equal(31n);
      expect(await reputation.getSummary(agentId, [client.address], "", "")).to.deep.equal([1n, 100n, 0n]);
      const all = [...(await reputation.getClients(agentId))];
      expect((await reputation.getSummary(agentId, all, "", ""))[1]).to.equal(3n);
    });

    it("matches the TypeScript model of the reference maths (property)", async function () {
      const row = fc.record({
        value: fc.bigInt({ min: -MAX, max: MAX }),
        decimals: fc.integer({ min: 0, max: 18 }),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 5 }), async (rows) => {
          const { reputation, client, agentId } = await loadFixture(deployWithAgent);
          for (const r of rows) await give(reputation, client, agentId, r.value, r.decimals);
          const [count, value, decimals] = summaryModel(rows);
          const fits = value <= INT128_MAX && value >= -INT128_MAX - 1n;
          const call = reputation.getSummary(agentId, [client.address], "", "");
          if (!fits) {
            await expect(call).to.be.revertedWithCustomError(reputation, "ReputationSummaryOverflow");
            return;
          }
          const got = await call;
          expect([got[0], got[1], Number(got[2])]).to.deep.equal([count, value, decimals]);
        }),
        { numRuns: 25 },
      );
    });
  });

  describe("readAllFeedback", function () {
    async function withMixed() {
      const f = await deployWithAgent();
      await give(f.reputation, f.client, f.agentId, 1n, 0, "a", "x");
      await give(f.reputation, f.client, f.agentId, 2n, 1, "b", "y");
      await give(f.reputation, f.client2, f.agentId, 3n, 2, "a", "y");
      await f.reputation.connect(f.client).revokeFeedback(f.agentId, 1n);
      return f;
    }

    it("reads every client when none are given, skipping revoked feedback", async function () {
      const { reputation, client, client2, agentId } = await loadFixture(withMixed);
      const r = await reputation.readAllFeedback(agentId, [], "", "", false);
      expect(r.map((a) => [...a])).to.deep.equal([
        [client.address, client2.address],
        [2n, 1n],
        [2n, 3n],
        [1n, 2n],
        ["b", "a"],
        ["y", "y"],
        [false, false],
      ]);
    });

    it("includes revoked feedback on request", async function () {
      const { reputation, client, agentId } = await loadFixture(withMixed);
      const r = await reputation.readAllFeedback(agentId, [client.address], "", "", true);
      expect([...r[1]]).to.deep.equal([1n, 2n]);
      expect([...r[6]]).to.deep.equal([true, false]);
    });

    it("filters by tags and by the given clients", async function () {
      const { reputation, client2, agentId } = await loadFixture(withMixed);
      const byTag = await reputation.readAllFeedback(agentId, [], "a", "", true);
      expect([...byTag[2]]).to.deep.equal([1n, 3n]);
      const byClient = await reputation.readAllFeedback(agentId, [client2.address], "", "y", false);
      expect([...byClient[0]]).to.deep.equal([client2.address]);
    });

    it("returns empty arrays for an agent without feedback", async function () {
      const { reputation } = await loadFixture(withMixed);
      const r = await reputation.readAllFeedback(99n, [], "", "", true);
      for (const a of r) expect(a.length).to.equal(0);
    });
  });

  describe("paged reads", function () {
    async function withFive() {
      const f = await deployWithAgent();
      const spawner = await ethers.deployContract("SybilSpawnerMock");
      await spawner.spawn(await f.reputation.getAddress(), f.agentId, 5, 7);
      for (let i = 0; i < 5; i++) await give(f.reputation, f.client, f.agentId, BigInt(10 * (i + 1)));
      return { ...f, clients: await f.reputation.getClients(f.agentId) };
    }

    it("pages clients with clamped bounds (offset == length and limit 0 give empty pages)", async function () {
      const { reputation, agentId, clients } = await loadFixture(withFive);
      expect(clients.length).to.equal(6);
      expect(await reputation.getClientsPage(agentId, 0n, 4n)).to.deep.equal(clients.slice(0, 4));
      expect(await reputation.getClientsPage(agentId, 4n, 4n)).to.deep.equal(clients.slice(4));
      expect(await reputation.getClientsPage(agentId, 6n, 4n)).to.deep.equal([]);
      expect(await reputation.getClientsPage(agentId, 1n, 0n)).to.deep.equal([]);
      expect(await reputation.getClientsPage(agentId, 2n, ethers.MaxUint256)).to.deep.equal(clients.slice(2));
    });

    it("pages a client's feedback by index (index 0 reads as 1)", async function () {
      const { reputation, client, agentId } = await loadFixture(withFive);
      const p = await reputation.readFeedbackPage(agentId, client.address, 0n, 2n);
      expect([...p.feedbackIndexes]).to.deep.equal([1n, 2n]);
      expect([...p.feedbackValues]).to.deep.equal([10n, 20n]);
      const tail = await reputation.readFeedbackPage(agentId, client.address, 4n, 10n);
      expect([...tail.feedbackIndexes]).to.deep.equal([4n, 5n]);
      expect([...tail.valueDecimals]).to.deep.equal([0n, 0n]);
      expect([...tail.tag1s, ...tail.tag2s, ...tail.revokedStatuses]).to.deep.equal([
        "",
        "",
        "",
        "",
        false,
        false,
      ]);
      expect(
        (await reputation.readFeedbackPage(agentId, client.address, 6n, 10n)).feedbackIndexes,
      ).to.deep.equal([]);
    });

    it("summarizes one index window per client and flags truncation", async function () {
      const { reputation, client, agentId } = await loadFixture(withFive);
      expect(await reputation.getSummaryPage(agentId, [client.address], "", "", 1n, 2n)).to.deep.equal([
        2n,
        15n,
        0n,
        true,
      ]);
      expect(await reputation.getSummaryPage(agentId, [client.address], "", "", 0n, 5n)).to.deep.equal([
        5n,
        30n,
        0n,
        false,
      ]);
      expect(await reputation.getSummaryPage(agentId, [client.address], "", "", 4n, 100n)).to.deep.equal([
        2n,
        45n,
        0n,
        false,
      ]);
      expect(await reputation.getSummaryPage(agentId, [client.address], "", "", 1n, 0n)).to.deep.equal([
        0n,
        0n,
        0n,
        true,
      ]);
    });

    it("filters a summary page by tags", async function () {
      const { reputation, client, agentId } = await loadFixture(withFive);
      await give(reputation, client, agentId, 99n, 0, "uptime", "day");
      expect(
        await reputation.getSummaryPage(agentId, [client.address], "uptime", "day", 1n, 10n),
      ).to.deep.equal([1n, 99n, 0n, false]);
    });

    it("getSummaryPage also requires clients", async function () {
      const { reputation, agentId } = await loadFixture(withFive);
      await expect(reputation.getSummaryPage(agentId, [], "", "", 1n, 1n)).to.be.revertedWithCustomError(
        reputation,
        "ReputationClientsRequired",
      );
    });
  });
});
