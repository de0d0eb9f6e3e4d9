import { expect } from "chai";
import { decodePaymentResponseHeader } from "@x402/core/http";
import { computeChannelId } from "@x402/evm/batch-settlement/client";
import { ethers } from "ethers";
import { CHAIN_ID, NETWORK } from "./support/chain";
import { BATCH_SETTLEMENT, USDC } from "./support/place";
import { serveStockFacilitator, type Served } from "./support/stock";
import { BatchSettlementScheme, createFacilitator, serveFacilitator } from "../../sdk/facilitator";
import {
  placeEscrow,
  serveStockBatchExpress,
  stockBatchFacilitator,
  stockBatchFetch,
  WITHDRAW_DELAY,
} from "./support/batch";
import { startWorld, type World } from "./support/world";

describe("Z402Escrow at the canonical batch-settlement address, driven by stock @x402/evm", function () {
  let world: World;
  let escrow: ethers.Contract;
  let facilitator: Served;

  before(async function () {
    world = await startWorld();
    escrow = await placeEscrow(world.chain, await world.operator());
    facilitator = await serveStockFacilitator(stockBatchFacilitator(world.chain, await world.operator()));
  });
  after(async function () {
    await facilitator.close();
    await world.close();
  });

  it("reports the canonical address in its EIP-712 domain after placement", async function () {
    const domain = await escrow.eip712Domain();
    expect(domain.verifyingContract).to.equal(BATCH_SETTLEMENT);
    expect(domain.chainId).to.equal(BigInt(CHAIN_ID));
  });

  it("derives the same channel id as @x402/evm's computeChannelId", async function () {
    const config = {
      payer: ethers.Wallet.createRandom().address,
      payerAuthorizer: ethers.ZeroAddress,
      receiver: ethers.Wallet.createRandom().address,
      receiverAuthorizer: ethers.Wallet.createRandom().address,
      token: USDC,
      withdrawDelay: WITHDRAW_DELAY,
      salt: ethers.hexlify(ethers.randomBytes(32)),
    };
    expect(await escrow.getChannelId(config)).to.equal(computeChannelId(config as never, NETWORK));
  });

  it("takes a deposit, vouchers, a claim and a settlement from the stock client, server and facilitator", async function () {
    const receiver = await world.payee();
    const authorizer = ethers.Wallet.createRandom();
    const server = await serveStockBatchExpress(facilitator.url, receiver, authorizer.privateKey);
    try {
      const payer = await world.payer();
      const { fetch: pay } = stockBatchFetch(world.chain, payer);
      for (let i = 0; i < 3; i++) {
        const res = await pay(`${server.url}/paid`);
        expect(res.status, await res.clone().text()).to.equal(200);
        expect(decodePaymentResponseHeader(res.headers.get("PAYMENT-RESPONSE")!).success).to.equal(true);
      }
      await server.claimAndSettle();
      expect(await world.usdc.token.balanceOf(receiver)).to.equal(3000n);
    } finally {
      await server.close();
    }
  });

  describe("with the z402 facilitator in place of the stock one", function () {
    let ours: Served;
    before(async function () {
      const scheme = new BatchSettlementScheme({ signer: await world.operator(), networks: [NETWORK] });
      ours = await serveFacilitator(createFacilitator([scheme]));
    });
    after(async function () {
      await ours.close();
    });

    it("serves the stock batch-settlement server and client end to end, with a session key signing vouchers", async function () {
      const receiver = await world.payee();
      const authorizer = ethers.Wallet.createRandom();
      const server = await serveStockBatchExpress(ours.url, receiver, authorizer.privateKey, "700");
      try {
        const payer = await world.payer();
        const { fetch: pay } = stockBatchFetch(world.chain, payer, {
          payerAuthorizer: ethers.Wallet.createRandom() as never,
        });
        for (let i = 0; i < 4; i++) {
          const res = await pay(`${server.url}/paid`);
          expect(res.status, await res.clone().text()).to.equal(200);
        }
        await server.claimAndSettle();
        expect(await world.usdc.token.balanceOf(receiver)).to.equal(2800n);
      } finally {
        await server.close();
      }
    });

    it("carries the stock server's cooperative refund (claim plus refundWithSignature in one multicall) to the payer", async function () {
      const receiver = await world.payee();
      const server = await serveStockBatchExpress(
        ours.url,
        receiver,
        ethers.Wallet.createRandom().privateKey,
        "1000",
      );
      try {
        const payer = await world.payer();
        const before = await world.usdc.token.balanceOf(payer.address);
        const { fetch: pay } = stockBatchFetch(world.chain, payer);
        for (let i = 0; i < 2; i++) expect((await pay(`${server.url}/paid`)).status).to.equal(200);
        const refunds = await server.refundAll();
        expect(refunds).to.have.length(1);
        expect(await world.usdc.token.balanceOf(payer.address)).to.equal(before - 2000n);
        const [claimed] = await escrow.receivers(receiver, USDC);
        expect(claimed).to.equal(2000n); // the owed vouchers were claimed in the same multicall
      } finally {
        await server.close();
      }
    });
  });
});
