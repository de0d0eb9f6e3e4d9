import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import { CARD, deployWithAgent } from "./support/fixtures";
import { signWalletProof } from "../identity/support/fixtures";
import { highS } from "../escrow/support/escrow-fixture";

const MAGIC = "0x1626ba7e";
const INVALID = "0xffffffff";

async function asFactory(factory: string) {
  await network.provider.request({ method: "hardhat_impersonateAccount", params: [factory] });
  await setBalance(factory, 10n ** 18n);
  return ethers.getSigner(factory);
}

describe("AgentAccount", function () {
  describe("initialization", function () {
    it("rejects a second initialize, even from the factory", async function () {
      const { factory, account } = await loadFixture(deployWithAgent);
      const f = await asFactory(await factory.getAddress());
      await expect(account.connect(f).initialize(9n, CARD)).to.be.revertedWithCustomError(
        account,
        "AgentAccountAlreadyInitialized",
      );
    });

    it("rejects initialize from anyone but the factory", async function () {
      const { account, owner } = await loadFixture(deployWithAgent);
      await expect(account.connect(owner).initialize(9n, CARD))
        .to.be.revertedWithCustomError(account, "AgentAccountNotFactory")
        .withArgs(owner.address);
    });

    it("cannot initialize the implementation, even as the factory", async function () {
      const { factory, stranger } = await loadFixture(deployWithAgent);
      const impl = await ethers.getContractAt("AgentAccount", await factory.implementation());
      await expect(impl.connect(stranger).initialize(1n, CARD)).to.be.revertedWithCustomError(
        impl,
        "AgentAccountNotFactory",
      );
      const f = await asFactory(await factory.getAddress());
      await expect(impl.connect(f).initialize(1n, CARD)).to.be.revertedWithCustomError(
        impl,
        "AgentAccountAlreadyInitialized",
      );
    });

    it("rejects agent id 0", async function () {
      const { identity, deployer } = await loadFixture(deployWithAgent);
      const impl = await ethers.deployContract("AgentAccount", [await identity.getAddress()]); // factory = deployer
      const cloner = await ethers.deployContract("ClonerMock");
      const receipt = await (await cloner.clone(await impl.getAddress())).wait();
      const clone = await ethers.getContractAt(
        "AgentAccount",
        cloner.interface.parseLog(receipt!.logs[0])!.args[0] as string,
      );
      await expect(clone.connect(deployer).initialize(0n, CARD)).to.be.revertedWithCustomError(
        clone,
        "AgentAccountZeroAgentId",
      );
    });
  });

  describe("ownership follows the identity token", function () {
    it("reports the new owner after a transfer and moves the owner-only rights", async function () {
      const { identity, account, owner, other, recipient, agentId } = await loadFixture(deployWithAgent);
      await owner.sendTransaction({ to: await account.getAddress(), value: 100n });
      await identity.connect(owner).transferFrom(owner.address, other.address, agentId);
      expect(await account.owner()).to.equal(other.address);
      await expect(account.connect(owner).withdraw(ethers.ZeroAddress, recipient.address, 1n))
        .to.be.revertedWithCustomError(account, "AgentAccountNotOwner")
        .withArgs(owner.address);
      await account.connect(other).withdraw(ethers.ZeroAddress, recipient.address, 1n);
    });
  });

  describe("setCardHash", function () {
    for (const who of ["owner", "operator"] as const) {
      it(`lets the ${who} replace the hash and emits CardHashSet`, async function () {
        const f = await loadFixture(deployWithAgent);
        const next = ethers.id("v2");
        await expect(f.account.connect(f[who]).setCardHash(next))
          .to.emit(f.account, "CardHashSet")
          .withArgs(CARD, next, f[who].address);
        expect(await f.account.cardHash()).to.equal(next);
      });
    }

    it("rejects strangers", async function () {
      const { account, stranger } = await loadFixture(deployWithAgent);
      await expect(account.connect(stranger).setCardHash(ethers.ZeroHash))
        .to.be.revertedWithCustomError(account, "AgentAccountNotAuthorized")
        .withArgs(stranger.address);
    });
  });

  describe("heartbeat and isActive", function () {
    it("records the time and emits Heartbeat", async function () {
      const { account, operator } = await loadFixture(deployWithAgent);
      await time.increase(1000);
      const tx = account.connect(operator).heartbeat();
      await expect(tx).to.emit(account, "Heartbeat");
      expect(await account.lastHeartbeat()).to.equal(BigInt(await time.latest()));
    });

    it("is active while now - lastHeartbeat <= maxAge (boundary included)", async function () {
      const { account } = await loadFixture(deployWithAgent);
      const last = await account.lastHeartbeat();
      await time.increaseTo(last + 60n);
      expect(await account.isActive(60n)).to.equal(true);
      expect(await account.isActive(59n)).to.equal(false);
    });

    it("rejects heartbeats by strangers", async function () {
      const { account, stranger } = await loadFixture(deployWithAgent);
      await expect(account.connect(stranger).heartbeat()).to.be.revertedWithCustomError(
        account,
        "AgentAccountNotAuthorized",
      );
    });
  });

  describe("funds", function () {
    it("accepts ETH and emits EtherReceived", async function () {
      const { account, stranger } = await loadFixture(deployWithAgent);
      await expect(stranger.sendTransaction({ to: await account.getAddress(), value: 5n }))
        .to.emit(account, "EtherReceived")
        .withArgs(stranger.address, 5n);
    });

    it("lets the owner withdraw ETH", async function () {
      const { account, owner, recipient } = await loadFixture(deployWithAgent);
      await owner.sendTransaction({ to: await account.getAddress(), value: 1000n });
      const tx = account.connect(owner).withdraw(ethers.ZeroAddress, recipient.address, 600n);
      await expect(tx).to.emit(account, "Withdrawn").withArgs(ethers.ZeroAddress, recipient.address, 600n);
      await expect(tx).to.changeEtherBalances([account, recipient], [-600n, 600n]);
    });

    it("lets the owner withdraw an ERC-20", async function () {
      const { account, owner, recipient } = await loadFixture(deployWithAgent);
      const token = await ethers.deployContract("AgentTestToken");
      await token.mint(await account.getAddress(), 500n);
      const tx = account.connect(owner).withdraw(await token.getAddress(), recipient.address, 500n);
      await expect(tx)
        .to.emit(account, "Withdrawn")
        .withArgs(await token.getAddress(), recipient.address, 500n);
      await expect(tx).to.changeTokenBalances(token, [account, recipient], [-500n, 500n]);
    });

    for (const who of ["operator", "stranger"] as const) {
      it(`rejects withdrawals by the ${who}`, async function () {
        const f = await loadFixture(deployWithAgent);
        await expect(f.account.connect(f[who]).withdraw(ethers.ZeroAddress, f[who].address, 0n))
          .to.be.revertedWithCustomError(f.account, "AgentAccountNotOwner")
          .withArgs(f[who].address);
      });
    }

    it("rejects a zero recipient", async function () {
      const { account, owner } = await loadFixture(deployWithAgent);
      await expect(
        account.connect(owner).withdraw(ethers.ZeroAddress, ethers.ZeroAddress, 0n),
      ).to.be.revertedWithCustomError(account, "AgentAccountZeroRecipient");
    });

    it("reverts when the ETH recipient rejects the transfer", async function () {
      const { account, owner } = await loadFixture(deployWithAgent);
      await owner.sendTransaction({ to: await account.getAddress(), value: 10n });
      const rejector = await ethers.deployContract("EtherRejectorMock");
      await expect(
        account.connect(owner).withdraw(ethers.ZeroAddress, await rejector.getAddress(), 10n),
      ).to.be.revertedWithCustomError(rejector, "NoEther");
    });

    it("blocks re-entry into withdraw from an owner contract", async function () {
      const { identity, account, owner, agentId } = await loadFixture(deployWithAgent);
      const attacker = await ethers.deployContract("ReentrantOwnerMock");
      await owner.sendTransaction({ to: await account.getAddress(), value: 10n });
      await identity.connect(owner).transferFrom(owner.address, await attacker.getAddress(), agentId);
      await expect(attacker.pull(await account.getAddress(), 5n)).to.be.revertedWithCustomError(
        account,
        "ReentrancyGuardReentrantCall",
      );
      expect(await ethers.provider.getBalance(await account.getAddress())).to.equal(10n);
    });
  });

  describe("ERC-1271", function () {
    it("accepts the owner's signature and rejects others", async function () {
      const { account, owner, stranger } = await loadFixture(deployWithAgent);
      const hash = ethers.id("message");
      const byOwner = await signDigest(owner, hash);
      expect(await account.isValidSignature(hash, byOwner)).to.equal(MAGIC);
      expect(await account.isValidSignature(hash, await signDigest(stranger, hash))).to.equal(INVALID);
      expect(await account.isValidSignature(hash, "0x1234")).to.equal(INVALID);
      expect(await account.isValidSignature(hash, highS(byOwner))).to.equal(INVALID);
    });

    it("rejects the previous owner's signature after the token moves", async function () {
      const { identity, account, owner, other, agentId } = await loadFixture(deployWithAgent);
      const hash = ethers.id("message");
      await identity.connect(owner).transferFrom(owner.address, other.address, agentId);
      expect(await account.isValidSignature(hash, await signDigest(owner, hash))).to.equal(INVALID);
      expect(await account.isValidSignature(hash, await signDigest(other, hash))).to.equal(MAGIC);
    });

    it("can become the agent's verified agentWallet through the owner's key", async function () {
      const { identity, account, owner, agentId } = await loadFixture(deployWithAgent);
      const deadline = BigInt(await time.latest()) + 60n;
      const accountAddr = await account.getAddress();
      const sig = await signWalletProof(identity, owner, {
        agentId,
        newWallet: accountAddr,
        owner: owner.address,
        deadline,
      });
      await identity.connect(owner).setAgentWallet(agentId, accountAddr, deadline, sig);
      expect(await identity.getAgentWallet(agentId)).to.equal(accountAddr);
    });
  });
});

/** Raw ECDSA signature of a 32-byte digest by a Hardhat account (no EIP-191 prefix). */
async function signDigest(signer: { address: string }, digest: string): Promise<string> {
  const accounts = network.config.accounts as { mnemonic: string; path: string };
  for (let i = 0; i < 20; i++) {
    const w = ethers.HDNodeWallet.fromPhrase(accounts.mnemonic, undefined, `${accounts.path}/${i}`);
    if (w.address === signer.address) return w.signingKey.sign(digest).serialized;
  }
  throw new Error(`no key for ${signer.address}`);
}
