import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { CARD, SALT, URI_100, createAgent, deployAgents } from "./support/fixtures";

describe("AgentFactory", function () {
  describe("deployment", function () {
    it("deploys its AgentAccount implementation and names the registry", async function () {
      const { identity, factory } = await loadFixture(deployAgents);
      expect(await factory.identityRegistry()).to.equal(await identity.getAddress());
      const impl = await ethers.getContractAt("AgentAccount", await factory.implementation());
      expect(await impl.factory()).to.equal(await factory.getAddress());
      expect(await impl.identityRegistry()).to.equal(await identity.getAddress());
      expect(await factory.agentCount()).to.equal(0n);
    });

    it("rejects a zero registry", async function () {
      const { factory } = await loadFixture(deployAgents);
      await expect(ethers.deployContract("AgentFactory", [ethers.ZeroAddress])).to.be.revertedWithCustomError(
        factory,
        "AgentFactoryZeroRegistry",
      );
    });
  });

  describe("createAgent", function () {
    it("deploys the account at the predicted address and emits AgentCreated", async function () {
      const { factory, owner } = await loadFixture(deployAgents);
      const predicted = await factory.predictAgentAccount(owner.address, SALT);
      await expect(factory.connect(owner).createAgent(SALT, URI_100, CARD, []))
        .to.emit(factory, "AgentCreated")
        .withArgs(1n, predicted, owner.address, SALT);
      expect(await ethers.provider.getCode(predicted)).to.not.equal("0x");
    });

    it("registers the agent for the caller with the URI, its metadata and agentAccount", async function () {
      const { identity, factory, owner } = await loadFixture(deployAgents);
      const md = [{ metadataKey: "skills", metadataValue: "0xabcd" }];
      const predicted = await factory.predictAgentAccount(owner.address, SALT);
      const tx = factory.connect(owner).createAgent(SALT, URI_100, CARD, md);
      await expect(tx).to.emit(identity, "Registered").withArgs(1n, URI_100, owner.address);
      await expect(tx)
        .to.emit(identity, "MetadataSet")
        .withArgs(1n, "agentAccount", "agentAccount", predicted.toLowerCase());
      expect(await identity.ownerOf(1n)).to.equal(owner.address);
      expect(await identity.tokenURI(1n)).to.equal(URI_100);
      expect(await identity.getMetadata(1n, "skills")).to.equal("0xabcd");
      expect(await identity.getMetadata(1n, "agentAccount")).to.equal(predicted.toLowerCase());
      expect(await identity.getAgentWallet(1n)).to.equal(owner.address);
    });

    it("initializes the account with the agent id, card hash and a first heartbeat", async function () {
      const { factory, owner } = await loadFixture(deployAgents);
      const { agentId, account } = await createAgent(factory, owner);
      expect(await account.agentId()).to.equal(agentId);
      expect(await account.cardHash()).to.equal(CARD);
      expect(await account.owner()).to.equal(owner.address);
      expect(await account.lastHeartbeat()).to.equal(BigInt(await time.latest()));
      await expect(factory.connect(owner).createAgent(ethers.id("s2"), "", ethers.ZeroHash, []))
        .to.emit(
          await ethers.getContractAt(
            "AgentAccount",
            await factory.predictAgentAccount(owner.address, ethers.id("s2")),
          ),
          "AgentAccountInitialized",
        )
        .withArgs(2n, ethers.ZeroHash);
    });

    it("records the account both ways", async function () {
      const { factory, owner } = await loadFixture(deployAgents);
      const { agentId, account } = await createAgent(factory, owner);
      expect(await factory.agentAccountOf(agentId)).to.equal(await account.getAddress());
      expect(await factory.agentIdOf(await account.getAddress())).to.equal(agentId);
      expect(await factory.agentCount()).to.equal(1n);
    });

    it("binds the salt to the caller: another caller with the same salt gets another address", async function () {
      const { factory, owner, other } = await loadFixture(deployAgents);
      const forOwner = await factory.predictAgentAccount(owner.address, SALT);
      const { account } = await createAgent(factory, other, SALT);
      expect(await account.getAddress()).to.not.equal(forOwner);
      expect(await account.getAddress()).to.equal(await factory.predictAgentAccount(other.address, SALT));
      const mine = await createAgent(factory, owner, SALT);
      expect(await mine.account.getAddress()).to.equal(forOwner);
    });

    it("deploys every (caller, salt) at its prediction, distinct per caller (property)", async function () {
      const signers = await ethers.getSigners();
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.integer({ min: 1, max: 8 }), { minLength: 2, maxLength: 3 }),
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
          async (callers, saltBytes) => {
            const { factory } = await loadFixture(deployAgents);
            const salt = ethers.hexlify(saltBytes);
            const seen = new Set<string>();
            for (const i of callers) {
              const predicted = await factory.predictAgentAccount(signers[i].address, salt);
              const { account } = await createAgent(factory, signers[i], salt, "u");
              expect(await account.getAddress()).to.equal(predicted);
              seen.add(predicted);
            }
            expect(seen.size).to.equal(callers.length);
          },
        ),
        { numRuns: 15 },
      );
    });

    it("rejects the same caller and salt twice with AgentFactoryAccountExists", async function () {
      const { factory, owner } = await loadFixture(deployAgents);
      const { account } = await createAgent(factory, owner);
      await expect(factory.connect(owner).createAgent(SALT, "", CARD, []))
        .to.be.revertedWithCustomError(factory, "AgentFactoryAccountExists")
        .withArgs(await account.getAddress());
    });

    it("rejects a caller-supplied agentAccount entry", async function () {
      const { factory, owner } = await loadFixture(deployAgents);
      const md = [{ metadataKey: "agentAccount", metadataValue: owner.address }];
      await expect(factory.connect(owner).createAgent(SALT, "", CARD, md))
        .to.be.revertedWithCustomError(factory, "AgentFactoryReservedKey")
        .withArgs("agentAccount");
    });

    it("rejects a caller-supplied agentWallet entry (the registry's reserved key)", async function () {
      const { identity, factory, owner } = await loadFixture(deployAgents);
      const md = [{ metadataKey: "agentWallet", metadataValue: owner.address }];
      await expect(factory.connect(owner).createAgent(SALT, "", CARD, md)).to.be.revertedWithCustomError(
        identity,
        "IdentityReservedKey",
      );
    });

    it("fails while the registry has not named it as factory", async function () {
      const { owner } = await loadFixture(deployAgents);
      const identity = await ethers.deployContract("IdentityRegistry");
      const factory = await ethers.deployContract("AgentFactory", [await identity.getAddress()]);
      await expect(factory.connect(owner).createAgent(SALT, "", CARD, []))
        .to.be.revertedWithCustomError(identity, "IdentityNotFactory")
        .withArgs(await factory.getAddress());
    });
  });

  describe("enumeration", function () {
    it("pages nothing at 0 agents", async function () {
      const { factory } = await loadFixture(deployAgents);
      const [ids, accounts] = await factory.agentsPage(0n, 10n);
      expect([ids.length, accounts.length]).to.deep.equal([0, 0]);
    });

    it("pages one agent", async function () {
      const { factory, owner } = await loadFixture(deployAgents);
      const { agentId, account } = await createAgent(factory, owner);
      const [ids, accounts] = await factory.agentsPage(0n, 10n);
      expect([...ids]).to.deep.equal([agentId]);
      expect([...accounts]).to.deep.equal([await account.getAddress()]);
    });

    it("pages many agents in creation order with clamped bounds", async function () {
      const { identity, factory, owner, other } = await loadFixture(deployAgents);
      await identity.connect(other)["register()"](); // id 1 is not a factory agent
      const made: string[] = [];
      for (let i = 0; i < 5; i++) {
        const { account } = await createAgent(factory, i % 2 ? other : owner, ethers.id(`s${i}`), "u");
        made.push(await account.getAddress());
      }
      expect(await factory.agentCount()).to.equal(5n);
      const [ids, accounts] = await factory.agentsPage(1n, 3n);
      expect([...ids]).to.deep.equal([3n, 4n, 5n]);
      expect([...accounts]).to.deep.equal(made.slice(1, 4));
      expect((await factory.agentsPage(4n, 10n))[1]).to.deep.equal(made.slice(4));
      expect((await factory.agentsPage(5n, 10n))[1]).to.deep.equal([]);
      expect((await factory.agentsPage(0n, 0n))[1]).to.deep.equal([]);
      expect(await factory.agentAccountOf(1n)).to.equal(ethers.ZeroAddress);
    });

    it("agentIdOf is 0 for an EOA, non-account contracts and a foreign AgentAccount clone", async function () {
      const { identity, factory, owner, stranger } = await loadFixture(deployAgents);
      await createAgent(factory, owner);
      expect(await factory.agentIdOf(stranger.address)).to.equal(0n);
      expect(await factory.agentIdOf(await identity.getAddress())).to.equal(0n);
      const silent = await ethers.deployContract("SilentFallbackMock");
      expect(await factory.agentIdOf(await silent.getAddress())).to.equal(0n);
      const foreignImpl = await ethers.deployContract("AgentAccount", [await identity.getAddress()]);
      const cloner = await ethers.deployContract("ClonerMock");
      const receipt = await (await cloner.clone(await foreignImpl.getAddress())).wait();
      const clone = cloner.interface.parseLog(receipt!.logs[0])!.args[0] as string;
      await (await ethers.getContractAt("AgentAccount", clone)).initialize(1n, CARD);
      expect(await factory.agentIdOf(clone)).to.equal(0n);
    });
  });
});
