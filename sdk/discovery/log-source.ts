import type { Provider } from "ethers";

/** The minimum of a log the indexer needs (an ethers `Log` satisfies it). */
export interface RawLog {
  address: string;
  topics: readonly string[];
  data: string;
  blockNumber: number;
  index: number;
}

/** Where logs come from: a JSON-RPC provider, or a fixture in tests. */
export interface LogSource {
  blockNumber(): Promise<number>;
  /** Logs of any of `addresses` whose topic0 is one of `topic0s`, in `[fromBlock, toBlock]`, in chain order. */
  logs(q: { addresses: string[]; topic0s: string[]; fromBlock: number; toBlock: number }): Promise<RawLog[]>;
}

/** A LogSource over an ethers v6 provider. */
export function providerLogSource(provider: Provider): LogSource {
  return {
    blockNumber: () => provider.getBlockNumber(),
    async logs(q) {
      const logs = await provider.getLogs({
        address: q.addresses,
        topics: [q.topic0s],
        fromBlock: q.fromBlock,
        toBlock: q.toBlock,
      });
      return logs.map((l) => ({
        address: l.address,
        topics: l.topics,
        data: l.data,
        blockNumber: l.blockNumber,
        index: l.index,
      }));
    },
  };
}
