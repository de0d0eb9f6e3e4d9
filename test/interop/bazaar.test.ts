/**
 * Bazaar interop: the stock `@x402/extensions/bazaar` helpers on both sides of z402. A stock server's declaration
 * is echoed by the z402 client and cataloged by the z402 facilitator; the z402 paywall's 402 reads with the stock
 * client helpers; the stock facilitator client (`withBazaar`) lists the z402 facilitator's catalog.
 */
import { expect } from "chai";
import express from "express";
import type http from "node:http";
import { x402Client, x402HTTPClient } from "@x402/core/client";
import { HTTPFacilitatorClient, x402ResourceServer } from "@x402/core/server";
import { ExactEvmScheme as ExactServer } from "@x402/evm/exact/server";
import { paymentMiddleware } from "@x402/express";
import {
  bazaarResourceServerExtension,
  declareDiscoveryExtension,
  validateDiscoveryExtension,
  validateDiscoveryExtensionSpec,
  withBazaar,
  type DiscoveryExtension,
} from "@x402/extensions/bazaar";
import {
  BazaarCatalog,
  ExactEip3009Scheme,
  MemoryCatalogStore,
  createFacilitator,
  serveFacilitator,
  type RunningFacilitator,
} from "../../sdk/facilitator";
import { NETWORK } from "./support/chain";
import { USDC } from "./support/place";
import { placeEscrow } from "./support/batch";
import { BATCH_SETTLEMENT, ERC3009_COLLECTOR } from "./support/place";
import { serve, type Served } from "./support/stock";
import { serveZ402, z402Fetch } from "./support/z402";
import { ethers } from "ethers";
import { ethersClientChain, wrapFetch } from "../../sdk/client";
import { CHAIN_ID } from "./support/chain";
import { startWorld, type World } from "./support/world";

const SUMMARIZE = {
  input: { text: "a long text" },
  inputSchema: { properties: { text: { type: "string" } }, required: ["text"] },
  output: { example: { summary: "short" } },
};

