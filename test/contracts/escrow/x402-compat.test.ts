import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Interface, type FunctionFragment, type EventFragment } from "ethers";
import { hashTypedData } from "viem";
import {
  ERC3009_DEPOSIT_COLLECTOR_ADDRESS,
  BATCH_SETTLEMENT_ADDRESS,
  BATCH_SETTLEMENT_DOMAIN,
  claimBatchTypes,
  refundTypes,
  voucherTypes,
} from "@x402/evm";
import { USDC, claimRow, deployEscrowFixture, type ChannelConfig } from "./support/escrow-fixture";
import {
  ethersTypes,
  loadX402BatchSettlementAbi,
  x402BatchClient,
  x402ComputeChannelId as computeChannelId,
} from "./support/x402-abi";
import { privateKeyToAccount } from "viem/accounts";

const x402 = new Interface(loadX402BatchSettlementAbi());

/** The fixture with Z402Escrow's runtime code placed at the canonical x402 batch-settlement address. */
async function canonicalFixture() {
  const f = await deployEscrowFixture();
  const code = await ethers.provider.getCode(await f.escrow.getAddress());
  await network.provider.send("hardhat_setCode", [BATCH_SETTLEMENT_ADDRESS, code]);
  const escrow = await ethers.getContractAt("Z402Escrow", BATCH_SETTLEMENT_ADDRESS);
  await f.token.connect(f.payer).approve(BATCH_SETTLEMENT_ADDRESS, ethers.MaxUint256);
  const config: ChannelConfig = { ...f.config };
  await escrow.connect(f.payer).deposit(config, USDC(50), ethers.ZeroAddress, "0x");
  const chainId = Number((await ethers.provider.getNetwork()).chainId);
  const domain = {
    ...BATCH_SETTLEMENT_DOMAIN,
    chainId,
    verifyingContract: BATCH_SETTLEMENT_ADDRESS as `0x${string}`,
  };
  return { ...f, escrow, config, chainId, domain };
}

function viemConfig(c: ChannelConfig) {
  return {
    payer: c.payer as `0x${string}`,
    payerAuthorizer: c.payerAuthorizer as `0x${string}`,
    receiver: c.receiver as `0x${string}`,
    receiverAuthorizer: c.receiverAuthorizer as `0x${string}`,
    token: c.token as `0x${string}`,
    withdrawDelay: Number(c.withdrawDelay),
    salt: c.salt as `0x${string}`,
  };
}

