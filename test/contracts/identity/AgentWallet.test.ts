import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Signature, TypedDataEncoder } from "ethers";
import { highS } from "../escrow/support/escrow-fixture";
import { AGENT_WALLET_TYPES, deployWithAgent, registerAgent, signWalletProof } from "./support/fixtures";

const WALLET_KEY = "agentWallet";

async function setup() {
  const f = await deployWithAgent();
  const deadline = BigInt(await time.latest()) + 120n;
  const proof = { agentId: f.agentId, newWallet: f.wallet.address, owner: f.owner.address, deadline };
  return { ...f, deadline, proof };
}

describe("IdentityRegistry agentWallet", function () {
  it("sets the wallet with an EOA signature of the new wallet", async function () {
    const { identity, owner, wallet, agentId, deadline, proof } = await loadFixture(setup);
    const sig = await signWalletProof(identity, wallet, proof);
    await expect(identity.connect(owner).setAgentWallet(agentId, wallet.address, deadline, sig))
      .to.emit(identity, "MetadataSet")
      .withArgs(agentId, WALLET_KEY, WALLET_KEY, wallet.address.toLowerCase());
    expect(await identity.getAgentWallet(agentId)).to.equal(wallet.address);
    expect(await identity.getMetadata(agentId, WALLET_KEY)).to.equal(wallet.address.toLowerCase());
  });

  it("lets an operator submit the proof", async function () {
    const { identity, operator, wallet, agentId, deadline, proof } = await loadFixture(setup);
    const sig = await signWalletProof(identity, wallet, proof);
    await identity.connect(operator).setAgentWallet(agentId, wallet.address, deadline, sig);
    expect(await identity.getAgentWallet(agentId)).to.equal(wallet.address);
  });

  it("computes the same digest as ethers' EIP-712 encoder", async function () {
    const { identity, proof } = await loadFixture(setup);
    const d = await identity.eip712Domain();
    const domain = {
      name: d.name,
      version: d.version,
      chainId: d.chainId,
      verifyingContract: d.verifyingContract,
    };
    expect(await identity.walletDigest(proof.agentId, proof.newWallet, proof.owner, proof.deadline)).to.equal(
      TypedDataEncoder.hash(domain, AGENT_WALLET_TYPES, proof),
    );
  });

  it("sets a contract wallet through ERC-1271", async function () {
    const { identity, owner, wallet, agentId, deadline } = await loadFixture(setup);
    const mock = await ethers.deployContract("Erc1271SignerMock", [wallet.address]);
    const addr = await mock.getAddress();
    const sig = await signWalletProof(identity, wallet, {
      agentId,
      newWallet: addr,
      owner: owner.address,
      deadline,
    });
    await identity.connect(owner).setAgentWallet(agentId, addr, deadline, sig);
    expect(await identity.getAgentWallet(agentId)).to.equal(addr);
  });

  for (const [mode, label] of [
    [1, "returns a wrong magic value"],
    [2, "reverts"],
  ] as const) {
    it(`rejects an ERC-1271 wallet that ${label}`, async function () {
      const { identity, owner, wallet, agentId, deadline } = await loadFixture(setup);
      const mock = await ethers.deployContract("Erc1271SignerMock", [wallet.address]);
      await mock.setMode(mode);
      const addr = await mock.getAddress();
      const sig = await signWalletProof(identity, wallet, {
        agentId,
        newWallet: addr,
        owner: owner.address,
        deadline,
      });
      await expect(identity.connect(owner).setAgentWallet(agentId, addr, deadline, sig))
        .to.be.revertedWithCustomError(identity, "IdentityInvalidWalletSignature")
        .withArgs(addr);
    });
  }

  it("rejects a signature by another key", async function () {
    const { identity, owner, stranger, wallet, agentId, deadline, proof } = await loadFixture(setup);
    const sig = await signWalletProof(identity, stranger, proof);
    await expect(identity.connect(owner).setAgentWallet(agentId, wallet.address, deadline, sig))
      .to.be.revertedWithCustomError(identity, "IdentityInvalidWalletSignature")
      .withArgs(wallet.address);
  });

  it("rejects the high-s twin of a valid signature (malleability)", async function () {
    const { identity, owner, wallet, agentId, deadline, proof } = await loadFixture(setup);
    const sig = await signWalletProof(identity, wallet, proof);
    await expect(
      identity.connect(owner).setAgentWallet(agentId, wallet.address, deadline, highS(sig)),
    ).to.be.revertedWithCustomError(identity, "IdentityInvalidWalletSignature");
  });

  it("rejects the 64-byte EIP-2098 form of a valid signature (only 65-byte ECDSA or ERC-1271)", async function () {
    const { identity, owner, wallet, agentId, deadline, proof } = await loadFixture(setup);
    const compact = Signature.from(await signWalletProof(identity, wallet, proof)).compactSerialized;
    await expect(
      identity.connect(owner).setAgentWallet(agentId, wallet.address, deadline, compact),
    ).to.be.revertedWithCustomError(identity, "IdentityInvalidWalletSignature");
  });

  it("rejects a replayed proof (the digest is consumed)", async function () {
    const { identity, owner, wallet, agentId, deadline, proof } = await loadFixture(setup);
    const sig = await signWalletProof(identity, wallet, proof);
    await identity.connect(owner).setAgentWallet(agentId, wallet.address, deadline, sig);
    await identity.connect(owner).unsetAgentWallet(agentId);
    const digest = await identity.walletDigest(agentId, wallet.address, owner.address, deadline);
    expect(await identity.usedWalletDigests(digest)).to.equal(true);
    await expect(identity.connect(owner).setAgentWallet(agentId, wallet.address, deadline, sig))
      .to.be.revertedWithCustomError(identity, "IdentityWalletDigestUsed")
      .withArgs(digest);
  });

  it("rejects an expired deadline", async function () {
    const { identity, owner, wallet, agentId, deadline, proof } = await loadFixture(setup);
    const sig = await signWalletProof(identity, wallet, proof);
    await time.setNextBlockTimestamp(deadline + 1n);
    await expect(identity.connect(owner).setAgentWallet(agentId, wallet.address, deadline, sig))
      .to.be.revertedWithCustomError(identity, "IdentityDeadlineExpired")
      .withArgs(deadline, deadline + 1n);
  });

  it("accepts at the deadline boundary (now == deadline)", async function () {
    const { identity, owner, wallet, agentId, deadline, proof } = await loadFixture(setup);
    const sig = await signWalletProof(identity, wallet, proof);
    await time.setNextBlockTimestamp(deadline);
    await identity.connect(owner).setAgentWallet(agentId, wallet.address, deadline, sig);
    expect(await identity.getAgentWallet(agentId)).to.equal(wallet.address);
  });

  for (const [ahead, ok] of [
    [300n, true],
    [301n, false],
  ] as const) {
    it(`${ok ? "accepts" : "rejects"} a deadline ${ahead} s ahead (limit 300 s)`, async function () {
      const { identity, owner, wallet, agentId } = await loadFixture(setup);
      const now = BigInt(await time.latest()) + 10n;
      const deadline = now + ahead;
      const sig = await signWalletProof(identity, wallet, {
        agentId,
        newWallet: wallet.address,
        owner: owner.address,
        deadline,
      });
      await time.setNextBlockTimestamp(now);
      const tx = identity.connect(owner).setAgentWallet(agentId, wallet.address, deadline, sig);
      if (ok) {
        await tx;
        expect(await identity.getAgentWallet(agentId)).to.equal(wallet.address);
      } else {
        await expect(tx)
          .to.be.revertedWithCustomError(identity, "IdentityDeadlineTooFar")
          .withArgs(deadline, now + 300n);
      }
    });
  }

  it("rejects a proof signed for another agent", async function () {
    const { identity, owner, wallet, agentId, deadline, proof } = await loadFixture(setup);
    const other = await registerAgent(identity, owner);
    const sig = await signWalletProof(identity, wallet, { ...proof, agentId: other });
    await expect(
      identity.connect(owner).setAgentWallet(agentId, wallet.address, deadline, sig),
    ).to.be.revertedWithCustomError(identity, "IdentityInvalidWalletSignature");
  });

  it("rejects a proof signed for another chain", async function () {
    const { identity, owner, wallet, agentId, deadline, proof } = await loadFixture(setup);
    const sig = await signWalletProof(identity, wallet, proof, { chainId: 84532n });
    await expect(
      identity.connect(owner).setAgentWallet(agentId, wallet.address, deadline, sig),
    ).to.be.revertedWithCustomError(identity, "IdentityInvalidWalletSignature");
  });

  it("rejects a proof signed for another registry", async function () {
    const { identity, owner, wallet, agentId, deadline, proof } = await loadFixture(setup);
    const other = await ethers.deployContract("IdentityRegistry");
    await other.connect(owner)["register()"]();
    const sig = await signWalletProof(other, wallet, proof);
    await other.connect(owner).setAgentWallet(agentId, wallet.address, deadline, sig);
    await expect(
      identity.connect(owner).setAgentWallet(agentId, wallet.address, deadline, sig),
    ).to.be.revertedWithCustomError(identity, "IdentityInvalidWalletSignature");
  });

  it("rejects the zero wallet", async function () {
    const { identity, owner, agentId, deadline } = await loadFixture(setup);
    await expect(
      identity.connect(owner).setAgentWallet(agentId, ethers.ZeroAddress, deadline, "0x"),
    ).to.be.revertedWithCustomError(identity, "IdentityZeroAddress");
  });

  it("rejects a caller who is not owner or operator", async function () {
    const { identity, stranger, wallet, agentId, deadline, proof } = await loadFixture(setup);
    const sig = await signWalletProof(identity, wallet, proof);
    await expect(identity.connect(stranger).setAgentWallet(agentId, wallet.address, deadline, sig))
      .to.be.revertedWithCustomError(identity, "IdentityNotAuthorized")
      .withArgs(agentId, stranger.address);
  });

  it("clears the wallet on transfer and emits MetadataSet with empty bytes", async function () {
    const { identity, owner, stranger, wallet, agentId, deadline, proof } = await loadFixture(setup);
    await identity
      .connect(owner)
      .setAgentWallet(agentId, wallet.address, deadline, await signWalletProof(identity, wallet, proof));
    await expect(identity.connect(owner).transferFrom(owner.address, stranger.address, agentId))
      .to.emit(identity, "MetadataSet")
      .withArgs(agentId, WALLET_KEY, WALLET_KEY, "0x");
    expect(await identity.getAgentWallet(agentId)).to.equal(ethers.ZeroAddress);
    expect(await identity.getMetadata(agentId, WALLET_KEY)).to.equal("0x");
  });

  it("clears the default (owner) wallet on transfer too", async function () {
    const { identity, owner, stranger, agentId } = await loadFixture(setup);
    await identity.connect(owner).transferFrom(owner.address, stranger.address, agentId);
    expect(await identity.getAgentWallet(agentId)).to.equal(ethers.ZeroAddress);
  });

  it("invalidates proofs naming the previous owner after a transfer", async function () {
    const { identity, owner, stranger, wallet, agentId, deadline, proof } = await loadFixture(setup);
    const sig = await signWalletProof(identity, wallet, proof);
    await identity.connect(owner).transferFrom(owner.address, stranger.address, agentId);
    await expect(
      identity.connect(stranger).setAgentWallet(agentId, wallet.address, deadline, sig),
    ).to.be.revertedWithCustomError(identity, "IdentityInvalidWalletSignature");
  });

  it("unsetAgentWallet clears the wallet and emits MetadataSet with empty bytes", async function () {
    const { identity, owner, agentId } = await loadFixture(setup);
    await expect(identity.connect(owner).unsetAgentWallet(agentId))
      .to.emit(identity, "MetadataSet")
      .withArgs(agentId, WALLET_KEY, WALLET_KEY, "0x");
    expect(await identity.getAgentWallet(agentId)).to.equal(ethers.ZeroAddress);
  });

  it("rejects unsetAgentWallet by strangers", async function () {
    const { identity, stranger, agentId } = await loadFixture(setup);
    await expect(identity.connect(stranger).unsetAgentWallet(agentId)).to.be.revertedWithCustomError(
      identity,
      "IdentityNotAuthorized",
    );
  });

  it("getAgentWallet reverts for a missing agent", async function () {
    const { identity } = await loadFixture(setup);
    await expect(identity.getAgentWallet(5n)).to.be.revertedWithCustomError(
      identity,
      "ERC721NonexistentToken",
    );
  });
});
