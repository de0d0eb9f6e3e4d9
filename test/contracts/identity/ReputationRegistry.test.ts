import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployRegistries, deployWithAgent } from "./support/fixtures";
import { HASH, MAX, give } from "./support/reputation";

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
});