describe("Z402Escrow: @x402/evm batch-settlement compatibility", function () {
  describe("ABI", function () {
    const ours = ethers.getContractFactory("Z402Escrow").then((f) => f.interface);

    for (const fragment of x402.fragments.filter((f) => f.type === "function") as FunctionFragment[]) {
      it(`has ${fragment.format("sighash")} with the same selector and outputs`, async function () {
        const mine = (await ours).getFunction(fragment.selector);
        expect(mine, fragment.format("sighash")).to.not.equal(null);
        expect(mine!.name).to.equal(fragment.name);
        expect(mine!.outputs.map((o) => o.format())).to.deep.equal(fragment.outputs.map((o) => o.format()));
        expect(mine!.stateMutability).to.equal(fragment.stateMutability);
      });
    }

    for (const fragment of x402.fragments.filter((f) => f.type === "event") as EventFragment[]) {
      it(`emits ${fragment.format("sighash")} with the same topic and indexed fields`, async function () {
        const mine = (await ours).getEvent(fragment.topicHash);
        expect(mine).to.not.equal(null);
        expect(mine!.inputs.map((i) => i.indexed)).to.deep.equal(fragment.inputs.map((i) => i.indexed));
      });
    }
  });

  describe("EIP-712", function () {
    it("exposes the x402 domain through EIP-5267", async function () {
      const { escrow, chainId } = await loadFixture(canonicalFixture);
      const d = await escrow.eip712Domain();
      expect(d.name).to.equal(BATCH_SETTLEMENT_DOMAIN.name);
      expect(d.version).to.equal(BATCH_SETTLEMENT_DOMAIN.version);
      expect(d.chainId).to.equal(BigInt(chainId));
      expect(d.verifyingContract).to.equal(BATCH_SETTLEMENT_ADDRESS);
    });

    it("computes the same channel id as @x402/evm's computeChannelId", async function () {
      const { escrow, config, chainId } = await loadFixture(canonicalFixture);
      expect(await escrow.getChannelId(config)).to.equal(computeChannelId(viemConfig(config), chainId));
    });

    it("computes the same voucher, refund and claim-batch digests as viem with @x402/evm's types", async function () {
      const { escrow, config, domain } = await loadFixture(canonicalFixture);
      const channelId = (await escrow.getChannelId(config)) as `0x${string}`;
      expect(await escrow.getVoucherDigest(channelId, 123n)).to.equal(
        hashTypedData({
          domain,
          types: voucherTypes,
          primaryType: "Voucher",
          message: { channelId, maxClaimableAmount: 123n },
        }),
      );
      expect(await escrow.getRefundDigest(channelId, 4n, 55n)).to.equal(
        hashTypedData({
          domain,
          types: refundTypes,
          primaryType: "Refund",
          message: { channelId, nonce: 4n, amount: 55n },
        }),
      );
      const row = claimRow(config, 9n, "0x", 8n);
      expect(await escrow.getClaimBatchDigest([row])).to.equal(
        hashTypedData({
          domain,
          types: claimBatchTypes,
          primaryType: "ClaimBatch",
          message: { claims: [{ channelId, maxClaimableAmount: 9n, totalClaimed: 8n }] },
        }),
      );
    });

    it("accepts a voucher signed with @x402/evm's voucherTypes and domain at the canonical address", async function () {
      const { escrow, config, domain, payerAuthorizer, receiver } = await loadFixture(canonicalFixture);
      const channelId = computeChannelId(viemConfig(config), domain.chainId);
      const signature = await payerAuthorizer.signTypedData(domain, ethersTypes(voucherTypes), {
        channelId,
        maxClaimableAmount: USDC(3),
      });
      await expect(escrow.connect(receiver).claim([claimRow(config, USDC(3), signature)]))
        .to.emit(escrow, "Claimed")
        .withArgs(channelId, receiver.address, USDC(3), USDC(3));
    });

    it("accepts a claim batch signed with @x402/evm's claimBatchTypes", async function () {
      const { escrow, config, domain, payerAuthorizer, receiverAuthorizer, relayer } =
        await loadFixture(canonicalFixture);
      const channelId = computeChannelId(viemConfig(config), domain.chainId);
      const voucher = await payerAuthorizer.signTypedData(domain, ethersTypes(voucherTypes), {
        channelId,
        maxClaimableAmount: USDC(3),
      });
      const auth = await receiverAuthorizer.signTypedData(domain, ethersTypes(claimBatchTypes), {
        claims: [{ channelId, maxClaimableAmount: USDC(3), totalClaimed: USDC(3) }],
      });
      await expect(
        escrow.connect(relayer).claimWithSignature([claimRow(config, USDC(3), voucher)], auth),
      ).to.emit(escrow, "Claimed");
    });

    it("keeps the documented storage layout: channels, pendingWithdrawals, refundNonce, receivers at slots 2..5", async function () {
      const { escrow, config, payer, receiver, payerAuthorizer, domain } =
        await loadFixture(canonicalFixture);
      const id = await escrow.getChannelId(config);
      const voucher = await payerAuthorizer.signTypedData(domain, ethersTypes(voucherTypes), {
        channelId: id,
        maxClaimableAmount: 7n,
      });
      await escrow.connect(receiver).claim([claimRow(config, 7n, voucher)]);
      await escrow.connect(receiver).refund(config, 1n);
      await escrow.connect(payer).initiateWithdraw(config, 2n);
      const coder = ethers.AbiCoder.defaultAbiCoder();
      const slotOf = (key: string, slot: number, keyType = "bytes32") =>
        ethers.keccak256(coder.encode([keyType, "uint256"], [key, slot]));
      const read = (slot: string) => ethers.provider.getStorage(BATCH_SETTLEMENT_ADDRESS, slot);
      const ch = await escrow.channels(id);
      expect(BigInt(await read(slotOf(id, 2)))).to.equal((ch.totalClaimed << 128n) | ch.balance);
      expect(BigInt(await read(slotOf(id, 3))) & ((1n << 128n) - 1n)).to.equal(2n);
      expect(BigInt(await read(slotOf(id, 4)))).to.equal(1n);
      const inner = ethers.keccak256(coder.encode(["address", "uint256"], [receiver.address, 5]));
      const leaf = ethers.keccak256(coder.encode(["address", "bytes32"], [config.token, inner]));
      expect(BigInt(await read(leaf))).to.equal(7n);
    });

    it("CHANNEL_CONFIG_TYPEHASH is the hash of the x402 ChannelConfig type string", async function () {
      const { escrow } = await loadFixture(canonicalFixture);
      expect(await escrow.CHANNEL_CONFIG_TYPEHASH()).to.equal(
        ethers.id(
          "ChannelConfig(address payer,address payerAuthorizer,address receiver,address receiverAuthorizer," +
            "address token,uint40 withdrawDelay,bytes32 salt)",
        ),
      );
    });
  });

  describe("@x402/evm client against our contracts at the canonical addresses", function () {
    it("funds a channel from the client's deposit payload through the EIP-3009 collector, then claims its voucher", async function () {
      const f = await loadFixture(canonicalFixture);
      const collector = await ethers.deployContract("ERC3009DepositCollector", [BATCH_SETTLEMENT_ADDRESS]);
      const collectorCode = await ethers.provider.getCode(await collector.getAddress());
      await network.provider.send("hardhat_setCode", [ERC3009_DEPOSIT_COLLECTOR_ADDRESS, collectorCode]);
      const wallet = ethers.Wallet.createRandom();
      const account = privateKeyToAccount(wallet.privateKey as `0x${string}`);
      await f.token.mint(wallet.address, USDC(50));
      const tokenAddr = await f.token.getAddress();
      const requirements = {
        scheme: "batch-settlement",
        network: `eip155:${f.chainId}`,
        asset: tokenAddr,
        amount: "1000",
        payTo: f.receiver.address,
        maxTimeoutSeconds: 30 * 86_400,
        extra: {
          receiverAuthorizer: f.receiverAuthorizer.address,
          withdrawDelay: 86_400,
          name: "USDC",
          version: "2",
        },
      };
      const client = x402BatchClient(account as never);
      const { payload } = await client.createPaymentPayload(2, requirements);
      expect(payload.type).to.equal("deposit");
      const p = payload as unknown as {
        channelConfig: ChannelConfig;
        voucher: { channelId: string; maxClaimableAmount: string; signature: string };
        deposit: {
          amount: string;
          authorization: {
            erc3009Authorization: {
              validAfter: string;
              validBefore: string;
              salt: string;
              signature: string;
            };
          };
        };
      };
      const auth = p.deposit.authorization.erc3009Authorization;
      const data = ethers.AbiCoder.defaultAbiCoder().encode(
        ["uint256", "uint256", "uint256", "bytes"],
        [auth.validAfter, auth.validBefore, auth.salt, auth.signature],
      );
      await f.escrow
        .connect(f.relayer)
        .deposit(p.channelConfig, p.deposit.amount, ERC3009_DEPOSIT_COLLECTOR_ADDRESS, data);
      const channelId = await f.escrow.getChannelId(p.channelConfig);
      expect(channelId).to.equal(p.voucher.channelId);
      expect((await f.escrow.channels(channelId)).balance).to.equal(BigInt(p.deposit.amount));
      const max = BigInt(p.voucher.maxClaimableAmount);
      await expect(f.escrow.connect(f.receiver).claim([claimRow(p.channelConfig, max, p.voucher.signature)]))
        .to.emit(f.escrow, "Claimed")
        .withArgs(channelId, f.receiver.address, max, max);
    });
  });
});
