import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployRegistries, deployWithAgent, registerAgent } from "./support/fixtures";

const WALLET_KEY = "agentWallet";
const packed = (a: string) => a.toLowerCase();

describe("IdentityRegistry", function () {
  describe("deployment", function () {
    it("is an ERC-721 named AgentIdentity/AGENT with no agents", async function () {
      const { identity } = await loadFixture(deployRegistries);
      expect(await identity.name()).to.equal("AgentIdentity");
      expect(await identity.symbol()).to.equal("AGENT");
      expect(await identity.totalAgents()).to.equal(0n);
      expect(await identity.factory()).to.equal(ethers.ZeroAddress);
    });

    it("exposes the EIP-712 domain ERC8004IdentityRegistry/1 of this chain and contract", async function () {
      const { identity } = await loadFixture(deployRegistries);
      const d = await identity.eip712Domain();
      expect(d.name).to.equal("ERC8004IdentityRegistry");
      expect(d.version).to.equal("1");
      expect(d.chainId).to.equal(31337n);
      expect(d.verifyingContract).to.equal(await identity.getAddress());
    });

    it("names the AgentWalletSet typehash after its type string", async function () {
      const { identity } = await loadFixture(deployRegistries);
      expect(await identity.AGENT_WALLET_SET_TYPEHASH()).to.equal(
        ethers.id("AgentWalletSet(uint256 agentId,address newWallet,address owner,uint256 deadline)"),
      );
    });

    it("reports its registry id as eip155:{chainId}:{address}", async function () {
      const { identity } = await loadFixture(deployRegistries);
      expect(await identity.agentRegistry()).to.equal(`eip155:31337:${await identity.getAddress()}`);
    });
  });

  describe("register", function () {
    it("register() mints id 1 with an empty URI and emits Transfer, MetadataSet(agentWallet), Registered", async function () {
      const { identity, owner } = await loadFixture(deployRegistries);
      const tx = identity.connect(owner)["register()"]();
      await expect(tx).to.emit(identity, "Transfer").withArgs(ethers.ZeroAddress, owner.address, 1n);
      await expect(tx)
        .to.emit(identity, "MetadataSet")
        .withArgs(1n, WALLET_KEY, WALLET_KEY, packed(owner.address));
      await expect(tx).to.emit(identity, "Registered").withArgs(1n, "", owner.address);
      expect(await identity.tokenURI(1n)).to.equal("");
      expect(await identity.ownerOf(1n)).to.equal(owner.address);
    });

    it("register(uri) stores the URI as tokenURI", async function () {
      const { identity, owner } = await loadFixture(deployRegistries);
      await expect(identity.connect(owner)["register(string)"]("ipfs://x"))
        .to.emit(identity, "Registered")
        .withArgs(1n, "ipfs://x", owner.address);
      expect(await identity.tokenURI(1n)).to.equal("ipfs://x");
    });

    it("register(uri, metadata) stores every entry and emits MetadataSet per entry", async function () {
      const { identity, owner } = await loadFixture(deployRegistries);
      const md = [
        { metadataKey: "a", metadataValue: "0x01" },
        { metadataKey: "b", metadataValue: "0x0203" },
      ];
      const tx = identity.connect(owner)["register(string,(string,bytes)[])"]("ipfs://y", md);
      await expect(tx).to.emit(identity, "MetadataSet").withArgs(1n, "a", "a", "0x01");
      await expect(tx).to.emit(identity, "MetadataSet").withArgs(1n, "b", "b", "0x0203");
      expect(await identity.getMetadata(1n, "a")).to.equal("0x01");
      expect(await identity.getMetadata(1n, "b")).to.equal("0x0203");
    });

    it("register(uri, metadata) rejects the reserved agentWallet key", async function () {
      const { identity, owner, stranger } = await loadFixture(deployRegistries);
      const md = [{ metadataKey: WALLET_KEY, metadataValue: stranger.address }];
      await expect(identity.connect(owner)["register(string,(string,bytes)[])"]("u", md))
        .to.be.revertedWithCustomError(identity, "IdentityReservedKey")
        .withArgs(WALLET_KEY);
    });

    it("assigns consecutive ids starting at 1 and counts them", async function () {
      const { identity, owner, stranger } = await loadFixture(deployRegistries);
      expect(await registerAgent(identity, owner)).to.equal(1n);
      expect(await registerAgent(identity, stranger)).to.equal(2n);
      expect(await identity.totalAgents()).to.equal(2n);
      expect(await identity.agentExists(0n)).to.equal(false);
      expect(await identity.agentExists(2n)).to.equal(true);
      expect(await identity.agentExists(3n)).to.equal(false);
    });

    it("starts agentWallet as the owner, readable through getAgentWallet and getMetadata", async function () {
      const { identity, owner, agentId } = await loadFixture(deployWithAgent);
      expect(await identity.getAgentWallet(agentId)).to.equal(owner.address);
      expect(await identity.getMetadata(agentId, WALLET_KEY)).to.equal(packed(owner.address));
    });

    it("mints to contracts without a receiver hook (no callback, so no re-entry during registration)", async function () {
      const { identity } = await loadFixture(deployRegistries);
      const caller = await ethers.deployContract("CallForwarderMock");
      await caller.forward(await identity.getAddress(), identity.interface.encodeFunctionData("register()"));
      expect(await identity.ownerOf(1n)).to.equal(await caller.getAddress());
    });
  });

  describe("registerFor and the factory role", function () {
    it("lets the deployer name the factory once", async function () {
      const { identity, deployer, stranger } = await loadFixture(deployRegistries);
      await expect(identity.connect(deployer).setFactory(stranger.address))
        .to.emit(identity, "FactorySet")
        .withArgs(stranger.address);
      expect(await identity.factory()).to.equal(stranger.address);
      await expect(identity.connect(deployer).setFactory(deployer.address))
        .to.be.revertedWithCustomError(identity, "IdentityFactoryAlreadySet")
        .withArgs(stranger.address);
    });

    it("rejects setFactory from anyone but the deployer", async function () {
      const { identity, stranger } = await loadFixture(deployRegistries);
      await expect(identity.connect(stranger).setFactory(stranger.address))
        .to.be.revertedWithCustomError(identity, "IdentityNotDeployer")
        .withArgs(stranger.address);
    });

    it("rejects a zero factory", async function () {
      const { identity, deployer } = await loadFixture(deployRegistries);
      await expect(identity.connect(deployer).setFactory(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        identity,
        "IdentityZeroAddress",
      );
    });

    it("registers for another owner when called by the factory", async function () {
      const { identity, deployer, stranger, owner } = await loadFixture(deployRegistries);
      await identity.connect(deployer).setFactory(stranger.address);
      const md = [{ metadataKey: "k", metadataValue: "0xaa" }];
      await expect(identity.connect(stranger).registerFor(owner.address, "ipfs://f", md))
        .to.emit(identity, "Registered")
        .withArgs(1n, "ipfs://f", owner.address);
      expect(await identity.ownerOf(1n)).to.equal(owner.address);
      expect(await identity.getAgentWallet(1n)).to.equal(owner.address);
      expect(await identity.getMetadata(1n, "k")).to.equal("0xaa");
    });

    it("rejects registerFor from anyone but the factory, also before it is set", async function () {
      const { identity, deployer, stranger, owner } = await loadFixture(deployRegistries);
      await expect(identity.connect(deployer).registerFor(owner.address, "", []))
        .to.be.revertedWithCustomError(identity, "IdentityNotFactory")
        .withArgs(deployer.address);
      await identity.connect(deployer).setFactory(stranger.address);
      await expect(identity.connect(owner).registerFor(owner.address, "", []))
        .to.be.revertedWithCustomError(identity, "IdentityNotFactory")
        .withArgs(owner.address);
    });

    it("rejects registerFor to the zero address", async function () {
      const { identity, deployer, stranger } = await loadFixture(deployRegistries);
      await identity.connect(deployer).setFactory(stranger.address);
      await expect(
        identity.connect(stranger).registerFor(ethers.ZeroAddress, "", []),
      ).to.be.revertedWithCustomError(identity, "IdentityZeroAddress");
    });
  });

  describe("setAgentURI and setMetadata", function () {
    for (const who of ["owner", "operator", "approved"] as const) {
      it(`lets the ${who} update the URI (URIUpdated names the caller)`, async function () {
        const f = await loadFixture(deployWithAgent);
        const signer = f[who];
        await expect(f.identity.connect(signer).setAgentURI(f.agentId, "ipfs://new"))
          .to.emit(f.identity, "URIUpdated")
          .withArgs(f.agentId, "ipfs://new", signer.address);
        expect(await f.identity.tokenURI(f.agentId)).to.equal("ipfs://new");
      });

      it(`lets the ${who} set metadata`, async function () {
        const f = await loadFixture(deployWithAgent);
        await expect(f.identity.connect(f[who]).setMetadata(f.agentId, "skill", "0x1234"))
          .to.emit(f.identity, "MetadataSet")
          .withArgs(f.agentId, "skill", "skill", "0x1234");
        expect(await f.identity.getMetadata(f.agentId, "skill")).to.equal("0x1234");
      });
    }

    it("rejects URI updates by strangers", async function () {
      const { identity, stranger, agentId } = await loadFixture(deployWithAgent);
      await expect(identity.connect(stranger).setAgentURI(agentId, "x"))
        .to.be.revertedWithCustomError(identity, "IdentityNotAuthorized")
        .withArgs(agentId, stranger.address);
    });

    it("rejects metadata writes by strangers", async function () {
      const { identity, stranger, agentId } = await loadFixture(deployWithAgent);
      await expect(identity.connect(stranger).setMetadata(agentId, "k", "0x01"))
        .to.be.revertedWithCustomError(identity, "IdentityNotAuthorized")
        .withArgs(agentId, stranger.address);
    });

    it("rejects the reserved agentWallet key in setMetadata", async function () {
      const { identity, owner, stranger, agentId } = await loadFixture(deployWithAgent);
      await expect(identity.connect(owner).setMetadata(agentId, WALLET_KEY, stranger.address))
        .to.be.revertedWithCustomError(identity, "IdentityReservedKey")
        .withArgs(WALLET_KEY);
    });

    it("rejects updates of a missing agent", async function () {
      const { identity, owner } = await loadFixture(deployWithAgent);
      await expect(identity.connect(owner).setAgentURI(9n, "x"))
        .to.be.revertedWithCustomError(identity, "ERC721NonexistentToken")
        .withArgs(9n);
      await expect(identity.connect(owner).setMetadata(9n, "k", "0x")).to.be.revertedWithCustomError(
        identity,
        "ERC721NonexistentToken",
      );
    });

    it("returns empty bytes for unknown metadata keys", async function () {
      const { identity, agentId } = await loadFixture(deployWithAgent);
      expect(await identity.getMetadata(agentId, "nothing")).to.equal("0x");
    });
  });

  describe("approvals and operators", function () {
    it("isAuthorizedOrOwner is true for owner, operator and approved, false for strangers", async function () {
      const { identity, owner, operator, approved, stranger, agentId } = await loadFixture(deployWithAgent);
      expect(await identity.isAuthorizedOrOwner(owner.address, agentId)).to.equal(true);
      expect(await identity.isAuthorizedOrOwner(operator.address, agentId)).to.equal(true);
      expect(await identity.isAuthorizedOrOwner(approved.address, agentId)).to.equal(true);
      expect(await identity.isAuthorizedOrOwner(stranger.address, agentId)).to.equal(false);
    });

    it("isAuthorizedOrOwner reverts for a missing agent", async function () {
      const { identity, owner } = await loadFixture(deployWithAgent);
      await expect(identity.isAuthorizedOrOwner(owner.address, 7n)).to.be.revertedWithCustomError(
        identity,
        "ERC721NonexistentToken",
      );
    });

    it("a revoked operator loses its rights", async function () {
      const { identity, owner, operator, agentId } = await loadFixture(deployWithAgent);
      await identity.connect(owner).setApprovalForAll(operator.address, false);
      await expect(identity.connect(operator).setAgentURI(agentId, "x")).to.be.revertedWithCustomError(
        identity,
        "IdentityNotAuthorized",
      );
    });
  });

  describe("supportsInterface", function () {
    it("reports ERC-165, ERC-721, ERC-721 metadata, ERC-4906, ERC-8004 identity and the extension", async function () {
      const { identity } = await loadFixture(deployRegistries);
      const ids = await ethers.deployContract("InterfaceIdsMock");
      for (const id of ["0x01ffc9a7", "0x80ac58cd", "0x5b5e139f", "0x49064906"]) {
        expect(await identity.supportsInterface(id), id).to.equal(true);
      }
      expect(await identity.supportsInterface(await ids.IDENTITY())).to.equal(true);
      expect(await identity.supportsInterface(await ids.IDENTITY_EXT())).to.equal(true);
      expect(await identity.supportsInterface(await ids.REPUTATION())).to.equal(false);
      expect(await identity.supportsInterface("0xffffffff")).to.equal(false);
    });
  });
});
