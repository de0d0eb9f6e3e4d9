import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployRegistries, deployWithAgent } from "./support/fixtures";

const REQ = ethers.id("request 1");
const RESP = ethers.id("response 1");

async function withRequest() {
  const f = await deployWithAgent();
  await f.validation.connect(f.owner).validationRequest(f.validator.address, f.agentId, "ipfs://req", REQ);
  return f;
}

describe("ValidationRegistry", function () {
  describe("deployment", function () {
    it("points at its identity registry", async function () {
      const { identity, validation } = await loadFixture(deployRegistries);
      expect(await validation.getIdentityRegistry()).to.equal(await identity.getAddress());
    });

    it("rejects a zero identity registry", async function () {
      const { validation } = await loadFixture(deployRegistries);
      await expect(
        ethers.deployContract("ValidationRegistry", [ethers.ZeroAddress]),
      ).to.be.revertedWithCustomError(validation, "ValidationZeroRegistry");
    });

    it("reports ERC-165, ERC-8004 validation and the paged extension", async function () {
      const { validation } = await loadFixture(deployRegistries);
      const ids = await ethers.deployContract("InterfaceIdsMock");
      expect(await validation.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await validation.supportsInterface(await ids.VALIDATION())).to.equal(true);
      expect(await validation.supportsInterface(await ids.VALIDATION_PAGED())).to.equal(true);
      expect(await validation.supportsInterface(await ids.REPUTATION())).to.equal(false);
    });
  });

  describe("validationRequest", function () {
    for (const who of ["owner", "operator", "approved"] as const) {
      it(`lets the ${who} open a request and emits ValidationRequest`, async function () {
        const f = await loadFixture(deployWithAgent);
        await expect(
          f.validation.connect(f[who]).validationRequest(f.validator.address, f.agentId, "ipfs://q", REQ),
        )
          .to.emit(f.validation, "ValidationRequest")
          .withArgs(f.validator.address, f.agentId, "ipfs://q", REQ);
      });
    }

    it("stores validator, agent and request time with no response", async function () {
      const { validation, validator, agentId } = await loadFixture(withRequest);
      const s = await validation.getValidationStatus(REQ);
      expect([s[0], s[1], s[2], s[3], s[4]]).to.deep.equal([
        validator.address,
        agentId,
        0n,
        ethers.ZeroHash,
        "",
      ]);
      expect(s[5]).to.equal(BigInt(await time.latest()));
      expect(await validation.hasResponse(REQ)).to.equal(false);
    });

    it("lists the request for the agent and the validator", async function () {
      const { validation, validator, agentId } = await loadFixture(withRequest);
      expect(await validation.getAgentValidations(agentId)).to.deep.equal([REQ]);
      expect(await validation.getValidatorRequests(validator.address)).to.deep.equal([REQ]);
      expect(await validation.agentValidationCount(agentId)).to.equal(1n);
      expect(await validation.validatorRequestCount(validator.address)).to.equal(1n);
    });

    it("rejects strangers", async function () {
      const { validation, validator, stranger, agentId } = await loadFixture(deployWithAgent);
      await expect(validation.connect(stranger).validationRequest(validator.address, agentId, "", REQ))
        .to.be.revertedWithCustomError(validation, "ValidationNotAuthorized")
        .withArgs(agentId, stranger.address);
    });

    it("rejects a missing agent", async function () {
      const { identity, validation, validator, owner } = await loadFixture(deployWithAgent);
      await expect(
        validation.connect(owner).validationRequest(validator.address, 77n, "", REQ),
      ).to.be.revertedWithCustomError(identity, "ERC721NonexistentToken");
    });

    it("rejects a zero validator", async function () {
      const { validation, owner, agentId } = await loadFixture(deployWithAgent);
      await expect(
        validation.connect(owner).validationRequest(ethers.ZeroAddress, agentId, "", REQ),
      ).to.be.revertedWithCustomError(validation, "ValidationZeroValidator");
    });

    it("rejects a duplicate request hash from the same agent, naming the agent that holds it", async function () {
      const { validation, owner, agentId } = await loadFixture(withRequest);
      await expect(validation.connect(owner).validationRequest(owner.address, agentId, "", REQ))
        .to.be.revertedWithCustomError(validation, "ValidationDuplicateRequest")
        .withArgs(REQ, agentId);
    });

    it("rejects a duplicate request hash from another agent, naming the agent that holds it", async function () {
      const { identity, validation, validator, stranger, agentId } = await loadFixture(withRequest);
      await identity.connect(stranger)["register()"]();
      await expect(validation.connect(stranger).validationRequest(validator.address, 2n, "", REQ))
        .to.be.revertedWithCustomError(validation, "ValidationDuplicateRequest")
        .withArgs(REQ, agentId);
    });
  });

  describe("validationResponse", function () {
    it("records the response and emits ValidationResponse", async function () {
      const { validation, validator, agentId } = await loadFixture(withRequest);
      await expect(validation.connect(validator).validationResponse(REQ, 80, "ipfs://r", RESP, "soft"))
        .to.emit(validation, "ValidationResponse")
        .withArgs(validator.address, agentId, REQ, 80, "ipfs://r", RESP, "soft");
      const s = await validation.getValidationStatus(REQ);
      expect([s[2], s[3], s[4], s[5]]).to.deep.equal([80n, RESP, "soft", BigInt(await time.latest())]);
      expect(await validation.hasResponse(REQ)).to.equal(true);
    });

    it("accepts 0 and 100 (the bounds) and rejects 101", async function () {
      const { validation, validator } = await loadFixture(withRequest);
      await validation.connect(validator).validationResponse(REQ, 0, "", RESP, "");
      await validation.connect(validator).validationResponse(REQ, 100, "", RESP, "");
      await expect(validation.connect(validator).validationResponse(REQ, 101, "", RESP, ""))
        .to.be.revertedWithCustomError(validation, "ValidationResponseOutOfRange")
        .withArgs(101);
    });

    it("may be repeated with a new tag, equal or higher", async function () {
      const { validation, validator } = await loadFixture(withRequest);
      await validation.connect(validator).validationResponse(REQ, 70, "", RESP, "soft");
      await validation.connect(validator).validationResponse(REQ, 70, "", RESP, "soft");
      await validation.connect(validator).validationResponse(REQ, 90, "", RESP, "hard");
      const s = await validation.getValidationStatus(REQ);
      expect([s[2], s[4]]).to.deep.equal([90n, "hard"]);
    });

    it("never lowers a response (downgrade attack)", async function () {
      const { validation, validator } = await loadFixture(withRequest);
      await validation.connect(validator).validationResponse(REQ, 70, "", RESP, "");
      await expect(validation.connect(validator).validationResponse(REQ, 69, "", RESP, ""))
        .to.be.revertedWithCustomError(validation, "ValidationResponseDecreased")
        .withArgs(REQ, 70, 69);
    });

    for (const who of ["owner", "stranger"] as const) {
      it(`rejects a response by the ${who} (not the named validator)`, async function () {
        const f = await loadFixture(withRequest);
        await expect(f.validation.connect(f[who]).validationResponse(REQ, 100, "", RESP, ""))
          .to.be.revertedWithCustomError(f.validation, "ValidationNotValidator")
          .withArgs(REQ, f[who].address);
      });
    }

    it("rejects a response to an unknown request", async function () {
      const { validation, validator } = await loadFixture(withRequest);
      const other = ethers.id("other");
      await expect(validation.connect(validator).validationResponse(other, 1, "", RESP, ""))
        .to.be.revertedWithCustomError(validation, "ValidationUnknownRequest")
        .withArgs(other);
    });

    it("getValidationStatus rejects an unknown request", async function () {
      const { validation } = await loadFixture(withRequest);
      await expect(validation.getValidationStatus(ethers.ZeroHash)).to.be.revertedWithCustomError(
        validation,
        "ValidationUnknownRequest",
      );
    });
  });

  describe("validationResponseFor", function () {
    it("records the response for the named agent and emits ValidationResponse", async function () {
      const { validation, validator, agentId } = await loadFixture(withRequest);
      await expect(
        validation.connect(validator).validationResponseFor(agentId, REQ, 80, "ipfs://r", RESP, "soft"),
      )
        .to.emit(validation, "ValidationResponse")
        .withArgs(validator.address, agentId, REQ, 80, "ipfs://r", RESP, "soft");
      expect(await validation.getSummary(agentId, [], "")).to.deep.equal([1n, 80n]);
    });

    it("rejects an agent the request does not belong to", async function () {
      const { validation, validator, agentId } = await loadFixture(withRequest);
      await expect(validation.connect(validator).validationResponseFor(agentId + 1n, REQ, 80, "", RESP, ""))
        .to.be.revertedWithCustomError(validation, "ValidationWrongAgent")
        .withArgs(REQ, agentId + 1n, agentId);
    });

    it("rejects an unknown request", async function () {
      const { validation, validator, agentId } = await loadFixture(withRequest);
      const other = ethers.id("other");
      await expect(validation.connect(validator).validationResponseFor(agentId, other, 1, "", RESP, ""))
        .to.be.revertedWithCustomError(validation, "ValidationUnknownRequest")
        .withArgs(other);
    });

    it("rejects a response by anyone but the named validator", async function () {
      const { validation, owner, agentId } = await loadFixture(withRequest);
      await expect(validation.connect(owner).validationResponseFor(agentId, REQ, 1, "", RESP, ""))
        .to.be.revertedWithCustomError(validation, "ValidationNotValidator")
        .withArgs(REQ, owner.address);
    });

    it("never lowers a response given through either path", async function () {
      const { validation, validator, agentId } = await loadFixture(withRequest);
      await validation.connect(validator).validationResponse(REQ, 70, "", RESP, "");
      await expect(validation.connect(validator).validationResponseFor(agentId, REQ, 69, "", RESP, ""))
        .to.be.revertedWithCustomError(validation, "ValidationResponseDecreased")
        .withArgs(REQ, 70, 69);
    });
  });

  describe("getSummary and paged reads", function () {
    async function withFour() {
      const f = await deployWithAgent();
      const { validation, owner, validator, stranger, agentId } = f;
      const reqs = [0, 1, 2, 3].map((i) => ethers.id(`req ${i}`));
      await validation.connect(owner).validationRequest(validator.address, agentId, "", reqs[0]);
      await validation.connect(owner).validationRequest(validator.address, agentId, "", reqs[1]);
      await validation.connect(owner).validationRequest(stranger.address, agentId, "", reqs[2]);
      await validation.connect(owner).validationRequest(stranger.address, agentId, "", reqs[3]);
      await validation.connect(validator).validationResponse(reqs[0], 100, "", RESP, "hard");
      await validation.connect(validator).validationResponse(reqs[1], 50, "", RESP, "soft");
      await validation.connect(stranger).validationResponse(reqs[2], 31, "", RESP, "hard");
      return { ...f, reqs };
    }

    it("averages responded requests only (integer division)", async function () {
      const { validation, agentId } = await loadFixture(withFour);
      expect(await validation.getSummary(agentId, [], "")).to.deep.equal([3n, 60n]);
    });

    it("filters by validators and by tag", async function () {
      const { validation, validator, stranger, agentId } = await loadFixture(withFour);
      expect(await validation.getSummary(agentId, [validator.address], "")).to.deep.equal([2n, 75n]);
      expect(
        await validation.getSummary(agentId, [stranger.address, validator.address], "hard"),
      ).to.deep.equal([2n, 65n]);
      expect(await validation.getSummary(agentId, [], "none")).to.deep.equal([0n, 0n]);
    });

    it("summarizes a window of the agent's requests and flags truncation", async function () {
      const { validation, agentId } = await loadFixture(withFour);
      expect(await validation.getSummaryPage(agentId, [], "", 0n, 2n)).to.deep.equal([2n, 75n, true]);
      expect(await validation.getSummaryPage(agentId, [], "", 2n, 2n)).to.deep.equal([1n, 31n, false]);
      expect(await validation.getSummaryPage(agentId, [], "", 4n, 2n)).to.deep.equal([0n, 0n, false]);
    });

    it("pages agent and validator lists with clamped bounds", async function () {
      const { validation, validator, agentId, reqs } = await loadFixture(withFour);
      expect(await validation.getAgentValidationsPage(agentId, 1n, 2n)).to.deep.equal(reqs.slice(1, 3));
      expect(await validation.getAgentValidationsPage(agentId, 3n, 10n)).to.deep.equal(reqs.slice(3));
      expect(await validation.getAgentValidationsPage(agentId, 4n, 10n)).to.deep.equal([]);
      expect(await validation.getAgentValidationsPage(agentId, 0n, 0n)).to.deep.equal([]);
      expect(
        await validation.getValidatorRequestsPage(validator.address, 0n, ethers.MaxUint256),
      ).to.deep.equal(reqs.slice(0, 2));
    });
  });
});
