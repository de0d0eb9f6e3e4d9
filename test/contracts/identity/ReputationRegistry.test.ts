import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import type { Signer } from "ethers";
import type { ReputationRegistry } from "../../../typechain-types";
import { deployRegistries, deployWithAgent } from "./support/fixtures";
import { summaryModel } from "./support/summary-model";

const HASH = ethers.id("feedback file");
const MAX = 10n ** 38n;
const INT128_MAX = 2n ** 127n - 1n;

function give(
  rep: ReputationRegistry,
  who: Signer,
  agentId: bigint,
  value: bigint,
  decimals = 0,
  tag1 = "",
  tag2 = "",
) {
  return rep.connect(who).giveFeedback(agentId, value, decimals, tag1, tag2, "https://a/x", "ipfs://f", HASH);
}

describe("ReputationRegistry", function () {
  describe("deployment", function () {
    it("points at its identity registry", async function () {
      const { identity, reputation } = await loadFixture(deployRegistries);
      expect(await reputation.getIdentityRegistry()).to.equal(await identity.getAddress());
    });

    it("rejects a zero identity registry", async function () {
      const { reputation } = await loadFixture(deployRegistries);
      await expect(
        ethers.deployContract("ReputationRegistry", [ethers.ZeroAddress]),
      ).to.be.revertedWithCustomError(reputation, "ReputationZeroRegistry");
    });

    it("reports ERC-165, ERC-8004 reputation and the paged extension", async function () {
      const { reputation } = await loadFixture(deployRegistries);
      const ids = await ethers.deployContract("InterfaceIdsMock");
      expect(await reputation.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await reputation.supportsInterface(await ids.REPUTATION())).to.equal(true);
      expect(await reputation.supportsInterface(await ids.REPUTATION_PAGED())).to.equal(true);
      expect(await reputation.supportsInterface(await ids.IDENTITY())).to.equal(false);
    });
  });

  describe("giveFeedback", function () {
    it("stores the feedback at index 1 and emits NewFeedback with every field", async function () {
      const { reputation, client, agentId } = await loadFixture(deployWithAgent);
      await expect(give(reputation, client, agentId, 87n, 0, "starred", "week"))
        .to.emit(reputation, "NewFeedback")
        .withArgs(
          agentId,
          client.address,
          1n,
          87n,
          0,
          "starred",
          "starred",
          "week",
          "https://a/x",
          "ipfs://f",
          HASH,
        );
      expect(await reputation.readFeedback(agentId, client.address, 1n)).to.deep.equal([
        87n,
        0n,
        "starred",
        "week",
        false,
      ]);
    });

    it("numbers a client's feedback 1, 2, 3 and lists the client once", async function () {
      const { reputation, client, agentId } = await loadFixture(deployWithAgent);
      for (let i = 0; i < 3; i++) await give(reputation, client, agentId, 1n);
      expect(await reputation.getLastIndex(agentId, client.address)).to.equal(3n);
      expect(await reputation.getClients(agentId)).to.deep.equal([client.address]);
      expect(await reputation.clientCount(agentId)).to.equal(1n);
    });

    it("keeps clients in first-feedback order", async function () {
      const { reputation, client, client2, agentId } = await loadFixture(deployWithAgent);
      await give(reputation, client2, agentId, 1n);
      await give(reputation, client, agentId, 1n);
      await give(reputation, client2, agentId, 1n);
      expect(await reputation.getClients(agentId)).to.deep.equal([client2.address, client.address]);
    });

    it("accepts valueDecimals 18 and rejects 19", async function () {
      const { reputation, client, agentId } = await loadFixture(deployWithAgent);
      await give(reputation, client, agentId, 1n, 18);
      await expect(give(reputation, client, agentId, 1n, 19))
        .to.be.revertedWithCustomError(reputation, "ReputationDecimalsTooLarge")
        .withArgs(19);
    });

    for (const v of [MAX, -MAX]) {
      it(`accepts the boundary value ${v > 0n ? "+" : "-"}1e38`, async function () {
        const { reputation, client, agentId } = await loadFixture(deployWithAgent);
        await give(reputation, client, agentId, v);
        expect((await reputation.readFeedback(agentId, client.address, 1n))[0]).to.equal(v);
      });
    }

    for (const v of [MAX + 1n, -MAX - 1n]) {
      it(`rejects the oversized value ${v}`, async function () {
        const { reputation, client, agentId } = await loadFixture(deployWithAgent);
        await expect(give(reputation, client, agentId, v))
          .to.be.revertedWithCustomError(reputation, "ReputationValueOutOfRange")
          .withArgs(v);
      });
    }

    for (const who of ["owner", "operator", "approved"] as const) {
      it(`rejects self-feedback by the ${who}`, async function () {
        const f = await loadFixture(deployWithAgent);
        await expect(give(f.reputation, f[who], f.agentId, 100n))
          .to.be.revertedWithCustomError(f.reputation, "ReputationSelfFeedback")
          .withArgs(f.agentId, f[who].address);
      });
    }

    it("rejects feedback for a missing agent", async function () {
      const { reputation, client } = await loadFixture(deployWithAgent);
      await expect(give(reputation, client, 42n, 1n))
        .to.be.revertedWithCustomError(reputation, "ReputationUnknownAgent")
        .withArgs(42n);
    });

    it("follows ownership: after a transfer the old owner may rate, the new one may not", async function () {
      const { identity, reputation, owner, client, agentId } = await loadFixture(deployWithAgent);
      await identity.connect(owner).transferFrom(owner.address, client.address, agentId);
      await expect(give(reputation, client, agentId, 1n)).to.be.revertedWithCustomError(
        reputation,
        "ReputationSelfFeedback",
      );
      await give(reputation, owner, agentId, 1n);
      expect(await reputation.getLastIndex(agentId, owner.address)).to.equal(1n);
    });
  });

  describe("revokeFeedback", function () {
    it("marks the feedback revoked and emits FeedbackRevoked", async function () {
      const { reputation, client, agentId } = await loadFixture(deployWithAgent);
      await give(reputation, client, agentId, 5n);
      await expect(reputation.connect(client).revokeFeedback(agentId, 1n))
        .to.emit(reputation, "FeedbackRevoked")
        .withArgs(agentId, client.address, 1n);
      expect((await reputation.readFeedback(agentId, client.address, 1n))[4]).to.equal(true);
    });

    it("rejects revoking twice", async function () {
      const { reputation, client, agentId } = await loadFixture(deployWithAgent);
      await give(reputation, client, agentId, 5n);
      await reputation.connect(client).revokeFeedback(agentId, 1n);
      await expect(reputation.connect(client).revokeFeedback(agentId, 1n))
        .to.be.revertedWithCustomError(reputation, "ReputationAlreadyRevoked")
        .withArgs(agentId, client.address, 1n);
    });

    for (const index of [0n, 2n]) {
      it(`rejects index ${index} (only 1..last exist)`, async function () {
        const { reputation, client, agentId } = await loadFixture(deployWithAgent);
        await give(reputation, client, agentId, 5n);
        await expect(reputation.connect(client).revokeFeedback(agentId, index))
          .to.be.revertedWithCustomError(reputation, "ReputationFeedbackNotFound")
          .withArgs(agentId, client.address, index);
      });
    }

    it("cannot revoke someone else's feedback", async function () {
      const { reputation, client, client2, agentId } = await loadFixture(deployWithAgent);
      await give(reputation, client, agentId, 5n);
      await expect(reputation.connect(client2).revokeFeedback(agentId, 1n)).to.be.revertedWithCustomError(
        reputation,
        "ReputationFeedbackNotFound",
      );
    });
  });

  describe("appendResponse and getResponseCount", function () {
    async function withResponses() {
      const f = await deployWithAgent();
      const { reputation, client, client2, owner, stranger, agentId } = f;
      await give(reputation, client, agentId, 1n);
      await give(reputation, client, agentId, 2n);
      await give(reputation, client2, agentId, 3n);
      await reputation.connect(owner).appendResponse(agentId, client.address, 1n, "ipfs://r", HASH);
      await reputation.connect(owner).appendResponse(agentId, client.address, 1n, "ipfs://r2", HASH);
      await reputation.connect(stranger).appendResponse(agentId, client.address, 2n, "ipfs://s", HASH);
      await reputation.connect(stranger).appendResponse(agentId, client2.address, 1n, "ipfs://s", HASH);
      return f;
    }

    it("emits ResponseAppended naming the responder", async function () {
      const { reputation, client, owner, agentId } = await loadFixture(deployWithAgent);
      await give(reputation, client, agentId, 1n);
      await expect(reputation.connect(owner).appendResponse(agentId, client.address, 1n, "ipfs://r", HASH))
        .to.emit(reputation, "ResponseAppended")
        .withArgs(agentId, client.address, 1n, owner.address, "ipfs://r", HASH);
    });

    it("counts all responses of one feedback when no responders are given", async function () {
      const { reputation, client, agentId } = await loadFixture(withResponses);
      expect(await reputation.getResponseCount(agentId, client.address, 1n, [])).to.equal(2n);
      expect(await reputation.getResponseCount(agentId, client.address, 2n, [])).to.equal(1n);
    });

    it("counts all of a client's feedback when feedbackIndex is 0", async function () {
      const { reputation, client, client2, agentId } = await loadFixture(withResponses);
      expect(await reputation.getResponseCount(agentId, client.address, 0n, [])).to.equal(3n);
      expect(await reputation.getResponseCount(agentId, client2.address, 0n, [])).to.equal(1n);
    });

    it("counts every client when clientAddress is zero", async function () {
      const { reputation, agentId } = await loadFixture(withResponses);
      expect(await reputation.getResponseCount(agentId, ethers.ZeroAddress, 0n, [])).to.equal(4n);
    });

    it("filters by responders at every scope", async function () {
      const { reputation, client, owner, stranger, agentId } = await loadFixture(withResponses);
      expect(await reputation.getResponseCount(agentId, client.address, 1n, [owner.address])).to.equal(2n);
      expect(await reputation.getResponseCount(agentId, client.address, 1n, [stranger.address])).to.equal(0n);
      expect(await reputation.getResponseCount(agentId, client.address, 0n, [stranger.address])).to.equal(1n);
      expect(await reputation.getResponseCount(agentId, ethers.ZeroAddress, 0n, [stranger.address])).to.equal(
        2n,
      );
      expect(
        await reputation.getResponseCount(agentId, ethers.ZeroAddress, 0n, [owner.address, stranger.address]),
      ).to.equal(4n);
    });

    it("allows responses to revoked feedback", async function () {
      const { reputation, client, owner, agentId } = await loadFixture(deployWithAgent);
      await give(reputation, client, agentId, 1n);
      await reputation.connect(client).revokeFeedback(agentId, 1n);
      await reputation.connect(owner).appendResponse(agentId, client.address, 1n, "ipfs://r", HASH);
      expect(await reputation.getResponseCount(agentId, client.address, 1n, [])).to.equal(1n);
    });

    it("rejects a response to missing feedback", async function () {
      const { reputation, client, owner, agentId } = await loadFixture(deployWithAgent);
      await expect(reputation.connect(owner).appendResponse(agentId, client.address, 1n, "ipfs://r", HASH))
        .to.be.revertedWithCustomError(reputation, "ReputationFeedbackNotFound")
        .withArgs(agentId, client.address, 1n);
    });
  });

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

    it("getSummaryPage also requires clients", async function () {
      const { reputation, agentId } = await loadFixture(withFive);
      await expect(reputation.getSummaryPage(agentId, [], "", "", 1n, 1n)).to.be.revertedWithCustomError(
        reputation,
        "ReputationClientsRequired",
      );
    });
  });
});
