/** What the demo reads back from its chain: gas spent, the discovery index, and the buyer's feedback. */
import { Contract, ZeroHash } from "ethers";
import { need } from "../../sdk/cli/deployment";
import { DiscoveryIndexer, MemoryDiscoveryStore, providerLogSource } from "../../sdk/discovery";
import type { World } from "./world";

const REPUTATION_ABI = [
  "function giveFeedback(uint256 agentId, int128 value, uint8 valueDecimals, string tag1, string tag2, string endpoint, string feedbackURI, bytes32 feedbackHash)",
];

/** Gas used by every block in (from, to]: on the demo's private chain, exactly the demo's transactions. */
export async function gasBetween(world: World, from: number, to: number): Promise<bigint> {
  let total = 0n;
  for (let n = from + 1; n <= to; n++) total += (await world.provider.getBlock(n))!.gasUsed;
  return total;
}

/** A discovery index over the world's registries, escrow and factory. */
export function indexerOf(world: World) {
  const store = new MemoryDiscoveryStore();
  const d = world.deployment;
  const indexer = new DiscoveryIndexer({
    // The head straight from the node: ethers caches getBlockNumber() briefly, and the demo syncs right after
    // its own transactions.
    source: {
      ...providerLogSource(world.provider),
      blockNumber: async () => Number(await world.provider.send("eth_blockNumber", [])),
    },
    store,
    provider: world.provider,
    contracts: {
      identity: need(d, "identity"),
      factory: d.factory,
      reputation: d.reputation,
      escrow: d.escrow,
    },
  });
  return { store, indexer };
}

/** The buyer rates an agent in the reputation registry. */
export async function giveFeedback(
  world: World,
  agentId: bigint,
  score: number,
  tag: string,
  endpoint: string,
) {
  const registry = new Contract(need(world.deployment, "reputation"), REPUTATION_ABI, world.buyerOwner);
  await (await registry.giveFeedback(agentId, score, 0, tag, "", endpoint, "", ZeroHash)).wait();
}
