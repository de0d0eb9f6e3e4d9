import { expect } from "chai";
import hre from "hardhat";
import { ethers } from "ethers";
import { computeChannelId } from "@x402/evm/batch-settlement/client";
import { BatchSettlementScheme, createFacilitator, type Facilitator } from "../../sdk/facilitator";
import { voucherDigest } from "../../sdk/facilitator/batch-typed";
import { CHAIN_ID, NETWORK } from "./support/chain";
import { BATCH_SETTLEMENT, USDC, deployProjectContract } from "./support/place";
import { placeEscrow } from "./support/batch";
import {
  batchRequirements,
  channelConfig,
  depositPayload,
  type Config,
  type Requirements,
} from "./support/receiver-side";
import { startWorld, type World } from "./support/world";

const PAYER_AUTHORIZER_REQUIRED = "invalid_batch_settlement_evm_payer_authorizer_required";
const ERC1271_MAGIC = "0x1626ba7e";

/**
 * Issue 17, item 9: a channel with no payerAuthorizer has its vouchers checked with ERC-1271 against the payer's
 * current code, so an AgentAccount payer voids what it was served by moving its NFT. The facilitator refuses such
 * vouchers, and deposits into such channels, as the paywall does.
 */
describe("z402 facilitator: vouchers a payer could void after being served are refused", function () {
  let world: World;
  let escrow: ethers.Contract;
  let relayer: ethers.Wallet;
  let facilitator: Facilitator;
  let req: Requirements;
  const authorizer = ethers.Wallet.createRandom();

  before(async function () {
    world = await startWorld();
    escrow = await placeEscrow(world.chain, await world.operator());
    relayer = await world.operator();
    req = batchRequirements(await world.payee(), authorizer.address);
    facilitator = createFacilitator([new BatchSettlementScheme({ signer: relayer, networks: [NETWORK] })]);
  });
  after(async function () {
    await world.close();
  });

  const sent = () => world.chain.ethersProvider.getTransactionCount(relayer.address);

  /** A contract-wallet payer (ERC-1271, owner-signed) with a funded channel and no payerAuthorizer. */
  async function contractWalletChannel() {
    const owner = await world.payer();
    const address = await deployProjectContract(owner, "MockERC1271Wallet", [owner.address]);
    const abi = (await hre.artifacts.readArtifact("MockERC1271Wallet")).abi;
    const wallet = new ethers.Contract(address, abi, owner);
    await world.usdc.mint(address, 10_000n);
    const config = channelConfig(address, req.payTo, authorizer.address, ethers.ZeroAddress);
    await (await wallet.approve(USDC, BATCH_SETTLEMENT, 10_000n)).wait();
    const deposit = escrow.interface.encodeFunctionData("deposit", [
      config,
      10_000n,
      ethers.ZeroAddress,
      "0x",
    ]);
    await (await wallet.execute(BATCH_SETTLEMENT, deposit)).wait();
    return { owner, wallet, config, channelId: computeChannelId(config, NETWORK) };
  }

  /** The wallet owner's signature over a voucher: valid for the payer through ERC-1271, while the owner is. */
  function ownerVoucher(c: Awaited<ReturnType<typeof contractWalletChannel>>, max: bigint) {
    const digest = voucherDigest(c.channelId, max, CHAIN_ID, BATCH_SETTLEMENT);
    return { digest, signature: c.owner.signingKey.sign(digest).serialized };
  }

  const voucherPayload = (config: Config, channelId: string, max: bigint, signature: string) => ({
    x402Version: 2,
    accepted: req,
    payload: {
      type: "voucher",
      channelConfig: config,
      voucher: { channelId, maxClaimableAmount: String(max), signature },
    },
  });

  it("refuses at /verify a voucher an ERC-1271 payer signed, valid today but voidable tomorrow", async function () {
    const c = await contractWalletChannel();
    const { digest, signature } = ownerVoucher(c, 1000n);
    expect(await c.wallet.isValidSignature(digest, signature)).to.equal(ERC1271_MAGIC);
    const result = await facilitator.verify(voucherPayload(c.config, c.channelId, 1000n, signature), req);
    expect([result.isValid, result.invalidReason]).to.deep.equal([false, PAYER_AUTHORIZER_REQUIRED]);
  });

  it("refuses the same voucher at /settle, sending nothing", async function () {
    const c = await contractWalletChannel();
    const { signature } = ownerVoucher(c, 1000n);
    const txs = await sent();
    const result = await facilitator.settle(voucherPayload(c.config, c.channelId, 1000n, signature), req);
    expect([result.success, result.errorReason, await sent()]).to.deep.equal([
      false,
      PAYER_AUTHORIZER_REQUIRED,
      txs,
    ]);
  });

  it("refuses at /verify a deposit into a channel with no payerAuthorizer", async function () {
    const payer = await world.payer();
    const config = channelConfig(payer.address, req.payTo, authorizer.address, ethers.ZeroAddress);
    const result = await facilitator.verify(await depositPayload(world, payer, req, config, "5000"), req);
    expect(result.invalidReason).to.equal(PAYER_AUTHORIZER_REQUIRED);
  });

  it("refuses at /settle a deposit into a channel with no payerAuthorizer, and the channel stays empty", async function () {
    const payer = await world.payer();
    const config = channelConfig(payer.address, req.payTo, authorizer.address, ethers.ZeroAddress);
    const txs = await sent();
    const result = await facilitator.settle(await depositPayload(world, payer, req, config, "5000"), req);
    const [balance] = (await escrow.channels(computeChannelId(config, NETWORK))) as [bigint, bigint];
    expect([result.errorReason, await sent(), balance]).to.deep.equal([PAYER_AUTHORIZER_REQUIRED, txs, 0n]);
  });

  it("still verifies a voucher of a channel whose payerAuthorizer is set", async function () {
    const payer = await world.payer();
    const config = channelConfig(payer.address, req.payTo, authorizer.address);
    const settled = await facilitator.settle(await depositPayload(world, payer, req, config, "5000"), req);
    const channelId = computeChannelId(config, NETWORK);
    const digest = voucherDigest(channelId, 2000n, CHAIN_ID, BATCH_SETTLEMENT);
    const payload = voucherPayload(config, channelId, 2000n, payer.signingKey.sign(digest).serialized);
    expect([settled.success, (await facilitator.verify(payload, req)).isValid]).to.deep.equal([true, true]);
  });
});