describe("Bazaar interop with the stock @x402/extensions helpers", function () {
  let world: World;
  let ours: RunningFacilitator;
  let catalog: BazaarCatalog;
  const bazaar = () => withBazaar(new HTTPFacilitatorClient({ url: ours.url })).extensions.bazaar;

  before(async function () {
    world = await startWorld();
    await placeEscrow(world.chain, await world.operator());
    catalog = new BazaarCatalog(new MemoryCatalogStore());
    const signer = await world.operator();
    ours = await serveFacilitator(
      createFacilitator([new ExactEip3009Scheme({ signer, networks: [NETWORK] })]),
      {
        catalog,
      },
    );
  });
  after(async function () {
    await ours?.close();
    await world?.close();
  });

  it("echoes a stock server's declaration from the z402 client; the z402 facilitator catalogs it", async function () {
    const resourceServer = new x402ResourceServer(new HTTPFacilitatorClient({ url: ours.url }));
    resourceServer.register(NETWORK, new ExactServer()).registerExtension(bazaarResourceServerExtension);
    const app = express();
    const payTo = await world.payee();
    app.use(
      paymentMiddleware(
        {
          "GET /weather": {
            accepts: {
              scheme: "exact",
              network: NETWORK,
              payTo,
              price: { amount: "1500", asset: USDC, extra: { name: "USDC", version: "2" } },
            },
            description: "Weather by city",
            extensions: declareDiscoveryExtension({
              input: { city: "Paris" },
              inputSchema: { properties: { city: { type: "string" } }, required: ["city"] },
              output: { example: { celsius: 21 } },
            }),
          },
        },
        resourceServer,
      ),
    );
    app.get("/weather", (_req, res) => {
      res.json({ celsius: 21 });
    });
    const server: Served = await serve(app as unknown as http.RequestListener);
    try {
      const res = await z402Fetch(world, await world.payer())(`${server.url}/weather?city=Paris`);
      expect(res.status, await res.clone().text()).to.equal(200);
      const listed = await bazaar().listResources({ type: "http", network: NETWORK });
      const item = listed.items.find((i) => i.resource === `${server.url}/weather`);
      expect(item, JSON.stringify(listed)).to.not.equal(undefined);
      expect(item!).to.include({ type: "http", x402Version: 2, description: "Weather by city" });
      expect(item!.accepts[0]).to.include({ scheme: "exact", amount: "1500", payTo });
      const ext = item!.extensions!.bazaar as DiscoveryExtension;
      expect(validateDiscoveryExtension(ext).valid).to.equal(true);
      expect(ext.info.input).to.deep.include({ type: "http", method: "GET", queryParams: { city: "Paris" } });
      expect(Object.keys(item!.extensions!)).to.deep.equal(["bazaar"]);
    } finally {
      await server.close();
    }
  });

  describe("a z402 paywall declaring its route", function () {
    let z: Awaited<ReturnType<typeof serveZ402>>;
    before(async function () {
      z = await serveZ402(world, await world.payee(), 1000n, {
        facilitator: ours.url,
        routes: [
          {
            path: "/paid",
            price: 1000n,
            description: "Summarize a text",
            mimeType: "application/json",
            bazaar: { discovery: SUMMARIZE, serviceName: "Summarizer", tags: ["text", "summary"] },
          },
        ],
      });
    });
    after(async function () {
      await z?.close();
    });

    it("answers a 402 the stock client helpers read, with a valid bazaar extension", async function () {
      const res = await fetch(`${z.url}/paid`);
      expect(res.status).to.equal(402);
      const body = JSON.parse(await res.text());
      const required = new x402HTTPClient(new x402Client()).getPaymentRequiredResponse(
        (name) => res.headers.get(name),
        body,
      );
      expect(required.x402Version).to.equal(2);
      expect(required.resource).to.deep.include({ serviceName: "Summarizer", tags: ["text", "summary"] });
      const ext = required.extensions!.bazaar as DiscoveryExtension;
      expect(validateDiscoveryExtensionSpec(ext as never).valid).to.equal(true);
      expect(validateDiscoveryExtension(ext).valid).to.equal(true);
      expect(ext.info.input).to.deep.include({ type: "http", method: "GET", queryParams: SUMMARIZE.input });
      expect(ext.info.output).to.deep.include({ example: SUMMARIZE.output.example });
    });

    it("is cataloged by the z402 facilitator it delegates to, and listed by the stock client", async function () {
      const res = await z402Fetch(world, await world.payer(), { exactOnly: true })(`${z.url}/paid`);
      expect(res.status, await res.clone().text()).to.equal(200);
      const listed = await bazaar().listResources({ scheme: "exact", network: NETWORK, limit: 50 });
      const item = listed.items.find((i) => i.resource === `${z.url}/paid`);
      expect(item, JSON.stringify(listed)).to.not.equal(undefined);
      expect(item!).to.deep.include({ serviceName: "Summarizer", tags: ["text", "summary"] });
      expect((item!.extensions!.bazaar as DiscoveryExtension).info.input).to.include({ method: "GET" });
      const search = await bazaar().search({ query: "summarize" });
      expect(search.resources.map((r) => r.resource)).to.deep.equal([`${z.url}/paid`]);
    });

    it("gets the declaration echoed, with the payment identifier, in the z402 client's voucher payload", async function () {
      const own = await serveZ402(world, await world.payee(), 1000n, {
        routes: [{ path: "/paid", price: 1000n, bazaar: { discovery: SUMMARIZE } }],
      });
      const sent: unknown[] = [];
      const spy = (input: string | URL | Request, init?: RequestInit) => {
        const header = new Headers(init?.headers).get("payment-signature");
        if (header) sent.push(JSON.parse(Buffer.from(header, "base64").toString("utf8")));
        return fetch(input, init);
      };
      try {
        const paying = wrapFetch(spy, {
          payer: await world.payer(),
          sessionKey: ethers.Wallet.createRandom(),
          chainId: BigInt(CHAIN_ID),
          escrow: BATCH_SETTLEMENT,
          depositCollector: ERC3009_COLLECTOR,
          chain: ethersClientChain(world.chain.ethersProvider, BATCH_SETTLEMENT),
          deposit: { amount: 10_000n, max: 100_000n },
        });
        for (let i = 0; i < 2; i++) expect((await paying(`${own.url}/paid`)).status).to.equal(200);
        expect(sent).to.have.length(2);
        type Sent = {
          accepted: { scheme: string };
          extensions: { bazaar: DiscoveryExtension; "payment-identifier": { info: { id: unknown } } };
        };
        for (const p of sent as Sent[]) {
          expect(p.accepted.scheme).to.equal("batch-settlement");
          expect(validateDiscoveryExtension(p.extensions.bazaar).valid).to.equal(true);
          expect(p.extensions.bazaar.info.input).to.include({ method: "GET" });
          expect(p.extensions["payment-identifier"].info.id).to.be.a("string");
        }
      } finally {
        await own.close();
      }
    });

    it("filters by price ceiling and text, and pages with limit and offset", async function () {
      const get = async (q: string) => (await fetch(`${ours.url}/discovery/resources?${q}`)).json();
      expect((await get("maxAmount=999&type=http")).items).to.deep.equal([]);
      expect(
        (await get("maxAmount=1000&query=SUMMAR")).items.map((i: { resource: string }) => i.resource),
      ).to.deep.equal([`${z.url}/paid`]);
      const all = await get("");
      expect(all.pagination).to.deep.include({ offset: 0, total: 2 });
      const second = await get("limit=1&offset=1");
      expect(second.items).to.have.length(1);
      expect(second.items[0].resource).to.equal(all.items[1].resource);
      expect((await fetch(`${ours.url}/discovery/resources?limit=x`)).status).to.equal(400);
      const supported = await (await fetch(`${ours.url}/supported`)).json();
      expect(supported.extensions).to.include("bazaar");
    });
  });
});
