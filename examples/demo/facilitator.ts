/**
 * The demo's facilitator: the z402 facilitator in process, on loopback. It lands the seller's escrow deposits and
 * `exact` payments (`/verify` then `/settle`; vouchers never reach it) and catalogs the resources it sees paid (Bazaar) in a SQLite
 * catalog store, listed at `GET /discovery/resources`, which `z402 discover --facilitator <url>` reads.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Wallet } from "ethers";
import { HTTPFacilitatorClient } from "@x402/core/http";
import { withBazaar, type DiscoveryResource } from "@x402/extensions/bazaar";
import {
  BatchSettlementScheme,
  BazaarCatalog,
  createFacilitator,
  ExactEip3009Scheme,
  serveFacilitator,
  SqliteCatalogStore,
} from "../../sdk/facilitator";
import { catalogResources } from "../../sdk/discovery";

export interface DemoFacilitator {
  url: string;
  catalog: BazaarCatalog;
  /** The catalog's resources, read over HTTP like any buyer does (the stock `withBazaar` client). */
  resources(): Promise<DiscoveryResource[]>;
  close(): Promise<void>;
}

export async function startFacilitator(o: {
  chainId: bigint;
  escrow: string;
  collector: string;
  /** Sends the deposits (pays their gas). */
  signer: Wallet;
}): Promise<DemoFacilitator> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "z402-demo-facilitator-"));
  const store = new SqliteCatalogStore(path.join(dir, "catalog.sqlite"));
  const catalog = new BazaarCatalog(store);
  const networks = [`eip155:${o.chainId}`];
  const facilitator = createFacilitator([
    new ExactEip3009Scheme({ signer: o.signer, networks }),
    new BatchSettlementScheme({
      signer: o.signer,
      networks,
      escrow: o.escrow,
      collector: o.collector,
    }),
  ]);
  const running = await serveFacilitator(facilitator, { catalog });
  const client = withBazaar(new HTTPFacilitatorClient({ url: running.url })).extensions.bazaar;
  return {
    url: running.url,
    catalog,
    resources: () => catalogResources(client),
    close: async () => {
      await running.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
