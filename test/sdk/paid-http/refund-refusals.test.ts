import { expect } from "chai";
import { ethers } from "hardhat";
import { channelIdOf, signVoucher } from "../../../sdk/client";
import { decodeJson } from "../../../sdk/client/wire";
import { deploy, freshKey, startServer, type Deployment, type TestServer } from "./support/fixture";
import { b64, openChannel, PRICE, reasonOf, type Kit } from "./support/kit";

describe("paywall: refunds it refuses", function () {
  let d: Deployment;
  let server: TestServer;
  let escrow: Awaited<ReturnType<typeof ethers.getContractAt>>;

  before(async () => {
    d = await deploy();
    escrow = await ethers.getContractAt("Z402Escrow", d.escrow);
    server = await startServer(d, { authorizer: d.authorizer });
  });
  after(async () => server.close());

  const refusal = async (res: Response) => ({ status: res.status, reason: await reasonOf(res) });
  /** What the escrow holds for the kit's channel: balance, totalClaimed and the refund nonce. */
  const onChain = async (kit: Kit) => [
    ...((await escrow.channels(kit.channelId)) as [bigint, bigint]),
    (await escrow.refundNonce(kit.channelId)) as bigint,
  ];

  /** A zero-charge voucher, signed by the kit's session key, for another channel config. */
  const zeroVoucher = async (kit: Kit, config: Kit["config"]) => {
    const channelId = channelIdOf(d.chainId, d.escrow, config);
    const signature = await signVoucher(kit.session, d.chainId, d.escrow, channelId, 0n);
    return { channelId, maxClaimableAmount: "0", signature };
  };

  it("refuses a replayed full refund with refund_no_balance and sends nothing", async () => {
    const kit = await openChannel(d, server);
    const header = b64(kit.refundBody(await kit.voucher(PRICE)));
    expect((await kit.send("/paid/a", header)).status).to.equal(200);
    const after = await onChain(kit);
    expect(await refusal(await kit.send("/paid/a", header))).to.deep.equal({
      status: 402,
      reason: "invalid_batch_settlement_evm_refund_no_balance",
    });
    expect(await onChain(kit)).to.deep.equal(after);
  });

  it("refuses a voucher that charges (maxClaimableAmount above the charge) with a corrective 402", async () => {
    const kit = await openChannel(d, server);
    const before = await onChain(kit);
    const res = await kit.send("/paid/a", b64(kit.refundBody(await kit.voucher(2n * PRICE))));
    const required = decodeJson(res.headers.get("payment-required")!) as {
      error: string;
      accepts: { extra: { channelState?: { chargedCumulativeAmount: string } } }[];
    };
    expect([
      res.status,
      required.error,
      required.accepts[0].extra.channelState?.chargedCumulativeAmount,
    ]).to.deep.equal([402, "invalid_batch_settlement_evm_cumulative_amount_mismatch", PRICE.toString()]);
    expect(await onChain(kit)).to.deep.equal(before);
  });

  it("refuses a refund voucher not signed by the channel's payerAuthorizer", async () => {
    const kit = await openChannel(d, server);
    const before = await onChain(kit);
    const forged = await kit.voucher(PRICE, freshKey());
    expect(await refusal(await kit.send("/paid/a", b64(kit.refundBody(forged))))).to.deep.equal({
      status: 402,
      reason: "invalid_batch_settlement_evm_voucher_signature",
    });
    expect(await onChain(kit)).to.deep.equal(before);
  });

  it("refuses a refund of a channel whose receiver is not the route's", async () => {
    const kit = await openChannel(d, server);
    const config = { ...kit.config, receiver: await d.other.getAddress() };
    const voucher = await zeroVoucher(kit, config);
    expect(
      await refusal(await kit.send("/paid/a", b64(kit.refundBody(voucher, undefined, config)))),
    ).to.deep.equal({
      status: 402,
      reason: "invalid_batch_settlement_evm_receiver_mismatch",
    });
  });

  it("refuses a zero amount with refund_amount_invalid", async () => {
    const kit = await openChannel(d, server);
    expect(
      await refusal(await kit.send("/paid/a", b64(kit.refundBody(await kit.voucher(PRICE), 0n)))),
    ).to.deep.equal({
      status: 402,
      reason: "invalid_batch_settlement_evm_refund_amount_invalid",
    });
  });

  it("refuses an unknown field in the refund payload as invalid_payload", async () => {
    const kit = await openChannel(d, server);
    const body = kit.refundBody(await kit.voucher(PRICE));
    (body.payload as Record<string, unknown>).refundNonce = "0";
    expect(await refusal(await kit.send("/paid/a", b64(body)))).to.deep.equal({
      status: 400,
      reason: "invalid_payload",
    });
  });

  it("refuses a refund of a channel that holds nothing with channel_not_found", async () => {
    const kit = await openChannel(d, server);
    const config = { ...kit.config, salt: "0x" + "42".repeat(32) };
    const voucher = await zeroVoucher(kit, config);
    expect(
      await refusal(await kit.send("/paid/a", b64(kit.refundBody(voucher, undefined, config)))),
    ).to.deep.equal({
      status: 402,
      reason: "invalid_batch_settlement_evm_channel_not_found",
    });
  });

  it("serves the channel's next voucher after a refund it refused", async () => {
    const kit = await openChannel(d, server);
    await kit.send("/paid/a", b64(kit.refundBody(await kit.voucher(PRICE, freshKey()))));
    expect((await kit.send("/paid/a", b64(kit.body(await kit.voucher(2n * PRICE))))).status).to.equal(200);
  });
});

