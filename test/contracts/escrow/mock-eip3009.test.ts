import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import type { MockEIP3009Token } from "../../../typechain-types";

const AUTH_FIELDS = [
  { name: "from", type: "address" },
  { name: "to", type: "address" },
  { name: "value", type: "uint256" },
  { name: "validAfter", type: "uint256" },
  { name: "validBefore", type: "uint256" },
  { name: "nonce", type: "bytes32" },
];

async function tokenFixture() {
  const [alice, bob, relayer] = await ethers.getSigners();
  const token = await ethers.deployContract("MockEIP3009Token");
  await token.mint(alice.address, 1_000_000n);
  return { token, alice, bob, relayer };
}

async function sign(
  token: MockEIP3009Token,
  signer: Signer,
  primary: string,
  message: Record<string, unknown>,
) {
  const domain = {
    name: "USDC",
    version: "2",
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: await token.getAddress(),
  };
  const types =
    primary === "CancelAuthorization"
      ? {
          CancelAuthorization: [
            { name: "authorizer", type: "address" },
            { name: "nonce", type: "bytes32" },
          ],
        }
      : { [primary]: AUTH_FIELDS };
  return signer.signTypedData(domain, types, message);
}

const TRANSFER_BYTES = "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)";
const TRANSFER_VRS =
  "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)";
const RECEIVE_BYTES = "receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)";
const RECEIVE_VRS =
  "receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)";

describe("MockEIP3009Token (test USDC)", function () {
  async function auth(f: Awaited<ReturnType<typeof tokenFixture>>, primary: string, nonce = ethers.id("n1")) {
    const validBefore = BigInt(await time.latest()) + 3600n;
    const message = {
      from: f.alice.address,
      to: f.bob.address,
      value: 500n,
      validAfter: 0n,
      validBefore,
      nonce,
    };
    const signature = await sign(f.token, f.alice, primary, message);
    return {
      message,
      signature,
      args: [f.alice.address, f.bob.address, 500n, 0n, validBefore, nonce] as const,
    };
  }

  it("has 6 decimals and the EIP-712 domain USDC / 2", async function () {
    const { token } = await loadFixture(tokenFixture);
    expect(await token.decimals()).to.equal(6n);
    expect(await token.version()).to.equal("2");
    const d = await token.eip712Domain();
    expect([d.name, d.version]).to.deep.equal(["USDC", "2"]);
    expect(await token.DOMAIN_SEPARATOR()).to.equal(
      ethers.TypedDataEncoder.hashDomain({
        name: "USDC",
        version: "2",
        chainId: d.chainId,
        verifyingContract: d.verifyingContract,
      }),
    );
  });

  it("transferWithAuthorization (bytes signature) moves funds and marks the nonce used", async function () {
    const f = await loadFixture(tokenFixture);
    const { args, signature } = await auth(f, "TransferWithAuthorization");
    await expect(f.token.connect(f.relayer)[TRANSFER_BYTES](...args, signature))
      .to.emit(f.token, "AuthorizationUsed")
      .withArgs(f.alice.address, args[5]);
    expect(await f.token.balanceOf(f.bob.address)).to.equal(500n);
    expect(await f.token.authorizationState(f.alice.address, args[5])).to.equal(true);
  });

  it("transferWithAuthorization (v, r, s) moves funds", async function () {
    const f = await loadFixture(tokenFixture);
    const { args, signature } = await auth(f, "TransferWithAuthorization");
    const sig = ethers.Signature.from(signature);
    await f.token.connect(f.relayer)[TRANSFER_VRS](...args, sig.v, sig.r, sig.s);
    expect(await f.token.balanceOf(f.bob.address)).to.equal(500n);
  });

  it("rejects a reused authorization", async function () {
    const f = await loadFixture(tokenFixture);
    const { args, signature } = await auth(f, "TransferWithAuthorization");
    await f.token[TRANSFER_BYTES](...args, signature);
    await expect(f.token[TRANSFER_BYTES](...args, signature)).to.be.revertedWithCustomError(
      f.token,
      "AuthorizationUsedOrCanceled",
    );
  });

  it("rejects an authorization that is not yet valid", async function () {
    const f = await loadFixture(tokenFixture);
    const validAfter = BigInt(await time.latest()) + 600n;
    const message = {
      from: f.alice.address,
      to: f.bob.address,
      value: 1n,
      validAfter,
      validBefore: validAfter + 600n,
      nonce: ethers.id("later"),
    };
    const signature = await sign(f.token, f.alice, "TransferWithAuthorization", message);
    await expect(
      f.token[TRANSFER_BYTES](
        f.alice.address,
        f.bob.address,
        1n,
        validAfter,
        validAfter + 600n,
        message.nonce,
        signature,
      ),
    ).to.be.revertedWithCustomError(f.token, "AuthorizationNotYetValid");
  });

  it("receiveWithAuthorization (both forms) requires the payee as caller", async function () {
    const f = await loadFixture(tokenFixture);
    const { args, signature } = await auth(f, "ReceiveWithAuthorization");
    await expect(f.token.connect(f.relayer)[RECEIVE_BYTES](...args, signature)).to.be.revertedWithCustomError(
      f.token,
      "CallerMustBePayee",
    );
    const sig = ethers.Signature.from(signature);
    await expect(
      f.token.connect(f.relayer)[RECEIVE_VRS](...args, sig.v, sig.r, sig.s),
    ).to.be.revertedWithCustomError(f.token, "CallerMustBePayee");
    await f.token.connect(f.bob)[RECEIVE_VRS](...args, sig.v, sig.r, sig.s);
    expect(await f.token.balanceOf(f.bob.address)).to.equal(500n);
  });

  it("cancelAuthorization burns an unused nonce", async function () {
    const f = await loadFixture(tokenFixture);
    const { args, signature } = await auth(f, "TransferWithAuthorization");
    const cancel = await sign(f.token, f.alice, "CancelAuthorization", {
      authorizer: f.alice.address,
      nonce: args[5],
    });
    await expect(f.token.cancelAuthorization(f.alice.address, args[5], cancel))
      .to.emit(f.token, "AuthorizationCanceled")
      .withArgs(f.alice.address, args[5]);
    await expect(f.token[TRANSFER_BYTES](...args, signature)).to.be.revertedWithCustomError(
      f.token,
      "AuthorizationUsedOrCanceled",
    );
    await expect(f.token.cancelAuthorization(f.alice.address, args[5], cancel)).to.be.revertedWithCustomError(
      f.token,
      "AuthorizationUsedOrCanceled",
    );
  });

  it("rejects a cancellation signed by someone else", async function () {
    const f = await loadFixture(tokenFixture);
    const cancel = await sign(f.token, f.bob, "CancelAuthorization", {
      authorizer: f.alice.address,
      nonce: ethers.id("x"),
    });
    await expect(
      f.token.cancelAuthorization(f.alice.address, ethers.id("x"), cancel),
    ).to.be.revertedWithCustomError(f.token, "InvalidAuthorizationSignature");
  });
});
