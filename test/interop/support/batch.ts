import express from "express";
import { ethers } from "ethers";
import { x402Facilitator } from "@x402/core/facilitator";
import { x402Client, x402HTTPClient } from "@x402/core/client";
import { HTTPFacilitatorClient, x402ResourceServer } from "@x402/core/server";
import { BatchSettlementEvmScheme as BatchFacilitator } from "@x402/evm/batch-settlement/facilitator";
import { BatchSettlementEvmScheme as BatchServer } from "@x402/evm/batch-settlement/server";
import { BatchSettlementEvmScheme as BatchClient } from "@x402/evm/batch-settlement/client";
import { paymentMiddleware } from "@x402/express";
import { wrapFetchWithPayment } from "@x402/fetch";
import { privateKeyToAccount } from "viem/accounts";
import { NETWORK, type InteropChain } from "./chain";
import { BATCH_SETTLEMENT, ERC3009_COLLECTOR, USDC, copyContract, deployProjectContract } from "./place";
import { serve, stockClientSigner, stockFacilitatorSigner, type Served } from "./stock";

/** Withdraw delay the interop routes ask for (the minimum the binding allows). */
export const WITHDRAW_DELAY = 900;

/**
 * Places Z402Escrow's and ERC3009DepositCollector's runtime code at the addresses `@x402/evm` hard-codes. The escrow
 * keeps no constructor state but OZ EIP712's cached separator, which it rebuilds when `address(this)` differs from
 * the deploy address, so its domain becomes the canonical address; the collector's immutable `escrow` is set by
 * deploying it with the canonical escrow address as its constructor argument before its code is copied.
 */
export async function placeEscrow(chain: InteropChain, deployer: ethers.Signer) {
  await copyContract(chain, await deployProjectContract(deployer, "Z402Escrow"), BATCH_SETTLEMENT, 0);
  await copyContract(
    chain,
    await deployProjectContract(deployer, "ERC3009DepositCollector", [BATCH_SETTLEMENT]),
    ERC3009_COLLECTOR,
    0,
  );
  const escrow = new ethers.Contract(
    BATCH_SETTLEMENT,
    (await import("hardhat")).default.artifacts.readArtifactSync("Z402Escrow").abi,
    deployer,
  );
  return escrow;
}

/** `x402Facilitator` with the stock batch-settlement facilitator scheme (no authorizer: servers sign their claims). */
export function stockBatchFacilitator(chain: InteropChain, wallet: ethers.Wallet): x402Facilitator {
  return new x402Facilitator().register(NETWORK, new BatchFacilitator(stockFacilitatorSigner(chain, wallet)));
}

export interface StockBatchServer extends Served {
  scheme: BatchServer;
  /** Claims every voucher the server holds and settles the receiver's balance, through the facilitator. */
  claimAndSettle(): Promise<unknown>;
  /** Cooperatively refunds every channel the server holds (claims what is owed first), through the facilitator. */
  refundAll(): Promise<{ channel: string; transaction: string }[]>;
}

/**
 * A stock `@x402/express` server with the stock batch-settlement server scheme on `GET /paid`. Without a
 * `receiverAuthorizerKey` it delegates that role to the facilitator's advertised one, sending `settleHeaders`
 * (e.g. a bearer credential) with each `/settle` through the stock client's `createAuthHeaders`.
 */
export async function serveStockBatchExpress(
  facilitatorUrl: string,
  receiver: string,
  receiverAuthorizerKey: string | undefined,
  price = "1000",
  settleHeaders: Record<string, string> = {},
): Promise<StockBatchServer> {
  const facilitator = new HTTPFacilitatorClient({
    url: facilitatorUrl,
    createAuthHeaders: async () => ({ verify: {}, settle: settleHeaders, supported: {} }),
  });
  const scheme = new BatchServer(receiver as `0x${string}`, {
    ...(receiverAuthorizerKey
      ? { receiverAuthorizerSigner: privateKeyToAccount(receiverAuthorizerKey as `0x${string}`) }
      : {}),
    withdrawDelay: WITHDRAW_DELAY,
  });
  const resourceServer = new x402ResourceServer(facilitator).register(NETWORK, scheme);
  const app = express();
  app.use(
    paymentMiddleware(
      {
        "GET /paid": {
          accepts: {
            scheme: "batch-settlement",
            network: NETWORK,
            payTo: receiver,
            price: { amount: price, asset: USDC, extra: { name: "USDC", version: "2" } },
          },
        },
      },
      resourceServer,
    ),
  );
  app.get("/paid", (_req, res) => {
    res.json({ paid: true });
  });
  const served = await serve(app);
  const manager = scheme.createChannelManager(facilitator, NETWORK, USDC);
  return {
    ...served,
    scheme,
    claimAndSettle: () => manager.claimAndSettle(),
    refundAll: () => manager.refund(),
  };
}

/** The stock `@x402/fetch` client with the stock batch-settlement client scheme. */
export function stockBatchFetch(
  chain: InteropChain,
  payer: ethers.Wallet,
  options: { payerAuthorizer?: ethers.Wallet } = {},
) {
  const signer = stockClientSigner(chain, payer);
  const voucherSigner = options.payerAuthorizer
    ? stockClientSigner(chain, options.payerAuthorizer)
    : undefined;
  const scheme = new BatchClient(signer, {
    depositPolicy: { depositMultiplier: 5 },
    rpcUrl: chain.rpcUrl,
    ...(voucherSigner ? { voucherSigner, payerAuthorizer: voucherSigner.address } : {}),
  });
  const client = new x402Client().register(NETWORK, scheme);
  return { fetch: wrapFetchWithPayment(fetch, new x402HTTPClient(client)), scheme };
}
