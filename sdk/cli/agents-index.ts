/**
 * The CLI's view of the agents on a chain: the SDK's discovery indexer run over the deployment's registries
 * (in memory, or cached in a SQLite file with `--cache` so later runs resume from the last block).
 */
import type { Provider } from "ethers";
import {
  DiscoveryIndexer,
  MemoryDiscoveryStore,
  providerLogSource,
  SqliteDiscoveryStore,
  type DiscoveryStore,
} from "../discovery";
import type { Deployment } from "./deployment";
import { need } from "./deployment";

export interface AgentsIndex {
  store: DiscoveryStore;
  close(): Promise<void>;
}

/** Indexes every agent of the deployment up to the chain head. */
export async function indexAgents(
  provider: Provider,
  deployment: Deployment,
  cache?: string,
): Promise<AgentsIndex> {
  const store: DiscoveryStore = cache ? new SqliteDiscoveryStore(cache) : new MemoryDiscoveryStore();
  const indexer = new DiscoveryIndexer({
    source: providerLogSource(provider),
    store,
    provider,
    startBlock: deployment.startBlock ?? 0,
    contracts: {
      identity: need(deployment, "identity"),
      factory: deployment.factory,
      reputation: deployment.reputation,
      escrow: deployment.escrow,
    },
    // Local agents serve their cards over plain HTTP on loopback.
    fetch: { allowHttp: deployment.chainId === 31337 },
  });
  await indexer.sync();
  return {
    store,
    close: async () => {
      await store.close();
    },
  };
}
