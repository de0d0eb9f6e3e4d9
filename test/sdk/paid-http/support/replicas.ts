import { Redis } from "ioredis";
import { ChainMirror, EthersEscrowChain } from "../../../../sdk/server";
import { RedisVoucherStore } from "../../../../sdk/store";
import { startServer, type Deployment, type TestServer } from "./fixture";
import { startRedis, type RedisServer } from "./redis-server";

/** Two paywall replicas on one Redis store: `a` polls the chain, `b` reads it only when asked (its view lags). */
export interface ReplicaPair {
  a: TestServer;
  b: TestServer;
  /** B's chain mirror: refresh it to let B see the chain. */
  lagging: ChainMirror;
  close(): Promise<void>;
}

/** Starts a throw-away Redis and the two replicas; `over` applies to both (routes, handler, authorizer...). */
export async function startReplicaPair(
  d: Deployment,
  prefix: string,
  over: Parameters<typeof startServer>[1] = {},
): Promise<ReplicaPair> {
  const redis: RedisServer = await startRedis();
  const clients: Redis[] = [];
  const store = () => {
    const client = new Redis({ host: "127.0.0.1", port: redis.port });
    clients.push(client);
    return new RedisVoucherStore({ client, prefix });
  };
  const a = await startServer(d, { ...over, store: store(), instanceId: "a" });
  const chain = new EthersEscrowChain(d.chainId, d.escrow, d.relayer);
  const lagging = new ChainMirror(chain, { pollMs: 3_600_000 });
  await lagging.start();
  const b = await startServer(d, { ...over, store: store(), instanceId: "b", mirror: lagging, chain });
  return {
    a,
    b,
    lagging,
    close: async () => {
      await a.close();
      await b.close();
      await lagging.stop();
      await Promise.all(clients.map((c) => c.quit()));
      await redis.stop();
    },
  };
}
