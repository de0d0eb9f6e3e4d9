import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  BASE_SEPOLIA_USDC,
  freshAccount,
  PROXY_IMPLEMENTATION_SLOT,
  USDC_FACTS,
  findBalanceSlot,
  setupUsdc,
  writeBalance,
} from "./support/usdc";
import { authorization, signAuthorization, tokenDomain } from "./support/eip3009";

describe("fork: USDC at the Base Sepolia address", function () {
  async function usdcFixture() {
    const usdc = await setupUsdc(hre);
    const [payer, payee] = [await freshAccount(hre), await freshAccount(hre)];
    const [, relayer] = await hre.ethers.getSigners();
    await usdc.fund(payer.address, 1_000_000_000n);
    return { usdc, token: usdc.token, payer, payee, relayer };
  }

  it("runs on chain id 84532", async function () {
    expect((await hre.ethers.provider.getNetwork()).chainId).to.equal(84532n);
  });

  it("has the EIP-712 domain name USDC and version 2", async function () {
    const { token } = await loadFixture(usdcFixture);
    const domain = await tokenDomain(token);
    expect([domain.name, domain.version, domain.verifyingContract]).to.deep.equal([
      USDC_FACTS.name,
      USDC_FACTS.version,
      BASE_SEPOLIA_USDC,
    ]);
  });

  it("has symbol USDC and 6 decimals", async function () {
    const { token } = await loadFixture(usdcFixture);
    expect([await token.getFunction("symbol")(), await token.getFunction("decimals")()]).to.deep.equal([
      USDC_FACTS.symbol,
      BigInt(USDC_FACTS.decimals),
    ]);
  });

  it("sits behind a FiatTokenProxy whose implementation is a contract", async function () {
    await loadFixture(usdcFixture);
    const word = await hre.ethers.provider.getStorage(BASE_SEPOLIA_USDC, PROXY_IMPLEMENTATION_SLOT);
    const implementation = hre.ethers.getAddress(hre.ethers.dataSlice(word, 12));
    expect(await hre.ethers.provider.getCode(implementation)).to.not.equal("0x");
  });

  it("computes the domain separator from the chain id 84532", async function () {
    const { token } = await loadFixture(usdcFixture);
    const expected = hre.ethers.TypedDataEncoder.hashDomain(await tokenDomain(token));
    expect(await token.getFunction("DOMAIN_SEPARATOR")()).to.equal(expected);
  });

  it("funds test accounts", async function () {
    const { token, payer } = await loadFixture(usdcFixture);
    expect(await token.getFunction("balanceOf")(payer.address)).to.equal(1_000_000_000n);
  });

  it("moves funds with a relayed transferWithAuthorization", async function () {
    const { token, payer, payee, relayer } = await loadFixture(usdcFixture);
    const auth = authorization(payer.address, payee.address, 1_500_000n, await time.latest());
    const signature = await signAuthorization(payer, token, "TransferWithAuthorization", auth);
    const call = token
      .connect(relayer)
      .getFunction("transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)");
    await expect(
      call(auth.from, auth.to, auth.value, auth.validAfter, auth.validBefore, auth.nonce, signature),
    ).to.changeTokenBalances(token, [payer, payee], [-1_500_000n, 1_500_000n]);
  });

  it("rejects a replayed authorization nonce", async function () {
    const { token, payer, payee, relayer } = await loadFixture(usdcFixture);
    const auth = authorization(payer.address, payee.address, 1n, await time.latest());
    const signature = await signAuthorization(payer, token, "TransferWithAuthorization", auth);
    const call = token
      .connect(relayer)
      .getFunction("transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)");
    const args = [
      auth.from,
      auth.to,
      auth.value,
      auth.validAfter,
      auth.validBefore,
      auth.nonce,
      signature,
    ] as const;
    await (await call(...args)).wait();
    await expect(call(...args)).to.be.revertedWith("FiatTokenV2: authorization is used or canceled");
  });

  it("lets only the payee submit a receiveWithAuthorization", async function () {
    const { token, payer, payee, relayer } = await loadFixture(usdcFixture);
    const auth = authorization(payer.address, payee.address, 1n, await time.latest());
    const signature = await signAuthorization(payer, token, "ReceiveWithAuthorization", auth);
    const fn = "receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)";
    const args = [
      auth.from,
      auth.to,
      auth.value,
      auth.validAfter,
      auth.validBefore,
      auth.nonce,
      signature,
    ] as const;
    await expect(token.connect(relayer).getFunction(fn)(...args)).to.be.revertedWith(
      "FiatTokenV2: caller must be the payee",
    );
    await expect(token.connect(payee).getFunction(fn)(...args)).to.changeTokenBalance(token, payee, 1n);
  });

  it("funds by a storage write into the balance mapping (the live-fork path)", async function () {
    const { token, payee } = await loadFixture(usdcFixture);
    const supply = (await token.getFunction("totalSupply")()) as bigint;
    await writeBalance(hre, token, await findBalanceSlot(hre, token), payee.address, 42n);
    expect([
      await token.getFunction("balanceOf")(payee.address),
      await token.getFunction("totalSupply")(),
    ]).to.deep.equal([42n, supply + 42n]);
  });

  it("reaches the pauser and blacklister by impersonation", async function () {
    const { usdc, token, payee } = await loadFixture(usdcFixture);
    await (await token.connect(await usdc.blacklister()).getFunction("blacklist")(payee.address)).wait();
    await (await token.connect(await usdc.pauser()).getFunction("pause")()).wait();
    expect([
      await token.getFunction("isBlacklisted")(payee.address),
      await token.getFunction("paused")(),
    ]).to.deep.equal([true, true]);
  });
});