describe("paywall: refunds of a channel whose payer is a contract wallet (ERC-1271)", function () {
  const DEPOSIT = 50_000n;
  let d: Deployment;
  let server: TestServer;

  before(async () => {
    d = await deploy();
    server = await startServer(d, { authorizer: d.authorizer });
  });
  after(async () => server.close());

  /** A wallet owned by a fresh key, holding a channel it funded itself (vouchers checked with ERC-1271). */
  async function walletChannel() {
    const owner = freshKey();
    const wallet = await ethers.deployContract("MockERC1271Wallet", [owner.address]);
    const walletAddress = await wallet.getAddress();
    await d.token.mint(walletAddress, DEPOSIT);
    await wallet.approve(d.tokenAddress, d.escrow, DEPOSIT);
    const config = {
      payer: walletAddress,
      payerAuthorizer: ethers.ZeroAddress,
      receiver: d.receiver,
      receiverAuthorizer: d.authorizer.address,
      token: d.tokenAddress,
      withdrawDelay: 900,
      salt: ethers.ZeroHash,
    };
    const escrow = await ethers.getContractAt("Z402Escrow", d.escrow);
    const data = escrow.interface.encodeFunctionData("deposit", [config, DEPOSIT, ethers.ZeroAddress, "0x"]);
    await wallet.execute(d.escrow, data);
    const channelId = channelIdOf(d.chainId, d.escrow, config);
    const required = decodeJson((await fetch(`${server.url}/paid/a`)).headers.get("payment-required")!) as {
      accepts: unknown[];
    };
    const body = async (signer = owner) => ({
      x402Version: 2,
      accepted: required.accepts[0],
      payload: {
        type: "refund",
        channelConfig: config,
        voucher: {
          channelId,
          maxClaimableAmount: "0",
          signature: await signVoucher(signer, d.chainId, d.escrow, channelId, 0n),
        },
      },
    });
    const send = async (signer?: typeof owner) =>
      fetch(`${server.url}/paid/a`, { headers: { "payment-signature": b64(await body(signer)) } });
    return { wallet, walletAddress, send };
  }

  it("refunds the wallet when the wallet accepts the voucher signature", async () => {
    const { walletAddress, send } = await walletChannel();
    expect((await send()).status).to.equal(200);
    expect(await d.token.balanceOf(walletAddress)).to.equal(DEPOSIT);
  });

  it("refuses the refund when the wallet rejects the signature", async () => {
    const { walletAddress, send } = await walletChannel();
    expect(await reasonOf(await send(freshKey()))).to.equal("invalid_batch_settlement_evm_voucher_signature");
    expect(await d.token.balanceOf(walletAddress)).to.equal(0n);
  });
});
