import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { BASE_SEPOLIA_USDC } from "./support/usdc";
import { authorization, signAuthorization } from "./support/eip3009";
import { signVoucher, voucherSigner } from "./support/channel";
import { DEPOSIT, PRICE, channelFixture, openChannelFixture } from "./support/channel-fixture";
import { PAYER_FUNDS, systemOnForkFixture } from "./support/system";

const VOUCHERS = 100n;

describe("fork: the System module and the escrow against USDC", function () {
  it("deploys every System contract with code on chain 84532", async function () {
    const f = await loadFixture(systemOnForkFixture);
    const addresses = await Promise.all(
      [f.escrow, f.depositCollector, f.identityRegistry, f.agentFactory].map((c) => c.getAddress()),
    );
    const codes = await Promise.all(addresses.map((a) => hre.ethers.provider.getCode(a)));
    expect(codes.filter((code) => code === "0x")).to.deep.equal([]);
  });

  it("opens a channel with a gasless receiveWithAuthorization deposit signed under the USDC domain", async function () {
    const f = await loadFixture(channelFixture);
    const { tx } = await f.deposit(DEPOSIT);
    await expect(tx).to.emit(f.escrow, "ChannelCreated").and.to.emit(f.escrow, "Deposited");
    expect((await f.escrow.channels(f.channelId)).balance).to.equal(DEPOSIT);
  });

  it("moves the deposit from the payer to the escrow", async function () {
    const f = await loadFixture(channelFixture);
    const { tx } = await f.deposit(DEPOSIT);
    await expect(tx).to.changeTokenBalances(f.token, [f.payer, f.escrow], [-DEPOSIT, DEPOSIT]);
  });

  it("consumes the USDC authorization nonce keccak256(channelId, salt)", async function () {
    const f = await loadFixture(channelFixture);
    const { tx, nonce } = await f.deposit(DEPOSIT);
    await (await tx).wait();
    expect(await f.token.getFunction("authorizationState")(f.payer.address, nonce)).to.equal(true);
  });

  it("accepts 100 vouchers signed by the session key, verified without the chain", async function () {
    const f = await loadFixture(openChannelFixture);
    const signers = new Set<string>();
    for (let i = 1n; i <= VOUCHERS; i++) {
      const signature = await signVoucher(f.session, f.domain, f.channelId, i * PRICE);
      signers.add(voucherSigner(f.domain, f.channelId, i * PRICE, signature));
    }
    expect([...signers]).to.deep.equal([f.session.address]);
  });

  it("claims the 100th voucher in one claim and settles it to the receiver", async function () {
    const f = await loadFixture(openChannelFixture);
    const total = VOUCHERS * PRICE;
    const signature = await signVoucher(f.session, f.domain, f.channelId, total);
    const claim = {
      voucher: { channel: f.config, maxClaimableAmount: total },
      signature,
      totalClaimed: total,
    };
    await (await f.escrow.connect(f.server).claim([claim])).wait();
    await expect(
      f.escrow.connect(f.stranger).settle(f.receiver.address, BASE_SEPOLIA_USDC),
    ).to.changeTokenBalances(f.token, [f.escrow, f.receiver], [-total, total]);
  });

  it("leaves the channel's accounting at the claimed total after settling", async function () {
    const f = await loadFixture(openChannelFixture);
    const total = VOUCHERS * PRICE;
    const signature = await signVoucher(f.session, f.domain, f.channelId, total);
    const claim = {
      voucher: { channel: f.config, maxClaimableAmount: total },
      signature,
      totalClaimed: total,
    };
    await (await f.escrow.connect(f.server).claim([claim])).wait();
    await (await f.escrow.settle(f.receiver.address, BASE_SEPOLIA_USDC)).wait();
    const [channel, receiver] = await Promise.all([
      f.escrow.channels(f.channelId),
      f.escrow.receivers(f.receiver.address, BASE_SEPOLIA_USDC),
    ]);
    expect([channel.totalClaimed, receiver.totalClaimed, receiver.totalSettled]).to.deep.equal([
      total,
      total,
      total,
    ]);
    expect(await f.token.getFunction("balanceOf")(f.payer.address)).to.equal(PAYER_FUNDS - DEPOSIT);
  });

  it("pays an exact request with transferWithAuthorization relayed by the server", async function () {
    const f = await loadFixture(systemOnForkFixture);
    const auth = authorization(f.payer.address, f.receiver.address, PRICE, await time.latest());
    const signature = await signAuthorization(f.payer, f.token, "TransferWithAuthorization", auth);
    const transfer = f.token
      .connect(f.server)
      .getFunction("transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)");
    await expect(
      transfer(auth.from, auth.to, auth.value, auth.validAfter, auth.validBefore, auth.nonce, signature),
    ).to.changeTokenBalances(f.token, [f.payer, f.receiver], [-PRICE, PRICE]);
  });
});
