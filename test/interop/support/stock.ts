import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { x402Facilitator } from "@x402/core/facilitator";
import { x402Client, x402HTTPClient } from "@x402/core/client";
import { HTTPFacilitatorClient, x402ResourceServer, type RoutesConfig } from "@x402/core/server";
import { toClientEvmSigner, toFacilitatorEvmSigner } from "@x402/evm";
import { ExactEvmScheme as ExactFacilitator } from "@x402/evm/exact/facilitator";
import { ExactEvmSchemeV1 as ExactFacilitatorV1 } from "@x402/evm/exact/v1/facilitator";
import { ExactEvmScheme as ExactServer } from "@x402/evm/exact/server";
import { ExactEvmScheme as ExactClient } from "@x402/evm/exact/client";
import { ExactEvmSchemeV1 as ExactClientV1 } from "@x402/evm/exact/v1/client";
import { paymentMiddleware } from "@x402/express";
import { wrapFetchWithPayment } from "@x402/fetch";
import type { ethers } from "ethers";
import { NETWORK, V1_NETWORK, viemPublic, viemWallet, type InteropChain } from "./chain";

/** A loopback HTTP server and its base URL. */
export interface Served {
  url: string;
  close(): Promise<void>;
}

/** Listens on an ephemeral loopback port. */
export async function serve(handler: http.RequestListener): Promise<Served> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The stock facilitator signer (viem wallet client + public actions), as the x402 examples build it. */
export function stockFacilitatorSigner(chain: InteropChain, wallet: ethers.Wallet) {
  const client = viemWallet(chain, wallet.privateKey);
  const signer = { ...client, address: client.account.address };
  // viem's verifyTypedData overloads are wider than the signer type spells out; the runtime shape is what x402 uses.
  return toFacilitatorEvmSigner(signer as unknown as Parameters<typeof toFacilitatorEvmSigner>[0]);
}

/** The stock client signer for `wallet`, with chain reads. */
export function stockClientSigner(chain: InteropChain, wallet: ethers.Wallet) {
  const client = viemWallet(chain, wallet.privateKey);
  return toClientEvmSigner(client.account, viemPublic(chain));
}

/** `x402Facilitator` with the stock `exact` scheme for v2 (CAIP-2) and v1 (`base-sepolia`). */
export function stockExactFacilitator(chain: InteropChain, wallet: ethers.Wallet): x402Facilitator {
  const signer = stockFacilitatorSigner(chain, wallet);
  return new x402Facilitator()
    .register(NETWORK, new ExactFacilitator(signer))
    .registerV1(V1_NETWORK as never, new ExactFacilitatorV1(signer));
}

/** Serves any x402 facilitator object over HTTP the way the x402 examples do (express, JSON in and out). */
export async function serveStockFacilitator(facilitator: x402Facilitator): Promise<Served> {
  const app = express();
  app.use(express.json());
  app.get("/supported", (_req, res) => {
    res.json(facilitator.getSupported());
  });
  for (const op of ["verify", "settle"] as const) {
    app.post(`/${op}`, async (req, res) => {
      try {
        const { paymentPayload, paymentRequirements } = req.body;
        res.json(await facilitator[op](paymentPayload, paymentRequirements));
      } catch (e) {
        res.status(500).json({ error: (e as Error).message });
      }
    });
  }
  return serve(app);
}

/** A stock `@x402/express` server with one paid route `GET /paid` and the stock `exact` server scheme. */
export async function serveStockExpress(facilitatorUrl: string, routes: RoutesConfig): Promise<Served> {
  const resourceServer = new x402ResourceServer(new HTTPFacilitatorClient({ url: facilitatorUrl }));
  resourceServer.register(NETWORK, new ExactServer());
  const app = express();
  app.use(paymentMiddleware(routes, resourceServer));
  app.get("/paid", (_req, res) => {
    res.json({ paid: true });
  });
  return serve(app);
}

/** The stock `@x402/fetch` client paying with `exact` (v2 and, for v1 402 bodies, the v1 scheme). */
export function stockFetch(chain: InteropChain, wallet: ethers.Wallet): typeof fetch {
  const signer = stockClientSigner(chain, wallet);
  const client = new x402Client().register(NETWORK, new ExactClient(signer));
  client.registerV1(V1_NETWORK as never, new ExactClientV1(signer));
  return wrapFetchWithPayment(fetch, new x402HTTPClient(client));
}
